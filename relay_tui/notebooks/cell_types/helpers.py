"""What several cell types share: the environment a cell acts on, its keys, the notebook's actor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from relay_tui.domain.findings import Code
from relay_tui.domain.masking import safe_text
from relay_tui.project.envfile import EnvFile
from relay_tui.project.specs import spec_for
from relay_tui.rules.rotation import dates_for, rotation_findings
from relay_tui.services.changes import Actor
from relay_tui.services.store_changes import pull_plan, push_plan
from relay_tui.stores.plans import make_plan
from relay_tui.stores.registry import open_env_store

if TYPE_CHECKING:
    from relay_tui.notebooks.document import Cell
    from relay_tui.notebooks.runner import RunOptions
    from relay_tui.project.project import Environment, Project
    from relay_tui.services.changes import Actor

SET_HINT = "headless, give each with --set KEY=@FILE (or one of them with --set KEY=@- on stdin)"


def cell_env(cell: Cell, project: Project, options: RunOptions) -> Environment:
    """The environment a cell acts on: its own `env`, else the run's default."""
    return project.environment(str(cell.params.get("env") or options.env))


def secret_keys(project: Project, env: Environment) -> list[str]:
    """The env's keys that have a value and are secrets (what a person may choose to rotate)."""
    if not env.file.exists():
        return []
    values = EnvFile.load(env.file).values()
    return [k for k, v in values.items() if v and spec_for(project.specs, k).is_secret]


def cell_keys(cell: Cell, project: Project, env: Environment, options: RunOptions) -> list[str]:
    """The keys a cell with `keys` acts on: its list, the due keys, or those a person chose."""
    wanted = cell.params.get("keys") or []
    if wanted == "due":
        return _due_keys(project, env)
    if wanted == "ask":
        return list(dict.fromkeys(options.keys))
    return list(dict.fromkeys(str(k) for k in wanted))


def _due_keys(project: Project, env: Environment) -> list[str]:
    """Keys of `env` whose rotation is overdue or due within 14 days (by the ledger)."""
    if not env.file.exists():
        return []
    dates = dates_for(project, env)
    found = rotation_findings(EnvFile.load(env.file), env.name, "", project.specs, dates)
    return [f.key for f in found if f.key and f.code in (Code.ROTATION_OVERDUE, Code.ROTATION_DUE)]


def actor(options: RunOptions) -> Actor:
    """A cell as the services see it: the notebook, with the run's --read-only and --yes."""
    return Actor("notebook", read_only=options.read_only, yes=options.yes)


def vault_sync(direction: str, cell: Cell, project: Project, options: RunOptions) -> list[str]:
    """Push the env's file to Vault or pull Vault into it ("push" | "pull"): the keys changed."""
    env = cell_env(cell, project, options)
    store, path = open_env_store(project, env)
    try:
        envfile = EnvFile.load(env.file) if env.file.exists() else EnvFile.parse("", env.file)
        plan = make_plan(store, project, env, envfile, path)
        if plan.in_sync:
            return [f"{env.name} and {plan.location.full} are in sync"]
        if direction == "push":
            outcome = push_plan(store, plan, env, actor(options))[1]
        else:
            outcome = pull_plan(plan, env, envfile, actor(options))
    finally:
        store.close()
    keys = ", ".join(map(safe_text, outcome.changed))
    lines = [f"{direction}: {keys} ({plan.location.full})"]
    return lines + [f"warning: {safe_text(w)}" for w in outcome.warnings]
