"""Rotation ages: each key's last rotation date (its store's, else the ledger's) and findings."""

from __future__ import annotations

import datetime

from relay_tui.domain.findings import Code, Finding, Severity
from relay_tui.domain.masking import safe_text
from relay_tui.infra.ledger import Ledger, read_ledger
from relay_tui.project.envfile import EnvFile
from relay_tui.project.project import Environment, Project
from relay_tui.project.specs import SecretSpec, spec_for
from relay_tui.stores.registry import store_kind

DUE_WITHIN_DAYS = 14


def dates_for(project: Project, env: Environment) -> dict[str, datetime.date]:
    """When each key of `env` last got a new value (its store's dates, else the ledger's)."""
    return dates_with_source(project, env)[0]


def dates_with_source(
    project: Project, env: Environment, ledger: Ledger | None = None
) -> tuple[dict[str, datetime.date], str]:
    """`dates_for`, and where the dates came from.

    An environment whose store keeps rotation dates (Vault's KV v2 custom metadata), when that
    store is configured, takes each key's date from it, and the ledger's for keys it has none
    for: "vault PATH". Otherwise "ledger", or "ledger (vault unreachable: REASON)" when the
    store could not be read. `ledger` saves re-reading the ledger file.
    """
    local = dict((read_ledger(project.root) if ledger is None else ledger).get(env.name, {}))
    if store_kind(env) is None:
        return local, "ledger"
    # lazy: the store interface loads only for an environment that names a store
    from relay_tui.stores.dates import store_dates

    return store_dates(project, env, local)


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
            found.append(
                Finding(Code.ROTATION_UNKNOWN, Severity.INFO, env, shown, message, fix, file, line)
            )
            continue
        age, cadence = (today - last).days, spec.rotate_days
        left = cadence - age
        if left < 0:
            message = f"{shown} is {age} days old: {-left} day(s) past its {cadence}-day cadence"
            code, severity = Code.ROTATION_OVERDUE, Severity.WARNING
        elif left <= DUE_WITHIN_DAYS:
            message = f"{shown} is due for rotation in {left} day(s) (every {cadence} days)"
            code, severity = Code.ROTATION_DUE, Severity.INFO
        else:
            continue
        found.append(Finding(code, severity, env, shown, message, fix, file, line))
    return found
