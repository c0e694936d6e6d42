"""Small typed messages that panes post up to the app (no data access happens in them).

Messages up, attributes down: a pane never calls the app for work; it posts one of these and
the app answers by setting attributes on the panes or calling their hooks (`ui/app.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from relay_tui.domain.findings import Report


class FindingsReady(Message):
    """A validation run finished (in a worker)."""

    def __init__(self, report: Report) -> None:
        super().__init__()
        self.report = report


@dataclass
class DataChanged(Message):
    """A pane edited, saved or reloaded `env`'s file (None: files changed, which ones unknown).

    The app tells every pane, refreshes the header and validates again.
    """

    env: str | None


@dataclass
class SwitchEnvironment(Message):
    """Make `name` the active environment in every pane."""

    name: str


@dataclass
class ValidationRequested(Message):
    """Validate every environment again (the result arrives as `FindingsReady`)."""


@dataclass
class VaultStateChanged(Message):
    """The Vault pane's connection changed: `label` is what the header says about it."""

    label: str


@dataclass
class VaultValuesRead(Message):
    """The Vault pane read `env`'s values from its path (for the matrix's vault column).

    The values are secrets: the repr names the environment only.
    """

    env: str
    values: dict[str, str | None] = field(repr=False)


@dataclass
class CopyRequested(Message):
    """Copy `value` to the clipboard on the person's request; `what` names it in the notice.

    `env` and `keys` go into the audit line of the copy. The value is a secret: the repr
    leaves it out, so it is never logged.
    """

    value: str = field(repr=False)
    what: str
    env: str | None = None
    keys: tuple[str, ...] = ()


@dataclass
class IncidentRequested(Message):
    """Open the incident-response notebook on `env` with `key` ticked (asks first when the
    open notebook has unsaved changes)."""

    env: str
    key: str
