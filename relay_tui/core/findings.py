"""Findings and reports: what validation found, with no values in them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class Finding:
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
        return asdict(self)


@dataclass
class Report:
    """The findings of one validation run and which environments it covered."""

    findings: list[Finding] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")
