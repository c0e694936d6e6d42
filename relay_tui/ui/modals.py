"""Modal screens: confirm (naming the environment), edit a value masked, pick one, show a table."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from relay_tui.ui.safe import plain
from relay_tui.ui.widgets.grid import Column, Grid, Row


class SecretInput(Input):
    """A password Input that never copies or cuts: a secret leaves only by saving it."""

    def action_copy(self) -> None:
        self.app.bell()
        self.notify("copying is disabled in a secret field", severity="warning")

    def action_cut(self) -> None:
        self.action_copy()


class ConfirmScreen(ModalScreen[bool]):
    """Yes or no; for a protected environment the user types its name to confirm."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(False)", "Cancel")]

    def __init__(self, question: str, *, type_to_confirm: str | None = None) -> None:
        super().__init__()
        self.question = question
        self.type_to_confirm = type_to_confirm

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            lines = [plain(line) for line in self.question.split("\n")]
            yield Static(Text("\n").join(lines), classes="question")
            if self.type_to_confirm:
                yield Label(plain(f"type {self.type_to_confirm} to confirm:"))
                yield Input(id="typed", placeholder=self.type_to_confirm)
            with Horizontal(classes="buttons"):
                yield Button("Yes", id="yes", variant="warning")
                yield Button("No", id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#typed" if self.type_to_confirm else "#no").focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._answer(True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self._answer(event.button.id == "yes")

    def _answer(self, yes: bool) -> None:
        if yes and self.type_to_confirm:
            typed = self.query_one("#typed", Input).value.strip()
            if typed != self.type_to_confirm:
                self.notify(f"type {self.type_to_confirm} exactly to confirm", severity="warning")
                return
        self.dismiss(yes)


class EditValueScreen(ModalScreen[str | None]):
    """Edit one value in a masked field; ctrl+r shows it (escaped) below, ctrl+g generates one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("ctrl+r", "toggle_shown", "Show/hide"),
        Binding("ctrl+g", "generate", "Generate"),
    ]

    def __init__(
        self,
        title: str,
        value: str,
        *,
        key_name: str | None = None,
        generator: Callable[[], str] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.ask_key = key_name is not None
        self.key_name = key_name or ""
        self.generator = generator

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(self.title_text), classes="question")
            if self.ask_key:
                yield Input(self.key_name, id="key", placeholder="KEY_NAME")
            yield SecretInput(self.value, password=True, id="value", placeholder="value")
            yield Static(id="shown", classes="revealed")
            yield Static(
                "enter saves · esc cancels · ctrl+r show · ctrl+g generate", classes="hint"
            )

    def on_mount(self) -> None:
        self.query_one("#shown").display = False
        self.query_one("#key" if self.ask_key else "#value").focus()

    def action_toggle_shown(self) -> None:
        """Show the value below the field, escaped; the field itself never draws it raw."""
        shown = self.query_one("#shown", Static)
        shown.display = not shown.display
        self._show_value()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "value":
            self._show_value()

    def _show_value(self) -> None:
        shown = self.query_one("#shown", Static)
        if shown.display:
            shown.update(plain(self.query_one("#value", SecretInput).value or "(empty)"))

    def action_generate(self) -> None:
        if self.generator is None:
            self.notify("this key's kind cannot be generated", severity="warning")
            return
        self.query_one("#value", SecretInput).value = self.generator()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "key":
            self.query_one("#value").focus()
            return
        if self.ask_key:
            self.key_name = self.query_one("#key", Input).value.strip()
        self.dismiss(self.query_one("#value", SecretInput).value)


class PickScreen(ModalScreen[str | None]):
    """Choose one of a few names (an environment, a kind, ...)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, title: str, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices  # (id, label)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(self.title_text), classes="question")
            yield OptionList(*(Option(plain(label), id=ident) for ident, label in self.choices))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class TableScreen(ModalScreen[None]):
    """A read-only table (a diff, a plan, a finding's details); escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss(None)", "Close"),
    ]

    def __init__(self, title: str, columns: list[Column], rows: list[Row], note: str = "") -> None:
        super().__init__()
        self.title_text, self.columns, self.rows, self.note = title, columns, rows, note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(plain(self.title_text), classes="question")
            yield Grid(id="table")
            if self.note:
                yield Static(plain(self.note), classes="hint")

    def on_mount(self) -> None:
        grid = self.query_one(Grid)
        grid.set_data(self.columns, self.rows)
        grid.focus()
