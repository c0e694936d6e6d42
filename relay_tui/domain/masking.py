"""Masking, fingerprints, and display-safe text for untrusted strings."""

from __future__ import annotations

import hashlib
import hmac
import re

MASK = "••••••••"

# C0 and C1 controls, DEL, and the Unicode format characters that reorder or hide text
# (bidi embeddings/overrides/isolates, zero-width joiners, BOM, line/paragraph separators).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\t\n]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\e"}


def _escape_char(match: re.Match[str]) -> str:
    char = match.group(0)
    named = _NAMED.get(char)
    if named:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_text(text: str) -> str:
    """Return `text` with control, escape and bidi characters shown as visible escapes.

    The result contains no character that a terminal would act on, so a key, a file name or a
    server message can be printed as it is. Backslashes are left alone: the result is for eyes.
    """
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_escape_char, text)


def mark_non_ascii(key: str) -> str:
    """`key` display-safe, each non-ASCII character shown as <U+XXXX> (a homoglyph stands out)."""
    if key.isascii():
        return safe_text(key)
    return "".join(c if c.isascii() else f"<U+{ord(c):04X}>" for c in safe_text(key))


def mask(value: str | None) -> str:
    """A fixed-width mask that does not reveal the value or its length."""
    if value is None:
        return "(no value)"
    if value == "":
        return "(empty)"
    return MASK


def fingerprint(value: str, key: bytes) -> str:
    """A short keyed hash: equal values give equal fingerprints, and nothing else leaks."""
    digest = hmac.new(key, value.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()
    return "fp:" + digest[:12]
