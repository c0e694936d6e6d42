"""The audit log: one JSON line per sensitive action, never a value, chained by a keyed hash."""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import hashlib
import hmac
import json
import os
import secrets
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from relay_tui.domain.masking import safe_text
from relay_tui.errors import RefusedError, RelayError
from relay_tui.infra import safewrite
from relay_tui.paths import state_dir

GENESIS = "0" * 64
ACTIONS = ("reveal", "copy", "set", "unset", "generate", "rotate", "push", "pull", "put",
           "notebook", "scan", "fix")  # fmt: skip
FIELDS = ("time", "user", "host", "action", "env", "keys", "outcome", "detail", "prev")


class Problem(NamedTuple):
    """Something `verify` found: the line number (1-based; 0 for the file as a whole) and what."""

    line: int
    message: str


def log_path() -> Path:
    """The audit log (JSON lines, 0600) in the state folder."""
    return state_dir() / "audit.jsonl"


def head_path() -> Path:
    """The count and keyed hash of the last line, itself keyed: catches a log cut short."""
    return state_dir() / "audit.head"


def key_path() -> Path:
    """The chain's key (32 random bytes, hex, 0600): without it no line or head can be forged."""
    return state_dir() / "audit.key"


def line_hash(line: bytes) -> str:
    """The unkeyed SHA-256 of one line: the chain of logs written before the key existed."""
    return hashlib.sha256(line.rstrip(b"\n")).hexdigest()


def line_mac(key: bytes, line: bytes) -> str:
    """The chain hash of one line (its bytes without the newline): HMAC-SHA-256 with the key."""
    return hmac.new(key, line.rstrip(b"\n"), hashlib.sha256).hexdigest()


def head_mac(key: bytes, count: int, last: str) -> str:
    """The head's own tag, so that a head rewritten after dropping lines is caught."""
    return hmac.new(key, f"head {count} {last}".encode(), hashlib.sha256).hexdigest()


def read_key() -> bytes | None:
    """The chain key, or None when there is none (yet)."""
    try:
        text = key_path().read_text().strip()
    except FileNotFoundError:
        return None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        return None
    return key if len(key) >= 32 else None


def _key() -> bytes:
    """The key, made on the first write (the caller holds the log's lock, not the folder's)."""
    key = read_key()
    if key is not None:
        return key
    key = secrets.token_bytes(32)
    with safewrite.locked(key_path(), follow_links=False) as target:
        safewrite.write(target, (key.hex() + "\n").encode(), mode=0o600)
    return key


def _open_log() -> int:
    """The log, opened to append (created 0600); a symbolic link there is refused, not followed."""
    flags = os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        return os.open(log_path(), flags, 0o600)
    except OSError:
        if os.path.islink(log_path()):
            shown = safe_text(str(log_path()))
            raise RefusedError(
                f"{shown} is a symbolic link; relay-tui does not write the audit log through "
                "links, so nothing was recorded",
                hint=f"remove the link (or replace it with the log itself): {shown}",
            ) from None
        raise


def record(
    action: str, env: str | None, keys: list[str], outcome: str = "ok", detail: str = ""
) -> None:
    """Append one entry; concurrent writers are serialized by a lock on the log file.

    The head (and the key, the first time) are written through `safewrite`, under the state
    folder's lock, taken while the log's is held; the folder's lock is never held while waiting
    for the log's, so writers cannot deadlock. A symbolic link in place of the log, its head or
    a key still to be made is refused (nothing is appended) rather than followed.

    Raises OSError when the log cannot be written and RelayError when it is refused: callers
    decide whether that stops them.
    """
    folder = state_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with os.fdopen(_open_log(), "r+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        key = _key()
        with safewrite.locked(head_path(), follow_links=False) as head:
            count, prev = _read_head(handle, key)
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
            _write_head(head, key, count + 1, line_mac(key, line))


class Head(NamedTuple):
    """What `audit.head` says: how many lines were written and the keyed hash of the last."""

    lines: int
    last: str
    tag: str


def read_head() -> Head | None:
    """The head file, or None when it is missing or not three fields."""
    try:
        count_text, last, tag = head_path().read_text().split()
        return Head(int(count_text), last, tag)
    except (OSError, ValueError):
        return None


def _read_head(handle: Any, key: bytes) -> tuple[int, str]:
    """(lines so far, keyed hash of the last line) from the head file, else from the log."""
    head = read_head()
    if head is not None and hmac.compare_digest(head.tag, head_mac(key, head.lines, head.last)):
        return head.lines, head.last
    handle.seek(0)
    lines = [line for line in handle.read().split(b"\n") if line]
    return len(lines), line_mac(key, lines[-1]) if lines else GENESIS


def _write_head(target: safewrite.Target, key: bytes, count: int, last: str) -> None:
    text = f"{count} {last} {head_mac(key, count, last)}\n"
    safewrite.write(target, text.encode(), mode=0o600)


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


def verify(path: Path | None = None, anchor: str | None = None) -> list[Problem]:
    """Check the keyed chain, the head and, when given, an anchor kept elsewhere (`anchor()`).

    An edited, removed, reordered or cut-off line is a problem, and so is a head rewritten to
    hide lines dropped from the end: neither can be redone without the key.
    """
    path = path or log_path()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if anchor is not None:
            return [Problem(0, "the log is gone, but an anchor says it had lines")]
        return (
            [] if not head_path().exists() else [Problem(0, "the log is gone but its head remains")]
        )
    key = read_key()
    if key is None:
        missing = (
            f"the chain key {key_path()} is missing or unreadable: nothing can be checked"
            " (a log copied from another machine needs its key)"
        )
        return [Problem(0, missing)]
    problems: list[Problem] = []
    if data and not data.endswith(b"\n"):
        problems.append(Problem(data.count(b"\n") + 1, "the last line is incomplete (cut off)"))
    lines = data.split(b"\n")[:-1] if data else []
    prev_mac = prev_sha = GENESIS
    keyed = False
    for number, raw in enumerate(lines, start=1):
        try:
            entry = json.loads(raw)
        except ValueError:
            entry = None
            problems.append(Problem(number, "not a JSON line (edited)"))
        if entry is not None:
            link = entry.get("prev") if isinstance(entry, dict) else None
            if link == prev_mac:
                keyed = keyed or number > 1
            elif not (link == prev_sha and not keyed):  # unkeyed links only before the first key
                problems.append(
                    Problem(number, "does not follow the line before it (edited, removed or moved)")
                )
        prev_mac, prev_sha = line_mac(key, raw), line_hash(raw)
    problems += _check_head(key, len(lines), prev_mac)
    if anchor is not None:
        problems += _check_anchor(key, lines, anchor)
    return problems


def _check_head(key: bytes, count: int, last: str) -> list[Problem]:
    head = read_head()
    if head is None:
        return [Problem(0, "the head file is missing: the end cannot be checked")] if count else []
    if not hmac.compare_digest(head.tag, head_mac(key, head.lines, head.last)):
        return [
            Problem(0, "the head file was not written by relay-tui (rewritten without the key)")
        ]
    if head.lines != count:
        message = (
            f"the log ends after {count} line(s) but {head.lines} were written "
            "(lines removed from the end, or the log was replaced)"
        )
        return [Problem(0, message)]
    if head.last != last:
        return [Problem(count, "the last line is not the one written (edited)")]
    return []


def anchor() -> str:
    """`COUNT:HASH` of the log's last line, to keep somewhere else (a ticket, another machine)."""
    head = read_head()
    key = read_key()
    if head is None or key is None:
        return f"0:{GENESIS}"
    return f"{head.lines}:{head.last}"


def _check_anchor(key: bytes, lines: list[bytes], text: str) -> list[Problem]:
    try:
        count_text, expected = text.strip().split(":")
        count = int(count_text)
    except ValueError:
        return [
            Problem(0, f"the anchor {text!r} is not COUNT:HASH (from `relay-tui audit --anchor`)")
        ]
    if count == 0:
        return []
    if count > len(lines):
        return [Problem(0, f"the anchor names line {count}, but the log has {len(lines)}: lines "
                           "were removed since it was taken")]  # fmt: skip
    if not hmac.compare_digest(line_mac(key, lines[count - 1]), expected.lower()):
        return [Problem(count, "the log up to the anchor is not the one it was taken from "
                               "(lines before it were rewritten)")]  # fmt: skip
    return []


def try_record(
    action: str, env: str | None, keys: list[str], outcome: str = "ok", detail: str = ""
) -> str | None:
    """`record`, for callers that must not fail on it: returns why it could not be written."""
    try:
        record(action, env, keys, outcome, detail)
    except OSError as exc:
        return f"the audit log could not be written ({exc.strerror or exc}): {log_path()}"
    except RelayError as exc:
        return f"the audit log could not be written: {exc.message}"
    return None
