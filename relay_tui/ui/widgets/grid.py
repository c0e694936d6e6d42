"""A virtual table: renders only the visible rows, so 10,000 keys cost what 24 do."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from relay_tui.domain.masking import safe_text


class Column(NamedTuple):
    """A column: its title and width (0 = share what is left)."""

    title: str
    width: int = 0


class Row(NamedTuple):
    """A row: an id, its cells (already display-safe) and one style name per cell."""

    key: str
    cells: tuple[str, ...]
    styles: tuple[str, ...] = ()


MATRIX_CELLS = ("set", "missing", "placeholder", "default", "reused")
STYLES = (
    *("masked", "error", "warning", "info", "ok", "dim", "revealed", "accent"),
    *(f"cell-{state}" for state in MATRIX_CELLS),
)


class Grid(ScrollView, can_focus=True):
    """Rows of plain text cells with a cursor; cells are never parsed as markup."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "grid--header",
        "grid--cursor",
        *(f"grid--{name}" for name in STYLES),
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("enter", "select", "Open", show=False),
    ]
    DEFAULT_CSS = """
    Grid { height: 1fr; background: $surface; overflow-x: hidden; }
    Grid > .grid--header { text-style: bold; color: $text-muted; }
    Grid > .grid--cursor { background: $primary 40%; }
    Grid:focus > .grid--cursor { background: $primary 70%; }
    Grid > .grid--masked { color: $secret-masked; }
    Grid > .grid--error { color: $finding-error; }
    Grid > .grid--warning { color: $finding-warning; }
    Grid > .grid--info { color: $finding-info; }
    Grid > .grid--ok { color: $success; }
    Grid > .grid--dim { color: $text-muted; }
    Grid > .grid--revealed { color: $warning; text-style: bold; }
    Grid > .grid--accent { color: $accent; }
    Grid > .grid--cell-set { color: $cell-set; }
    Grid > .grid--cell-missing { color: $cell-missing; }
    Grid > .grid--cell-placeholder { color: $cell-placeholder; }
    Grid > .grid--cell-default { color: $cell-default; }
    Grid > .grid--cell-reused { color: $cell-reused; }
    """

    cursor: reactive[int] = reactive(0, always_update=True)

    class Highlighted(Message):
        """The cursor moved to `row` (None when the grid is empty)."""

        def __init__(self, grid: Grid, row: Row | None) -> None:
            super().__init__()
            self.grid = grid
            self.row = row

    class Selected(Highlighted):
        """Enter (or a click) on `row`."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.columns: list[Column] = []
        self.rows: list[Row] = []
        self.shown: list[int] = []
        self.filter_text = ""
        self.overrides: dict[str, tuple[int, str, str]] = {}  # key -> (column, text, style)
        self.on_move: Callable[[Row | None], None] | None = None

    # ----- data ----------------------------------------------------------------------------
    def set_data(self, columns: list[Column], rows: list[Row], keep: str | None = None) -> None:
        """Replace everything; the cursor stays on the row `keep` when it is still there."""
        self.columns, self.rows = columns, rows
        self._refilter(keep)

    def filter(self, text: str) -> None:
        """Show only rows whose first cell contains `text` (case-insensitive)."""
        self.filter_text = text
        current = self.current
        self._refilter(current.key if current else None)

    def _refilter(self, keep: str | None) -> None:
        needle = self.filter_text.lower()
        if needle:
            self.shown = [i for i, r in enumerate(self.rows) if needle in r.cells[0].lower()]
        else:
            self.shown = list(range(len(self.rows)))
        self.virtual_size = Size(0, len(self.shown) + 1)  # no horizontal scrolling
        position = 0
        if keep is not None:
            position = next((n for n, i in enumerate(self.shown) if self.rows[i].key == keep), 0)
        self.cursor = min(position, max(len(self.shown) - 1, 0))
        self.refresh()

    @property
    def current(self) -> Row | None:
        """The row under the cursor."""
        if not self.shown:
            return None
        return self.rows[self.shown[min(self.cursor, len(self.shown) - 1)]]

    def show_instead(self, key: str, column: int, text: str, style: str = "revealed") -> None:
        """Show `text` in one cell of row `key` until `clear_override` (for a revealed value)."""
        self.overrides[key] = (column, safe_text(text), style)
        self.refresh()

    def clear_override(self, key: str | None = None) -> None:
        """Drop one override (or all)."""
        if key is None:
            self.overrides.clear()
        else:
            self.overrides.pop(key, None)
        self.refresh()

    # ----- cursor --------------------------------------------------------------------------
    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        if self.on_move is not None:  # in this call, so the owner's update lands in this frame
            self.on_move(self.current)
        self.post_message(self.Highlighted(self, self.current))
        self.refresh()

    def _scroll_to_cursor(self) -> None:
        top, height = self.scroll_offset.y, self.scrollable_content_region.height
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, force=True)
        elif height > 1 and self.cursor > top + height - 2:  # line 0 is the fixed header
            self.scroll_to(y=self.cursor - height + 2, animate=False, force=True)

    def action_move(self, delta: int) -> None:
        if self.shown:
            self.cursor = max(0, min(len(self.shown) - 1, self.cursor + delta))

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(1, self.scrollable_content_region.height - 2))

    def action_jump(self, where: int) -> None:
        if self.shown:
            self.cursor = 0 if where == 0 else len(self.shown) - 1

    def action_select(self) -> None:
        self.post_message(self.Selected(self, self.current))

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        index = self.scroll_offset.y + offset.y - 1
        if 0 <= index < len(self.shown):
            self.cursor = index
            if event.chain > 1:
                self.action_select()

    # ----- rendering -----------------------------------------------------------------------
    def on_resize(self) -> None:
        self.virtual_size = Size(0, len(self.shown) + 1)

    def _widths(self, total: int) -> list[int]:
        fixed = sum(c.width for c in self.columns) + len(self.columns) - 1
        flexible = [c for c in self.columns if not c.width]
        share = max(4, (total - fixed) // max(1, len(flexible)))
        return [c.width or share for c in self.columns]

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width  # without the scrollbar
        if not self.columns:
            return Strip.blank(width, self.rich_style)
        widths = self._widths(width)
        if y == 0:
            header = self.get_component_rich_style("grid--header")
            return self._strip([c.title for c in self.columns], widths, [header], width)
        index = self.scroll_offset.y + y - 1
        if index >= len(self.shown):
            return Strip.blank(width, self.rich_style)
        row = self.rows[self.shown[index]]
        cells = list(row.cells)
        names = list(row.styles) + [""] * (len(cells) - len(row.styles))
        override = self.overrides.get(row.key)
        if override is not None:
            cells[override[0]], names[override[0]] = override[1], override[2]
        base = self.rich_style
        if index == self.cursor:
            base = base + self.get_component_rich_style("grid--cursor")
        styles = [
            base + self.get_component_rich_style(f"grid--{n}", partial=True) if n else base
            for n in names
        ]
        return self._strip(cells, widths, styles, width, base)

    def _strip(
        self,
        cells: list[str],
        widths: list[int],
        styles: list[Style],
        width: int,
        fill: Style | None = None,
    ) -> Strip:
        segments: list[Segment] = []
        for n, (text, size) in enumerate(zip(cells, widths, strict=False)):
            style = styles[n] if n < len(styles) else styles[-1]
            if cell_len(text) > size:
                text = set_cell_size(text, max(0, size - 1)) + "…"
            segments.append(Segment(set_cell_size(text, size), style))
            if n < len(widths) - 1:
                segments.append(Segment(" ", fill or style))
        return Strip(segments).adjust_cell_length(width, fill or styles[0]).crop(0, width)
