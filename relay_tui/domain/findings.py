"""Findings and reports: what validation found, with no values in them."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class _Text(StrEnum):
    """A StrEnum that prints as its bare string everywhere, repr included (a list of codes, a
    Finding's repr), so output is the same as when codes were plain strings."""

    def __repr__(self) -> str:
        return repr(self.value)


class Severity(_Text):
    """How bad a finding is; errors make `relay-tui validate` exit 1."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SEVERITIES = tuple(Severity)  # worst first: the order findings are sorted in


class Code(_Text):
    """Every finding code validation emits; each has one rule in `rules/registry.py`.

    A StrEnum, so JSON and text output show the bare code as before.
    """

    UNREADABLE_FILE = "unreadable-file"
    MISSING_FILE = "missing-file"
    PARSE_ERROR = "parse-error"
    SWALLOWED_KEYS = "swallowed-keys"
    DUPLICATE_KEY = "duplicate-key"
    NON_ASCII_KEY = "non-ascii-key"
    INVALID_KEY_NAME = "invalid-key-name"
    LOWERCASE_KEY = "lowercase-key"
    KEY_WITHOUT_VALUE = "key-without-value"
    SPACE_AROUND_EQUALS = "space-around-equals"
    TRAILING_WHITESPACE = "trailing-whitespace"
    MISSING_REQUIRED = "missing-required"
    UNKNOWN_KEY = "unknown-key"
    EMPTY_VALUE = "empty-value"
    INTERPOLATION = "interpolation"
    DEFAULT_SECRET = "default-secret"
    PLACEHOLDER_VALUE = "placeholder-value"
    INVALID_URL = "invalid-url"
    WEAK_SECRET = "weak-secret"
    INSECURE_PERMISSIONS = "insecure-permissions"
    CERT_UNREADABLE = "cert-unreadable"
    CERT_EXPIRED = "cert-expired"
    CERT_EXPIRING = "cert-expiring"
    ROTATION_SOURCE = "rotation-source"
    ROTATION_UNKNOWN = "rotation-unknown"
    ROTATION_OVERDUE = "rotation-overdue"
    ROTATION_DUE = "rotation-due"
    REUSED_SECRET = "reused-secret"
    GIT_TRACKED = "git-tracked"
    GIT_NOT_IGNORED = "git-not-ignored"


class FixKind(StrEnum):
    """What a finding's automatic fix does; NONE when it has none (`services/fixes.py` applies)."""

    NONE = ""
    GENERATE = "generate"  # a new value of the key's kind, saved to the file
    CHMOD = "chmod"  # the file's mode to 0600
    GITIGNORE = "gitignore"  # the line that makes git ignore the file


FIX_LABELS = {
    FixKind.GENERATE: "generate a new value and save",
    FixKind.CHMOD: "chmod 600",
    FixKind.GITIGNORE: "add the .gitignore line",
}


class Finding(NamedTuple):
    """One problem: a stable code, a severity, where it is, what is wrong and how to fix it."""

    code: Code
    severity: Severity
    env: str
    key: str | None
    message: str
    fix: str = ""
    file: str = ""
    line: int | None = None

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict of plain types (no values: findings never hold them)."""
        return {**self._asdict(), "code": str(self.code), "severity": str(self.severity)}


class Report:
    """The findings of one validation run and which environments it covered."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.checked: list[str] = []

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == Severity.WARNING)
