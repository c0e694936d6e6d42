"""Pane 2, Generate: a kind, a masked value to reveal, copy or insert; the generate-env plan."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Input, Select, Static
from textual.worker import get_current_worker

from relay_tui.domain.generate import KIND_HELP, KINDS, GenerateOptions, generate
from relay_tui.domain.masking import MASK, safe_text
from relay_tui.errors import RelayError
from relay_tui.project.project import Project
from relay_tui.project.template import FillResult, fill_template
from relay_tui.services.changes import read_only_reason
from relay_tui.ui.messages import CopyRequested, DataChanged
from relay_tui.ui.modals import ConfirmScreen, PickScreen
from relay_tui.ui.panes import generate_form as form
from relay_tui.ui.panes.base import Pane
from relay_tui.ui.safe import plain
from relay_tui.ui.session import TEMPLATE

REVEAL_SECONDS = 20.0
NEW_KEY = " new"  # not a key name: the "type a new one" choice of the insert picker


class GeneratePane(Pane):
    """Generate one secret at a time, masked; and preview what --generate-env would fill."""

    TITLE = "Generate"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "New"),
        Binding("r", "reveal", "Reveal"),
        Binding("c", "copy", "Copy"),
        Binding("i", "insert", "Insert"),
        Binding("t", "kind", "Kind"),
    ]
    DEFAULT_CSS = """
    GeneratePane { padding: 0 1; }
    #gen-help, #gen-note { color: $text-muted; }
    #gen-help, #gen-value, #gen-note, #gen-mask { height: 1; text-wrap: nowrap; }
    #gen-mask { width: auto; color: $secret-masked; padding: 0 2 0 0; }
    #gen-mask.revealed { color: $warning; text-style: bold; }
    #gen-note { width: 1fr; }
    #gen-reveal { height: auto; max-height: 8; display: none; }
    #gen-reveal.revealed { display: block; }
    #gen-revealed { color: $warning; }
    """

    def __init__(self) -> None:
        super().__init__(id="pane-generate")
        self.kind = KINDS[0]
        self.generated: str | None = None
        self.generated_kind = ""
        self.generated_note = ""
        self.revealed = False
        self.reveal_timer: Timer | None = None
        self.plan_stale = True

    def compose(self) -> ComposeResult:
        yield form.KindForm(self.kind)
        yield Static(id="gen-help")
        with Horizontal(id="gen-value"):
            yield Static(id="gen-mask")
            yield Static(id="gen-note")
        with VerticalScroll(id="gen-reveal"):
            yield Static(id="gen-revealed")
        yield form.PlanView()

    def on_mount(self) -> None:
        if isinstance(self.parent, ContentSwitcher):
            self.watch(self.parent, "current", self._switched, init=False)
        self._show_kind()
        if self.display:
            self.refresh_plan()

    def focus_default(self) -> None:
        self.query_one("#gen-kind", Select).focus()

    # ----- the kind and its options --------------------------------------------------------
    def _show_kind(self) -> None:
        self.query_one(form.KindForm).show_kind(self.kind)
        self.query_one("#gen-help", Static).update(plain(KIND_HELP.get(self.kind, "")))
        self._show_value()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str) and event.value != self.kind:
            self.hide_value()
            self.kind, self.generated, self.generated_kind = event.value, None, ""
            self._show_kind()
            self.action_new()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_new()

    def key_escape(self) -> None:
        if isinstance(self.app.focused, Input):
            self.focus_default()

    def action_kind(self) -> None:
        select = self.query_one("#gen-kind", Select)
        select.focus()
        select.action_show_overlay()

    # ----- generating ----------------------------------------------------------------------
    def action_new(self) -> None:
        try:
            options = self.query_one(form.KindForm).options()
        except RelayError as exc:
            self.fail(exc)
            return
        self.hide_value()
        self.query_one("#gen-note", Static).update(plain(f"generating a {self.kind}…"))
        self._generate(self.kind, options)

    @work(thread=True, exclusive=True, group="generate")
    def _generate(self, kind: str, options: GenerateOptions) -> None:
        """Make the value off the UI thread (an RSA key can take a while)."""
        worker = get_current_worker()
        try:
            value = generate(kind, **options)
        except RelayError as exc:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._failed, exc)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_new, kind, value, options.get("bits"))

    def _failed(self, exc: RelayError) -> None:
        self._show_value()
        self.fail(exc)

    def _show_new(self, kind: str, value: str, bits: int | None) -> None:
        self.hide_value()
        self.generated, self.generated_kind = value, kind
        self.generated_note = form.summary(kind, value, bits)
        self._show_value()

    def _show_value(self) -> None:
        """The masked line (or the revealed value) for the current state."""
        mask = self.query_one("#gen-mask", Static)
        mask.set_class(self.revealed, "revealed")
        self.query_one("#gen-reveal").set_class(self.revealed, "revealed")
        note = self.generated_note
        mask.display = self.generated is not None
        if self.generated is None:
            note = f"no value yet: press n for a new {self.kind}"
        elif self.revealed:
            mask.update(plain(f"{self.generated_kind}: shown for {REVEAL_SECONDS:.0f} s (r hides)"))
        else:
            mask.update(plain(f"{self.generated_kind} {MASK}"))
        self.query_one("#gen-note", Static).update(plain(note))

    # ----- revealing and copying -----------------------------------------------------------
    def _need_value(self, verb: str) -> str | None:
        if self.generated is None:
            self.notify(f"nothing to {verb}: press n to generate a value first", severity="warning")
        return self.generated

    def action_reveal(self) -> None:
        value = self._need_value("reveal")
        if value is None:
            return
        if self.revealed:
            self.hide_value()
            return
        self.revealed = True
        lines = [plain(line) for line in value.rstrip("\n").split("\n")]
        self.query_one("#gen-revealed", Static).update(Text("\n").join(lines))
        self.reveal_timer = self.set_timer(REVEAL_SECONDS, self.hide_value)
        self._show_value()

    def hide_value(self) -> None:
        """Mask the value again (after the timeout, a new value, or leaving the pane)."""
        if self.reveal_timer is not None:
            self.reveal_timer.stop()
            self.reveal_timer = None
        if self.revealed:
            self.revealed = False
            self.query_one("#gen-revealed", Static).update("")
            self._show_value()

    def _switched(self, current: str | None) -> None:
        if current != self.id:
            self.hide_value()

    def action_copy(self) -> None:
        value = self._need_value("copy")
        if value is not None:
            self.post_message(CopyRequested(value, f"generated {self.generated_kind}"))

    # ----- inserting into a key ------------------------------------------------------------
    def action_insert(self) -> None:
        env, session = self.session.active, self.session
        if not session.writable(env):
            why = read_only_reason(session.actor(), env) or "the template is read-only"
            self.notify(f"{why}; pick an environment with E to insert into",
                        severity="warning", markup=False)  # fmt: skip
            return
        if self._need_value("insert") is None:
            return
        specs = session.project.specs
        choices = form.key_choices(session.values(env), specs, (NEW_KEY, "+ a new key…"))
        self.app.push_screen(
            PickScreen(f"insert the generated {self.generated_kind} into a key of {env}", choices),
            lambda key: self._picked(env, key),
        )

    def _picked(self, env: str, key: str | None) -> None:
        if key == NEW_KEY:
            screen = form.KeyNameScreen(f"new key in {env} for the generated {self.generated_kind}")
            self.app.push_screen(screen, lambda name: self._named(env, name))
        elif key:
            self._named(env, key)

    def _named(self, env: str, key: str | None) -> None:
        if not key:
            return
        if self.session.values(env).get(key):
            question = f"replace the value of {key} in {env} with the generated one?"
            self.app.push_screen(ConfirmScreen(question),
                                 lambda yes: self._stage(env, key) if yes else None)  # fmt: skip
        else:
            self._stage(env, key)

    def _stage(self, env: str, key: str) -> None:
        if self.generated is None:
            return
        try:
            self.session.stage(env, key, self.generated)
        except RelayError as exc:
            self.fail(exc)
            return
        self.post_message(DataChanged(env))
        self.notify(f"staged {safe_text(key)} in {env}, press s in Env files to save",
                    markup=False)  # fmt: skip

    # ----- the generate-env plan -----------------------------------------------------------
    def shown(self) -> None:
        if self.plan_stale:
            self.refresh_plan()

    def env_changed(self, name: str) -> None:
        self.data_changed(name)

    def data_changed(self, env: str | None) -> None:
        self.plan_stale = True
        if self.display:
            self.refresh_plan()

    def _target(self) -> str | None:
        """The environment the plan is for: the active one, or development for the template."""
        name = "development" if self.session.active == TEMPLATE else self.session.active
        try:
            return self.session.project.environment(name).name
        except RelayError:
            return None

    def refresh_plan(self) -> None:
        """Work out (in a worker) what --generate-env would do for the active environment."""
        self.plan_stale = False
        self._plan(self.session.project, self._target())

    @work(thread=True, exclusive=True, group="generate-env")
    def _plan(self, project: Project, env: str | None) -> None:
        """Fill the template as the CLI would (the values are thrown away); report the keys."""
        worker = get_current_worker()
        result: FillResult | None = None
        try:
            if project.template is not None:
                result = fill_template(project.template, project.specs, env)
        except RelayError as exc:
            if not worker.is_cancelled:
                self.app.call_from_thread(self.fail, exc)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_plan, env, result)

    def _show_plan(self, env: str | None, result: FillResult | None) -> None:
        view, specs = self.query_one(form.PlanView), self.session.project.specs
        if result is None:
            view.show("no template (.env.example) in this project: nothing to preview", [], specs)
            return
        state = self.session.state(env) if env else None
        exists = state is not None and state.file is not None
        file_name = safe_text(state.env.file.name if state else ".env")
        values = self.session.values(env) if env and exists else {}
        rows = form.plan_rows(result, specs, values, env, file_name)
        where = "exists, set keys kept" if exists else "new file"
        view.show(f"generate-env → {file_name} ({where})", rows, specs)
