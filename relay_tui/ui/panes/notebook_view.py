"""How the Notebook pane draws: the title line, one block per cell, and which cell is focused."""

from __future__ import annotations

import copy
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from relay_tui.domain.masking import safe_text
from relay_tui.errors import RelayError
from relay_tui.notebooks.cell_types import lookup
from relay_tui.notebooks.document import BUILTIN_DIR, Cell, Notebook, find, load
from relay_tui.ui.messages import SwitchEnvironment
from relay_tui.ui.notebook_state import NotebookState
from relay_tui.ui.panes.base import Pane
from relay_tui.ui.panes.notebook_cell import CellView
from relay_tui.ui.safe import plain
from relay_tui.ui.session import TEMPLATE

SETUP = "first-time-setup"


class NotebookView(Pane):
    """Cells in order; the focused cell is the one keys act on."""

    TITLE = "Notebook"

    def __init__(self) -> None:
        super().__init__(id="pane-notebook")
        self._state: NotebookState | None = None
        self.views: list[CellView] = []  # the cells' widgets, in order

    @property
    def state(self) -> NotebookState:
        """The open notebook (one is opened when the pane is mounted)."""
        if self._state is None:
            self._state = NotebookState(Notebook("empty", []), self.default_env())
        return self._state

    def compose(self) -> ComposeResult:
        yield Static(id="nb-title")
        yield VerticalScroll(id="nb-cells")

    def on_mount(self) -> None:
        if self._state is None:
            self.open_notebook(SETUP if self.needs_setup else "rotate-what-is-due")

    # ----- opening and drawing ---------------------------------------------------------
    def default_env(self) -> str:
        """The environment cells act on when they name none: the active one (not the template)."""
        active = self.session.active
        return "development" if active == TEMPLATE else active

    def open_notebook(self, name: str, env: str | None = None) -> None:
        """Open a notebook by name (built in or in the project's notebooks/) or path, on `env`
        (by default the active environment)."""
        try:
            book = load(find(name, self.session.project.root))
        except RelayError as exc:
            self.fail(exc)
            return
        self.show(book, env)

    def open_incident(self, env: str, keys: list[str]) -> None:
        """The incident-response notebook on `env`, with `keys` ticked when it asks which leaked."""
        switch = env in self.session.env_names() and env != self.session.active
        if switch:  # the app makes it the active one everywhere, once this message arrives
            self.post_message(SwitchEnvironment(env))
        self.open_notebook("incident-response", env if switch else None)
        self.state.preset_keys = tuple(keys)

    def show(self, book: Notebook, env: str | None = None) -> None:
        """Replace the open notebook (its results are the saved outputs, if any)."""
        self._state = NotebookState(book, env or self.default_env())
        self.redraw_all(rebuild=True)

    def redraw_all(self, *, rebuild: bool = False, focus: int | None = None) -> None:
        """Draw the title line and every cell (rebuild after adding, deleting or moving)."""
        state = self.state
        if rebuild or len(self.views) != len(state.entries):
            target = self.cursor_index() if focus is None else focus
            holder = self.query_one("#nb-cells", VerticalScroll)
            holder.remove_children()
            self.views = [CellView(e, n, state.started) for n, e in enumerate(state.entries, 1)]
            if self.views:
                self.views[max(0, min(target, len(self.views) - 1))].wanted = True
            holder.mount_all(self.views)
        else:
            for number, (view, entry) in enumerate(zip(self.views, state.entries, strict=True), 1):
                view.entry = entry
                view.redraw(number, state.started)
        self.query_one("#nb-title", Static).update(plain(self.title_line()))

    def redraw_cell(self, index: int) -> None:
        """Draw one cell again."""
        if index < len(self.views):
            self.views[index].redraw()

    def title_line(self) -> str:
        """The notebook's title, where it lives, and its cells' states."""
        state = self.state
        if state.path is None:
            where = "unsaved"
        elif state.path.parent == _builtin_dir():
            where = "built in"
        else:
            where = _relative(state.path, self.session.project.root)
        counts = ", ".join(f"{n} {s}" for s, n in state.counts().items())
        started = f" · started {state.started:%H:%M} UTC" if state.started else ""
        dirty = " · unsaved changes" if state.dirty else ""
        return f"{state.title} ({where}) · env {state.default_env} · {counts}{started}{dirty}"

    # ----- cursor ------------------------------------------------------------------------
    def cursor_index(self) -> int:
        """The index of the focused cell (0 when none is focused)."""
        focused = self.screen.focused
        return self.views.index(focused) if focused in self.views else 0

    def focus_cell(self, index: int) -> None:
        """Focus the cell at `index` and scroll it into view."""
        if self.views:
            view = self.views[max(0, min(index, len(self.views) - 1))]
            view.focus()
            view.scroll_visible()

    def focus_default(self) -> None:
        self.focus_cell(self.cursor_index())

    def action_cursor(self, delta: int) -> None:
        self.focus_cell(self.cursor_index() + delta)


def _builtin_dir() -> Path:

    return BUILTIN_DIR


def _relative(path: Path, root: Path) -> str:
    try:
        return safe_text(str(path.relative_to(root)))
    except ValueError:
        return safe_text(path.name)


def new_cell(kind: str) -> Cell:
    """A cell of `kind` with its type's starter parameters."""
    return Cell(kind, copy.deepcopy(dict(lookup(kind).starter)))
