"""The Vault pane's paths: the lazy tree, its filter and search, a path's fields masked."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from textual.timer import Timer
from textual.widgets import Input, Static, Tree
from textual.worker import get_current_worker

from relay_tui.domain.masking import mask, safe_text
from relay_tui.services.reveals import record_reveal
from relay_tui.ui.messages import CopyRequested
from relay_tui.ui.modals import TableScreen
from relay_tui.ui.panes import vault_worker as jobs
from relay_tui.ui.panes.vault_actions import VaultSyncPane
from relay_tui.ui.panes.vault_tree import Entry, VaultTree
from relay_tui.ui.safe import plain
from relay_tui.ui.widgets.grid import Column, Grid, Row

if TYPE_CHECKING:
    from relay_tui.stores.base import Secret
    from relay_tui.stores.plans import Plan

REVEAL_SECONDS = 20.0
SEARCH_DELAY = 0.3
FIELD_COLUMNS = [Column("FIELD", 0), Column("VALUE", 0)]
VERSION_COLUMNS = [Column("VERSION", 8), Column("CREATED", 0), Column("STATE", 24)]


class VaultPathsPane(VaultSyncPane):
    """Browses the server: mounts and folders, a filter that searches, one path's fields."""

    def __init__(self, *, id: str) -> None:  # noqa: A002
        super().__init__(id=id)
        self.secret: Secret | None = None
        self.revealed: str | None = None
        self.reveal_note = ""  # the revealed value, shown in full under the table
        self.reveal_timer: Timer | None = None
        self.search_timer: Timer | None = None

    @property
    def paths(self) -> VaultTree:
        return self.query_one(VaultTree)

    @property
    def fields(self) -> Grid:
        return self.query_one("#vault-fields", Grid)

    def _path_line(self, text: str) -> None:
        self.query_one("#vault-path", Static).update(plain(text))

    # ----- the tree ------------------------------------------------------------------------
    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Entry]) -> None:
        node, conn = event.node, self.conn
        if conn is None or node.data is None or not self.paths.needs_listing(node):
            return
        folder = node.data.path
        self.paths.mark_loading(folder)
        self.run_job("list", "vault-list", lambda: jobs.list_job(conn, folder),
                     exclusive=False, path=folder)  # fmt: skip

    def on_vault_listed(self, message: jobs.VaultListed) -> None:
        if self.current(message):
            self.paths.set_listing(message.folder, message.names)

    def on_tree_node_selected(self, event: Tree.NodeSelected[Entry]) -> None:
        entry = event.node.data
        if entry is not None and entry.leaf:
            self.read_path(entry.path)

    def read_path(self, path: str) -> None:
        """Read `path` in a worker; its fields show masked."""
        conn = self.conn
        if conn is None:
            return
        self._path_line(f"reading {path}…")
        self.run_job("read", "vault-read", lambda: jobs.read_job(conn, path), path=path)

    def on_vault_secret_read(self, message: jobs.VaultSecretRead) -> None:
        if not self.current(message):
            return
        self.hide_value()
        self.secret = secret = message.secret
        version = f" · version {secret.version}" if secret.version else ""
        self._path_line(f"{secret.location.full}{version}")
        rows = [
            Row(
                name,
                (safe_text(name), mask(value if isinstance(value, str) else "x")),
                ("", "masked"),
            )
            for name, value in sorted(secret.data.items())
        ]
        self.fields.set_data(FIELD_COLUMNS, rows)

    def after_push(self, plan: Plan) -> None:
        if self.secret is not None and self.secret.location.full == plan.location.full:
            self.read_path(plan.location.full)
        parent = plan.location.full.rsplit("/", 1)[0] + "/"
        if parent in self.paths.listings and self.conn is not None:
            conn = self.conn
            self.run_job("list", "vault-list", lambda: jobs.list_job(conn, parent),
                         exclusive=False, path=parent)  # fmt: skip

    # ----- fields: reveal, copy, versions --------------------------------------------------
    def _field(self) -> tuple[str, str] | None:
        row = self.fields.current
        if self.secret is None or row is None:
            self.notify("open a path first (enter on a path in the tree)", severity="warning")
            return None
        value = self.secret.data.get(row.key)
        return row.key, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)

    def action_reveal(self) -> None:
        found = self._field()
        if found is None:
            return
        name, value = found
        if self.revealed == name:
            self.hide_value()
            return
        self.hide_value()
        self.revealed = name
        self.fields.show_instead(name, 1, value)
        where = self.secret.location.full if self.secret else ""

        self.tell_warnings(record_reveal(self.session.actor(), None, [name], where).warnings)
        self.reveal_timer = self.set_timer(REVEAL_SECONDS, self.hide_value)
        self.reveal_note = f"{name} (masked again in {REVEAL_SECONDS:.0f} s or on moving): {value}"
        self.activity()

    def hide_value(self) -> None:
        """Mask the revealed field again."""
        if self.reveal_timer is not None:
            self.reveal_timer.stop()
            self.reveal_timer = None
        if self.revealed is not None:
            self.fields.clear_override(self.revealed)
            self.revealed, self.reveal_note = None, ""
            if self.is_mounted:
                self.activity()

    def on_grid_highlighted(self, event: Grid.Highlighted) -> None:
        if self.revealed is not None and (event.row is None or event.row.key != self.revealed):
            self.hide_value()

    def action_copy(self) -> None:
        found = self._field()
        if found is not None and self.secret is not None:
            what = f"{self.secret.location.full} {found[0]}"
            self.post_message(CopyRequested(found[1], what))

    def action_versions(self) -> None:
        node, conn = self.paths.cursor_node, self.conn
        entry = node.data if node is not None else None
        path = entry.path if entry is not None and entry.leaf else None
        if path is None and self.secret is not None:
            path = self.secret.location.full
        if path is None or conn is None:
            self.notify("select a path first", severity="warning")
            return
        self.run_job("read the versions", "vault-read", lambda: jobs.versions_job(conn, path),
                     path=path)  # fmt: skip

    def on_vault_versions(self, message: jobs.VaultVersions) -> None:
        if not self.current(message):
            return
        rows = [
            Row(str(v.version), (str(v.version), safe_text(v.created),
                "destroyed" if v.destroyed else (f"deleted {v.deleted}" if v.deleted else "live")))
            for v in reversed(message.versions)
        ]  # fmt: skip
        title = f"versions of {message.path} (newest first)"
        self.app.push_screen(TableScreen(safe_text(title), VERSION_COLUMNS, rows))

    # ----- filter: matches among what is listed, then a search below -----------------------
    def action_filter(self) -> None:
        field = self.query_one("#vault-filter", Input)
        field.display = True
        field.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "vault-filter":
            return
        needle = event.value.strip()
        self.paths.filter(needle)
        self.workers.cancel_group(self, "vault-search")
        if self.search_timer is not None:
            self.search_timer.stop()
            self.search_timer = None
        if needle and self.conn is not None:
            self.activity(f"searching for {needle!r}…")
            self.search_timer = self.set_timer(SEARCH_DELAY, self._search)
        else:
            self.activity()

    def _search(self) -> None:
        conn, needle = self.conn, self.paths.needle
        if conn is None or not needle:
            return
        roots = [path for path, _label in self.paths.mounts]
        known = dict(self.paths.listings)

        def job() -> jobs.VaultMessage:
            worker = get_current_worker()
            return jobs.search_job(conn, roots, needle, known, lambda: worker.is_cancelled)

        self.run_job("search", "vault-search", job)

    def on_vault_searched(self, message: jobs.VaultSearched) -> None:
        result = message.result
        if not self.current(message) or result.needle != self.paths.needle:
            return
        self.paths.merge(result.listings)
        self.paths.filter(result.needle)
        found = f"{len(result.matches)} path(s) match {result.needle!r}"
        notes = [f"{result.folders} folder(s) listed"]
        if result.truncated:
            notes.append("stopped at the limit: type more to narrow it")
        if result.failures:
            notes.append(f"{result.failures} folder(s) could not be listed")
        self.activity(f"{found} ({', '.join(notes)})")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "vault-filter":
            self.paths.focus()

    def key_escape(self) -> None:
        field = self.query_one("#vault-filter", Input)
        if field.display:
            field.value, field.display = "", False
            self.paths.focus()
