"""`?`: every key binding that applies now, and the same actions for the command palette."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual.app import SystemCommand
from textual.binding import Binding, BindingType

from relay_tui.ui.modals import TableScreen
from relay_tui.ui.pane_registry import PANES, pane_class
from relay_tui.ui.widgets.grid import Column, Row

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from relay_tui.ui.app import RelayApp


def _bindings(node: DOMNode) -> Iterable[Binding]:
    for binding in node.BINDINGS:
        if isinstance(binding, Binding):
            yield binding


def binding_rows(app: RelayApp) -> list[Row]:
    """Rows of (keys, what, where) for the app, the visible pane and the focused widget."""
    pane = app.active_pane
    places: list[tuple[str, DOMNode]] = [("everywhere", app), (pane.TITLE, pane)]
    if app.focused is not None and app.focused is not pane:
        places.append((type(app.focused).__name__, app.focused))
    rows, seen = [], set()
    for where, node in places:
        for binding in _bindings(node):
            if (binding.key, where) in seen or not binding.description:
                continue
            seen.add((binding.key, where))
            keys = binding.key.replace("question_mark", "?").replace("slash", "/")
            rows.append(Row(f"{where}:{binding.key}", (keys, binding.description, where)))
    rows += [
        Row("pane-keys", ("1 2 3 4", "Env files · Generate · Validate · Vault", "everywhere")),
        Row("pane-notebook", ("5", "Notebook: runbooks; the first-time setup", "everywhere")),
        Row("pane-rotation", ("6", "Rotation: key ages against their cadence", "everywhere")),
        Row("pane-scan", ("7", "Scan: leaked secrets in the tree and history", "everywhere")),
        Row("tab", ("tab", "next field or table", "everywhere")),
    ]
    return rows


class KeysScreen(TableScreen):
    """All bindings, in a table."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "dismiss(None)")]

    def __init__(self, app: RelayApp) -> None:
        columns = [Column("KEYS", 16), Column("ACTION", 0), Column("WHERE", 14)]
        super().__init__("keys", columns, binding_rows(app), "ctrl+p: every action by name")


def pane_commands(app: RelayApp) -> Iterable[SystemCommand]:
    """Each pane's actions as palette commands (they switch to the pane, then run)."""
    for pane_id in PANES:
        pane = pane_class(pane_id)
        for binding in _bindings_of(pane):
            if not binding.description:
                continue
            title = f"{pane.TITLE}: {binding.description}"
            yield SystemCommand(title, f"key {binding.key}", partial(_run, app, pane_id, binding))


def _bindings_of(cls: type) -> Iterable[Binding]:
    for binding in getattr(cls, "BINDINGS", []):
        if isinstance(binding, Binding):
            yield binding


async def _run(app: RelayApp, pane_id: str, binding: Binding) -> None:
    await app.action_pane(pane_id)
    app.call_after_refresh(app.active_pane.run_action, binding.action)
