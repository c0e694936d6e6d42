"""`relay-tui validate`, `diff` and `status`: read-only looks at a project's environments."""

from __future__ import annotations

import argparse
import json
from typing import Any

from relay_tui.commands.common import project_from
from relay_tui.domain.compare import compare_values
from relay_tui.domain.masking import safe_text
from relay_tui.errors import InputFileError, UsageError
from relay_tui.infra import trust
from relay_tui.output import out, paint, table
from relay_tui.paths import fingerprint_key
from relay_tui.project.envfile import EnvFile
from relay_tui.project.project import Project
from relay_tui.rules.registry import rules
from relay_tui.rules.rule import Rule
from relay_tui.rules.validate import Finding, Report, validate


def run_validate(args: argparse.Namespace) -> int:
    """Run the rules; exit 1 when any finding is an error. With --rules, list them instead."""
    if args.env and args.all:
        raise UsageError("give --env NAME or --all, not both")
    if args.rules:
        return _list_rules(args.json)
    project = project_from(args)
    report = validate(project, args.env, git=not args.no_git)
    if args.json:
        out(json.dumps(_report_dict(report), indent=2, ensure_ascii=True))
    else:
        _print_report(report)
    return 1 if report.errors else 0


def _list_rules(as_json: bool) -> int:
    """Every registered rule: its code, severities, automatic fix, badge and what it finds."""
    listed = rules()
    if as_json:
        out(
            json.dumps(
                {"rules": [_rule_dict(rule) for rule in listed]}, indent=2, ensure_ascii=True
            )
        )
        return 0
    rows = [_rule_row(rule) for rule in listed]
    out(table(rows, ["CODE", "SEVERITY", "FIX", "BADGE", "WHAT IT FINDS"]))
    out(f"{len(listed)} rule(s); error/warning: an error where its summary says, else a warning")
    return 0


def _rule_row(rule: Rule) -> list[str]:
    badge = (rule.badge or "-").replace("{count}", "N")  # a counted badge: `missing 3`
    return [rule.code, "/".join(rule.severities), rule.fix or "-", badge, rule.summary]


def _rule_dict(rule: Rule) -> dict[str, object]:
    return {
        "code": str(rule.code),
        "severity": str(rule.severity),
        "lenient": str(rule.lenient) if rule.lenient else None,
        "fix": str(rule.fix) or None,
        "badge": rule.badge,
        "summary": rule.summary,
    }


def _report_dict(report: Report) -> dict[str, object]:
    return {
        "checked": report.checked,
        "errors": report.errors,
        "warnings": report.warnings,
        "findings": [f.to_dict() for f in report.findings],
    }


def _print_report(report: Report) -> None:
    for finding in report.findings:
        out(_finding_line(finding))
        if finding.fix:
            out(paint(f"    fix: {safe_text(finding.fix)}", "dim"))
    checked = ", ".join(report.checked) or "nothing"
    summary = f"{report.errors} error(s), {report.warnings} warning(s) in {checked}"
    out(paint(summary, "error" if report.errors else "ok"))


def _finding_line(finding: Finding) -> str:
    where = finding.file + (f":{finding.line}" if finding.line else "")
    return (
        f"{paint(finding.severity.ljust(7), finding.severity)} {finding.env:<11} "
        f"{finding.code:<20} {safe_text(where)}  {safe_text(finding.message)}"
    )


def run_diff(args: argparse.Namespace) -> int:
    """Keys missing on either side and values shared between two environments (by fingerprint)."""
    project = project_from(args)
    name_a, name_b = args.env_a, args.env_b
    if name_a == name_b:
        raise UsageError("compare two different environments")
    a = EnvFile.load(project.environment(name_a).file).values()
    b = EnvFile.load(project.environment(name_b).file).values()
    diffs = compare_values(a, b, name_a, name_b, fingerprint_key())
    rows = [{"key": d.key, "status": d.status} for d in diffs]
    drift = [d for d in diffs if d.drift]
    if args.json:
        out(json.dumps({"a": name_a, "b": name_b, "keys": rows, "drift": len(drift)}, indent=2))
    else:
        out(table([[r["key"], r["status"]] for r in rows], ["KEY", f"{name_a} vs {name_b}"]))
        out(f"{len(drift)} key(s) missing on one side or sharing a value")
    return 1 if drift else 0


def run_status(args: argparse.Namespace) -> int:
    """The project at a glance: template, environments, key counts and finding totals."""
    project = project_from(args)
    out(f"project  {safe_text(project.name)}  ({safe_text(str(project.root))})")
    template = project.template_path.name if project.template_path else "none"
    count = len(project.template.keys()) if project.template else 0
    out(f"template {safe_text(template)}  ({count} keys)")
    report = validate(project)
    rows = []
    for env in project.environments.values():
        rows.append(_status_row(project, env.name, report))
    if rows:
        out(table(rows, ["ENVIRONMENT", "FILE", "KEYS", "ERRORS", "WARNINGS", "PROTECTED"]))
    else:
        out("no environment files yet: relay-tui generate --generate-env --env development")
    out(f"{report.errors} error(s), {report.warnings} warning(s); details: relay-tui validate")
    if not trust.is_trusted(project.root):
        asks = trust.requests(project.root, project.config)
        if asks:
            out(f"vault    not trusted: {trust.CONFIG_NAME} asks for {asks[0].describe()}"
                + (f" and {len(asks) - 1} more" if len(asks) > 1 else "")
                + "; no token is sent until you run: relay-tui trust")  # fmt: skip
    return 0


def _status_row(project: Project, name: str, report: Report) -> list[str]:
    env = project.environments[name]
    try:
        keys = str(len(EnvFile.load(env.file).keys())) if env.exists else "-"
    except InputFileError:
        keys = "unreadable"
    errors = sum(1 for f in report.findings if f.env == name and f.severity == "error")
    warnings = sum(1 for f in report.findings if f.env == name and f.severity == "warning")
    file = env.file.name if env.exists else f"{env.file.name} (missing)"
    return [name, file, keys, str(errors), str(warnings), "yes" if env.protected else "no"]


def add_validate(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register `validate`."""
    val = sub.add_parser("validate", parents=[common], help="run the rules; exit 1 on errors")
    val.add_argument("--env", action="append", metavar="NAME", help="only this env (repeatable)")
    val.add_argument("--all", action="store_true", help="every environment (the default)")
    val.add_argument("--json", action="store_true", help="machine-readable output")
    val.add_argument("--no-git", action="store_true", help="skip the git checks")
    val.add_argument(
        "--rules", action="store_true", help="list the rules (code, severity, fix) and exit"
    )


def add_diff(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register `diff`."""
    diff = sub.add_parser("diff", parents=[common], help="compare two environments' keys")
    diff.add_argument("env_a", metavar="ENV_A")
    diff.add_argument("env_b", metavar="ENV_B")
    diff.add_argument("--json", action="store_true")
