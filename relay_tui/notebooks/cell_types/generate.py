"""The generate cell: give one key a new generated value (a rotation that says "generate")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from relay_tui.notebooks.cell_type import CellType, Param, its_env
from relay_tui.notebooks.cell_types import rotate
from relay_tui.notebooks.document import Cell

if TYPE_CHECKING:
    from relay_tui.notebooks.document import Cell
    from relay_tui.notebooks.runner import RunOptions
    from relay_tui.project.project import Project


def run(number: int, cell: Cell, project: Project, options: RunOptions) -> list[str]:
    """Rotate the cell's one key, audited and reported as a generation."""
    keys = {**cell.params, "keys": [cell.params.get("key")]}
    as_rotate = Cell(rotate.CELL_TYPE.name, keys)
    return rotate.run(number, as_rotate, project, options, action="generate")


CELL_TYPE = CellType(
    "generate",
    run,
    params=(Param("env"), Param("key", required=True)),
    reads=its_env,
    writes=its_env,
    starter={"key": "KEY_NAME"},
)
