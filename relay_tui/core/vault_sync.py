"""Plans between an environment file and its Vault path: diff, push, pull with check-and-set."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from relay_tui.core.envfile import EnvFile
from relay_tui.core.envstore import WritePolicy, check_allowed, save_env
from relay_tui.core.project import Environment, Project
from relay_tui.core.specs import spec_for
from relay_tui.core.vault import Location, VaultStore
from relay_tui.core.vault_config import VaultSettings, settings_for
from relay_tui.errors import ConfigurationError, UsageError

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

    @property
    def in_sync(self) -> bool:
        return not (self.only_local or self.only_vault or self.changed)


def vault_path_of(project: Project, env: Environment, settings: VaultSettings) -> str:
    """The full KV path (mount included) where `env` lives in Vault."""
    if not env.vault_path:
        raise ConfigurationError(
            f"environment {env.name} has no vault_path",
            hint=f'add to relay.toml: [environments.{env.name}] vault_path = "{project.name}/'
            f'{env.name}"',
        )
    return f"{settings.mount}/{env.vault_path.strip('/')}"


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
    plan = Plan(env.name, location, base)
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
    return store.write(plan.location.full, data, cas=plan.base_version)


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


def push_values(project: Project, env: Environment, values: dict[str, str]) -> str:
    """Write `values` (env keys, mapped to their Vault fields) into env's path, keeping the
    other fields, with check-and-set; returns the path."""
    settings = settings_for(project, env)
    store = VaultStore(settings)
    path = vault_path_of(project, env, settings)
    fields = {spec_for(project.specs, k).vault_field or k: v for k, v in values.items()}
    location = store.locate(path)
    base = store.current_version(location)
    old = store.read(path).data if base else store.read_v1_or_empty(location)
    store.write(path, {**old, **fields}, cas=base)
    return path
