"""The Scan pane's text and triage helpers: rows, details, summary, the inline allow marker."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from relay_tui.core.masking import safe_text
from relay_tui.errors import RefusedError

if TYPE_CHECKING:
    from relay_tui.core.scan import Finding, ScanReport

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


def commit_text(finding: Finding) -> str:
    """The short sha of the commit that introduced it, or "tree"."""
    return finding.commit[:7] if finding.commit else "tree"


def what(finding: Finding) -> str:
    """The known-value label ("production JWT_SECRET_KEY") or else the rule's description."""
    return safe_text(finding.label or finding.description)


def split_label(label: str | None) -> tuple[str, str] | None:
    """("production", "JWT_SECRET_KEY") from the label "production JWT_SECRET_KEY"."""
    parts = (label or "").strip().rsplit(None, 1)
    if len(parts) != 2:
        return None
    return parts[0], parts[1]


def summary_line(report: ScanReport, history: bool, hidden: int, showing_hidden: bool) -> str:
    """What was scanned, what was skipped, the engine, the time and how much was found."""
    scope = "tree + history" if history else "tree"
    parts = [scope, f"{report.files} files"]
    if history:
        parts.append(f"{report.commits} commits, {report.blobs} blobs")
    skipped = ", ".join(f"{n} {why}" for why, n in sorted(report.skipped.items()) if n)
    parts.append(f"skipped {skipped}" if skipped else "nothing skipped")
    not_utf8 = getattr(report, "not_utf8", 0)
    if not_utf8:
        parts.append(f"{not_utf8} not UTF-8 (scanned as bytes)")
    parts.append(f"{report.engine} {report.seconds:.2f} s")
    shown = len(report.findings) - (0 if showing_hidden else hidden)
    found = f"{shown} finding{'' if shown == 1 else 's'}"
    if hidden:
        found += f" ({hidden} baselined {'shown' if showing_hidden else 'hidden: B shows'})"
    parts.append(found)
    return " · ".join(parts)


def detail_lines(finding: Finding, baselined: bool, steps: list[str]) -> list[str]:
    """Every field of a finding (never the secret: the Finding does not hold it) and its fix."""
    column = f":{finding.column}" if finding.line and finding.column else ""
    source = f"commit {finding.commit}" if finding.commit else "working tree"
    if finding.history_only:
        source += " · history only (no longer in the tree)"
    lines = [
        f"{what(finding)} · rule {finding.rule}" + (" · BASELINED" if baselined else ""),
        f"{where(finding)}{column} · {safe_text(source)} · {finding.redacted}",
        f"fingerprint {finding.fingerprint}",
    ]
    actions = ["enter: remediation", "b: baseline"]
    if allow_refusal(finding) is None:
        actions.insert(1, "a: allow inline")
    if split_label(finding.label):
        actions.append("i: incident notebook")
    lines.append(" · ".join(actions))
    lines += [f"  {safe_text(step)}" for step in steps] or ["  (no remediation steps)"]
    return lines


def allow_inline(root: Path, finding: Finding) -> str:
    """Append the allow marker to the finding's line of its working-tree file; says what it did.

    An atomic write that keeps the file's mode; refused for history-only findings, for a file
    that changed since the scan (the line no longer holds the finding) or lies outside `root`.
    """
    from relay_tui.core import safewrite

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
