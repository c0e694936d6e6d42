"""The app's answer to a pane's `IncidentRequested`: the incident-response notebook, key ticked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from relay_tui.ui.modals import ConfirmScreen
from relay_tui.ui.panes.notebook_pane import NotebookPane
from relay_tui.ui.safe import safe_text

if TYPE_CHECKING:
    from relay_tui.ui.app import RelayApp

QUESTION = "The open notebook has unsaved changes. Open incident response anyway?"


async def open_incident(app: RelayApp, env: str, key: str) -> None:
    """Open incident response on `env` with `key` ticked, asking first over unsaved changes."""
    open_books = app.query(NotebookPane)
    if open_books and open_books.first().state.dirty:

        async def answered(yes: bool | None) -> None:
            if yes:
                await _open(app, env, key)

        app.push_screen(ConfirmScreen(QUESTION), answered)
        return
    await _open(app, env, key)


async def _open(app: RelayApp, env: str, key: str) -> None:

    await app.action_pane("pane-notebook")
    app.query_one(NotebookPane).open_incident(env, [key])
    app.notify(f"incident response for {safe_text(env)} {safe_text(key)}", markup=False)
