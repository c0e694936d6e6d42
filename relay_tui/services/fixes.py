"""The automatic fixes of validation findings: which finding has one, and applying it."""

from __future__ import annotations

from collections.abc import Mapping

from relay_tui.domain.findings import FIX_LABELS, Finding, FixKind
from relay_tui.domain.generate import generate
from relay_tui.errors import UsageError
from relay_tui.infra import file_fixes as fixes
from relay_tui.project.envfile import EnvFile
from relay_tui.project.project import Project
from relay_tui.project.specs import spec_for
from relay_tui.rules.registry import rule_for
from relay_tui.services.changes import Actor, Outcome, audited, require_writable
from relay_tui.services.env_values import save_edits

__all__ = ["LABELS", "FixKind", "apply_fix", "fix_kind"]
LABELS = FIX_LABELS  # what each fix does, as the workbench offers it


def fix_kind(project: Project, finding: Finding) -> FixKind:
    """The automatic fix of `finding` in one of the project's environments (or NONE): its
    rule's, and a generated value only for a key whose kind can be generated."""
    rule = rule_for(finding.code)
    if rule is None or finding.env not in project.environments:
        return FixKind.NONE
    if rule.fix is FixKind.GENERATE:
        generatable = finding.key and spec_for(project.specs, finding.key).generatable
        return FixKind.GENERATE if generatable else FixKind.NONE
    return rule.fix


def apply_fix(
    project: Project,
    finding: Finding,
    actor: Actor,
    envfile: EnvFile | None = None,
    pending: Mapping[str, str | None] | None = None,
) -> Outcome:
    """Apply the fix of `finding`. A generated value is saved with the `pending` edits of the
    model `envfile` (the workbench's unsaved changes), audited as generate and dated."""
    kind = fix_kind(project, finding)
    env = project.environment(finding.env)
    if kind is FixKind.GENERATE and finding.key:
        spec = spec_for(project.specs, finding.key)
        if envfile is None:
            exists = env.file.exists()
            envfile = EnvFile.load(env.file) if exists else EnvFile.parse("", env.file)
        edits = {**(pending or {}), finding.key: generate(spec.kind)}
        outcome = save_edits(project, env, envfile, edits, actor, action="generate")
        outcome.summary = f"new {spec.kind} for {finding.key} saved to {env.file.name}"
        return outcome
    outcome = Outcome(changed=[env.file.name])
    with audited(actor, "fix", env.name, [], outcome, f"{kind.value} {env.file.name}"):
        require_writable(actor, env.file.name)
        if kind is FixKind.CHMOD:
            old = fixes.tighten_permissions(env.file)
            outcome.summary = f"{env.file.name}: mode {old:04o} -> 0600"
        elif kind is FixKind.GITIGNORE:
            added = fixes.ignore_in_git(env.file)
            outcome.summary = f"added {added[1]} to {added[0].name}" if added else "already ignored"
        else:
            raise UsageError(f"{finding.code}: no automatic fix", hint=finding.fix or None)
    return outcome
