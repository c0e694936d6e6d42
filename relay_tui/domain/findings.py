"""Findings and reports: what validation found, with no values in them."""

from __future__ import annotations

from typing import NamedTuple

SEVERITIES = ("error", "warning", "info")


class Finding(NamedTuple):
    """One problem: a stable code, a severity, where it is, what is wrong and how to fix it."""

    code: str
    severity: str
    env: str
    key: str | None
    message: str
    fix: str = ""
    file: str = ""
    line: int | None = None

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict (no values: findings never hold them)."""
        return self._asdict()


class Report:
    """The findings of one validation run and which environments it covered."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.checked: list[str] = []

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")
