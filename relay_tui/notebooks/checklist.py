"""Checklist cells: items a person ticks, each with an optional deadline counted from the start."""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Any, NamedTuple

from relay_tui.domain.masking import safe_text
from relay_tui.errors import ConfigurationError

if TYPE_CHECKING:
    from relay_tui.notebooks.document import Cell

_WITHIN = re.compile(r"\s*(\d{1,4})\s*([mhd])\s*\Z")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
ITEM_FIELDS = frozenset({"text", "within"})


class ChecklistItem(NamedTuple):
    """One item: its text, how long one has to do it, and when that is (None: no deadline)."""

    text: str
    within: datetime.timedelta | None
    deadline: datetime.datetime | None


def parse_within(text: str) -> datetime.timedelta:
    """A duration such as "30m", "1h", "24h", "48h" or "2d"; ValueError for anything else."""
    match = _WITHIN.match(text)
    if match is None or int(match.group(1)) == 0:
        raise ValueError(f"{text!r} is not a duration")
    return datetime.timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def within_text(within: datetime.timedelta) -> str:
    """The short form of a duration: 30m, 1h, 48h, 2d (whole days over 48 hours)."""
    minutes = int(within.total_seconds()) // 60
    if minutes % 60:
        return f"{minutes}m"
    hours = minutes // 60
    return f"{hours // 24}d" if hours > 48 and hours % 24 == 0 else f"{hours}h"


def check_items(items: Any, where: str) -> None:
    """Refuse a checklist whose items are not texts or {text, within} tables (names the item)."""
    if not isinstance(items, list) or not items:
        raise ConfigurationError(
            f"{where}: a checklist cell needs items = [...]",
            hint='each item is "text" or {text = "...", within = "1h"}',
        )
    for index, item in enumerate(items, start=1):
        _item(item, f"{where}, item {index}")


def _item(item: Any, where: str) -> tuple[str, datetime.timedelta | None]:
    if isinstance(item, str):
        if not item.strip():
            raise ConfigurationError(f"{where}: the text is empty")
        return item, None
    if not isinstance(item, dict):
        raise ConfigurationError(f'{where}: must be "text" or {{text = "...", within = "1h"}}')
    unknown = set(item) - ITEM_FIELDS
    if unknown:
        raise ConfigurationError(
            f"{where}: unknown field(s) {', '.join(sorted(map(safe_text, unknown)))}",
            hint="an item takes text and within",
        )
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ConfigurationError(f'{where}: needs text = "..."')
    within = item.get("within")
    if within is None:
        return text, None
    try:
        if not isinstance(within, str):
            raise ValueError("not a string")
        return text, parse_within(within)
    except ValueError:
        raise ConfigurationError(
            f"{where}: within = {safe_text(str(within))!r} is not a duration",
            hint='use minutes, hours or days: "30m", "1h", "24h", "2d"',
        ) from None


def checklist_items(cell: Cell, started: datetime.datetime | None) -> list[ChecklistItem]:
    """The cell's items; each deadline is `started` plus its `within` (None without either)."""
    items = cell.params.get("items") or []
    found: list[ChecklistItem] = []
    for index, item in enumerate(items, start=1):
        text, within = _item(item, f"checklist item {index}")
        deadline = started + within if started is not None and within is not None else None
        found.append(ChecklistItem(text, within, deadline))
    return found


def utc_text(when: datetime.datetime) -> str:
    """A time as `2025-01-31 14:05 UTC`."""
    return when.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")


def item_line(item: ChecklistItem, ticked: datetime.datetime | None, now: datetime.datetime) -> str:
    """One line for an item: done or open, its deadline, when it was ticked, LATE when late."""
    parts = []
    if item.deadline is not None and item.within is not None:
        parts.append(f"within {within_text(item.within)}: by {utc_text(item.deadline)}")
    if ticked is not None:
        parts.append(f"ticked {utc_text(ticked)}")
    if is_late(item, ticked, now):
        parts.append("LATE")
    state = "done" if ticked is not None else "open"
    return f"{state}: {item.text}" + (f" ({', '.join(parts)})" if parts else "")


def is_late(item: ChecklistItem, ticked: datetime.datetime | None, now: datetime.datetime) -> bool:
    """Ticked after its deadline, or still open past it."""
    if item.deadline is None:
        return False
    return (ticked or now) > item.deadline
