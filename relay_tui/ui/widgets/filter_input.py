"""An Input that calls its owner on each change at once, so a filtered view lands in one frame."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input


class FilterInput(Input):
    """`on_change(value)` runs in the key press's own call (Input.Changed comes a frame later)."""

    def __init__(self, on_change: Callable[[str], None], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.on_change = on_change

    def _watch_value(self, value: str) -> None:  # Textual's own watcher, extended
        super()._watch_value(value)
        if self.is_mounted:
            self.on_change(value)
