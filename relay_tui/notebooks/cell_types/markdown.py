"""The markdown cell: text for the person reading the runbook; running it repeats the text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from relay_tui.notebooks.cell_type import CellType, Param, View

if TYPE_CHECKING:
    from relay_tui.notebooks.document import Cell
    from relay_tui.notebooks.runner import RunOptions
    from relay_tui.project.project import Project


def run(number: int, cell: Cell, project: Project, options: RunOptions) -> list[str]:
    """The cell's text, line by line."""
    return str(cell.params.get("text", "")).strip("\n").splitlines()


CELL_TYPE = CellType(
    "markdown",
    run,
    params=(Param("text"),),
    view=View.PROSE,
    starter={"text": "What this step is for."},
)
