"""The inline allow marker: which findings a marker can silence, and adding one to a line."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from relay_tui.domain.masking import safe_text
from relay_tui.errors import RefusedError
from relay_tui.infra import safewrite

if TYPE_CHECKING:
    from relay_tui.scan.scanner import Finding

MARKER = "relay:allow"
SLASH_COMMENT = {".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".go", ".java", ".c", ".h",
                 ".cc", ".cpp", ".hpp", ".cs", ".kt", ".kts", ".rs", ".swift", ".scala",
                 ".php", ".dart", ".groovy", ".gradle"}  # fmt: skip


NO_COMMENTS = frozenset({".json", ".csv", ".pem", ".key", ".crt", ".lock"})


def comment_for(path: str) -> str:
    """The line-comment syntax for a file: `//` for C-like sources, `#` for everything else."""
    return "//" if PurePosixPath(path).suffix.lower() in SLASH_COMMENT else "#"


def allow_refusal(finding: Finding) -> str | None:
    """Why an inline marker cannot suppress this finding (None when it can)."""
    if finding.history_only:
        return (
            f"{where(finding)} is only in the history: a marker cannot change a commit. "
            "Rotate it and clean the history (enter), or baseline it (b)."
        )
    if not finding.line:
        return (
            f"{where(finding)}: a whole file has no line to mark; enter says what to do, "
            "or baseline it (b)."
        )
    if PurePosixPath(finding.path).suffix.lower() in NO_COMMENTS:
        return f"{where(finding)}: this kind of file has no comments to mark; baseline it (b)."
    return None


def where(finding: Finding) -> str:
    """`path:line` (or the path alone when the finding has no line)."""
    line = f":{finding.line}" if finding.line else ""
    return safe_text(finding.path + line)


def allow_inline(root: Path, finding: Finding) -> str:
    """Append the allow marker to the finding's line of its working-tree file; says what it did.

    An atomic write that keeps the file's mode; refused for history-only findings, for a file
    that changed since the scan (the line no longer holds the finding) or lies outside `root`.
    """
    shown = where(finding)
    refusal = allow_refusal(finding)
    if refusal is not None or not finding.line:
        raise RefusedError(refusal or f"{shown}: nothing to mark")
    path = root / finding.path
    real = Path(os.path.realpath(path))
    if not real.is_relative_to(Path(os.path.realpath(root))):
        raise RefusedError(f"{shown}: the file lies outside the project; nothing was written")
    with safewrite.locked(path) as target:
        before = safewrite.current_digest(target)
        try:
            data = real.read_bytes()
        except OSError as exc:
            raise RefusedError(f"cannot read {shown}: {exc.strerror}") from None
        lines = data.split(b"\n")
        index = finding.line - 1
        prefix = finding.redacted.rstrip("…").encode()
        if index >= len(lines) or prefix not in lines[index]:
            raise RefusedError(
                f"line {finding.line} of {safe_text(finding.path)} does not hold this finding now",
                hint="a history scan gives the line where it was committed: h returns to the "
                "working tree scan (R re-scans); then try again",
            )
        line = lines[index]
        if MARKER.encode() in line:
            return f"{shown} already has the {MARKER} marker"
        comment = f"{comment_for(finding.path)} {MARKER}"
        ending = b"\r" if line.endswith(b"\r") else b""
        body = line[: len(line) - len(ending)]
        lines[index] = body + f" {comment}".encode() + ending
        safewrite.write(target, b"\n".join(lines), expected=before)
    return f"added `{comment}` to {shown}"
