"""The explain cell: what each template key is and who gives it (names and kinds, no value)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from relay_tui.notebooks import setup_steps
from relay_tui.notebooks.cell_type import CellType, Param
from relay_tui.notebooks.cell_types.helpers import cell_env

if TYPE_CHECKING:
    from relay_tui.notebooks.document import Cell
    from relay_tui.notebooks.runner import RunOptions
    from relay_tui.project.project import Project


def run(number: int, cell: Cell, project: Project, options: RunOptions) -> list[str]:
    """One line per template key."""
    return setup_steps.explain(project, cell_env(cell, project, options))


CELL_TYPE = CellType("explain", run, params=(Param("env"),), edit_when_added=False)
