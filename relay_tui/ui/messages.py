"""Small typed messages that panes and the app exchange (no data access happens in them)."""

from __future__ import annotations

from textual.message import Message

from relay_tui.domain.findings import Report


class FindingsReady(Message):
    """A validation run finished (in a worker)."""

    def __init__(self, report: Report) -> None:
        super().__init__()
        self.report = report
