"""The Scan pane's text: rows, details and the summary line of a scan."""

from __future__ import annotations

from typing import TYPE_CHECKING

from relay_tui.domain.masking import safe_text
from relay_tui.scan.allow import allow_refusal, where

if TYPE_CHECKING:
    from relay_tui.scan.scanner import Finding, ScanReport


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
