"""What every pane shares: its title, the session, and hooks the app calls after changes."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.containers import Vertical

from relay_tui.domain.masking import safe_text
from relay_tui.errors import RelayError

if TYPE_CHECKING:
    from relay_tui.ui.app import RelayApp
    from relay_tui.ui.session import Session


class Pane(Vertical):
    """A pane of the workbench; subclasses set TITLE and override the hooks they need."""

    TITLE = "pane"

    @property
    def relay(self) -> RelayApp:
        """The workbench app this pane is mounted in (panes run only inside it)."""
        return cast("RelayApp", self.app)

    @property
    def session(self) -> Session:
        return self.relay.session

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
