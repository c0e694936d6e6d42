"""The vault-push cell: send the environment's file to its Vault path (check-and-set)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from relay_tui.notebooks.cell_type import CellType, Param, its_env
from relay_tui.notebooks.cell_types.helpers import vault_sync

if TYPE_CHECKING:
    from relay_tui.notebooks.document import Cell
    from relay_tui.notebooks.runner import RunOptions
    from relay_tui.project.project import Project


def run(number: int, cell: Cell, project: Project, options: RunOptions) -> list[str]:
    """Push the keys that differ; "in sync" when none does."""
    return vault_sync("push", cell, project, options)


CELL_TYPE = CellType(
    "vault-push",
    run,
    params=(Param("env"),),
    reads=its_env,
)
