"""The set cell: a person gives one key's value (asked when it runs, never saved)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from relay_tui.domain.masking import safe_text
from relay_tui.notebooks.cell_type import CellType, NeedsPerson, Param, Person, its_env
from relay_tui.notebooks.cell_types.helpers import actor, cell_env
from relay_tui.project.specs import spec_for
from relay_tui.services.env_values import set_value

if TYPE_CHECKING:
    from relay_tui.notebooks.document import Cell
    from relay_tui.notebooks.runner import RunOptions
    from relay_tui.project.project import Project


def run(number: int, cell: Cell, project: Project, options: RunOptions) -> list[str]:
    """Write the value a person gave for the cell's key; without one, say what is needed."""
    env, key = cell_env(cell, project, options), str(cell.params.get("key", ""))
    value = options.inputs.get(key)
    if value is None:
        help_text = cell.params.get("help") or "a value"
        raise NeedsPerson(
            f"{safe_text(key)} needs a person: {safe_text(str(help_text))}",
            hint=f"headless, give it with --set {safe_text(key)}=@FILE (or =@- on stdin)",
        )
    outcome = set_value(project, env, key, value, actor(options))
    return [f"set {safe_text(key)} in {env.file.name}", *outcome.warnings]


def values_needed(cell: Cell, project: Project, options: RunOptions) -> list[tuple[str, str]]:
    """The cell's key, with its help (the cell's own, else the key's spec)."""
    key = str(cell.params.get("key", ""))
    return [(key, str(cell.params.get("help") or spec_for(project.specs, key).help))]


CELL_TYPE = CellType(
    "set",
    run,
    params=(Param("env"), Param("key", required=True), Param("help")),
    reads=its_env,
    writes=its_env,
    person=Person.GIVES_VALUES,
    values_needed=values_needed,
    starter={"key": "KEY_NAME", "help": "where to find this value"},
)
