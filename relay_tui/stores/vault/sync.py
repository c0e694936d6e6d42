"""Plans between an environment file and its Vault path: diff, push, pull with check-and-set."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from relay_tui.errors import RelayError, UsageError
from relay_tui.project.envfile import EnvFile
from relay_tui.project.envstore import WritePolicy, check_allowed, save_env
from relay_tui.project.project import Environment, Project
from relay_tui.project.specs import spec_for
from relay_tui.stores.vault.config import settings_for, vault_path_of
from relay_tui.stores.vault.rotation_dates import record_after_write
from relay_tui.stores.vault.store import Location, VaultStore

__all__ = ["Plan", "apply_pull", "apply_push", "make_plan", "settings_for", "vault_path_of"]


@dataclass
class Plan:
    """What differs between a file and a Vault path, by key name (never values)."""

    env: str
    location: Location
    base_version: int  # the Vault version the plan was made from (0: the path is new)
    only_local: list[str] = field(default_factory=list)
    only_vault: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    converted: list[str] = field(default_factory=list)  # non-string Vault values, as JSON text
    local: dict[str, str] = field(default_factory=dict, repr=False)
    remote: dict[str, str] = field(default_factory=dict, repr=False)
    fields: dict[str, str] = field(default_factory=dict)  # env key -> Vault field
    root: Path | None = None  # the project's root, for its rotation ledger
    warnings: list[str] = field(default_factory=list)  # after a push: e.g. dates not recorded

    @property
    def in_sync(self) -> bool:
        return not (self.only_local or self.only_vault or self.changed)


def make_plan(store: VaultStore, project: Project, env: Environment, envfile: EnvFile) -> Plan:
    """Compare the file with the Vault path (one read of the whole path)."""
    location = store.locate(vault_path_of(project, env, store.settings))
    base = store.current_version(location)
    remote_raw: dict[str, Any] = {}
    if base or location.kv_version == 1:
        try:
            remote_raw = store.read(location.full).data
        except Exception:
            if location.kv_version == 2:
                raise
    plan = Plan(env.name, location, base, root=project.root)
    local = {k: v for k, v in envfile.values().items() if v is not None}
    fields = {key: spec_for(project.specs, key).vault_field or key for key in local}
    by_field = {f: k for k, f in fields.items()}
    for name, value in remote_raw.items():
        key = by_field.get(name, name)
        fields.setdefault(key, name)
        if isinstance(value, str):
            plan.remote[key] = value
        else:
            plan.remote[key] = json.dumps(value, ensure_ascii=False)
            plan.converted.append(key)
    plan.local, plan.fields = local, fields
    for key in local:
        if key not in plan.remote:
            plan.only_local.append(key)
        elif local[key] == plan.remote[key]:
            plan.unchanged.append(key)
        else:
            plan.changed.append(key)
    plan.only_vault = [k for k in plan.remote if k not in local]
    return plan


def apply_push(
    store: VaultStore, plan: Plan, env: Environment, policy: WritePolicy, prune: bool = False
) -> int | None:
    """Write the file's values to Vault with check-and-set against the planned version."""
    check_allowed(env, policy)
    data: dict[str, str] = (
        {} if prune else {plan.fields[k]: plan.remote[k] for k in plan.only_vault}
    )
    for key, value in plan.local.items():
        data[plan.fields[key]] = value
    if plan.converted and not prune:
        raise UsageError(
            "Vault holds non-string values for " + ", ".join(plan.converted) + "; pushing "
            "would turn them into strings",
            hint="push with --prune to replace the whole path, or fix them in Vault",
        )
    version = store.write(plan.location.full, data, cas=plan.base_version)
    keys = {k: plan.fields[k] for k in plan.local}
    changed = plan.only_local + plan.changed
    ledger = _ledger(plan.root, env.name)
    warning = record_after_write(store, plan.location, keys, changed, ledger, data)
    if warning:
        plan.warnings.append(warning)
    return version


def apply_pull(
    plan: Plan, env: Environment, envfile: EnvFile, policy: WritePolicy, prune: bool = False
) -> None:
    """Write Vault's values into the file through the safe writer (comments kept)."""
    for key in plan.only_vault + plan.changed:
        envfile.set(key, plan.remote[key])
    if prune:
        for key in plan.only_local:
            envfile.unset(key)
    save_env(envfile, env, policy)


def push_values(
    project: Project, env: Environment, values: dict[str, str], warnings: list[str] | None = None
) -> str:
    """Write `values` (env keys, mapped to their Vault fields) into env's path, keeping the
    other fields, with check-and-set, and record their rotation dates; returns the path.

    A warning (the values are in Vault but their rotation dates are not) goes to `warnings`;
    without that list it is added to the returned text, so that it is never lost.
    """
    settings = settings_for(project, env)
    store = VaultStore(settings)
    path = vault_path_of(project, env, settings)
    keys = {k: spec_for(project.specs, k).vault_field or k for k in values}
    fields = {keys[k]: v for k, v in values.items()}
    location = store.locate(path)
    base = store.current_version(location)
    old = store.read(path).data if base else store.read_v1_or_empty(location)
    data = {**old, **fields}
    store.write(path, data, cas=base)
    changed = [k for k, v in values.items() if old.get(keys[k]) != v]
    ledger = _ledger(project.root, env.name)
    warning = record_after_write(store, location, keys, changed, ledger, data)
    if warning and warnings is not None:
        warnings.append(warning)
    elif warning:
        return f"{path} (warning: {warning})"
    return path


def _ledger(root: Path | None, env: str) -> dict[str, datetime.date]:
    """The ledger's dates for `env`; {} when there is no root or the ledger cannot be read."""
    from relay_tui.infra.ledger import read_ledger

    if root is None:
        return {}
    try:
        return read_ledger(root).get(env, {})
    except (OSError, RelayError):
        return {}
