"""Printing for the CLI: data to stdout, diagnostics to stderr, no colour when NO_COLOR is set."""

from __future__ import annotations

import os
import sys
import traceback

from relay_tui.domain.masking import safe_text
from relay_tui.domain.redact import redact

_COLORS = {"error": "31", "warning": "33", "info": "36", "ok": "32", "dim": "2"}


def use_color(stream: object = None) -> bool:
    """Colour only on a terminal and only when NO_COLOR is unset (https://no-color.org)."""
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def paint(text: str, style: str, stream: object = None) -> str:
    """Wrap `text` in an ANSI colour when colour is on."""
    code = _COLORS.get(style)
    return f"\x1b[{code}m{text}\x1b[0m" if code and use_color(stream) else text


def out(text: str = "") -> None:
    """Write one line of data to stdout."""
    sys.stdout.write(text + "\n")


def _shown(text: str) -> str:
    return _safe_lines(redact(text))


def note(text: str) -> None:
    """Write one diagnostic line to stderr (made display-safe)."""
    sys.stderr.write(_shown(text) + "\n")


def error(text: str) -> None:
    """Write an error to stderr, prefixed with the program name."""
    sys.stderr.write(paint("relay-tui: error: ", "error", sys.stderr) + _shown(text) + "\n")


def internal_error(exc: BaseException) -> None:
    """Report a bug by type and place only: the message and locals may hold secrets."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {os.path.basename(frames[-1].filename)}:{frames[-1].lineno}" if frames else ""
    sys.stderr.write(
        f"relay-tui: internal error: {type(exc).__name__}{where}. Details are not shown because "
        "they may contain secrets; please report this with the command you ran.\n"
    )


def table(rows: list[list[str]], headers: list[str]) -> str:
    """A plain left-aligned text table; every cell made display-safe."""
    cells = [[safe_text(c) for c in headers], *[[safe_text(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)


def _safe_lines(text: str) -> str:
    return "\n".join(safe_text(line) for line in text.split("\n"))
