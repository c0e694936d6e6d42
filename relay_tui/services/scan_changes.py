"""The scanner's changes and records: a scan's audit line, the baseline, the inline marker."""

from __future__ import annotations

from pathlib import Path

from relay_tui.domain.masking import safe_text
from relay_tui.project.project import Project
from relay_tui.scan import scanner
from relay_tui.scan.allow import allow_inline as allow
from relay_tui.scan.baseline import add_to_baseline as add
from relay_tui.scan.baseline import write_baseline as write
from relay_tui.scan.scanner import Finding, ScanOptions, ScanReport
from relay_tui.services.changes import Actor, Outcome, audit_only, audited, require_writable


def scan_recorded(
    root: Path, options: ScanOptions, project: Project, known: set[str], actor: Actor,
    where: str = "",
) -> tuple[ScanReport, Outcome]:  # fmt: skip
    """Scan, then append one audit line: found or ok, with the key names of known values
    found (never a value); failed or interrupted when the scan did not finish."""
    mode = "staged" if options.staged else "history" if options.history else "tree"
    detail = f"{mode} of {safe_text(where)}" if where else mode
    result, keys = "failed", []
    outcome = Outcome()
    try:
        report = scanner.scan(root, options, project)
        fresh = [f for f in report.findings if f.fingerprint not in known]
        keys = sorted({_key_of(f.label) for f in fresh if f.label})
        result = "found" if fresh else "ok"
        detail += f": {len(fresh)} finding(s)"
        if len(fresh) < len(report.findings):
            detail += f", {len(report.findings) - len(fresh)} baselined"
        return report, outcome
    except KeyboardInterrupt:
        result = "interrupted"
        raise
    finally:
        outcome.warnings += audit_only(actor, "scan", None, keys, result, detail)


def _key_of(label: str) -> str:
    """'production JWT_SECRET_KEY' -> 'JWT_SECRET_KEY'."""
    return label.split()[-1] if label.split() else label


def write_baseline(path: Path, findings: list[Finding], actor: Actor) -> Outcome:
    """Replace the baseline with these findings' fingerprints (no secret, no part of one)."""
    outcome = Outcome(changed=[path.name])
    with audited(actor, "scan", None, [], outcome, "baseline replaced"):
        require_writable(actor, path.name)
        write(path, findings)
    count = len({f.fingerprint for f in findings})
    outcome.summary = (
        f"wrote {count} fingerprint(s) to the baseline {path} "
        "(rule, path and fingerprint only: no secret, no part of one)"
    )
    return outcome


def add_to_baseline(path: Path, findings: list[Finding], actor: Actor) -> Outcome:
    """Add findings to the baseline (hidden from then on; the secret stays where it is)."""
    outcome = Outcome(changed=[path.name])
    with audited(actor, "scan", None, [], outcome, "baseline"):
        require_writable(actor, path.name)
        add(path, findings)
    outcome.summary = f"added {len(findings)} finding(s) to {path.name}"
    return outcome


def allow_inline(root: Path, finding: Finding, actor: Actor) -> Outcome:
    """Append the allow marker to the finding's line of its working-tree file."""
    outcome = Outcome(changed=[finding.path])
    with audited(actor, "scan", None, [], outcome, "allow inline"):
        require_writable(actor, finding.path)
        outcome.summary = allow(root, finding)
    return outcome
