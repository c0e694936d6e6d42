"""The timeline of a notebook run as a markdown report (an incident's record): key names only."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from relay_tui.domain.masking import safe_text
from relay_tui.notebooks.cell_type import View
from relay_tui.notebooks.checklist import checklist_items, is_late, utc_text, within_text
from relay_tui.notebooks.document import Cell, CellResult, Notebook

if TYPE_CHECKING:
    from relay_tui.notebooks.runner import RunOptions


def _seconds(when: datetime.datetime) -> str:
    return when.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _line(text: str) -> str:
    """One line made display-safe and kept from starting a markdown block of its own."""
    return safe_text(text).replace("`", "'")


def timeline_markdown(notebook: Notebook, results: list[CellResult], options: RunOptions) -> str:
    """The run report: title, start (UTC), then each cell's time, type, status and lines.

    Checklist cells (View.CHECKLIST) list their items with the deadline, the time each was
    ticked or "open", and LATE where it was ticked after its deadline (or is still open past it);
    prose (View.PROSE) is quoted.
    """
    now = datetime.datetime.now(datetime.UTC)
    started = options.started or min(
        (r.started for r in results if r.started is not None), default=None
    )
    by_number = {r.number: r for r in results}
    out = [f"# {_line(notebook.title)}", ""]
    out.append(f"- Started: {_seconds(started) if started else 'not started'}")
    out.append(f"- Environment: {_line(options.env)}")
    out.append(f"- Report written: {_seconds(now)}")
    counts = {s: sum(1 for r in results if r.status == s) for s in ("ok", "failed", "not run")}
    out.append(
        f"- Cells: {len(notebook.cells)}; {counts['ok']} ok, {counts['failed']} failed, "
        f"{counts['not run']} not run"
    )
    out += ["", "## Timeline", ""]
    for number, cell in enumerate(notebook.cells, start=1):
        result = by_number.get(number)
        status = result.status if result else "not run"
        when = _seconds(result.started) if result and result.started else "-"
        out += [f"### {number}. {cell.type}: {status}", "", f"Time: {when}", ""]
        view = cell.record.view
        if view is View.CHECKLIST:
            out += _checklist(number, cell, options, started, now)
        elif view is View.PROSE:
            out += [
                f"> {_line(line)}" if line else ">" for line in (result.lines if result else [])
            ]
        else:
            out += [f"- {_line(line)}" for line in (result.lines if result else [])]
        if out[-1]:
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _checklist(
    number: int,
    cell: Cell,
    options: RunOptions,
    started: datetime.datetime | None,
    now: datetime.datetime,
) -> list[str]:
    lines = []
    for index, item in enumerate(checklist_items(cell, started)):
        ticked = options.ticked.get((number, index))
        box = "[x]" if ticked else "[ ]"
        parts = []
        if item.deadline is not None and item.within is not None:
            parts.append(f"deadline {utc_text(item.deadline)} (within {within_text(item.within)})")
        parts.append(f"ticked {utc_text(ticked)}" if ticked else "open")
        if is_late(item, ticked, now):
            parts.append("**LATE**")
        lines.append(f"- {box} {_line(item.text)}: " + "; ".join(parts))
    return lines
