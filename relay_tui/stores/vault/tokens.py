"""Tokens seen accepted (keyed fingerprint, server, expiry; never the token) to explain refusals."""

from __future__ import annotations

import json
import time
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from relay_tui.domain.masking import fingerprint
from relay_tui.errors import RelayError
from relay_tui.infra import safewrite
from relay_tui.paths import fingerprint_key, state_dir

MAX_RECORDS = 200


class Sighting(NamedTuple):
    """A token was accepted by `addr` (namespace) at `seen`; `expires` is None for no expiry."""

    addr: str
    namespace: str
    seen: float
    expires: float | None


def ledger_path() -> Path:
    """The file holding the sightings (in the state folder, mode 0600)."""
    return state_dir() / "tokens.json"


def _load() -> dict[str, Any]:
    try:
        data = json.loads(ledger_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _key(token: str) -> str:
    return fingerprint(token, fingerprint_key())


def recall(token: str) -> list[Sighting]:
    """Every server that accepted this token, newest first."""
    found = []
    for record in _load().get(_key(token), []):
        try:
            found.append(Sighting(str(record[0]), str(record[1]), float(record[2]), record[3]))
        except (IndexError, TypeError, ValueError):
            continue
    return sorted(found, key=lambda s: -s.seen)


def knows(token: str, addr: str, namespace: str) -> bool:
    """Whether this token was already seen accepted by this server and namespace."""
    return any(s.addr == addr and s.namespace == namespace for s in recall(token))


def remember(token: str, addr: str, namespace: str, expires: float | None) -> None:
    """Record that `addr` accepted the token; failures to save are ignored (it is a hint only).

    Written 0600 through `safewrite` under the folder's lock; a link there is not written through.
    """
    key = _key(token)
    path = ledger_path()
    with suppress(OSError, RelayError):
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with safewrite.locked(path, follow_links=False) as target:
            data = _load()
            kept = [
                r for r in data.get(key, []) if isinstance(r, list) and r[:2] != [addr, namespace]
            ]
            data[key] = [[addr, namespace, time.time(), expires], *kept][:8]
            if len(data) > MAX_RECORDS:
                newest = sorted(data, key=lambda k: -max(r[2] for r in data[k]))
                data = {k: data[k] for k in newest[:MAX_RECORDS]}
            safewrite.write(target, json.dumps(data).encode("utf-8"), mode=0o600)


def expiry_of(lookup: dict[str, Any]) -> float | None:
    """The expiry time of a token from its lookup-self data (None when it never expires)."""
    raw = lookup.get("expire_time")
    if isinstance(raw, str) and raw:
        try:
            return datetime.fromisoformat(raw.replace("Z", "+00:00")).timestamp()
        except ValueError:
            pass
    ttl = lookup.get("ttl")
    return time.time() + float(ttl) if isinstance(ttl, int | float) and ttl > 0 else None


def stamp(moment: float) -> str:
    """A moment as 'YYYY-MM-DD HH:MM UTC'."""
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%d %H:%M UTC")


def why_rejected(token: str, addr: str, namespace: str) -> tuple[str, str]:
    """(reason, hint) for a token the server does not accept, from what was seen before."""
    sightings = recall(token)
    here = [s for s in sightings if s.addr == addr and s.namespace == namespace]
    if here:
        last = here[0]
        if last.expires is not None and last.expires <= time.time():
            return (
                f"it expired at {stamp(last.expires)}",
                "log in again (bao login) for a fresh token, or renew tokens before they expire",
            )
        return (
            f"it was accepted here on {stamp(last.seen)} and has not expired, so it was revoked "
            "(or the server lost its tokens: a dev server starts empty)",
            "get a new token (bao login) and try again",
        )
    if sightings:
        other = sightings[0]
        return (
            f"it belongs to another server: {other.addr} (namespace: {other.namespace}) "
            f"accepted it on {stamp(other.seen)}",
            "point BAO_ADDR / VAULT_ADDR at that server, or use a token for this one",
        )
    return (
        "it is wrong, or it expired or was revoked before relay-tui saw it work",
        "get a fresh token (bao login) and try again",
    )
