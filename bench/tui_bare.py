"""The peer for bench_tui.py: a bare Textual app showing an N-row, 4-column DataTable.

Header, a DataTable filled in `on_mount` with `add_rows`, and a Footer: the test app of the peer
figures (which had 5 columns), with the 4 columns of relay-tui's keys grid. Row i is
`KEY_{i:05d}`, a mask, a kind and a status, so the first frame that shows the table shows
`KEY_00000`. Usage: tui_bare.py [N]  (default 1000; ctrl+q quits)
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header


class BareApp(App[None]):
    """Header, an N-row DataTable, Footer."""

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("KEY", "VALUE", "KIND", "STATUS")
        table.add_rows((f"KEY_{i:05d}", "••••••••", "plain", "ok") for i in range(self.rows))
        table.focus()


if __name__ == "__main__":
    BareApp(int(sys.argv[1]) if len(sys.argv) > 1 else 1000).run()
