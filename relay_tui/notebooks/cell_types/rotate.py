"""The rotate cell: new values for listed, due or chosen keys, in the file and optionally Vault."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from relay_tui.domain.masking import safe_text
from relay_tui.errors import ConfigurationError, RelayError
from relay_tui.notebooks.cell_type import (
    CellFailed,
    CellType,
    NeedsPerson,
    Param,
    Person,
    its_env,
)
from relay_tui.notebooks.cell_types.helpers import (
    SET_HINT,
    actor,
    cell_env,
    cell_keys,
    secret_keys,
)
from relay_tui.project.specs import spec_for
from relay_tui.services.env_values import rotate_keys
from relay_tui.services.store_changes import push_rotated

if TYPE_CHECKING:
    from relay_tui.notebooks.document import Cell
    from relay_tui.notebooks.runner import RunOptions
    from relay_tui.project.project import Project
    from relay_tui.project.specs import SecretSpec


def invalidates(spec: SecretSpec) -> str:
    """What giving this key a new value breaks, by its kind (shown after a rotation)."""
    if spec.kind == "signing-key":
        return (
            "every token and session signed with the old key stops verifying: users are logged out"
        )
    if spec.kind == "password":
        return "connections with the old password fail until the database user is changed"
    if spec.kind in ("api-key", "token"):
        return "clients holding the old key are refused"
    if spec.kind == "provider":
        return "the old key still works until you revoke it at the provider"
    if spec.kind == "fernet":
        return "data encrypted with the old key cannot be read with the new one: re-encrypt it"
    return "whatever used the old value"


def run(
    number: int, cell: Cell, project: Project, options: RunOptions, action: str = "rotate"
) -> list[str]:
    """Rotate the cell's keys (a person gives those a provider issues), then push if asked."""
    env = cell_env(cell, project, options)
    if cell.params.get("keys") == "ask" and not options.keys:
        choices = ", ".join(map(safe_text, secret_keys(project, env))) or "none"
        raise NeedsPerson(
            f"choose the compromised keys of {env.name} (secrets with a value: {choices})",
            hint="headless, name them with --keys KEY,KEY",
        )
    keys = cell_keys(cell, project, env, options)
    if not keys:
        return [f"nothing is due for rotation in {env.name}"]
    specs = {key: spec_for(project.specs, key) for key in keys}
    manual = [s for s in specs.values() if not s.generatable and not options.inputs.get(s.key)]
    if manual:
        raise NeedsPerson(
            f"{', '.join(safe_text(s.key) for s in manual)}: issued by a provider, so a person "
            "gives the new value",
            lines=[f"{safe_text(s.key)}: {safe_text(s.help or s.kind)}" for s in manual],
            hint=SET_HINT,
        )
    who = actor(options)
    values, outcome = rotate_keys(project, env, keys, dict(options.inputs), who, action=action)
    lines = [f"{action}: {', '.join(map(safe_text, keys))} in {env.file.name}"]
    lines += outcome.warnings
    if action == "rotate":
        lines += [f"{safe_text(k)} invalidates: {invalidates(s)}" for k, s in specs.items()]
    if cell.params.get("push"):
        try:
            pushed = push_rotated(project, env, values, who)
        except RelayError as exc:
            lines.append(f"the file has the new values; Vault was NOT updated: {exc.message}")
            lines += [f"hint: {exc.hint}"] if exc.hint else []
            lines.append(f"once fixed: relay-tui vault push --env {env.name}")
            raise CellFailed(lines) from None
        lines += [pushed.summary.replace(" with check-and-set", ""), *pushed.warnings]
    return lines


def values_needed(cell: Cell, project: Project, options: RunOptions) -> list[tuple[str, str]]:
    """(key, help) of the cell's keys that cannot be generated: a person gives their values."""
    env = cell_env(cell, project, options)
    needed: list[tuple[str, str]] = []
    for key in cell_keys(cell, project, env, options):
        spec = spec_for(project.specs, key)
        if not spec.generatable:
            needed.append((key, spec.help or spec.kind))
    return needed


def _check_keys(keys: Any, where: str) -> None:
    listed = isinstance(keys, list) and all(isinstance(k, str) and k for k in keys)
    if keys not in ("due", "ask") and not listed:
        raise ConfigurationError(
            f'{where}: keys must be a list of key names, "due" or "ask"',
            hint='"due": what the ledger says is due; "ask": chosen when the cell runs',
        )


def _check_push(push: Any, where: str) -> None:
    if push is not None and not isinstance(push, bool):
        raise ConfigurationError(f"{where}: push must be true or false")


CELL_TYPE = CellType(
    "rotate",
    run,
    params=(
        Param("env"),
        Param("keys", required=True, check=_check_keys),
        Param("push", check=_check_push),
    ),
    reads=its_env,
    writes=its_env,
    person=Person.GIVES_VALUES | Person.CHOOSES_KEYS,
    values_needed=values_needed,
    starter={"keys": ["KEY_NAME"]},
)
