"""The audit log: one hash-chained JSON line per sensitive action, never a value, verifiable."""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import hashlib
import json
import os
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from relay_tui.paths import state_dir

GENESIS = "0" * 64
ACTIONS = ("reveal", "copy", "set", "unset", "generate", "rotate", "push", "pull", "put",
           "notebook", "scan")  # fmt: skip
FIELDS = ("time", "user", "host", "action", "env", "keys", "outcome", "detail", "prev")


class Problem(NamedTuple):
    """Something `verify` found: the line number (1-based; 0 for the file as a whole) and what."""

    line: int
    message: str


def log_path() -> Path:
    """The audit log (JSON lines, 0600) in the state folder."""
    return state_dir() / "audit.jsonl"


def head_path() -> Path:
    """The count and hash of the last line: catches a log cut short at its end."""
    return state_dir() / "audit.head"


def line_hash(line: bytes) -> str:
    """The chain hash of one line (its bytes without the newline)."""
    return hashlib.sha256(line.rstrip(b"\n")).hexdigest()


def record(
    action: str, env: str | None, keys: list[str], outcome: str = "ok", detail: str = ""
) -> None:
    """Append one entry; concurrent writers are serialized by a lock on the log file.

    Raises OSError when the log cannot be written: callers decide whether that stops them.
    """
    folder = state_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(log_path(), os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "r+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        count, prev = _read_head(handle)
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
            "user": _user(),
            "host": socket.gethostname(),
            "action": action,
            "env": env,
            "keys": sorted(keys),
            "outcome": outcome,
            "detail": detail,
            "prev": prev,
        }
        line = json.dumps(entry, ensure_ascii=True, separators=(",", ":")).encode() + b"\n"
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())
        _write_head(count + 1, line_hash(line))


def _read_head(handle: Any) -> tuple[int, str]:
    """(lines so far, hash of the last line) from the head file, else from the log itself."""
    try:
        count_text, last = head_path().read_text().split()
        return int(count_text), last
    except (OSError, ValueError):
        pass
    handle.seek(0)
    lines = [line for line in handle.read().split(b"\n") if line]
    return len(lines), line_hash(lines[-1]) if lines else GENESIS


def _write_head(count: int, last: str) -> None:
    temp = head_path().with_suffix(f".tmp{os.getpid()}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(f"{count} {last}\n")
    os.replace(temp, head_path())


def _user() -> str:
    with contextlib.suppress(Exception):
        return getpass.getuser()
    return str(os.getuid())


def entries(path: Path | None = None) -> Iterator[dict[str, Any]]:
    """The entries in order (lines that are not JSON objects are skipped; verify reports them)."""
    try:
        data = (path or log_path()).read_bytes()
    except FileNotFoundError:
        return
    for raw in data.split(b"\n"):
        if raw:
            with contextlib.suppress(ValueError):
                found = json.loads(raw)
                if isinstance(found, dict):
                    yield found


def verify(path: Path | None = None) -> list[Problem]:
    """Check the chain and the head: an edited, removed, reordered or cut-off line is a problem."""
    path = path or log_path()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return (
            [] if not head_path().exists() else [Problem(0, "the log is gone but its head remains")]
        )
    problems: list[Problem] = []
    if data and not data.endswith(b"\n"):
        problems.append(Problem(data.count(b"\n") + 1, "the last line is incomplete (cut off)"))
    prev, count = GENESIS, 0
    for number, raw in enumerate(data.split(b"\n")[:-1] if data else [], start=1):
        count += 1
        try:
            entry = json.loads(raw)
        except ValueError:
            problems.append(Problem(number, "not a JSON line (edited)"))
            prev = line_hash(raw)
            continue
        if not isinstance(entry, dict) or entry.get("prev") != prev:
            problems.append(
                Problem(number, "does not follow the line before it (edited, removed or moved)")
            )
        prev = line_hash(raw)
    try:
        head_count, head_last = head_path().read_text().split()
    except (OSError, ValueError):
        if count:
            problems.append(Problem(0, "the head file is missing: the end cannot be checked"))
        return problems
    if int(head_count) != count:
        message = (
            f"the log ends after {count} line(s) but {head_count} were written "
            "(lines removed from the end, or the log was replaced)"
        )
        problems.append(Problem(0, message))
    elif head_last != prev:
        problems.append(Problem(count, "the last line is not the one written (edited)"))
    return problems


def try_record(
    action: str, env: str | None, keys: list[str], outcome: str = "ok", detail: str = ""
) -> str | None:
    """`record`, for callers that must not fail on it: returns why it could not be written."""
    try:
        record(action, env, keys, outcome, detail)
    except OSError as exc:
        return f"the audit log could not be written ({exc.strerror or exc}): {log_path()}"
    return None
