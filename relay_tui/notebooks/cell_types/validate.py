"""The validate cell: run the rules on one environment; it fails on any error."""

from __future__ import annotations

from typing import TYPE_CHECKING

from relay_tui.notebooks.cell_type import CellFailed, CellType, Param, its_env
from relay_tui.notebooks.cell_types.helpers import cell_env
from relay_tui.rules.validate import validate

if TYPE_CHECKING:
    from relay_tui.notebooks.document import Cell
    from relay_tui.notebooks.runner import RunOptions
    from relay_tui.project.project import Project


def run(number: int, cell: Cell, project: Project, options: RunOptions) -> list[str]:
    """One line per finding, then the counts."""
    env = cell_env(cell, project, options)
    report = validate(project, [env.name])
    lines = [f"{f.severity}: {f.code}: {f.message}" for f in report.findings]
    lines.append(f"{report.errors} error(s), {report.warnings} warning(s)")
    if report.errors:
        raise CellFailed(lines)
    return lines


CELL_TYPE = CellType("validate", run, params=(Param("env"),), reads=its_env, edit_when_added=False)
