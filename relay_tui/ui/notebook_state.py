"""The notebook open in the workbench: its cells, each one's last result and state, its ticks."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from relay_tui.notebooks.document import Cell, Notebook
from relay_tui.notebooks.runner import reads, writes

if TYPE_CHECKING:
    from relay_tui.notebooks.runner import CellResult

# A cell's state as the pane shows it.
NOT_RUN, RUNNING, OK, FAILED, STALE = "not run", "running", "ok", "failed", "stale"


class Entry:
    """One cell of the open notebook, with what happened to it in this session."""

    def __init__(self, cell: Cell, result: CellResult | None = None) -> None:
        self.cell = cell
        self.result = result
        saved = result.status if result is not None else NOT_RUN
        self.state = saved if saved in (OK, FAILED) else NOT_RUN
        self.ticked: dict[int, datetime.datetime] = {}  # checklist item index -> when

    @property
    def label(self) -> str:
        """The cell's type and its parameters in a few words (never a value: cells hold none)."""
        params = self.cell.params
        shown = [f"{k} {_short(v)}" for k, v in params.items() if k not in ("text", "items")]
        return " · ".join([self.cell.type, *shown])


class NotebookState:
    """The cells in order; numbers are positions (1-based), so moving a cell renumbers it."""

    def __init__(self, notebook: Notebook, default_env: str) -> None:
        self.title = notebook.title
        self.path: Path | None = notebook.path
        self.default_env = default_env
        outputs = notebook.outputs
        self.entries = [Entry(c, outputs.get(n)) for n, c in enumerate(notebook.cells, start=1)]
        self.started: datetime.datetime | None = None  # the first run in this session
        self.preset_keys: tuple[str, ...] = ()  # ticked first when a cell asks for keys
        self.dirty = False

    # ----- what the runner needs -------------------------------------------------------
    def ticked_for_run(self) -> dict[tuple[int, int], datetime.datetime]:
        """Every tick, keyed by (cell number, item index) as the core expects."""
        return {
            (number, item): when
            for number, entry in enumerate(self.entries, start=1)
            for item, when in entry.ticked.items()
        }

    def start_clock(self) -> datetime.datetime:
        """When the run started (the session's first run); checklist deadlines count from it."""
        if self.started is None:
            self.started = datetime.datetime.now(datetime.UTC)
        return self.started

    def finished(self, index: int, result: CellResult) -> None:
        """Record a cell's result; cells that read what it wrote become stale."""
        entry = self.entries[index]
        entry.result, entry.state = result, result.status
        if result.status != OK:
            return
        changed = writes(entry.cell, self.default_env)
        for other in self.entries:
            if other is entry or other.state not in (OK, FAILED):
                continue
            if reads(other.cell, self.default_env) & changed:
                other.state = STALE

    def files_changed(self, env: str | None) -> None:
        """A file changed outside the notebook: cells that read it are stale (all when unknown)."""
        for entry in self.entries:
            if entry.state not in (OK, FAILED):
                continue
            if env is None or env in reads(entry.cell, self.default_env):
                entry.state = STALE

    # ----- editing ---------------------------------------------------------------------
    def insert(self, index: int, cell: Cell) -> None:
        """Add a cell at `index` (not run)."""
        self.entries.insert(index, Entry(cell))
        self.dirty = True

    def replace(self, index: int, cell: Cell) -> None:
        """Change a cell's parameters; its old result no longer describes it."""
        self.entries[index] = Entry(cell)
        self.dirty = True

    def delete(self, index: int) -> None:
        """Remove a cell."""
        del self.entries[index]
        self.dirty = True

    def move(self, index: int, delta: int) -> int:
        """Move a cell up (-1) or down (+1); returns its new index."""
        target = max(0, min(len(self.entries) - 1, index + delta))
        if target != index:
            self.entries.insert(target, self.entries.pop(index))
            self.dirty = True
        return target

    # ----- saving ----------------------------------------------------------------------
    def notebook(self) -> Notebook:
        """The notebook as it stands (cells only)."""
        return Notebook(self.title, [e.cell for e in self.entries], self.path)

    def results(self) -> dict[int, CellResult]:
        """The last result of each cell that has one, by cell number."""
        return {n: e.result for n, e in enumerate(self.entries, start=1) if e.result is not None}

    def counts(self) -> dict[str, int]:
        """How many cells are in each state."""
        found: dict[str, int] = {}
        for entry in self.entries:
            found[entry.state] = found.get(entry.state, 0) + 1
        return found


def _short(value: object) -> str:
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return text if len(text) <= 30 else text[:29] + "…"
