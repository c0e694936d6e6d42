"""The rotation ledger: `.relay/ledger.toml`, when each key last got a new value (names, dates)."""

from __future__ import annotations

import datetime
import tomllib
from collections.abc import Callable
from pathlib import Path

from relay_tui.errors import ConfigurationError, RelayError
from relay_tui.infra import safewrite

Ledger = dict[str, dict[str, datetime.date]]  # environment -> key -> last rotation


def ledger_path(root: Path) -> Path:
    """`.relay/ledger.toml` beside the env files."""
    return root / ".relay" / "ledger.toml"


def read_ledger(root: Path) -> Ledger:
    """The ledger ({} when there is none); a broken one is a configuration error."""
    path = ledger_path(root)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(
            f"{path.name}: cannot read it ({exc})", hint=f"fix or remove {path}"
        ) from None
    ledger: Ledger = {}
    for env, keys in data.get("rotated", {}).items():
        if isinstance(keys, dict):
            ledger[env] = {k: v for k, v in keys.items() if isinstance(v, datetime.date)}
    return ledger


def record(root: Path, env: str, keys: list[str], when: datetime.date | None = None) -> None:
    """Note that `keys` of `env` got new values today; written atomically, dates only."""
    if not keys:
        return
    path = ledger_path(root)
    path.parent.mkdir(exist_ok=True, mode=0o700)
    with safewrite.locked(path) as target:
        expected = safewrite.current_digest(target)
        ledger = read_ledger(root)
        day = when or datetime.datetime.now(datetime.UTC).date()
        ledger.setdefault(env, {}).update(dict.fromkeys(keys, day))
        safewrite.write(target, _ledger_text(ledger), expected=expected)


def forget(root: Path, env: str, keys: list[str]) -> None:
    """Drop the dates of `keys` of `env` (they were removed from its file)."""
    if not keys or not ledger_path(root).exists():
        return
    path = ledger_path(root)
    with safewrite.locked(path) as target:
        expected = safewrite.current_digest(target)
        ledger = read_ledger(root)
        dates = ledger.get(env, {})
        if not set(keys) & set(dates):
            return
        for key in keys:
            dates.pop(key, None)
        safewrite.write(target, _ledger_text(ledger), expected=expected)


def _ledger_text(ledger: Ledger) -> bytes:
    # lazy: only a write needs the TOML writer
    import tomli_w  # only when a date is written: reading commands never load it

    text = "# When each key last got a new value (relay-tui). Names and dates only.\n"
    text += tomli_w.dumps({"rotated": {e: dict(sorted(k.items())) for e, k in ledger.items() if k}})
    return text.encode("utf-8")


def try_record(root: Path, env: str, keys: list[str]) -> str | None:
    """`record` for callers whose write already happened: returns why the ledger was not updated."""
    return _attempt(record, root, env, keys)


def try_forget(root: Path, env: str, keys: list[str]) -> str | None:
    """`forget`, for callers whose write already happened: returns why it could not be done."""
    return _attempt(forget, root, env, keys)


def _attempt(
    change: Callable[[Path, str, list[str]], None], root: Path, env: str, keys: list[str]
) -> str | None:
    try:
        change(root, env, keys)
    except (OSError, RelayError) as exc:
        reason = exc.message if isinstance(exc, RelayError) else str(exc)
        return f"the rotation ledger was not updated: {reason}"
    return None
