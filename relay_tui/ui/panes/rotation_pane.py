"""Pane 6, Rotation: each key's age against its cadence as a bar, coloured by state, per env."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static
from textual.worker import get_current_worker

from relay_tui.errors import RelayError
from relay_tui.rules.rotation import dates_with_source
from relay_tui.rules.rotation_view import (
    STATES,
    RotationRow,
    age_text,
    bar_text,
    detail_line,
    rotation_rows,
    summary_line,
)
from relay_tui.ui.panes.base import Pane
from relay_tui.ui.safe import plain, safe_text
from relay_tui.ui.session import TEMPLATE
from relay_tui.ui.widgets.grid import Column, Grid, Row

if TYPE_CHECKING:
    from relay_tui.project.project import Environment, Project

BAR_WIDTH = 30
COLUMNS = [Column("KEY", 0), Column("AGE AGAINST CADENCE", BAR_WIDTH), Column("DAYS", 10),
           Column("STATE", 7)]  # fmt: skip


class RotationGrid(Grid):
    """The app's Grid, with a style for each rotation state (colours set in app.tcss)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *Grid.COMPONENT_CLASSES,
        *(f"grid--rotation-{state}" for state in STATES),
    }


class RotationPane(Pane):
    """The active environment's keys with a cadence; dates are read in a worker."""

    TITLE = "Rotation"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("r", "reload", "Re-read dates")]

    def __init__(self) -> None:
        super().__init__(id="pane-rotation")
        self.env_name = ""  # the environment the rows are for (or being read for)
        self.rows: dict[str, RotationRow] = {}
        self._ticket = 0  # results of an older request are dropped

    def compose(self) -> ComposeResult:
        yield Static(id="rotation-summary")
        yield RotationGrid(id="rotation-rows")
        yield Static(id="rotation-detail", classes="detail")

    @property
    def grid(self) -> RotationGrid:
        return self.query_one("#rotation-rows", RotationGrid)

    # ----- hooks ---------------------------------------------------------------------------
    def shown(self) -> None:
        self.refresh_rows()

    def env_changed(self, name: str) -> None:
        self.refresh_rows()

    def data_changed(self, env: str | None) -> None:
        if env is None or env == self.session.active:
            self.refresh_rows()

    def action_reload(self) -> None:
        self.refresh_rows()

    # ----- reading -------------------------------------------------------------------------
    def refresh_rows(self) -> None:
        """Read the active environment's dates again, off the UI thread."""
        name = self.session.active
        self._ticket += 1
        self.env_name = name
        if name == TEMPLATE:
            self._show_empty(f"{name}: the template has no rotation dates; E picks an environment")
            return
        state = self.session.state(name)
        if state.file is None:
            self._show_empty(f"{name}: {state.error or 'no file'}")
            return
        keys = [key for key, value in state.file.values().items() if value]  # names only
        self.query_one("#rotation-summary", Static).update(
            plain(f"{name} · reading rotation dates…")
        )
        self._read(self._ticket, self.session.project, state.env, keys)

    @work(thread=True, exclusive=True, group="rotation")
    def _read(self, ticket: int, project: Project, env: Environment, keys: list[str]) -> None:
        """The dates may come from a server one day: never read them on the UI thread."""
        worker = get_current_worker()
        try:
            dates, source = dates_with_source(project, env)
            rows = rotation_rows(project, env, dates, keys=keys)
        except RelayError as exc:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._failed, ticket, exc)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show, ticket, rows, source)

    def _failed(self, ticket: int, exc: RelayError) -> None:
        if ticket == self._ticket:
            self._show_empty(f"{self.env_name}: cannot read rotation dates")
            self.fail(exc)

    # ----- showing -------------------------------------------------------------------------
    def _show_empty(self, line: str) -> None:
        self.rows = {}
        self.grid.set_data(COLUMNS, [])
        self.query_one("#rotation-summary", Static).update(plain(line))
        self.query_one("#rotation-detail", Static).update("")

    def _show(self, ticket: int, rows: list[RotationRow], source: str) -> None:
        if ticket != self._ticket:
            return
        self.rows = {row.key: row for row in rows}
        shown = [
            Row(
                row.key,
                (
                    safe_text(row.key),
                    bar_text(row.age_days, row.cadence_days, BAR_WIDTH),
                    age_text(row),
                    row.state,
                ),
                ("", f"rotation-{row.state}", "dim", f"rotation-{row.state}"),
            )
            for row in rows
        ]
        keep = self.grid.current.key if self.grid.current else None
        self.grid.set_data(COLUMNS, shown, keep)
        summary = summary_line(self.env_name, rows, source)
        self.query_one("#rotation-summary", Static).update(plain(summary))
        self._detail()

    def _detail(self) -> None:
        current = self.grid.current
        row = self.rows.get(current.key) if current else None
        if row is None:
            text = f"no key of {self.env_name} has both a value and a rotation cadence"
        else:
            text = detail_line(row, self.env_name)
        self.query_one("#rotation-detail", Static).update(plain(text))

    def on_grid_highlighted(self, event: Grid.Highlighted) -> None:
        if self.rows:
            self._detail()
