"""The one redactor for messages that carry server text, a URL or an exception."""

from __future__ import annotations

import re
import threading

REDACTED = "[redacted]"
_MIN_LENGTH = 6  # shorter values ("1", "true", a port) would blank ordinary words
_lock = threading.Lock()
_known: set[str] = set()
# Token-shaped strings: Vault/OpenBao service, batch and recovery tokens (new and legacy forms)
# and the provider prefixes the scanner knows.
_SHAPES = re.compile(
    r"\bhv[sbr]\.[A-Za-z0-9_-]{20,}"
    r"|\b[sbr]\.[A-Za-z0-9]{24,}\b"
    r"|\b(?:ghp|gho|ghs|ghu|ghr)_[A-Za-z0-9]{30,}"
    r"|\bgithub_pat_[A-Za-z0-9_]{30,}"
    r"|\bglpat-[A-Za-z0-9_-]{20,}"
    r"|\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}"
    r"|\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}"
    r"|\bxox[abposre]-[A-Za-z0-9-]{10,}"
    r"|\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"
    r"|\bnpm_[A-Za-z0-9]{36}\b"
    r"|\bpypi-[A-Za-z0-9_-]{50,}"
)
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@")


def remember(*values: str | None) -> None:
    """Add the session's secrets (a token, values read) to what every message hides."""
    with _lock:
        _known.update(v for v in values if v and len(v) >= _MIN_LENGTH)


def forget_all() -> None:
    """Drop every remembered value (tests, and a new session)."""
    with _lock:
        _known.clear()


def redact(text: str) -> str:
    """`text` without the remembered values, URL user-info and token-shaped strings."""
    with _lock:
        known = sorted(_known, key=len, reverse=True)
    for value in known:
        if value in text:
            text = text.replace(value, REDACTED)
    text = _USERINFO.sub(lambda m: m.group(1) + REDACTED + "@", text)
    return _SHAPES.sub(REDACTED, text)
