"""`relay-tui scan`: find leaked secrets in the tree, the index or history; text, JSON or SARIF."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relay_tui import __version__
from relay_tui.commands.common import actor_from, project_from, tell
from relay_tui.domain.masking import safe_text
from relay_tui.errors import ExitCode, UsageError
from relay_tui.output import note, out
from relay_tui.scan import report as scan_report
from relay_tui.scan.baseline import default_path, load_baseline, split_baselined
from relay_tui.scan.report import summary_lines
from relay_tui.scan.scanner import ScanOptions, remediation
from relay_tui.services.changes import require_writable
from relay_tui.services.outputs import check_output, write_output
from relay_tui.services.scan_changes import scan_recorded, write_baseline

if TYPE_CHECKING:
    from relay_tui.project.project import Project
    from relay_tui.scan.report import Remedy
    from relay_tui.scan.scanner import Finding, ScanOptions, ScanReport


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register `scan`."""
    parser = sub.add_parser("scan", parents=[common], help="find leaked secrets; exit 1 when found")
    parser.add_argument(
        "path", nargs="?", metavar="PATH", help="folder to scan (default: the project)"
    )
    parser.add_argument(
        "--history", action="store_true", help="every commit reachable from any ref"
    )
    parser.add_argument("--since", metavar="REV", help="history: only commits after REV")
    parser.add_argument(
        "--allow-shallow",
        action="store_true",
        help="history of a shallow clone: scan what is there",
    )
    parser.add_argument(
        "--staged", action="store_true", help="what is staged for the next commit (a hook)"
    )
    formats = parser.add_mutually_exclusive_group()
    formats.add_argument("--json", action="store_true", help="a JSON list of findings")
    formats.add_argument("--sarif", action="store_true", help="SARIF 2.1.0, for code scanning")
    parser.add_argument("--output", metavar="FILE", help="write the report to FILE")
    parser.add_argument("--force", action="store_true", help="with --output: replace FILE")
    parser.add_argument(
        "--baseline",
        metavar="F",
        help="hide findings whose fingerprint F holds (default: .relay/scan-baseline.json)",
    )
    parser.add_argument(
        "--update-baseline",
        action="store_true",
        help="write every current finding to the baseline and exit 0",
    )
    parser.add_argument(
        "--no-known", action="store_true", help="skip the project's own secret values"
    )
    parser.add_argument(
        "--vault", action="store_true", help="also the values of environments in Vault"
    )
    parser.add_argument(
        "--no-markers",
        action="store_true",
        help="audit mode: ignore inline allow markers (relay:allow, gitleaks:allow, ...)",
    )
    parser.add_argument(
        "--show-all", action="store_true", help="also show the findings the baseline hides"
    )


def run_scan(args: argparse.Namespace) -> int:
    """Scan, report, and return 1 when anything the baseline does not accept was found."""
    _check_usage(args)
    if args.output is not None:
        actor = actor_from(args, "relay-tui scan")
        check_output(Path(args.output).expanduser(), actor, force=args.force, what="--output")
    project = project_from(args)
    root = _root(args.path, project)
    baseline = _baseline_path(args.baseline, project.root)
    options = _options(args)
    known = _load_baseline(baseline, args)
    report = _scan_audited(root, options, project, known, args)
    if args.update_baseline:
        return _update_baseline(baseline, report, args)

    shown, hidden = split_baselined(report.findings, known)
    listed = report.findings if args.show_all else shown
    _emit(_render(args, listed, remediation, {f.fingerprint for f in hidden}, report), args)
    name = _shown_path(baseline) if hidden else None
    for line in summary_lines(report, len(shown), len(hidden), name):
        note(line)
    if hidden and not args.show_all:
        note("--show-all lists the baselined findings too")
    return int(ExitCode.FINDINGS if shown else ExitCode.OK)


def _check_usage(args: argparse.Namespace) -> None:
    if args.staged and (args.history or args.since):
        raise UsageError(
            "--staged scans what is staged for the next commit; it cannot go with "
            "--history or --since",
            hint="run them as two scans",
        )
    if args.since is not None and not args.since.strip():
        raise UsageError("--since needs a revision, such as a tag, a branch or a commit")
    if args.since is not None and args.since.startswith("-"):
        raise UsageError(f"--since {safe_text(args.since)}: a revision cannot start with '-'")
    if args.update_baseline:  # before the scan, not after it
        require_writable(actor_from(args, "relay-tui scan"), "--update-baseline")


def _root(path: str | None, project: Project) -> Path:
    if path is None:
        return project.root
    root = Path(path).expanduser()
    if not root.exists():
        raise UsageError(f"{safe_text(path)}: no such file or folder to scan")
    if not root.is_dir():
        raise UsageError(
            f"{safe_text(path)}: is not a folder", hint="name the folder that holds it"
        )
    return root.resolve()


def _options(args: argparse.Namespace) -> ScanOptions:

    return ScanOptions(
        history=args.history or args.since is not None,
        since=args.since,
        staged=args.staged,
        known=not args.no_known,
        vault=args.vault,
        honour_markers=not args.no_markers,
        allow_shallow=args.allow_shallow,
    )


def _baseline_path(given: str | None, project_root: Path) -> Path:

    return Path(given).expanduser() if given else default_path(project_root)


def _shown_path(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _load_baseline(path: Path, args: argparse.Namespace) -> set[str]:
    """The accepted fingerprints; read before scanning, so a broken file fails fast."""
    if args.update_baseline:
        return set()  # it is about to be replaced: a broken one must not stop that
    if args.baseline and not path.exists():
        raise UsageError(
            f"the baseline {safe_text(args.baseline)} does not exist",
            hint="write one with --update-baseline",
        )
    return load_baseline(path)


def _scan_audited(
    root: Path, options: ScanOptions, project: Project, known: set[str], args: argparse.Namespace
) -> ScanReport:
    """Run the scan; the service appends its audit line (key names only, never a value)."""
    where = "" if root == project.root else _shown_path(root)
    actor = actor_from(args, "relay-tui scan")
    report, outcome = scan_recorded(root, options, project, known, actor, where)
    tell(outcome)
    return report


def _update_baseline(path: Path, report: ScanReport, args: argparse.Namespace) -> int:

    outcome = write_baseline(path, report.findings, actor_from(args, "relay-tui scan"))
    for line in summary_lines(report, len(report.findings), 0):
        note(line)
    tell(outcome)
    return int(ExitCode.OK)


def _render(
    args: argparse.Namespace,
    findings: list[Finding],
    remedy: Remedy,
    baselined: set[str],
    report: ScanReport,
) -> str:

    if args.json:
        return scan_report.json_report(findings, remedy, baselined, report)
    if args.sarif:
        return scan_report.sarif_report(findings, remedy, baselined, __version__, report)
    return "\n".join(scan_report.text_report(findings, remedy, baselined))


def _emit(text: str, args: argparse.Namespace) -> None:
    output, force, actor = args.output, args.force, actor_from(args, "relay-tui scan")
    if output is None:
        if text:
            out(text)
        return

    data = (text + "\n").encode("utf-8") if text else b""
    write_output(Path(output).expanduser(), data, actor, force=force, what="--output")
    note(f"wrote the report to {safe_text(output)}")
