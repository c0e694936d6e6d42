"""The scan cell: look for leaked secrets in a folder of the project (and its history)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from relay_tui.domain.masking import safe_text
from relay_tui.errors import RelayError
from relay_tui.notebooks.cell_type import CellFailed, CellType, Param
from relay_tui.notebooks.cell_types.helpers import actor
from relay_tui.scan.baseline import default_path, load_baseline, split_baselined
from relay_tui.scan.report import cell_line
from relay_tui.scan.scanner import ScanOptions
from relay_tui.services.scan_changes import scan_recorded

if TYPE_CHECKING:
    from relay_tui.notebooks.document import Cell
    from relay_tui.notebooks.runner import RunOptions
    from relay_tui.project.project import Project


def run(number: int, cell: Cell, project: Project, options: RunOptions) -> list[str]:
    """One line per finding the baseline does not accept, then the totals; fails on any."""
    history, where = cell.params.get("history", False), str(cell.params.get("path") or ".")
    if not isinstance(history, bool):
        raise RelayError(f"cell {number}: history must be true or false")
    root = (project.root / where).resolve()
    if not root.is_dir() or not root.is_relative_to(project.root.resolve()):
        raise RelayError(f"cell {number}: {safe_text(where)} is not a folder of the project")
    known = load_baseline(default_path(project.root))
    report, outcome = scan_recorded(root, ScanOptions(history=history), project, known,
                                    actor(options))  # fmt: skip
    found, hidden = split_baselined(report.findings, known)
    lines = [cell_line(f) for f in found] + outcome.warnings
    total = f"{len(found)} finding(s) in {report.files} file(s)"
    if history:
        total += f" and {report.commits} commit(s)"
    lines.append(total + (f"; {len(hidden)} accepted by the baseline" if hidden else ""))
    if found:
        raise CellFailed(lines)
    return lines


CELL_TYPE = CellType("scan", run, params=(Param("path"), Param("history")))
