"""Dialogs of the Notebook pane: edit a cell as TOML, choose keys, pick checklist items."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import SelectionList, Static, TextArea

from relay_tui.errors import RelayError
from relay_tui.notebooks.document import Cell, parse
from relay_tui.ui.safe import plain


def cell_toml(cell: Cell) -> str:
    """A cell as the TOML lines of its [[cells]] table."""
    # lazy: only a save needs the TOML writer
    import tomli_w

    return tomli_w.dumps({"type": cell.type, **cell.params})


def parse_cell(text: str) -> Cell:
    """The cell described by `text`, checked like a saved notebook (so no value can get in)."""
    body = "\n".join("" if line.startswith("[[cells]]") else line for line in text.splitlines())
    book = parse('title = "cell"\n[[cells]]\n' + body, "this cell")
    if len(book.cells) != 1:
        raise RelayError("describe exactly one cell")
    return book.cells[0]


class EditCellScreen(ModalScreen[Cell | None]):
    """The cell's parameters as TOML; ctrl+s checks and keeps them, escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("ctrl+s", "keep", "Keep"),
    ]

    def __init__(self, title: str, cell: Cell) -> None:
        super().__init__()
        self.title_text = title
        self.cell = cell

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(plain(self.title_text), classes="question")
            yield TextArea(cell_toml(self.cell), language=None, id="cell-text")
            yield Static(id="cell-problem", classes="hint")
            yield Static(
                "ctrl+s keeps · esc cancels · names and settings only, never a value",
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_keep(self) -> None:
        text = self.query_one(TextArea).text
        try:
            cell = parse_cell(text)
        except RelayError as exc:
            problem = exc.message + (f" ({exc.hint})" if exc.hint else "")
            self.query_one("#cell-problem", Static).update(plain(problem))
            return
        self.dismiss(cell)


class ChooseScreen(ModalScreen[list[str] | None]):
    """Tick some of a list (keys to rotate, checklist items); enter on the list accepts."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("ctrl+s,a", "accept", "Accept"),
    ]

    def __init__(self, title: str, choices: list[tuple[str, str]], chosen: set[str]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices  # (id, label)
        self.chosen = chosen

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(self.title_text), classes="question")
            yield SelectionList[str](
                *((plain(label), ident, ident in self.chosen) for ident, label in self.choices)
            )
            yield Static("space ticks · a accepts · esc cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_accept(self) -> None:
        self.dismiss(list(self.query_one(SelectionList).selected))
