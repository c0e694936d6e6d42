"""Pane 4, Vault: connection status, a lazy tree of paths, masked fields, diff, push and pull."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from relay_tui.domain.masking import safe_text
from relay_tui.errors import ConfigurationError, ConflictError, RelayError
from relay_tui.infra.trust import NotTrustedError
from relay_tui.project.project import Environment
from relay_tui.ui.messages import VaultStateChanged
from relay_tui.ui.panes import vault_worker as jobs
from relay_tui.ui.panes.vault_paths import FIELD_COLUMNS, VaultPathsPane
from relay_tui.ui.panes.vault_text import HELP, status_lines, sync_line
from relay_tui.ui.panes.vault_tree import VaultTree
from relay_tui.ui.safe import plain
from relay_tui.ui.session import TEMPLATE
from relay_tui.ui.widgets.grid import Grid

if TYPE_CHECKING:
    from relay_tui.stores.vault.config import VaultSettings


class VaultPane(VaultPathsPane):
    """Status on top, the tree of paths on the left, the selected path's fields on the right."""

    TITLE = "Vault"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reveal", "Reveal"),
        Binding("v", "versions", "Versions", show=False),
        Binding("d", "diff", "Diff"),
        Binding("p", "push", "Push"),
        Binding("l", "pull", "Pull"),
        Binding("slash", "filter", "Filter"),
        Binding("R", "reconnect", "Reconnect", show=False),
        Binding("c", "copy", "Copy", show=False),
    ]
    DEFAULT_CSS = """
    VaultPane #vault-status { height: auto; max-height: 8; padding: 0 1;
                              border-bottom: solid $primary; }
    VaultPane #vault-status.failed { color: $error; }
    VaultPane #vault-body { height: 1fr; }
    VaultPane #vault-side { width: 1fr; }
    VaultPane #vault-path { height: 1; padding: 0 1; color: $text-muted; }
    VaultPane #vault-help { height: 1fr; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__(id="pane-vault")
        self.started = False
        self.settings: VaultSettings | None = None
        self.env_key: tuple[str | None, str | None] = (None, None)

    def compose(self) -> ComposeResult:
        yield Static(plain("not connected yet"), id="vault-status")
        yield Input(id="vault-filter", classes="pane-filter",
                    placeholder="filter paths, searching below too (esc clears)")  # fmt: skip
        with Horizontal(id="vault-body"):
            yield VaultTree(id="vault-tree")
            with Vertical(id="vault-side"):
                yield Static(id="vault-path")
                yield Grid(id="vault-fields")
        with VerticalScroll(id="vault-help"):
            yield Static(Text(HELP))  # our own text: literal, never markup
        yield Static(id="vault-detail", classes="detail")

    def on_mount(self) -> None:
        self.query_one("#vault-filter").display = False
        self.query_one("#vault-help").display = False
        self.paths.show_note("not connected")
        self.activity()
        # Where the connection would go, for the header, once the app is up (its queue runs
        # after its own mount); no server is contacted before pane 4 is shown.
        self.app.call_later(self._resolve_only)

    def _resolve_only(self) -> None:
        if not self.started:
            self.run_job("connect", "vault-connect", self._resolve(False))

    # ----- parts ---------------------------------------------------------------------------
    def _env(self) -> Environment | None:
        name = self.session.active
        return None if name == TEMPLATE else self.session.project.environment(name)

    def activity(self, text: str = "") -> None:
        env, project = self._env(), self.session.project
        line = sync_line(project, env, self.session.read_only)
        second = text or self.reveal_note
        lines = [line, *([safe_text(second)] if second else [])]
        self.query_one("#vault-detail", Static).update(Text("\n").join(map(plain, lines)))

    def _status(self, lines: list[str], failed: bool = False) -> None:
        status = self.query_one("#vault-status", Static)
        status.update(Text("\n").join(plain(line) for line in lines))
        status.set_class(failed, "failed")

    # ----- connecting ----------------------------------------------------------------------
    def _resolve(self, connect: bool) -> Callable[[], jobs.VaultMessage | None]:
        project, env, gen = self.session.project, self._env(), self.gen

        def job() -> jobs.VaultMessage | None:
            resolved = jobs.resolve_job(project, env, connect)
            if not resolved.connecting:
                return resolved
            resolved.gen = gen
            if not get_current_worker().is_cancelled:
                self.post_message(resolved)
            return jobs.connect_job(resolved.settings)

        return job

    def shown(self) -> None:
        if not self.started:
            self.action_reconnect()

    def focus_default(self) -> None:
        help_box = self.query_one("#vault-help")
        (help_box if help_box.display else self.paths).focus()

    def action_reconnect(self) -> None:
        """Read the settings again and connect (lazily: the first time pane 4 is shown)."""
        self.started = True
        self.gen += 1
        self.settings = None
        env = self._env()
        self.env_key = (env.vault_addr, env.vault_mount) if env else (None, None)
        self.conn, self.secret = None, None
        self.hide_value()
        self.fields.set_data(FIELD_COLUMNS, [])
        self._path_line("")
        self.paths.show_note("connecting…")
        self.run_job("connect", "vault-connect", self._resolve(True))

    def on_vault_resolved(self, message: jobs.VaultResolved) -> None:
        if not self.current(message):
            return
        self.settings = settings = message.settings
        self.query_one("#vault-help").display = not message.configured
        self.query_one("#vault-body").display = message.configured
        if not message.configured:
            self._status(["Vault is not configured: set an address and a token (see below)."])
            self.post_message(VaultStateChanged("not configured"))
        elif message.connecting:
            self._status([*status_lines(settings, []), "connecting…"])
            self.post_message(VaultStateChanged("connecting…"))
        else:
            self._status([*status_lines(settings, []), "not connected yet (pane 4 connects)"])
            self.post_message(VaultStateChanged(f"{settings.addr} (not connected)"))
        self.activity()
        if self.started and self.is_active:
            self.focus_default()

    def on_vault_connected(self, message: jobs.VaultConnected) -> None:
        if not self.current(message):
            return
        self.conn = message.conn
        settings = message.conn.store.settings
        self._status(status_lines(settings, message.rows))
        sealed = any(label == "sealed" and value != "no" for label, value in message.rows)
        namespace = settings.namespace or "root"
        label = f"{settings.addr} ({namespace} ns)" + (" SEALED" if sealed else "")
        self.post_message(VaultStateChanged(label))
        self.paths.show_mounts([(m.path + "/", m.label) for m in message.mounts])
        first = self.paths.nodes.get(message.mounts[0].path + "/") if message.mounts else None
        if first is not None:
            first.expand()
            self.call_after_refresh(self.paths.move_cursor, first)

    def on_vault_failed(self, message: jobs.VaultFailed) -> None:
        if not self.current(message):
            return
        exc = message.error
        self.activity()
        if message.what == "connect":
            where = status_lines(self.settings, []) if self.settings else []
            lines = [*where, exc.message, (exc.hint + " · " if exc.hint else "") + "R tries again"]
            self._status(lines, failed=True)
            self.post_message(VaultStateChanged(connect_failure_label(exc)))
            self.paths.show_note("not connected")
            return
        if message.what == "list":
            self.paths.mark_failed(message.path)
        elif message.what == "read":
            self._path_line(f"{message.path}: could not read it")
        elif message.what in ("push", "pull") and isinstance(exc, ConflictError):
            note = "changed since the plan: diff again (d), then retry"
            self.notify(f"{safe_text(exc.message)}\n{note}", severity="error", markup=False,
                        timeout=10)  # fmt: skip
            return
        self.fail(exc)

    def env_changed(self, name: str) -> None:
        self.activity()
        env = self._env()
        key = (env.vault_addr, env.vault_mount) if env else (None, None)
        if not self.started:
            self._resolve_only()  # the header names this environment's server
        elif key != self.env_key:
            self.action_reconnect()  # this environment lives on another server or mount


def connect_failure_label(exc: RelayError) -> str:
    """The header's word for a connection that did not happen, naming why."""
    if isinstance(exc, NotTrustedError):
        return "not trusted (run relay-tui trust)"
    return "configuration error" if isinstance(exc, ConfigurationError) else "unreachable"
