"""One notebook cell on screen: number, type and state on top; its text or result below."""

from __future__ import annotations

import datetime
import re

from rich.console import Group
from rich.padding import Padding
from rich.text import Text
from textual.widgets import Static

from relay_tui.domain.masking import safe_text
from relay_tui.notebooks.cell_type import View
from relay_tui.notebooks.checklist import checklist_items, is_late, within_text
from relay_tui.ui.notebook_state import FAILED, NOT_RUN, OK, RUNNING, STALE, Entry

STATE_MARK = {NOT_RUN: "·", RUNNING: "…", OK: "✓", FAILED: "✗", STALE: "~"}
LIST_ITEM = re.compile(r"^([-*+]|\d+[.)])\s")
MAX_LINES = 40  # a long result is cut here; the saved notebook and the report keep every line


class CellView(Static, can_focus=True):
    """A focusable block drawing one `Entry`; the pane redraws it when the entry changes."""

    def __init__(self, entry: Entry, number: int, started: datetime.datetime | None) -> None:
        super().__init__(classes="cell")
        self.entry = entry
        self.number = number
        self.started = started
        self.wanted = False  # focus this cell once it is on screen

    def on_mount(self) -> None:
        self.redraw()
        if self.wanted:
            self.wanted = False
            self.focus()
            self.call_after_refresh(self.scroll_visible)

    def redraw(self, number: int | None = None, started: datetime.datetime | None = None) -> None:
        """Draw the cell again (after a run, an edit or a move)."""
        if number is not None:
            self.number = number
        if started is not None:
            self.started = started
        entry = self.entry
        for state in STATE_MARK:
            self.set_class(entry.state == state, "state-" + state.replace(" ", "-"))
        self.update(self.render_text())

    def render_text(self) -> Group:
        """Header, then the body indented: prose, checklist items, or the last result."""
        entry = self.entry
        header = Text()
        header.append(f"{STATE_MARK[entry.state]} [{self.number}] ", style="bold")
        header.append(safe_text(entry.label), style="bold")
        header.append(f"  {entry.state}{_when(entry)}", style="italic")
        lines = self.body()
        if not lines:
            return Group(header)
        body = Text("\n".join(safe_text(line) for line in lines))
        return Group(header, Padding(body, (0, 0, 0, 2)))

    def body(self) -> list[str]:
        """The lines under the header."""
        entry, cell = self.entry, self.entry.cell
        view = cell.record.view
        if view is View.PROSE:
            return rewrap(str(cell.params.get("text", "")))
        if view is View.CHECKLIST:
            return self._checklist_lines()
        if entry.result is None or entry.state == RUNNING:
            return []
        lines = entry.result.lines
        if len(lines) > MAX_LINES:
            return [*lines[:MAX_LINES], f"… {len(lines) - MAX_LINES} more line(s)"]
        return lines

    def _checklist_lines(self) -> list[str]:

        now = datetime.datetime.now(datetime.UTC)
        lines = []
        for index, item in enumerate(checklist_items(self.entry.cell, self.started)):
            done = self.entry.ticked.get(index)
            box = "[x]" if done else "[ ]"
            due = ""
            if item.deadline is not None:
                due = f" (by {item.deadline:%H:%M} UTC"
                due += ", LATE)" if is_late(item, done, now) else ")"
            elif item.within is not None:
                due = f" (within {within_text(item.within)} of the start)"
            stamp = f" done {done:%H:%M}" if done else ""
            lines.append(f"{box} {index + 1}. {item.text}{due}{stamp}")
        return lines


def rewrap(text: str) -> list[str]:
    """Markdown-ish text as lines to wrap at the pane's width: paragraphs and list items kept."""
    lines: list[str] = []
    joining = False
    for raw in text.strip().splitlines():
        line = raw.strip()
        if not line:
            lines.append("")
            joining = False
        elif joining and not LIST_ITEM.match(line):
            lines[-1] += " " + line
        else:
            lines.append(line)
            joining = True
    return lines


def _when(entry: Entry) -> str:
    result = entry.result
    if result is None or result.finished is None or entry.state == RUNNING:
        return ""
    return f" {result.finished.astimezone(datetime.UTC):%H:%M:%S}"
