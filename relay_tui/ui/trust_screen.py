"""Ask once, before the workbench sends anything, whether to trust what relay.toml asks for."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from relay_tui.infra.trust import CONFIG_NAME, Request
from relay_tui.ui.safe import plain
from relay_tui.ui.themes import APP_VARIABLE_DEFAULTS


class TrustScreen(ModalScreen[bool]):
    """Lists the addresses and outside paths; `t` trusts this exact content, Escape does not."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "dismiss(False)", "Not now"),
        Binding("t", "dismiss(True)", "Trust"),
    ]

    def __init__(self, root: Path, asks: list[Request]) -> None:
        super().__init__()
        self.root = root
        self.asks = asks

    def compose(self) -> ComposeResult:
        lines = [
            plain(f"{CONFIG_NAME} in {self.root} is not trusted. It asks for:"),
            *(plain(f"  {request.describe()}") for request in self.asks),
            Text(""),
            plain("Nothing has been sent and no file outside the project was read."),
            plain("Trust this exact content? Any change to the file asks again."),
        ]
        with Vertical(classes="dialog", id="trust-dialog"):
            yield Static(Text("\n").join(lines), classes="question")
            yield Static(
                plain("t: trust · Escape: not now (Vault stays off, outside files closed)"),
                classes="hint",
            )
            with Horizontal(classes="buttons"):
                yield Button("Trust", id="trust", variant="warning")
                yield Button("Not now", id="not-now", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#not-now").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "trust")


class TrustApp(App[bool]):
    """A workbench-styled app whose only job is the trust question; returns the answer."""

    CSS_PATH = "app.tcss"
    TITLE = "relay-tui"
    ALLOW_SELECT = False

    def __init__(self, root: Path, asks: list[Request]) -> None:
        super().__init__()
        self.root = root
        self.asks = asks

    def get_theme_variable_defaults(self) -> dict[str, str]:

        return dict(APP_VARIABLE_DEFAULTS)

    def compose(self) -> ComposeResult:
        yield Static(plain(f"relay-tui │ {self.root.name} │ trust"), id="header")

    def on_mount(self) -> None:
        self.push_screen(TrustScreen(self.root, self.asks), self.exit)


def ask(root: Path, asks: list[Request]) -> bool:
    """Run the question in the terminal; True when the user chose to trust."""
    return bool(TrustApp(root, asks).run())
