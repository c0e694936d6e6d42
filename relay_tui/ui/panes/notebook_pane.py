"""The Notebook pane: a runbook's cells one under another, run one or all, edit, save and open."""

from __future__ import annotations

import datetime
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType

from relay_tui.errors import RelayError
from relay_tui.notebooks.cell_type import Person
from relay_tui.notebooks.cell_types import CELL_TYPES
from relay_tui.notebooks.checklist import checklist_items
from relay_tui.ui.modals import ConfirmScreen, PickScreen
from relay_tui.ui.panes.notebook_files import export_report, notebook_choices, save_notebook
from relay_tui.ui.panes.notebook_flow import run_cells
from relay_tui.ui.panes.notebook_modals import ChooseScreen, EditCellScreen
from relay_tui.ui.panes.notebook_view import NotebookView, new_cell


class NotebookPane(NotebookView):
    """The notebook's actions: run, tick, edit, move, delete, save, open and export."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+enter,r", "run_cell", "Run"),
        Binding("R", "run_all", "Run all"),
        Binding("e", "edit", "Edit"),
        Binding("a", "add", "Add"),
        Binding("t,space", "tick", "Tick", show=False),
        Binding("s,ctrl+s", "save", "Save"),
        Binding("o", "open", "Open"),
        Binding("x", "export", "Report", show=False),
        Binding("delete,D", "delete", "Delete", show=False),
        Binding("shift+up,K", "move(-1)", "Move up", show=False),
        Binding("shift+down,J", "move(1)", "Move down", show=False),
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
    ]

    # ----- running -----------------------------------------------------------------------
    def action_run_cell(self) -> None:
        if self.state.entries:
            self.run_cells([self.cursor_index()])

    def action_run_all(self) -> None:
        self.run_cells(list(range(len(self.state.entries))))

    @work(exclusive=True, group="notebook-run")
    async def run_cells(self, indexes: list[int]) -> None:
        """Run cells one after another (a worker, so dialogs can be awaited)."""
        await run_cells(self, indexes)

    def env_changed(self, name: str) -> None:
        if self.state is not None and self.state.default_env != self.default_env():
            self.state.default_env = self.default_env()
            self.state.files_changed(None)
            self.redraw_all()

    def data_changed(self, env: str | None) -> None:
        if self.state is not None and env is not None:
            self.state.files_changed(env)
            self.redraw_all()

    # ----- checklist ---------------------------------------------------------------------
    @work(exclusive=True, group="notebook-dialog")
    async def action_tick(self) -> None:
        """Tick or untick the focused checklist's items; the time of each tick is kept."""
        index = self.cursor_index()
        entries = self.state.entries
        if not entries or Person.TICKS not in entries[index].cell.record.person:
            self.notify("t ticks items of a checklist cell: move to one first")
            return
        entry = self.state.entries[index]
        items = checklist_items(entry.cell, self.state.started)
        choices = [(str(i), item.text) for i, item in enumerate(items)]
        done = {str(i) for i in entry.ticked}
        picked = await self.app.push_screen_wait(ChooseScreen("Done so far", choices, done))
        if picked is None:
            return
        now = datetime.datetime.now(datetime.UTC)
        self.state.start_clock()
        entry.ticked = {int(i): entry.ticked.get(int(i), now) for i in picked}
        if len(entry.ticked) == len(items):
            self.run_cells([index])  # records the checklist as done, with the times
        else:
            entry.state = "not run" if not entry.ticked else entry.state
        self.redraw_all()

    # ----- editing ---------------------------------------------------------------------
    @work(exclusive=True, group="notebook-dialog")
    async def action_edit(self) -> None:
        """Edit the focused cell's parameters (as TOML, checked before it is kept)."""
        if self.state.entries:
            await self.edit_cell(self.cursor_index())

    async def edit_cell(self, index: int) -> None:
        """Open the editor on cell `index` and keep what passes the checks."""
        cell = self.state.entries[index].cell
        edited = await self.app.push_screen_wait(EditCellScreen(f"cell {index + 1}", cell))
        if edited is not None and edited != cell:
            self.state.replace(index, edited)
            self.redraw_all(rebuild=True, focus=index)

    @work(exclusive=True, group="notebook-dialog")
    async def action_add(self) -> None:
        """Add a cell of a chosen type below the focused one, then edit it."""
        kind = await self.app.push_screen_wait(
            PickScreen("add a cell of type", [(k, k) for k in CELL_TYPES])
        )
        if kind is None:
            return
        index = self.cursor_index() + 1 if self.state.entries else 0
        cell = new_cell(kind)
        self.state.insert(index, cell)
        self.redraw_all(rebuild=True, focus=index)
        if cell.record.edit_when_added:
            await self.edit_cell(index)

    @work(exclusive=True, group="notebook-dialog")
    async def action_delete(self) -> None:
        """Delete the focused cell, after a yes."""
        if not self.state.entries:
            return
        index = self.cursor_index()
        label = self.state.entries[index].label
        if await self.app.push_screen_wait(ConfirmScreen(f"Delete cell {index + 1} ({label})?")):
            self.state.delete(index)
            self.redraw_all(rebuild=True, focus=index)

    def action_move(self, delta: int) -> None:
        """Move the focused cell up or down."""
        if not self.state.entries:
            return
        index = self.state.move(self.cursor_index(), delta)
        self.redraw_all(rebuild=True, focus=index)

    # ----- saving, opening, reporting ------------------------------------------------------
    def action_save(self) -> None:
        """Save to the notebook's file; a built-in one is saved as a copy in notebooks/."""
        try:
            where = save_notebook(self.state, self.session)
        except RelayError as exc:
            self.fail(exc)
            return
        self.notify(f"saved {where} (cells and results; no values)")
        self.redraw_all()

    @work(exclusive=True, group="notebook-dialog")
    async def action_open(self) -> None:
        """Open a built-in notebook or one of the project's."""
        if self.state.dirty and not await self.app.push_screen_wait(
            ConfirmScreen("This notebook has unsaved changes. Open another anyway?")
        ):
            return
        choices = notebook_choices(self.session.project.root)
        name = await self.app.push_screen_wait(PickScreen("open a notebook", choices))
        if name is not None:
            self.open_notebook(name)

    def action_export(self) -> None:
        """Write the run's timeline as a markdown report beside the notebooks."""
        try:
            where = export_report(self.state, self.session)
        except RelayError as exc:
            self.fail(exc)
            return
        self.notify(f"wrote the report {where}")
