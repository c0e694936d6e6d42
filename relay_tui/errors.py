"""RelayError and its family: every failure a user can cause, each mapped to one exit code."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The CLI's documented exit codes (README, DESIGN section 4)."""

    OK = 0
    FINDINGS = 1
    USAGE = 2
    BACKEND = 3
    REFUSED = 4
    INTERNAL = 70
    INTERRUPTED = 130


class RelayError(Exception):
    """Base of every expected failure: a message that says what, where and what to do next."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n  hint: {self.hint}"
        return self.message


class UsageError(RelayError):
    """The command line asked for something that cannot work (exit 2)."""


class ConfigurationError(RelayError):
    """Configuration is missing or wrong, such as a required secret (exit 2)."""


class InputFileError(RelayError):
    """A file could not be read or understood: missing, binary, not UTF-8, a directory (exit 2)."""


class InvalidValueError(UsageError):
    """A key or value that cannot be written safely (NUL, bad key name) (exit 2)."""


class BackendError(RelayError):
    """A backend failed: Vault/OpenBao, git or the file system (disk full, permission) (exit 3)."""

    exit_code = ExitCode.BACKEND


class RefusedError(RelayError):
    """Refused for safety: would overwrite, tracked by git, protected, read-only (exit 4)."""

    exit_code = ExitCode.REFUSED


class ReadOnlyError(RefusedError):
    """A write asked for in a read-only session: the one refusal for every writer (exit 4)."""

    def __init__(self, what: str = "", nothing: str = "nothing was written") -> None:
        message = f"read-only session: {nothing}" + (f" ({what})" if what else "")
        super().__init__(message, hint="start without --read-only to make changes")


class SecurityError(RefusedError):
    """A security rule was broken, such as a default secret in production (exit 4)."""


class ConflictError(RefusedError):
    """The file changed on disk since it was read, or a check-and-set conflict (exit 4)."""


class GitExposureError(RefusedError):
    """A secret file is tracked by git or not ignored, so it would be committed (exit 4)."""
