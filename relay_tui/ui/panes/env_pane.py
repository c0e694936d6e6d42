"""Pane 1, Env files: environments with badges, their keys masked, edits, saves, the matrix."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.widgets import Input, Static

from relay_tui.domain.compare import compare_values
from relay_tui.domain.dotenv_codec import KEY_RE
from relay_tui.domain.generate import generate
from relay_tui.domain.masking import safe_text
from relay_tui.errors import ConflictError, RelayError
from relay_tui.paths import fingerprint_key
from relay_tui.project.specs import spec_for
from relay_tui.rules.matrix import build_matrix
from relay_tui.services.changes import read_only_reason
from relay_tui.ui.messages import CopyRequested, DataChanged, SwitchEnvironment
from relay_tui.ui.modals import ConfirmScreen, EditValueScreen, PickScreen, TableScreen
from relay_tui.ui.panes.base import Pane
from relay_tui.ui.panes.env_badges import env_rows
from relay_tui.ui.safe import plain
from relay_tui.ui.session import TEMPLATE
from relay_tui.ui.widgets.filter_input import FilterInput
from relay_tui.ui.widgets.grid import Column, Grid, Row

REVEAL_SECONDS = 20.0
KEY_COLUMNS = [Column("KEY", 0), Column("VALUE", 10), Column("KIND", 11), Column("STATUS", 0)]
MATRIX_STYLE = {"set": "cell-set", "missing": "cell-missing", "empty": "cell-placeholder",
                "placeholder": "cell-placeholder", "default": "cell-default",
                "reused": "cell-reused"}  # fmt: skip


class EnvPane(Pane):
    """Environments on top, the active one's keys below (or the matrix of all of them)."""

    TITLE = "Env files"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reveal", "Reveal"),
        Binding("e", "edit", "Edit"),
        Binding("g", "generate", "Gen"),
        Binding("a", "add", "Add", show=False),
        Binding("d", "delete", "Delete", show=False),
        Binding("s,ctrl+s", "save", "Save"),
        Binding("t", "diff_template", "Diff template", show=False),
        Binding("D", "diff_env", "Diff env", show=False),
        Binding("m", "matrix", "Matrix"),
        Binding("slash", "filter", "Find"),
        Binding("R", "reload", "Reload", show=False),
        Binding("c", "copy", "Copy", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="pane-env")
        self.matrix_mode = False
        self.revealed: str | None = None
        self.reveal_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Grid(id="envs")
        yield FilterInput(
            self._filter_keys, id="key-filter", placeholder="filter keys (esc clears)"
        )
        yield Grid(id="keys")
        yield Static(id="key-detail")

    def on_mount(self) -> None:
        self.keys.on_move = self._moved
        self.query_one("#key-filter").display = False
        self.refresh_envs()
        self.refresh_keys()
        self.query_one("#keys", Grid).focus()

    # ----- views ---------------------------------------------------------------------------
    @property
    def keys(self) -> Grid:
        return self.query_one("#keys", Grid)

    def refresh_envs(self) -> None:
        grid = self.query_one("#envs", Grid)
        rows = env_rows(self.session)
        grid.set_data(
            [Column("ENVIRONMENT", 16), Column("FILE", 18), Column("BADGES", 0)],
            rows,
            keep=self.session.active,
        )
        grid.styles.height = min(len(rows), 5) + 2  # header and bottom border

    def refresh_keys(self) -> None:
        keep = self.keys.current.key if self.keys.current else None
        if self.matrix_mode:
            self._show_matrix(keep)
        else:
            self.keys.set_data(KEY_COLUMNS, self.session.key_rows(self.session.active), keep)
        self._detail()

    def _show_matrix(self, keep: str | None) -> None:
        session = self.session
        columns = {n: session.values(n) for n in session.env_names() if n != TEMPLATE}
        columns.update({f"vault:{n}": dict(v) for n, v in self.vault_values.items()})
        matrix = build_matrix(session.project, columns)
        rows = [
            Row(
                key,
                (safe_text(key), *(matrix.state(key, c) for c in matrix.columns)),
                ("", *(MATRIX_STYLE[matrix.state(key, c)] for c in matrix.columns)),
            )
            for key in matrix.keys
        ]
        titles = [Column("KEY", 0), *(Column(c[:11].upper(), 11) for c in matrix.columns)]
        self.keys.set_data(titles, rows, keep)

    def _detail(self) -> None:
        detail = self.query_one("#key-detail", Static)
        row = self.keys.current
        state = self.session.state(self.session.active)
        if row is None:
            text = state.error or "no keys: press a to add one"
        elif self.revealed == row.key:
            value = self.session.values(self.session.active).get(row.key)
            text = f"{row.key} (revealed, hidden again in {REVEAL_SECONDS:.0f} s or on leaving)"
            text += "\n" + ("(no value)" if value is None else value)
        else:
            spec = self.session.spec(row.key)
            parts = [row.key, spec.kind, "required" if spec.required else "optional"]
            findings = self.session.findings_by_key(self.session.active).get(row.key, [])
            first = findings[0].message if findings else (spec.help or "")
            text = " · ".join(parts) + ("\n" + first if first else "")
        head, _, rest = text.partition("\n")
        lines = [plain(head)] + ([plain(rest, "bold")] if rest else [])
        detail.update(Text("\n").join(lines))

    # ----- events --------------------------------------------------------------------------
    def on_grid_highlighted(self, event: Grid.Highlighted) -> None:
        if event.grid.id == "envs":
            if event.row is not None and event.row.key != self.session.active:
                self.post_message(SwitchEnvironment(event.row.key))
            return

    def _moved(self, row: Row | None) -> None:
        if self.revealed is not None and (row is None or row.key != self.revealed):
            self.hide_value()
        if self.is_mounted:
            self._detail()

    def on_grid_selected(self, event: Grid.Selected) -> None:
        if event.grid.id == "envs":
            self.keys.focus()
        elif not self.matrix_mode:
            self.action_edit()

    def _filter_keys(self, text: str) -> None:
        self.keys.filter(text)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.keys.focus()

    def key_escape(self) -> None:
        field = self.query_one("#key-filter", Input)
        if field.display:
            field.value, field.display = "", False
            self.keys.focus()

    def env_changed(self, name: str) -> None:
        self.hide_value()
        self.refresh_envs()
        self.refresh_keys()

    def findings_changed(self) -> None:
        self.refresh_envs()
        self.refresh_keys()

    def data_changed(self, env: str | None) -> None:
        self.refresh_envs()
        self.refresh_keys()

    # ----- revealing and copying -----------------------------------------------------------
    def _current_key(self) -> str | None:
        row = self.keys.current
        if row is None or self.matrix_mode:
            self.notify("select a key first (m leaves the matrix)", severity="warning")
            return None
        return row.key

    def action_reveal(self) -> None:
        key = self._current_key()
        if key is None:
            return
        if self.revealed == key:
            self.hide_value()
            return
        value = self.session.values(self.session.active).get(key)
        self.hide_value()
        self.revealed = key
        self.keys.show_instead(key, 1, "(no value)" if value is None else value)
        # lazy: the audit log's writer loads at the first reveal, not the first frame
        from relay_tui.services.reveals import record_reveal

        self.tell_warnings(record_reveal(self.session.actor(), self.session.active, [key]).warnings)
        self.reveal_timer = self.set_timer(REVEAL_SECONDS, self.hide_value)
        self._detail()

    def hide_value(self) -> None:
        if self.reveal_timer is not None:
            self.reveal_timer.stop()
            self.reveal_timer = None
        if self.revealed is not None:
            self.keys.clear_override(self.revealed)
            self.revealed = None
            if self.is_mounted:
                self._detail()

    def action_copy(self) -> None:
        key = self._current_key()
        value = self.session.values(self.session.active).get(key) if key else None
        if key and value:
            what, env = f"{self.session.active} {key}", self.session.active
            self.post_message(CopyRequested(value, what, env, (key,)))

    # ----- editing -------------------------------------------------------------------------
    def _editable(self) -> bool:
        name = self.session.active
        refusal = read_only_reason(self.session.actor(), name)
        if refusal:
            self.notify(refusal, severity="warning", markup=False)
        elif name == TEMPLATE:
            self.notify(
                "the template is read-only here; edit it in your editor", severity="warning"
            )
        else:
            return True
        return False

    def _generator(self, key: str) -> object:
        spec = spec_for(self.session.project.specs, key)
        if not spec.generatable:
            return None

        return lambda: generate(spec.kind)

    def action_edit(self) -> None:
        key = self._current_key()
        if key is None or not self._editable():
            return
        value = self.session.values(self.session.active).get(key) or ""
        gen = self._generator(key)

        def done(result: str | None) -> None:
            if result is not None:
                self._stage(key, result)

        title = f"{self.session.active}: {key}"
        self.app.push_screen(EditValueScreen(title, value, generator=gen), done)  # type: ignore[arg-type]

    def action_add(self) -> None:
        if not self._editable():
            return
        screen = EditValueScreen(f"add a key to {self.session.active}", "", key_name="")

        def done(result: str | None) -> None:
            if result is None:
                return

            if not KEY_RE.match(screen.key_name):
                self.notify(f"{safe_text(screen.key_name)!r} is not a valid key name",
                            severity="error", markup=False)  # fmt: skip
                return
            self._stage(screen.key_name, result)

        self.app.push_screen(screen, done)

    def action_generate(self) -> None:
        key = self._current_key()
        if key is None or not self._editable():
            return
        spec = spec_for(self.session.project.specs, key)
        if not spec.generatable:
            self.notify(f"{safe_text(key)} is a {spec.kind}: it cannot be generated",
                        severity="warning", markup=False)  # fmt: skip
            return

        self._stage(key, generate(spec.kind))
        self.notify(f"new {spec.kind} for {safe_text(key)} (not saved: press s)", markup=False)

    def action_delete(self) -> None:
        key = self._current_key()
        if key is None or not self._editable():
            return

        def done(yes: bool | None) -> None:
            if yes:
                self._stage(key, None)

        self.app.push_screen(ConfirmScreen(f"delete {key} from {self.session.active}?"), done)

    def _stage(self, key: str, value: str | None) -> None:
        try:
            self.session.stage(self.session.active, key, value)
        except RelayError as exc:
            self.fail(exc)
            return
        self.refresh_envs()  # the UNSAVED badge
        self.refresh_keys()

    def action_save(self) -> None:
        name = self.session.active
        state = self.session.state(name)
        if not state.dirty:
            self.notify("nothing to save")
            return
        if not self._editable():
            return
        count = len(state.pending)
        question = f"save {count} change(s) to {name} ({state.env.file.name})?"
        if state.env.protected:
            confirm = ConfirmScreen(f"{name} is PROTECTED. {question}", type_to_confirm=name)
            self.app.push_screen(confirm, lambda yes: self._save(name, True) if yes else None)
        else:
            self._save(name, False)

    def _save(self, name: str, confirmed: bool) -> None:
        try:
            written = self.session.save(name, confirmed)
        except ConflictError as exc:
            self._conflict(name, exc)
            return
        except RelayError as exc:
            self.fail(exc)
            return
        for warning in self.session.warnings:
            self.notify(safe_text(warning), severity="warning", markup=False)
        self.session.warnings.clear()
        self.notify(f"saved {len(written)} change(s) to {name}", markup=False)
        self.post_message(DataChanged(name))

    def _conflict(self, name: str, exc: ConflictError) -> None:
        choices = [
            ("rebase", "read the file again and re-apply my changes"),
            ("discard", "read the file again and drop my changes"),
            ("keep", "keep editing (nothing is written)"),
        ]

        def done(choice: str | None) -> None:
            if choice == "rebase":
                self.session.rebase(name)
                self.notify("your changes sit on the new file: review, then press s", markup=False)
            elif choice == "discard":
                self.session.reload(name)
            self.post_message(DataChanged(name))

        title = f"{safe_text(exc.message)}: the file changed on disk since it was read"
        self.app.push_screen(PickScreen(title, choices), done)

    def action_reload(self) -> None:
        self.session.reload(self.session.active)
        self.post_message(DataChanged(self.session.active))

    # ----- views ---------------------------------------------------------------------------
    def action_matrix(self) -> None:
        self.hide_value()
        self.matrix_mode = not self.matrix_mode
        self.refresh_keys()

    def action_filter(self) -> None:
        field = self.query_one("#key-filter", Input)
        field.display = True
        field.focus()

    def action_diff_template(self) -> None:
        self._diff(TEMPLATE)

    def action_diff_env(self) -> None:
        others = [(n, n) for n in self.session.env_names() if n != self.session.active]
        self.app.push_screen(
            PickScreen(f"compare {self.session.active} with:", others),
            lambda name: self._diff(name) if name else None,
        )

    def _diff(self, other: str) -> None:
        session, active = self.session, self.session.active
        if other == active or other not in session.env_names():
            self.notify("nothing to compare with", severity="warning")
            return
        diffs = compare_values(
            session.values(active), session.values(other), active, other, fingerprint_key()
        )
        rows = [
            Row(d.key, (safe_text(d.key), d.status), ("", "error" if d.drift else "dim"))
            for d in diffs
        ]
        drift = sum(d.drift for d in diffs)
        note = f"{drift} key(s) missing on one side or sharing a value; values are never shown"
        columns = [Column("KEY", 0), Column(f"{active} vs {other}"[:40], 40)]
        self.app.push_screen(TableScreen(f"{active} vs {other}", columns, rows, note))
