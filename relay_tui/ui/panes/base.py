"""What every pane shares: its title, what the app hands down, and the hooks it calls."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from textual.containers import Vertical

from relay_tui.domain.masking import safe_text
from relay_tui.errors import RelayError

if TYPE_CHECKING:
    from relay_tui.ui.session import Session

NO_VAULT_VALUES: Mapping[str, Mapping[str, str | None]] = MappingProxyType({})


class Pane(Vertical):
    """A pane of the workbench; subclasses set TITLE and override the hooks they need.

    Messages up, attributes down: a pane posts a message from `ui/messages.py` for work that
    is not its own, and never calls the app. The app sets these attributes (`session` before
    the pane is mounted) and calls the hooks below.
    """

    TITLE = "pane"

    session: Session
    """The project and its files (set by the app when it creates the pane)."""
    vault_values: Mapping[str, Mapping[str, str | None]] = NO_VAULT_VALUES
    """The values the Vault pane has read, by environment (the matrix's vault columns)."""
    needs_setup = False
    """A template and no development file yet when the pane was created (first-time setup)."""
    is_active = False
    """This pane is the one shown."""

    def env_changed(self, name: str) -> None:
        """The active environment changed."""

    def findings_changed(self) -> None:
        """A new validation report is in `session.report`."""

    def data_changed(self, env: str | None) -> None:
        """A file was edited, saved or reloaded."""

    def shown(self) -> None:
        """The pane became the visible one."""

    def focus_default(self) -> None:
        """Focus the pane's main widget (its first focusable one)."""
        for widget in self.query("*"):
            if widget.focusable and widget.display and widget.parent is not None:
                widget.focus()
                return

    def tell_warnings(self, warnings: list[str]) -> None:
        """Show a change's warnings (an audit log or ledger that could not be written)."""
        for warning in warnings:
            self.notify(safe_text(warning), severity="warning", markup=False, timeout=8)

    def fail(self, exc: RelayError) -> None:
        """Tell the user what went wrong, as plain text."""
        lines = [exc.message, *([exc.hint] if exc.hint else [])]
        text = "\n".join(safe_text(line) for line in lines)
        self.notify(text, severity="error", markup=False, timeout=8)
