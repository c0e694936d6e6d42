"""Trust in a repository's relay.toml: what it asks for, and whether the user allowed it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, NamedTuple

from relay_tui.domain.masking import safe_text
from relay_tui.errors import RefusedError, RelayError
from relay_tui.infra.relay_toml import CONFIG_NAME as CONFIG_NAME  # re-exported
from relay_tui.infra.relay_toml import read_config
from relay_tui.infra.safewrite import locked, write
from relay_tui.paths import state_dir

TRUST_FILE = "trusted.json"
MAX_CONFIG_BYTES = 1 << 20
# Files a shell or another program reads (or runs) at start-up: never written, trusted or not.
STARTUP_FILES = frozenset({
    ".profile", ".bash_profile", ".bash_login", ".bashrc", ".bash_logout", ".zshenv", ".zprofile",
    ".zshrc", ".zlogin", ".zlogout", ".cshrc", ".tcshrc", ".login", ".kshrc", ".mkshrc", ".inputrc",
    ".xprofile", ".xinitrc", ".xsession", ".pam_environment", ".gitconfig", ".npmrc", ".pypirc",
    ".netrc", ".vault-token", ".envrc", ".exrc", ".vimrc", ".wgetrc", ".curlrc", ".pythonrc",
})  # fmt: skip
STARTUP_FOLDERS = frozenset({
    ".ssh", ".gnupg", ".config", ".local", ".aws", ".kube", ".docker", ".bashrc.d", ".profile.d",
})  # fmt: skip


class NotTrustedError(RefusedError):
    """relay.toml asks for something (an address, a path outside the project) not yet trusted."""


class Request(NamedTuple):
    """One thing relay.toml asks for that needs the user's trust."""

    what: str  # "Vault address" or "path outside the project"
    value: str
    where: str  # the table that asks

    def describe(self) -> str:
        """A line for `relay-tui trust` and the refusal messages."""
        return f"{self.what} {safe_text(self.value)} ({self.where})"


def config_bytes(root: Path) -> bytes | None:
    """relay.toml's exact content, or None when the project has none."""
    path = root / CONFIG_NAME
    try:
        with open(path, "rb") as handle:
            return handle.read(MAX_CONFIG_BYTES + 1)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def inside(root: Path, path: Path) -> bool:
    """Whether `path`, symlinks resolved, stays within the project root."""
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def startup_file(path: Path, home: Path | None = None) -> bool:
    """Whether `path` (resolved) is a home file that a shell or program reads at start-up."""
    home = (home or Path.home()).resolve()
    try:
        relative = path.resolve().relative_to(home)
    except ValueError:
        return False
    parts = relative.parts
    if not parts:
        return True
    return parts[0] in STARTUP_FILES or parts[0] in STARTUP_FOLDERS


def requests(root: Path, config: dict[str, Any]) -> list[Request]:
    """Everything in `config` that sends a credential somewhere or reaches outside `root`."""
    found: list[Request] = []
    vault = config.get("vault")
    if isinstance(vault, dict):
        for field in ("addr", "ca_cert", "ca_path", "client_cert", "client_key"):
            if isinstance(vault.get(field), str):
                found.append(Request(_label(field), vault[field], "[vault]"))
    project = config.get("project")
    if isinstance(project, dict) and isinstance(project.get("template"), str):
        template = root / project["template"]
        if not inside(root, template):
            found.append(Request("path outside the project", str(template.resolve()), "template"))
    environments = config.get("environments")
    if isinstance(environments, dict):
        for name, table in environments.items():
            if not isinstance(table, dict):
                continue
            where = f"[environments.{name}]"
            if isinstance(table.get("vault_addr"), str):
                found.append(Request("Vault address", table["vault_addr"], where))
            file = table.get("file")
            if isinstance(file, str) and file and "\0" not in file:
                path = root / file
                if not inside(root, path):
                    found.append(Request("path outside the project", str(path.resolve()), where))
    for link in outside_links(root):
        found.append(Request("path outside the project", str(link.resolve()), link.name))
    return found


def check_path(root: Path, path: Path, label: str) -> None:
    """Refuse a start-up file always, and a path outside the project until the user trusts it."""
    home = Path.home().resolve()
    within = inside(root, path)
    if startup_file(path, home) and (not within or root.resolve() == home):
        raise RefusedError(
            f"{label} {safe_text(str(path))} is {safe_text(str(path.resolve()))}, a file that a"
            " shell or program reads at start-up; relay-tui never reads or writes it",
            hint="point it at a file inside the project",
        )
    if not within:
        require(root, Request("path outside the project", str(path.resolve()), label))


def _label(field: str) -> str:
    return "Vault address" if field == "addr" else f"Vault {field.replace('_', ' ')} path"


def outside_links(root: Path) -> list[Path]:
    """The `.env*` symlinks at the root whose target lies outside the project."""
    found = []
    for path in sorted(root.glob(".env*")):
        if path.is_symlink() and not inside(root, path):
            found.append(path)
    return found


def material(root: Path) -> bytes:
    """What trust covers: relay.toml's exact bytes and where each outside symlink points."""
    content = config_bytes(root)
    links = [f"{p.name} -> {p.resolve()}" for p in outside_links(root)]
    if content is None and not links:
        return b""
    return (content or b"") + b"\0" + "\n".join(links).encode("utf-8", "surrogateescape")


def digest(content: bytes) -> str:
    """The SHA-256 of relay.toml's exact content."""
    return hashlib.sha256(content).hexdigest()


def _store_path() -> Path:
    return state_dir() / TRUST_FILE


def _read_store() -> dict[str, str]:
    try:
        with open(_store_path(), "rb") as handle:
            data = json.loads(handle.read(MAX_CONFIG_BYTES))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items() if isinstance(v, str)}


def _update(root: Path, value: str | None) -> bool:
    """Set (or, with None, drop) this project's entry under the store's lock; whether it changed."""
    path = _store_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with locked(path) as target:
        data = _read_store()
        key = str(root.resolve())
        before = data.get(key)
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
        if before != value:
            write(target, (json.dumps(data, indent=1, sort_keys=True) + "\n").encode())
    return before != value


def is_trusted(root: Path) -> bool:
    """Whether the user trusted relay.toml's exact content (and outside links) for this project."""
    content = material(root)
    if not content:
        return True
    return _read_store().get(str(root.resolve())) == digest(content)


def trust(root: Path) -> str:
    """Record relay.toml's current content as trusted; returns its SHA-256."""
    content = material(root)
    if not content:
        raise RefusedError(
            f"{safe_text(str(root))}: nothing to trust"
            f" (no {CONFIG_NAME}, no link out of the folder)"
        )
    value = digest(content)
    _update(root, value)
    return value


def untrust(root: Path) -> bool:
    """Forget the trust in this project's relay.toml; whether there was any."""
    return _update(root, None)


def pending(root: Path) -> list[Request]:
    """What relay.toml asks for while it is not trusted ([] once trusted, or when it is broken:
    loading the project then reports the broken file)."""
    if is_trusted(root):
        return []
    try:
        config = read_config(root / CONFIG_NAME)
    except RelayError:
        return []
    return requests(root, config)


def require(root: Path, request: Request) -> None:
    """Refuse (exit 4) unless relay.toml is trusted; the message names the request and the fix."""
    if not is_trusted(root):
        raise NotTrustedError(
            f"{CONFIG_NAME} asks for {request.describe()}, and this {CONFIG_NAME} is not trusted:"
            " nothing was sent and no file outside the project was touched",
            hint=f"read {CONFIG_NAME}, then run `relay-tui trust` in {safe_text(str(root))}",
        )
