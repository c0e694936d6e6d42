"""Small typed messages that panes and the app exchange (no data access happens in them)."""

from __future__ import annotations

from textual.message import Message

from relay_tui.core.findings import Report


class EnvChanged(Message):
    """The active environment is now `name`."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name


class DataChanged(Message):
    """Something was edited, saved or reloaded: findings are out of date."""

    def __init__(self, env: str | None = None) -> None:
        super().__init__()
        self.env = env


class FindingsReady(Message):
    """A validation run finished (in a worker)."""

    def __init__(self, report: Report) -> None:
        super().__init__()
        self.report = report


class VaultState(Message):
    """The Vault connection changed: `label` for the header, `values` per env when read."""

    def __init__(self, label: str, values: dict[str, dict[str, str | None]] | None = None) -> None:
        super().__init__()
        self.label = label
        self.values = values or {}
