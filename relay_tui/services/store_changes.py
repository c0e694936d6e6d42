"""Changes to a secret store: push or pull a plan, put fields, push rotated values."""

from __future__ import annotations

from relay_tui.domain.masking import safe_text
from relay_tui.project.envfile import EnvFile
from relay_tui.project.project import Environment, Project
from relay_tui.services.changes import (
    Actor,
    Outcome,
    audited,
    policy,
    require_allowed,
    require_writable,
)
from relay_tui.stores.base import SecretStore
from relay_tui.stores.dates import record_after_write
from relay_tui.stores.plans import Plan, apply_pull, apply_push, merge_fields, push_values


def _planned_keys(plan: Plan) -> list[str]:
    return sorted(plan.only_local + plan.only_store + plan.changed)


def push_plan(
    store: SecretStore, plan: Plan, env: Environment, actor: Actor, *, prune: bool = False
) -> tuple[int | None, Outcome]:
    """Write the file's values to the store with check-and-set against the plan's version;
    audited as push; rotation dates go to the store where it keeps them."""
    outcome = Outcome(changed=_planned_keys(plan))
    with audited(actor, "push", env.name, outcome.changed, outcome, plan.location.full):
        require_allowed(actor, env)
        version = apply_push(store, plan, env, policy(actor), prune)
    outcome.warnings += plan.warnings
    outcome.summary = f"pushed {env.name} to {plan.location.full}" + (
        f" (version {version})" if version else ""
    )
    return version, outcome


def pull_plan(
    plan: Plan, env: Environment, envfile: EnvFile, actor: Actor, *, prune: bool = False
) -> Outcome:
    """Write the store's values into the file through the safe writer; audited as pull."""
    outcome = Outcome(changed=_planned_keys(plan))
    with audited(actor, "pull", env.name, outcome.changed, outcome, plan.location.full):
        require_allowed(actor, env)
        apply_pull(plan, env, envfile, policy(actor), prune)
    outcome.summary = f"pulled {plan.location.full} into {env.file.name}"
    return outcome


def put_fields(
    store: SecretStore, path: str, data: dict[str, str], actor: Actor
) -> tuple[int | None, Outcome]:
    """Merge `data` into the fields at `path` with check-and-set against the version read
    just before (a change in between is refused, not lost); audited as put; dated."""
    outcome = Outcome(changed=sorted(data))
    with audited(actor, "put", None, outcome.changed, outcome, safe_text(path)):
        require_writable(actor, path)
        location, current, merged, version = merge_fields(store, path, data)
    changed = [k for k, v in data.items() if current.get(k) != v]
    warning = record_after_write(store, location, {k: k for k in data}, changed, {}, merged)
    outcome.warnings += [warning] if warning else []
    where = f" (version {version})" if version else ""
    outcome.summary = f"wrote {', '.join(outcome.changed)} to {safe_text(path)}{where}"
    return version, outcome


def push_rotated(
    project: Project, env: Environment, values: dict[str, str], actor: Actor
) -> Outcome:
    """Write freshly rotated values into the environment's store path (check-and-set, other
    fields kept); audited as push; rotation dates recorded where the store keeps them."""
    outcome = Outcome(changed=sorted(values))
    with audited(actor, "push", env.name, outcome.changed, outcome, "rotate"):
        require_allowed(actor, env)
        path = push_values(project, env, values, outcome.warnings)
    outcome.summary = f"pushed to {path} with check-and-set"
    return outcome
