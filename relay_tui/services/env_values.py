"""Changes to an environment's file: set, unset, save the workbench's edits, generate, rotate."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from relay_tui.domain.masking import safe_text
from relay_tui.project.envfile import EditReport, EnvFile
from relay_tui.project.envstore import edit_env, rotate_in_file, save_env, write_new_file
from relay_tui.project.project import Environment, Project
from relay_tui.services.changes import (
    Actor,
    Outcome,
    audited,
    policy,
    record_dates,
    require_allowed,
    require_writable,
)


def set_value(
    project: Project,
    env: Environment,
    key: str,
    value: str,
    actor: Actor,
    *,
    occurrence: int | None = None,
    generated: bool = False,
) -> Outcome:
    """Set one key (only its lines change); audited as set or generate; dated in the ledger."""
    outcome = Outcome()
    action = "generate" if generated else "set"
    with audited(actor, action, env.name, [key], outcome):
        require_allowed(actor, env)
        report: EditReport = edit_env(
            env, lambda envfile: envfile.set(key, value, occurrence), policy(actor)
        )
    outcome.changed = [key]
    outcome.summary = f"{env.name}: {report.describe()}"
    record_dates(project.root, env.name, [key], [], outcome)
    return outcome


def set_values(project: Project, env: Environment, values: dict[str, str], actor: Actor) -> Outcome:
    """Set several keys in one atomic edit; audited as one set; all of them dated."""
    outcome = Outcome()
    keys = sorted(values)

    def change(envfile: EnvFile) -> None:
        for key, value in values.items():
            envfile.set(key, value)

    with audited(actor, "set", env.name, keys, outcome):
        require_allowed(actor, env)
        edit_env(env, change, policy(actor))
    outcome.changed = keys
    record_dates(project.root, env.name, keys, [], outcome)
    return outcome


def unset_value(
    project: Project, env: Environment, key: str, actor: Actor, *, occurrence: int | None = None
) -> Outcome:
    """Remove one binding; audited; its date leaves the ledger once no binding is left."""
    outcome = Outcome()
    left: list[bool] = []

    def change(envfile: EnvFile) -> EditReport:
        report = envfile.unset(key, occurrence)
        left.append(key in envfile.index)  # another binding of the key keeps its date
        return report

    with audited(actor, "unset", env.name, [key], outcome):
        require_allowed(actor, env)
        report = edit_env(env, change, policy(actor, create=False))
    outcome.changed = [key]
    outcome.summary = f"{env.name}: {report.describe()}"
    record_dates(project.root, env.name, [], [] if left[0] else [key], outcome)
    return outcome


def save_edits(
    project: Project,
    env: Environment,
    envfile: EnvFile,
    pending: Mapping[str, str | None],
    actor: Actor,
    action: str = "set",
) -> Outcome:
    """Write a model read earlier plus `pending` edits (None removes); refused (exit 4) if the
    file changed on disk since it was read. Audited as one `action` (set, generate) of the keys."""
    outcome = Outcome()
    keys = sorted(pending)
    with audited(actor, action, env.name, keys, outcome):
        require_allowed(actor, env)
        for key, value in pending.items():
            if value is None:
                if key in envfile.index:
                    envfile.unset(key)
            else:
                envfile.set(key, value)
        save_env(envfile, env, policy(actor))
    outcome.changed = keys
    rotated = [k for k in keys if pending[k] is not None]
    record_dates(project.root, env.name, rotated, [k for k in keys if pending[k] is None], outcome)
    return outcome


def write_generated(
    project: Project,
    data: bytes,
    generated: list[str],
    actor: Actor,
    *,
    env: Environment | None = None,
    output: Path | None = None,
    force: bool = False,
) -> Outcome:
    """Write a file filled from the template to `env`'s file or to `output` (0600; an existing
    file only with `force`); audited as generate; an environment's new keys are dated."""
    outcome = Outcome()
    target = env.file if env is not None else output
    assert target is not None
    with audited(actor, "generate", env.name if env else None, generated, outcome,
                 f"generate-env -> {target.name}"):  # fmt: skip
        if env is not None:
            require_allowed(actor, env)
        else:
            require_writable(actor, str(target))
        write_new_file(target, data, force=force)
    outcome.changed = list(generated)
    outcome.summary = f"wrote {target} (mode 0600): {len(generated)} generated"
    if env is not None:
        record_dates(project.root, env.name, list(generated), [], outcome)
    return outcome


def rotate_keys(
    project: Project,
    env: Environment,
    keys: list[str],
    supplied: dict[str, str],
    actor: Actor,
    action: str = "rotate",
) -> tuple[dict[str, str], Outcome]:
    """New values for `keys` in `env`'s file (generated, or `supplied` for provider keys);
    audited as `action` (rotate, or generate for one key) and dated. Returns the new values,
    for a push."""
    outcome = Outcome()
    with audited(actor, action, env.name, keys, outcome, f"file {env.file.name}"):
        require_allowed(actor, env)
        values = rotate_in_file(project, env, keys, policy(actor), supplied)
    outcome.changed = list(keys)
    outcome.summary = f"rotated in {env.file.name}: {', '.join(map(safe_text, keys))}"
    record_dates(project.root, env.name, list(keys), [], outcome)
    return values, outcome
