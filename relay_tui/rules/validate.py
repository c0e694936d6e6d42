"""Validation over a project's env files: every registered rule's check, findings sorted."""

from __future__ import annotations

from relay_tui.domain.findings import SEVERITIES, Finding, Report
from relay_tui.project.project import Project
from relay_tui.rules.registry import checks
from relay_tui.rules.rule import Run
from relay_tui.rules.values import comparable_secret, url_password

__all__ = ["Finding", "Report", "comparable_secret", "url_password", "validate"]


def validate(project: Project, names: list[str] | None = None, *, git: bool = True) -> Report:
    """Run every registered rule on the named environments (all present when `names` is None)."""
    report = Report()
    run = Run(project, names, git=git)
    started = [check(run) for check in checks()]  # the git check starts its subprocess here
    if run.template is not None:
        report.checked.append("template")
    report.checked.extend(env.name for env in run.selected)
    for found in started:
        report.findings.extend(found)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    report.findings.sort(key=lambda f: (order[f.severity], f.env, f.line or 0))
    return report
