"""Rotation ages: each key's last rotation date (its store's, else the ledger's) and findings."""

from __future__ import annotations

import datetime
from typing import Any

from relay_tui.domain.findings import Finding
from relay_tui.domain.masking import safe_text
from relay_tui.infra.ledger import Ledger, read_ledger
from relay_tui.project.envfile import EnvFile
from relay_tui.project.specs import SecretSpec, spec_for

DUE_WITHIN_DAYS = 14


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
    from relay_tui.stores.vault.rotation_dates import vault_dates  # only here: Vault stays unloaded

    return vault_dates(project, env, local)


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
