"""Plans between an environment file and its path in a SecretStore: diff, push, pull."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from relay_tui.errors import RelayError, UsageError
from relay_tui.infra.ledger import read_ledger
from relay_tui.project.envfile import EnvFile
from relay_tui.project.envstore import WritePolicy, check_allowed, save_env
from relay_tui.project.project import Environment, Project
from relay_tui.project.specs import spec_for
from relay_tui.stores.base import Capability, Located, SecretStore
from relay_tui.stores.dates import record_after_write
from relay_tui.stores.registry import open_env_store


@dataclass
class Plan:
    """What differs between a file and a store path, by key name (never values)."""

    env: str
    location: Located
    base_version: int  # the store's version the plan was made from (0: the path is new)
    check_and_set: bool = True  # False: the store cannot refuse a change made meanwhile
    store_title: str = "Vault"
    only_local: list[str] = field(default_factory=list)
    only_store: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    converted: list[str] = field(default_factory=list)  # non-string store values, as JSON text
    local: dict[str, str] = field(default_factory=dict, repr=False)
    remote: dict[str, str] = field(default_factory=dict, repr=False)
    fields: dict[str, str] = field(default_factory=dict)  # env key -> store field
    root: Path | None = None  # the project's root, for its rotation ledger
    warnings: list[str] = field(default_factory=list)  # after a push: e.g. dates not recorded

    @property
    def in_sync(self) -> bool:
        return not (self.only_local or self.only_store or self.changed)


def make_plan(
    store: SecretStore, project: Project, env: Environment, envfile: EnvFile, path: str
) -> Plan:
    """Compare the file with the store's `path` (one read of the whole path)."""
    location = store.locate(path)
    current = store.current(location)
    plan = Plan(
        env.name,
        location,
        current.version or 0,
        check_and_set=Capability.CHECK_AND_SET in store.capabilities(location),
        store_title=store.title,
        root=project.root,
    )
    local = {k: v for k, v in envfile.values().items() if v is not None}
    fields = {key: spec_for(project.specs, key).vault_field or key for key in local}
    by_field = {f: k for k, f in fields.items()}
    for name, value in current.data.items():
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
    plan.only_store = [k for k in plan.remote if k not in local]
    return plan


def apply_push(
    store: SecretStore, plan: Plan, env: Environment, policy: WritePolicy, prune: bool = False
) -> int | None:
    """Write the file's values to the store with check-and-set against the planned version."""
    check_allowed(env, policy)
    data: dict[str, str] = (
        {} if prune else {plan.fields[k]: plan.remote[k] for k in plan.only_store}
    )
    for key, value in plan.local.items():
        data[plan.fields[key]] = value
    if plan.converted and not prune:
        raise UsageError(
            f"{plan.store_title} holds non-string values for "
            + ", ".join(plan.converted)
            + "; pushing would turn them into strings",
            hint=f"push with --prune to replace the whole path, or fix them in {plan.store_title}",
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
    """Write the store's values into the file through the safe writer (comments kept)."""
    for key in plan.only_store + plan.changed:
        envfile.set(key, plan.remote[key])
    if prune:
        for key in plan.only_local:
            envfile.unset(key)
    save_env(envfile, env, policy)


def merge_fields(
    store: SecretStore, path: str, fields: dict[str, str]
) -> tuple[Located, dict[str, Any], dict[str, Any], int | None]:
    """Merge `fields` into what `path` holds, with check-and-set against the version read just
    before (a change in between is refused, not lost): (location, old, new, version)."""
    location = store.locate(path)
    current = store.current(location)
    data = {**current.data, **fields}
    version = store.write(path, data, cas=current.version or 0)
    return location, current.data, data, version


def push_values(
    project: Project, env: Environment, values: dict[str, str], warnings: list[str] | None = None
) -> str:
    """Write `values` (env keys, mapped to their store fields) into env's path, keeping the
    other fields, with check-and-set, and record their rotation dates; returns the path.

    A warning (the values are in the store but their rotation dates are not) goes to
    `warnings`; without that list it is added to the returned text, so that it is never lost.
    """
    store, path = open_env_store(project, env)
    try:
        keys = {k: spec_for(project.specs, k).vault_field or k for k in values}
        fields = {keys[k]: v for k, v in values.items()}
        location, old, data, _version = merge_fields(store, path, fields)
        changed = [k for k, v in values.items() if old.get(keys[k]) != v]
        ledger = _ledger(project.root, env.name)
        warning = record_after_write(store, location, keys, changed, ledger, data)
    finally:
        store.close()
    if warning and warnings is not None:
        warnings.append(warning)
    elif warning:
        return f"{path} (warning: {warning})"
    return path


def _ledger(root: Path | None, env: str) -> dict[str, datetime.date]:
    """The ledger's dates for `env`; {} when there is no root or the ledger cannot be read."""
    if root is None:
        return {}
    try:
        return read_ledger(root).get(env, {})
    except (OSError, RelayError):
        return {}
