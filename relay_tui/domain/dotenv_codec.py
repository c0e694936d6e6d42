"""How one value is written into a .env line so that python-dotenv reads it back exactly."""

from __future__ import annotations

import io
import re

from relay_tui.domain.masking import safe_text
from relay_tui.errors import InvalidValueError

KEY_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# Bare only when a shell that sources the file reads the same value and runs nothing:
# no '&' (a background command), no '~' (expanded to a home folder), no quotes, '$' or spaces.
_SIMPLE_UNQUOTED = re.compile(r"[A-Za-z0-9_./:@+=,%^*!?-]*\Z")
_WS_HASH = re.compile(r"\s#")
_DOUBLE_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\x07": "\\a",
    "\x08": "\\b",
    "\x0b": "\\v",
    "\x0c": "\\f",
}
_DOUBLE_TABLE = str.maketrans(_DOUBLE_ESCAPES)


def check_key(key: str) -> None:
    """Refuse a key that is not a portable shell name ([A-Za-z_][A-Za-z0-9_]*)."""
    if not KEY_RE.match(key):
        raise InvalidValueError(
            f"invalid key name {safe_text(key)!s}: keys are letters, digits and '_', "
            "not starting with a digit",
            hint="rename it, for example to " + (re.sub(r"[^A-Za-z0-9_]", "_", key) or "KEY"),
        )


def check_value(key: str, value: str) -> None:
    """Refuse values that no quoting can carry through python-dotenv (NUL, some backslashes)."""
    if "\x00" in value:
        raise InvalidValueError(
            f"the value for {key} contains a NUL byte, which a .env file cannot hold",
            hint="encode binary data first, for example as base64",
        )
    if value.endswith("\\") and not unquoted_ok(value):
        raise InvalidValueError(
            f"the value for {key} ends with a backslash and also needs quotes; python-dotenv "
            "would read such a quoted value back wrongly",
            hint="remove the trailing backslash, or encode the value (base64)",
        )


def unquoted_ok(value: str) -> bool:
    """True when `value` survives being written without quotes."""
    if not value:
        return True
    if value[0] in "'\"" or "\n" in value or "\r" in value:
        return False
    if value != value.strip():
        return False
    return _WS_HASH.search(value) is None


def single_ok(value: str) -> bool:
    """True when `value` can sit between single quotes with no escaping at all."""
    return not any(c in value for c in "'\\\r\n")


def shell_expands(value: str) -> bool:
    """Whether a shell would run or expand part of `value` inside double quotes ($, `)."""
    return "$" in value or "`" in value


def encode_value(value: str, style: str | None = None) -> str:
    """Encode `value` for a .env line, keeping the original quoting `style` when it is safe.

    `style` is '' (unquoted), "'" or '"' for an existing line, None for a new one. Values stay
    bare only when plainly simple (no spaces, quotes, '#', '$', '&', '~' or control characters),
    and a value with '$' or '`' is single-quoted when it can be, so that a shell sourcing the
    file runs nothing.
    """
    if style in ("", None) and _SIMPLE_UNQUOTED.match(value):
        return value
    if (style == "'" or shell_expands(value)) and single_ok(value):
        return f"'{value}'"  # a shell reads single quotes literally, as python-dotenv does
    return '"' + value.translate(_DOUBLE_TABLE) + '"'


def verify_roundtrip(key: str, value: str, line: str) -> None:
    """Parse `line` with python-dotenv (interpolation off) and check it yields exactly `value`."""
    # lazy: python-dotenv's parser loads only when a file is parsed
    from dotenv.parser import parse_stream

    # A sentinel after the line catches a closing quote that the parser would run past.
    probe = line if line.endswith(("\n", "\r")) else line + "\n"
    got = [b for b in parse_stream(io.StringIO(probe + 'ZZRELAYSENTINEL="x"\n')) if b.key]
    if len(got) != 2 or got[0].key != key or got[0].value != value or got[0].error:
        raise InvalidValueError(
            f"the value for {key} cannot be written so that python-dotenv reads it back exactly",
            hint="simplify the value or encode it (base64)",
        )
