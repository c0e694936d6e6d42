"""The fill-missing cell: a person gives the values the setup cannot generate."""

from __future__ import annotations

from typing import TYPE_CHECKING

from relay_tui.domain.masking import safe_text
from relay_tui.notebooks import setup_steps
from relay_tui.notebooks.cell_type import CellType, NeedsPerson, Param, Person, its_env
from relay_tui.notebooks.cell_types.helpers import SET_HINT, actor, cell_env

if TYPE_CHECKING:
    from relay_tui.notebooks.document import Cell
    from relay_tui.notebooks.runner import RunOptions
    from relay_tui.project.project import Project


def run(number: int, cell: Cell, project: Project, options: RunOptions) -> list[str]:
    """Write the values given in one edit; name the keys still without one."""
    env = cell_env(cell, project, options)
    needed = setup_steps.values_needed(project, env)
    given = {key: options.inputs[key] for key, _ in needed if key in options.inputs}
    lines = []
    if given:
        warnings: list[str] = []
        written = setup_steps.fill(project, env, given, actor(options), warnings)
        lines.append(f"filled in {env.file.name}: {', '.join(map(safe_text, written))}")
        lines += warnings
    missing = [(key, text) for key, text in needed if key not in given]
    if missing:
        raise NeedsPerson(
            f"{len(missing)} key(s) of {env.name} need a value from a person: "
            + ", ".join(safe_text(key) for key, _ in missing),
            lines=[*lines, *(f"{safe_text(k)}: {safe_text(t or 'a value')}" for k, t in missing)],
            hint=SET_HINT,
        )
    return lines or [f"every key of {env.file.name} that a person gives has a value"]


def values_needed(cell: Cell, project: Project, options: RunOptions) -> list[tuple[str, str]]:
    """The keys of the env that a person must give (setup_steps.values_needed)."""
    return setup_steps.values_needed(project, cell_env(cell, project, options))


CELL_TYPE = CellType(
    "fill-missing",
    run,
    params=(Param("env"),),
    reads=its_env,
    writes=its_env,
    person=Person.GIVES_VALUES,
    values_needed=values_needed,
)
