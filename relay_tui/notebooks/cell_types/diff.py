"""The diff cell: compare two environments' keys; it fails on drift (missing or shared values)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from relay_tui.domain.compare import compare_values
from relay_tui.domain.masking import safe_text
from relay_tui.notebooks.cell_type import CellFailed, CellType, Param, its_env
from relay_tui.notebooks.cell_types.helpers import cell_env
from relay_tui.paths import fingerprint_key
from relay_tui.project.envfile import EnvFile

if TYPE_CHECKING:
    from relay_tui.notebooks.document import Cell
    from relay_tui.notebooks.runner import RunOptions
    from relay_tui.project.project import Project


def run(number: int, cell: Cell, project: Project, options: RunOptions) -> list[str]:
    """One line per drifting key (by name and status), then their count."""
    a = cell_env(cell, project, options)
    b = project.environment(str(cell.params.get("other", "")))
    old, new = EnvFile.load(a.file).values(), EnvFile.load(b.file).values()
    rows = compare_values(old, new, a.name, b.name, fingerprint_key())
    drift = [r for r in rows if r.drift]
    lines = [f"{safe_text(r.key)}: {r.status}" for r in drift]
    lines.append(f"{len(drift)} key(s) missing on one side or sharing a value")
    if drift:
        raise CellFailed(lines)
    return lines


def reads(cell: Cell, default_env: str) -> frozenset[str]:
    """Both environments."""
    return its_env(cell, default_env) | {str(cell.params.get("other", ""))}


CELL_TYPE = CellType(
    "diff",
    run,
    params=(Param("env"), Param("other", required=True)),
    reads=reads,
    starter={"other": "production"},
)
