"""Rotation ages: Vault metadata or a ledger of key names and dates (never values), findings."""

from __future__ import annotations

import datetime
import tomllib
from pathlib import Path
from typing import Any

from relay_tui.core import safewrite
from relay_tui.core.envfile import EnvFile
from relay_tui.core.findings import Finding
from relay_tui.core.masking import safe_text
from relay_tui.core.specs import SecretSpec, spec_for
from relay_tui.errors import ConfigurationError

DUE_WITHIN_DAYS = 14
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


def dates_for(project: Any, env: Any) -> dict[str, datetime.date]:
    """When each key of `env` last got a new value (Vault's metadata, else the ledger)."""
    return dates_with_source(project, env)[0]


def dates_with_source(
    project: Any, env: Any, ledger: Ledger | None = None
) -> tuple[dict[str, datetime.date], str]:
    """`dates_for`, and where the dates came from.

    An environment with a vault_path, when Vault is configured, takes each key's date from the
    custom metadata of that KV v2 path, and the ledger's for keys Vault has none for: "vault
    PATH". Otherwise "ledger", or "ledger (vault unreachable: REASON)" when Vault could not be
    read. `ledger` saves re-reading the ledger file.
    """
    local = dict((read_ledger(project.root) if ledger is None else ledger).get(env.name, {}))
    if not getattr(env, "vault_path", None):
        return local, "ledger"
    from relay_tui.core.vault_rotation import vault_dates  # only here: Vault stays unloaded

    return vault_dates(project, env, local)


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
    import tomli_w

    text = "# When each key last got a new value (relay-tui). Names and dates only.\n"
    text += tomli_w.dumps({"rotated": {e: dict(sorted(k.items())) for e, k in ledger.items() if k}})
    return text.encode("utf-8")


def rotation_findings(
    envfile: EnvFile,
    env: str,
    file: str,
    specs: dict[str, SecretSpec],
    dates: dict[str, datetime.date],
    today: datetime.date | None = None,
) -> list[Finding]:
    """`rotation-overdue` (warning), `rotation-due` (within 14 days) and `rotation-unknown`."""
    today = today or datetime.datetime.now(datetime.UTC).date()
    found: list[Finding] = []
    for key, value in envfile.values().items():
        if not value:
            continue
        spec = specs.get(key) or spec_for(specs, key)
        if not spec.rotate_days:
            continue
        shown, line = safe_text(key), envfile.entries[envfile.index[key][-1]].line
        fix = f"relay-tui rotate {shown} --env {env}"
        last = dates.get(key)
        if last is None:
            message = f"{shown}: no rotation date on record (cadence {spec.rotate_days} days)"
            found.append(Finding("rotation-unknown", "info", env, shown, message, fix, file, line))
            continue
        age, cadence = (today - last).days, spec.rotate_days
        left = cadence - age
        if left < 0:
            message = f"{shown} is {age} days old: {-left} day(s) past its {cadence}-day cadence"
            code, severity = "rotation-overdue", "warning"
        elif left <= DUE_WITHIN_DAYS:
            message = f"{shown} is due for rotation in {left} day(s) (every {cadence} days)"
            code, severity = "rotation-due", "info"
        else:
            continue
        found.append(Finding(code, severity, env, shown, message, fix, file, line))
    return found


def try_record(root: Path, env: str, keys: list[str]) -> str | None:
    """`record` for callers whose write already happened: returns why the ledger was not updated."""
    return _attempt(record, root, env, keys)


def try_forget(root: Path, env: str, keys: list[str]) -> str | None:
    """`forget`, for callers whose write already happened: returns why it could not be done."""
    return _attempt(forget, root, env, keys)


def _attempt(change: Any, root: Path, env: str, keys: list[str]) -> str | None:
    from relay_tui.errors import RelayError

    try:
        change(root, env, keys)
    except (OSError, RelayError) as exc:
        reason = exc.message if isinstance(exc, RelayError) else str(exc)
        return f"the rotation ledger was not updated: {reason}"
    return None


def rotate_in_file(
    project: Any, env: Any, keys: list[str], policy: Any, supplied: dict[str, str]
) -> dict[str, str]:
    """New values for `keys` (generated, or `supplied` for provider keys), written to env's file.

    Returns the new values (for a push). Nothing is written if any key cannot get a value.
    """
    from relay_tui.core.envstore import edit_env
    from relay_tui.core.generate import generate
    from relay_tui.errors import UsageError

    current = EnvFile.load(env.file).values() if env.file.exists() else {}
    missing = [k for k in keys if k not in current]
    if missing:
        raise UsageError(
            f"{', '.join(map(safe_text, missing))} not set in {env.name}: nothing to rotate",
            hint=f"set it first: relay-tui set KEY --env {env.name}",
        )
    values: dict[str, str] = {}
    for key in keys:
        spec = spec_for(project.specs, key)
        if spec.generatable:
            values[key] = generate(spec.kind)
        elif supplied.get(key):
            values[key] = supplied[key]
        else:
            raise UsageError(f"{safe_text(key)} is issued by its provider: give its new value")

    def change(envfile: EnvFile) -> None:
        for key, value in values.items():
            envfile.set(key, value)

    edit_env(env, change, policy)
    return values
