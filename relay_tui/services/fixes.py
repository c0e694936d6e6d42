"""The automatic fixes of validation findings: which finding has one, and applying it."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from relay_tui.domain.findings import Finding
from relay_tui.infra import file_fixes as fixes
from relay_tui.project.envfile import EnvFile
from relay_tui.project.project import Project
from relay_tui.project.specs import spec_for
from relay_tui.services.changes import Actor, Outcome, audited, require_writable
from relay_tui.services.env_values import save_edits

GENERATE_FIXES = frozenset({"missing-required", "empty-value", "weak-secret",
                            "placeholder-value", "default-secret", "reused-secret"})  # fmt: skip


class FixKind(StrEnum):
    """What a fix does; NONE when a finding has no automatic fix."""

    NONE = ""
    GENERATE = "generate"  # a new value of the key's kind, saved to the file
    CHMOD = "chmod"  # the file's mode to 0600
    GITIGNORE = "gitignore"  # the line that makes git ignore the file


LABELS = {
    FixKind.GENERATE: "generate a new value and save",
    FixKind.CHMOD: "chmod 600",
    FixKind.GITIGNORE: "add the .gitignore line",
}


def fix_kind(project: Project, finding: Finding) -> FixKind:
    """The automatic fix of `finding` in one of the project's environments (or NONE)."""
    if finding.env not in project.environments:
        return FixKind.NONE
    generatable = finding.key and spec_for(project.specs, finding.key).generatable
    if finding.code in GENERATE_FIXES and generatable:
        return FixKind.GENERATE
    return {"insecure-permissions": FixKind.CHMOD, "git-not-ignored": FixKind.GITIGNORE}.get(
        finding.code, FixKind.NONE
    )


def apply_fix(
    project: Project,
    finding: Finding,
    actor: Actor,
    envfile: EnvFile | None = None,
    pending: Mapping[str, str | None] | None = None,
) -> Outcome:
    """Apply the fix of `finding`. A generated value is saved with the `pending` edits of the
    model `envfile` (the workbench's unsaved changes), audited as generate and dated."""
    from relay_tui.domain.generate import generate

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
            from relay_tui.errors import UsageError

            raise UsageError(f"{finding.code}: no automatic fix", hint=finding.fix or None)
    return outcome
