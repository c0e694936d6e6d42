"""Browsing Vault/OpenBao: the KV mounts a token can see, and a bounded search below them."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from relay_tui.errors import RelayError
from relay_tui.stores.vault.store import VaultStore

SEARCH_DEPTH = 5  # folder levels below a mount
SEARCH_FOLDERS = 300  # folders listed at most by one search


@dataclass(frozen=True, slots=True)
class Mount:
    """A KV mount: its path without slashes and its KV version (0 when not known)."""

    path: str
    kv_version: int

    @property
    def label(self) -> str:
        """How a tree shows it, e.g. 'secret/ (kv v2)'."""
        kind = f"kv v{self.kv_version}" if self.kv_version else "kv"
        return f"{self.path}/ ({kind})"


@dataclass
class SearchResult:
    """Paths below the roots that contain the needle, and every folder listed on the way."""

    needle: str
    matches: list[str] = field(default_factory=list)  # full paths; folders end with "/"
    listings: dict[str, list[str]] = field(default_factory=dict)  # "mount/folder/" -> names
    folders: int = 0
    failures: int = 0
    truncated: bool = False  # stopped at the folder limit
    cancelled: bool = False


def list_mounts(store: VaultStore) -> list[Mount]:
    """The KV mounts the token can see (sys/internal/ui/mounts), the configured mount first.

    A token that may not list mounts still gets the configured one.
    """
    configured = store.settings.mount
    try:
        body = store.call("GET", "/v1/sys/internal/ui/mounts", action="list the mounts")
    except RelayError:
        return [Mount(configured, 0)]
    secret = ((body or {}).get("data") or {}).get("secret") or {}
    mounts = [Mount(configured, 0)]
    for path, info in sorted(secret.items()):
        if not isinstance(info, dict) or info.get("type") not in ("kv", "generic"):
            continue
        options = info.get("options") or {}
        version = 2 if str(options.get("version", "1")) == "2" else 1
        name = str(path).strip("/")
        if name == configured:
            mounts[0] = Mount(name, version)
        elif name:
            mounts.append(Mount(name, version))
    return mounts


def search_paths(
    list_folder: Callable[[str], list[str]],
    roots: list[str],
    needle: str,
    *,
    known: Mapping[str, list[str]] | None = None,
    depth: int = SEARCH_DEPTH,
    limit: int = SEARCH_FOLDERS,
    cancelled: Callable[[], bool] = lambda: False,
) -> SearchResult:
    """Walk the folders below `roots` (breadth first, `depth` levels) for paths holding `needle`.

    `list_folder("mount/folder/")` returns the names in a folder; listings in `known` are reused.
    A folder that cannot be listed is counted and skipped; `cancelled` is checked between calls.
    """
    result = SearchResult(needle)
    folded = needle.lower()
    tops = [root.rstrip("/") + "/" for root in roots]
    queue: deque[tuple[str, int, int]] = deque((top, 1, len(top)) for top in tops)
    while queue:
        if cancelled():
            result.cancelled = True
            break
        folder, level, cut = queue.popleft()
        names = (known or {}).get(folder)
        if names is None:
            if result.folders >= limit:
                result.truncated = True
                break
            result.folders += 1
            try:
                names = list_folder(folder)
            except RelayError:
                result.failures += 1
                continue
        result.listings[folder] = names
        for name in names:
            path = folder + name
            if folded in path[cut:].lower():  # below the mount: "secret" does not match all
                result.matches.append(path)
            if name.endswith("/") and level < depth:
                queue.append((path, level + 1, cut))
    return result
