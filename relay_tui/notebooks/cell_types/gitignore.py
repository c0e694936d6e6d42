"""The gitignore cell: make git ignore every environment file of the project."""

from __future__ import annotations

from typing import TYPE_CHECKING

from relay_tui.domain.masking import safe_text
from relay_tui.notebooks import setup_steps
from relay_tui.notebooks.cell_type import CellType
from relay_tui.notebooks.cell_types.helpers import actor
from relay_tui.project.project import load_project
from relay_tui.services.changes import require_writable

if TYPE_CHECKING:
    from relay_tui.notebooks.document import Cell
    from relay_tui.notebooks.runner import RunOptions
    from relay_tui.project.project import Project


def run(number: int, cell: Cell, project: Project, options: RunOptions) -> list[str]:
    """The .gitignore lines added (none when git ignores every file already)."""
    require_writable(actor(options), ".gitignore")
    added = setup_steps.ignore_env_files(load_project(project.root))  # sees files made by now
    if not added:
        return ["git already ignores every environment file"]
    return [f"added to .gitignore: {safe_text(line)}" for line in added]


CELL_TYPE = CellType("gitignore", run, edit_when_added=False)
