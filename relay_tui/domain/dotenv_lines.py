"""One binding's line: split it into head, quoting, value and tail, and rewrite its value."""

from __future__ import annotations

import re

from relay_tui.domain.dotenv_codec import encode_value
from relay_tui.errors import RefusedError

HEAD_RE = re.compile(
    r"(?P<indent>[^\S\r\n]*)(?P<export>export[^\S\r\n]+)?(?P<key>'[^']+'|[^=#\s]+)"
    r"(?P<pre>[^\S\r\n]*)(?:=(?P<post>[^\S\r\n]*))?"
)
_SINGLE = re.compile(r"'((?:\\'|[^'])*)'")
_DOUBLE = re.compile(r'"((?:\\"|[^"])*)"')
_UNQUOTED_END = re.compile(r"[^\r\n]*")
_INLINE_COMMENT = re.compile(r"\s+#")


def split_binding(body: str) -> tuple[str, str, str, str] | None:
    """Split a binding into (head up to the value, quote style, raw value text, tail)."""
    head = HEAD_RE.match(body)
    if head is None:
        return None
    start = head.end()
    if head.group("post") is None:
        return body[:start], "", "", body[start:]
    first = body[start : start + 1]
    if first in ("'", '"'):
        quoted = (_SINGLE if first == "'" else _DOUBLE).match(body, start)
        if quoted is None:
            return None
        return body[:start], first, body[start : quoted.end()], body[quoted.end() :]
    rest = _UNQUOTED_END.match(body, start)
    end = rest.end() if rest else start
    raw = body[start:end]
    comment = _INLINE_COMMENT.search(raw)
    value_end = start + (comment.start() if comment else len(raw.rstrip()))
    return body[:start], "", body[start:value_end], body[value_end:]


def rewrite_value(body: str, value: str, newline: str = "\n") -> str:
    """Return `body` with its value replaced, keeping export, spacing, quoting and comment."""
    parts = split_binding(body)
    if parts is None:
        raise RefusedError("cannot edit this line safely; fix it by hand first")
    head, style, _old, tail = parts
    if "=" not in head:
        head = head.rstrip() + "="
    if not tail:
        tail = newline
    return head + encode_value(value, style) + tail
