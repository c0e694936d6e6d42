"""The rotation view's data: each key's age against its cadence, as rows and bar sizes (no UI)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal, NamedTuple

from relay_tui.project.envfile import EnvFile
from relay_tui.project.specs import spec_for
from relay_tui.rules.rotation import DUE_WITHIN_DAYS

if TYPE_CHECKING:
    from relay_tui.project.project import Environment, Project

State = Literal["ok", "due", "overdue", "unknown"]
STATES: tuple[State, ...] = ("overdue", "due", "unknown", "ok")  # most urgent first
CADENCE_SHARE = (4, 5)  # a bar's cadence ends 4/5 along; the rest shows how far past it a key is


class RotationRow(NamedTuple):
    """One key's rotation: its cadence, when it last got a new value, its age and its state."""

    key: str
    cadence_days: int
    last: datetime.date | None
    age_days: int | None
    state: State

    @property
    def days_left(self) -> int | None:
        """Days until the cadence ends (negative: days past it); None when the age is unknown."""
        return None if self.age_days is None else self.cadence_days - self.age_days


def rotation_state(age_days: int | None, cadence_days: int) -> State:
    """The state `rotation.rotation_findings` gives the same age: overdue, due, unknown or ok."""
    if age_days is None:
        return "unknown"
    left = cadence_days - age_days
    if left < 0:
        return "overdue"
    return "due" if left <= DUE_WITHIN_DAYS else "ok"


def rotation_rows(
    project: Project,
    env: Environment,
    dates: dict[str, datetime.date],
    today: datetime.date | None = None,
    keys: Iterable[str] | None = None,
) -> list[RotationRow]:
    """A row for each key of `env` that has a value and a cadence, most urgent first.

    `keys` are the keys that have a value (default: read from env's file); `dates` come from
    `rotation.dates_for`. Overdue keys come first (furthest past first), then due (soonest
    first), then unknown, then ok (oldest for its cadence first).
    """
    today = today or datetime.datetime.now(datetime.UTC).date()
    names = list(keys) if keys is not None else _keys_with_values(env)
    specs = project.specs
    rows: list[RotationRow] = []
    for key in dict.fromkeys(names):
        cadence = spec_for(specs, key).rotate_days
        if not cadence:
            continue
        last = dates.get(key)
        age = None if last is None else (today - last).days
        rows.append(RotationRow(key, cadence, last, age, rotation_state(age, cadence)))
    return sorted(rows, key=_urgency)


def _keys_with_values(env: Environment) -> list[str]:
    if not env.file.exists():
        return []
    return [key for key, value in EnvFile.load(env.file).values().items() if value]


def _urgency(row: RotationRow) -> tuple[int, float, str]:
    rank = STATES.index(row.state)
    if row.age_days is None:
        return rank, 0.0, row.key
    if row.state == "ok":
        return rank, -row.age_days / row.cadence_days, row.key
    return rank, float(row.cadence_days - row.age_days), row.key


def bar(age_days: int | None, cadence_days: int, width: int) -> tuple[int, int]:
    """(filled, mark) for a bar `width` cells wide: the cadence ends after `mark` cells.

    Any age above zero fills at least one cell, a key past its cadence fills more than `mark`
    cells, and the fill is capped at `width` (a quarter of the cadence past it).
    """
    width = max(0, width)
    mark = width * CADENCE_SHARE[0] // CADENCE_SHARE[1]
    if age_days is None or age_days <= 0 or cadence_days <= 0:
        return 0, mark
    filled = -(-age_days * mark // cadence_days)  # rounded up
    return min(width, filled), mark


def bar_text(
    age_days: int | None, cadence_days: int, width: int, fill: str = "█", empty: str = "░"
) -> str:
    """The bar as `width` characters, with `│` where the cadence ends while that cell is empty."""
    filled, mark = bar(age_days, cadence_days, width)
    cells = [fill] * filled + [empty] * (max(0, width) - filled)
    if filled <= mark < len(cells):
        cells[mark] = "│"
    return "".join(cells)


def age_text(row: RotationRow) -> str:
    """`123/180 d`, or `unknown` when no date is on record."""
    return "unknown" if row.age_days is None else f"{row.age_days}/{row.cadence_days} d"


def state_counts(rows: Iterable[RotationRow]) -> dict[State, int]:
    """How many rows are in each state, most urgent state first."""
    counts: dict[State, int] = dict.fromkeys(STATES, 0)
    for row in rows:
        counts[row.state] += 1
    return counts


def summary_line(env: str, rows: list[RotationRow], source: str = "ledger") -> str:
    """`production · dates: ledger · 1 overdue · 0 due · 2 unknown · 5 ok`."""
    counts = " · ".join(f"{n} {state}" for state, n in state_counts(rows).items())
    return f"{env} · dates: {source} · {counts}"


def detail_line(row: RotationRow, env: str) -> str:
    """What the state means for one key, and the command that rotates it (names only)."""
    left, cadence = row.days_left, row.cadence_days
    if left is None:
        said = f"no rotation date on record (cadence {cadence} days)"
    elif left < 0:
        said = f"{row.age_days} days old: {-left} day(s) past its {cadence}-day cadence"
    else:
        said = f"{row.age_days} days old: due in {left} day(s) (every {cadence} days)"
    return f"{row.key}: {said} · rotate: relay-tui rotate {row.key} --env {env}"
