"""Untrusted text for the screen: control characters made visible, never parsed as markup."""

from __future__ import annotations

from rich.text import Text

from relay_tui.domain.masking import MASK, safe_text

__all__ = ["MASK", "plain", "safe_text"]


def plain(text: str, style: str = "") -> Text:
    """A rich Text holding `text` literally: `[/]` or `[@click=...]` stay characters."""
    return Text(safe_text(text), style=style, no_wrap=False, end="")
