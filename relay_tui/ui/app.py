"""The workbench app: header, panes on number keys, footer, palette; validation in a worker.

Messages up, attributes down: panes post the messages of `ui/messages.py`; the app answers
by setting the panes' attributes and calling their hooks (`env_changed`, `data_changed`, ...).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import ClassVar

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Static

from relay_tui.domain.masking import safe_text
from relay_tui.errors import RelayError
from relay_tui.ui import crash
from relay_tui.ui.config import remember_theme
from relay_tui.ui.keys_screen import KeysScreen, pane_commands
from relay_tui.ui.messages import (
    CopyRequested,
    DataChanged,
    FindingsReady,
    IncidentRequested,
    SwitchEnvironment,
    ValidationRequested,
    VaultStateChanged,
    VaultValuesRead,
)
from relay_tui.ui.modals import PickScreen
from relay_tui.ui.pane_registry import make_pane
from relay_tui.ui.panes.base import Pane
from relay_tui.ui.panes.env_pane import EnvPane
from relay_tui.ui.safe import plain
from relay_tui.ui.session import TEMPLATE, Session
from relay_tui.ui.themes import APP_VARIABLE_DEFAULTS, load_themes, pick_theme

CLIPBOARD_CLEAR_SECONDS = 30.0


class RelayApp(App[int]):
    """The terminal workbench over one project (`Session`)."""

    CSS_PATH = "app.tcss"
    TITLE = "relay-tui"
    ALLOW_SELECT = False  # selecting text would copy revealed values around
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "pane('pane-env')", "Env", show=False),
        Binding("2", "pane('pane-generate')", "Generate", show=False),
        Binding("3", "pane('pane-validate')", "Validate", show=False),
        Binding("4", "pane('pane-vault')", "Vault", show=False),
        Binding("5", "pane('pane-notebook')", "Notebook", show=False),
        Binding("6", "pane('pane-rotation')", "Rotation", show=False),
        Binding("7", "pane('pane-scan')", "Scan", show=False),
        Binding("E", "pick_env", "Env"),
        Binding("question_mark", "keys", "Keys"),
        Binding("ctrl+p", "command_palette", "Palette", show=False),
        Binding("ctrl+q", "quit", "Quit"),
    ]

    def __init__(
        self, session: Session, *, theme: str | None = None, notes: list[str] | None = None
    ) -> None:
        super().__init__()
        self.notes = notes or []
        self.session = session
        self.vault_label = "not configured"
        self.vault_values: dict[str, dict[str, str | None]] = {}
        self._theme_saved = self._apply_theme(theme)  # before compose: one CSS pass, not two

    # ----- layout --------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(id="header")
        with ContentSwitcher(initial="pane-env", id="panes"):
            yield self._hand_down(EnvPane(), active=True)  # the others: when first shown
        yield Footer(compact=True)  # room for every key that matters at 80 columns

    def get_theme_variable_defaults(self) -> dict[str, str]:

        return dict(APP_VARIABLE_DEFAULTS)

    def on_mount(self) -> None:
        for note in self.notes:
            self.notify(safe_text(note), severity="warning", markup=False, timeout=10)
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.update_header()
        # After the first frame: validation (which also builds the template's specs) and the
        # Vault label would otherwise compete with it for the interpreter.
        self.call_after_refresh(self.run_validation)
        self.call_after_refresh(self.resolve_vault_label)
        if self.needs_setup():
            self.call_after_refresh(self.open_setup)

    def needs_setup(self) -> bool:
        """A template and no development file yet: the first-time setup is what to do."""
        project = self.session.project
        if project.template_path is None or project.environments:
            return False
        return not project.environment("development").file.exists()

    async def open_setup(self) -> None:
        """Open the first-time setup notebook (read-only sessions only hear about it)."""
        if self.session.read_only:
            why = "no .env yet: the first-time setup (key 5) needs a writable session"
            self.notify(why, severity="warning")
            return
        await self.action_pane("pane-notebook")
        self.notify(
            "No .env yet: this is the first-time setup. r runs the focused cell, R runs them all, "
            "? lists every key.",
            timeout=12,
        )

    def _apply_theme(self, requested: str | None) -> str:

        loaded = load_themes()
        for theme in loaded.themes:
            self.register_theme(theme)
        chosen, problem = pick_theme(requested, loaded)
        self.theme = chosen.name
        self.notes += [*loaded.problems, *([problem] if problem else [])]
        return chosen.name

    def _remember_theme(self, theme: object) -> None:
        """Remember a theme the user picked (not the one we started with; never when read-only)."""
        name = getattr(theme, "name", None)
        if not isinstance(name, str) or name == self._theme_saved or self.session.read_only:
            return
        try:
            remember_theme(name)
        except (OSError, RelayError) as exc:
            message = exc.message if isinstance(exc, RelayError) else str(exc)
            self.notify(safe_text(message), severity="warning", markup=False)
            return
        self._theme_saved = name

    def _hand_down(self, pane: Pane, *, active: bool = False) -> Pane:
        """Give a new pane what it reads from the app (attributes down), before it is mounted."""
        pane.session = self.session
        pane.vault_values = self.vault_values
        pane.needs_setup = self.needs_setup()
        pane.is_active = active
        return pane

    @property
    def active_pane(self) -> Pane:
        switcher = self.query_one("#panes", ContentSwitcher)
        return self.query_one(f"#{switcher.current}", Pane)

    def panes(self) -> list[Pane]:
        """Every pane."""
        return list(self.query(Pane))

    def update_header(self) -> None:
        found = self.query("#header")
        if not found or not self.query("#panes"):  # before compose or while shutting down
            return
        session = self.session
        env = session.state(session.active).env
        parts = [
            f"{session.project.name}",
            f"env: {session.active}" + _env_note(session.active, env.protected),
            f"vault: {self.vault_label}",
            self.active_pane.TITLE,
        ]
        if session.read_only:
            parts.insert(0, "READ-ONLY")
        header = found.first(Static)
        header.update(plain(" │ ".join(parts)))
        header.set_class(session.read_only, "read-only")
        header.set_class(env.protected and not session.read_only, "protected")

    # ----- actions -------------------------------------------------------------------------
    async def action_pane(self, pane_id: str) -> None:
        switcher = self.query_one("#panes", ContentSwitcher)
        if not self.query(f"#{pane_id}"):
            await switcher.mount(self._hand_down(make_pane(pane_id)))
        switcher.current = pane_id
        pane = self.active_pane
        for each in self.panes():
            each.is_active = each is pane
        pane.shown()
        self.update_header()
        self.call_after_refresh(pane.focus_default)

    def action_pick_env(self) -> None:

        choices = [(n, n) for n in self.session.env_names()]
        self.push_screen(
            PickScreen("switch environment", choices),
            lambda name: self.switch_env(name) if name else None,
        )

    def switch_env(self, name: str) -> None:
        """Make `name` the active environment in every pane."""
        if name == self.session.active:
            return
        self.session.active = name
        for pane in self.panes():
            pane.env_changed(name)
        self.update_header()

    def action_keys(self) -> None:

        self.push_screen(KeysScreen(self))

    def data_changed(self, env: str | None) -> None:
        """After an edit, save or reload: tell the panes and validate again."""
        for pane in self.panes():
            pane.data_changed(env)
        self.update_header()
        self.run_validation()

    def set_vault(self, label: str, values: dict[str, dict[str, str | None]] | None = None) -> None:
        """The Vault pane reports its connection (and the environments it has read)."""
        self.vault_label = label
        if values is not None:
            self.vault_values = values
            for pane in self.panes():
                pane.vault_values = values
        self.update_header()

    @work(thread=True, exclusive=True, group="vault-label")
    def resolve_vault_label(self) -> None:
        """Say in the header where Vault would be reached (no server is contacted here)."""
        session = self.session
        env = None if session.active == TEMPLATE else session.project.environment(session.active)
        # lazy: kept off the first frame (this runs in a worker once the screen is up)
        from relay_tui.infra.trust import NotTrustedError
        from relay_tui.stores.vault.config import settings_for

        try:
            settings = settings_for(session.project, env)
        except NotTrustedError:
            label = "not trusted (run relay-tui trust)"
        except RelayError:
            label = "configuration error"
        else:
            configured = settings.addr_source != "default" or settings.token is not None
            label = f"{settings.addr} (not connected)" if configured else "not configured"
        self.call_from_thread(self._label_unless_connected, label)

    def _label_unless_connected(self, label: str) -> None:
        if not self.query("#pane-vault"):  # once pane 4 exists, it reports the connection
            self.set_vault(label)

    # ----- what the panes ask for (messages up) ---------------------------------------------
    def on_data_changed(self, message: DataChanged) -> None:
        self.data_changed(message.env)

    def on_switch_environment(self, message: SwitchEnvironment) -> None:
        self.switch_env(message.name)

    def on_validation_requested(self, message: ValidationRequested) -> None:
        self.run_validation()

    def on_vault_state_changed(self, message: VaultStateChanged) -> None:
        self.set_vault(message.label)

    def on_vault_values_read(self, message: VaultValuesRead) -> None:
        self.set_vault(self.vault_label, {**self.vault_values, message.env: message.values})

    def on_copy_requested(self, message: CopyRequested) -> None:
        self.copy_secret(message.value, message.what, message.env, list(message.keys))

    async def on_incident_requested(self, message: IncidentRequested) -> None:
        # lazy: the incident flow loads the notebook pane and engine only when asked for
        from relay_tui.ui.incident import open_incident

        await open_incident(self, message.env, message.key)

    # ----- validation in a worker ----------------------------------------------------------
    @work(thread=True, exclusive=True, group="validate")
    def run_validation(self) -> None:
        """Validate every environment off the UI thread; the result arrives as a message."""
        # lazy: kept off the first frame (this runs in a worker once the screen is up)
        from relay_tui.rules.validate import validate

        try:
            report = validate(self.session.project)
        except RelayError as exc:
            self.call_from_thread(
                self.notify, safe_text(exc.message), severity="error", markup=False
            )
            return
        self.post_message(FindingsReady(report))

    def on_findings_ready(self, message: FindingsReady) -> None:
        self.session.report = message.report
        for pane in self.panes():
            pane.findings_changed()

    # ----- clipboard, screenshots, palette, crashes ----------------------------------------
    def copy_secret(
        self, value: str, what: str, env: str | None = None, keys: list[str] | None = None
    ) -> None:
        """Copy on request only; warn when it travels through SSH or tmux; clear it later."""
        # lazy: the audit log's writer loads only when a value is copied
        from relay_tui.services.reveals import record_reveal

        copied = record_reveal(self.session.actor(), env, keys or [], what, action="copy")
        for warning in copied.warnings:
            self.notify(safe_text(warning), severity="warning", markup=False)
        self.copy_to_clipboard(value)
        route = [n for n, v in (("SSH", "SSH_CONNECTION"), ("tmux", "TMUX")) if os.environ.get(v)]
        via = f" It goes through {' and '.join(route)} to your terminal (OSC 52)." if route else ""
        self.notify(
            f"copied {safe_text(what)}; cleared in {CLIPBOARD_CLEAR_SECONDS:.0f} s.{via}",
            severity="warning" if route else "information",
            markup=False,
        )
        self.set_timer(CLIPBOARD_CLEAR_SECONDS, self.clear_clipboard)

    def clear_clipboard(self) -> None:
        """Overwrite the clipboard (ours and, through OSC 52, the terminal's)."""
        self.copy_to_clipboard("")

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        self.notify("screenshots are disabled: they could hold revealed values")

    def deliver_screenshot(self, *args: object, **kwargs: object) -> str | None:
        self.action_screenshot()
        return None

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if "screenshot" not in command.title.lower():
                yield command

        yield from pane_commands(self)

    def _handle_exception(self, error: Exception) -> None:
        crash.handle(self, error)


def _env_note(name: str, protected: bool) -> str:

    if name == TEMPLATE:
        return " (read-only)"
    return " (PROTECTED)" if protected else ""
