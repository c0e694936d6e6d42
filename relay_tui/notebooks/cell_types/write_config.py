"""The write-config cell: write relay.toml from what the setup learned, once a person agrees."""

from __future__ import annotations

from typing import TYPE_CHECKING

from relay_tui.notebooks import setup_steps
from relay_tui.notebooks.cell_type import CellType, Person
from relay_tui.notebooks.cell_types.helpers import actor
from relay_tui.project.project import CONFIG_NAME, load_project
from relay_tui.services.changes import require_writable

if TYPE_CHECKING:
    from relay_tui.notebooks.document import Cell
    from relay_tui.notebooks.runner import RunOptions
    from relay_tui.project.project import Project


def run(number: int, cell: Cell, project: Project, options: RunOptions) -> list[str]:
    """Write relay.toml (0644, names and kinds only) with --yes; an existing one is left."""
    if (project.root / CONFIG_NAME).exists():
        return [f"{CONFIG_NAME} exists: left as it is"]
    if not options.yes:
        return [
            f"not written: run with --yes to write {CONFIG_NAME} (or accept it in the workbench)"
        ]

    require_writable(actor(options), CONFIG_NAME)
    path = setup_steps.write_project_config(load_project(project.root))  # sees files made by now
    return [f"wrote {path.name}: what this setup learned (names and kinds, no value)"]


def confirm(cell: Cell, project: Project) -> str | None:
    """The workbench's question before relay.toml is written (None when it exists)."""
    if (project.root / CONFIG_NAME).exists():
        return None
    return (
        f"Write {CONFIG_NAME} describing what the setup learned?\n"
        "(environments, kinds and cadences; never a value)"
    )


CELL_TYPE = CellType("write-config", run, person=Person.CONFIRMS, confirm=confirm)
