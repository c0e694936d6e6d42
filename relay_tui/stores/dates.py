"""Rotation dates asked of a store that keeps them (ROTATION_DATES), else the ledger's."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from relay_tui.domain.masking import safe_text
from relay_tui.errors import RelayError
from relay_tui.project.project import Environment, Project
from relay_tui.stores.base import Dates, Located, RotationDates, SecretStore, dated
from relay_tui.stores.registry import open_in_background, store_kind


def today() -> datetime.date:
    """Today's date in UTC (the ledger's clock too)."""
    return datetime.datetime.now(datetime.UTC).date()


def store_dates(project: Project, env: Environment, ledger: Dates) -> tuple[Dates, str]:
    """`ledger` overlaid with the dates the environment's store keeps, and where they came from.

    "KIND PATH" when the store answered; "ledger" when the environment has no store, the store
    is not configured or keeps no dates there; "ledger (KIND unreachable: REASON)" when it could
    not be read. One request in the usual case, no retries, so validate stays quick.
    """
    kind = store_kind(env)
    if kind is None:
        return dict(ledger), "ledger"
    try:
        opened = open_in_background(project, env)
    except RelayError as exc:
        return dict(ledger), f"ledger ({kind} unreachable: {exc.message})"
    if opened is None:
        return dict(ledger), "ledger"
    store, path = opened
    try:
        in_store = store.rotation_dates(path) if isinstance(store, RotationDates) else None
    except Exception as exc:  # unreachable, sealed, forbidden...: the ledger still answers
        reason = exc.message if isinstance(exc, RelayError) else type(exc).__name__
        return dict(ledger), f"ledger ({kind} unreachable: {reason})"
    finally:
        store.close()
    if in_store is None:  # the store keeps no dates there (Vault's KV v1): silently the ledger
        return dict(ledger), "ledger"
    by_field = {s.vault_field: k for k, s in project.specs.items() if s.vault_field}
    return {**ledger, **{by_field.get(f, f): d for f, d in in_store.items()}}, f"{kind} {path}"


def record_after_write(
    store: SecretStore,
    location: Located,
    keys: Mapping[str, str],
    changed: Iterable[str],
    ledger: Mapping[str, datetime.date],
    fields: Iterable[str] | None = None,
) -> str | None:
    """Rotation dates after a data write that succeeded; returns a warning, never raises.

    `keys` maps each written env key to its store field. A key whose value `changed` gets its
    ledger date, else today; an unchanged key gets its ledger date only where the store has
    none. A store (or a location) without the capability records nothing: the ledger keeps them.
    """
    keeper = dated(store, location)
    if keeper is None or not keys:
        return None
    moved = set(changed)
    dates = {f: ledger.get(k) or today() for k, f in keys.items() if k in moved}
    fill = {f: ledger[k] for k, f in keys.items() if k not in moved and k in ledger}
    try:
        keeper.record_dates(location, dates, fill=fill, fields=fields)
    except Exception as exc:  # the data write happened: this must not read as its failure
        reason = exc.message if isinstance(exc, RelayError) else type(exc).__name__
        return unrecorded_warning(list(keys), location.full, reason, store.title)
    return None


def unrecorded_warning(keys: list[str], path: str, reason: str, title: str = "Vault") -> str:
    """What to say when the values were written but their rotation dates were not."""
    names = ", ".join(map(safe_text, sorted(keys)))
    if len(keys) == 1:
        what = f"the value IS in {title}, but its rotation date was not recorded"
    else:
        what = f"the values ARE in {title}, but their rotation dates were not recorded"
    return f"{names} at {safe_text(path)}: {what} ({reason})"
