"""Validation is a registry of rules: every code has one, and validate, fixes, badges and the
`validate --rules` listing all read it (a rule registered here shows up in each)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Sequence
from enum import StrEnum
from pathlib import Path

import pytest

from relay_tui.cli import main
from relay_tui.domain.findings import SEVERITIES, Code, Finding, FixKind, Severity
from relay_tui.project.project import load_project
from relay_tui.rules import registry
from relay_tui.rules.registry import RULE_MODULES, badges, register, rule_for, rules, unregister
from relay_tui.rules.rule import Check, Rule, Run
from relay_tui.rules.validate import validate
from relay_tui.services.fixes import fix_kind
from tests.conftest import RunCli
from tests.unit.rules_samples import messy_project


class ExtraCode(StrEnum):
    """A code this test adds (`Code` is closed: a real rule adds its member there)."""

    TEMP = "temp-rule"


@pytest.fixture
def messy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return messy_project(tmp_path / "messy", monkeypatch)


def test_every_code_has_exactly_one_registered_rule() -> None:
    declared = [rule.code for module in RULE_MODULES for rule in module.RULES]
    assert Counter(declared) == Counter(Code)  # once each, none missing, none unknown
    assert [rule.code for rule in rules()] == declared
    assert all(rule_for(code) is not None for code in Code)


def test_each_rule_is_a_complete_record() -> None:
    for rule in rules():
        assert rule.summary and rule.summary == rule.summary.strip(), rule.code
        assert isinstance(rule.code, Code) and isinstance(rule.fix, FixKind)
        assert rule.severity in SEVERITIES
        if rule.lenient is not None:  # lenient means less severe
            assert SEVERITIES.index(rule.lenient) > SEVERITIES.index(rule.severity), rule.code
        assert rule.badge is None or rule.badge.strip() == rule.badge != ""


def test_registering_a_code_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="missing-required"):
        register(rule_for(Code.MISSING_REQUIRED))  # type: ignore[arg-type]


def test_every_finding_on_a_messy_project_has_its_rule(messy: Path) -> None:
    findings = validate(load_project(messy)).findings
    findings += validate(load_project(messy), ["development", "ghost"]).findings
    for finding in findings:
        rule = rule_for(finding.code)
        assert rule is not None, finding.code
        assert isinstance(finding.code, Code) and isinstance(finding.severity, Severity)
        assert finding.severity in rule.severities, (finding.code, finding.severity)
    assert {f.code for f in findings} == set(Code)  # the sample reaches every rule


def test_validate_runs_each_shared_check_once(messy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: Counter[str] = Counter()

    def counted(check: Check) -> Check:
        def run_it(run: Run) -> Sequence[Finding]:
            calls[check.__name__] += 1
            return list(check(run))

        return run_it

    wrapped = {check: counted(check) for check in registry.checks()}
    swapped = {rule.code: rule._replace(check=wrapped[rule.check]) for rule in rules()}
    monkeypatch.setattr(registry, "_RULES", swapped)
    validate(load_project(messy))
    assert set(calls.values()) == {1} and len(calls) == len(wrapped) == len(RULE_MODULES)


def test_fix_kind_is_the_rules_fix(messy: Path) -> None:
    project = load_project(messy)
    by_code = {f.code: f for f in validate(project).findings if f.env != "template"}
    assert fix_kind(project, by_code[Code.INSECURE_PERMISSIONS]) is FixKind.CHMOD
    assert fix_kind(project, by_code[Code.GIT_NOT_IGNORED]) is FixKind.GITIGNORE
    assert fix_kind(project, by_code[Code.WEAK_SECRET]) is FixKind.GENERATE  # a signing key
    provider = [f for f in validate(project).findings if f.code == Code.PLACEHOLDER_VALUE]
    assert {fix_kind(project, f) for f in provider} == {FixKind.NONE}  # STRIPE: not generated
    assert fix_kind(project, by_code[Code.GIT_TRACKED]) is FixKind.NONE


def test_badges_come_from_the_rules() -> None:
    codes = [Code.MISSING_REQUIRED, Code.GIT_TRACKED, Code.PARSE_ERROR, Code.SWALLOWED_KEYS]
    codes += [Code.MISSING_REQUIRED, Code.WEAK_SECRET, Code.INSECURE_PERMISSIONS]
    assert badges(codes) == ["TRACKED-BY-GIT", "parse-error", "loose-perms", "missing 2"]
    assert badges([]) == []


# ----- a rule registered at run time ----------------------------------------------------------
def _temp_check(run: Run) -> Iterator[Finding]:
    for target in run.targets():
        if "TEMP_FLAG" in target.envfile.values():
            yield TEMP.finding(target.env.name, "TEMP_FLAG", "TEMP_FLAG is set", "unset it",
                               target.file, strict=target.env.protected)  # fmt: skip


TEMP = Rule(
    ExtraCode.TEMP,  # type: ignore[arg-type]
    Severity.ERROR,
    "a key named TEMP_FLAG (a rule this test registers)",
    _temp_check,
    fix=FixKind.CHMOD,
    badge="temp-badge",
    lenient=Severity.WARNING,
)


@pytest.fixture
def temp_rule() -> Iterator[Rule]:
    register(TEMP)
    try:
        yield TEMP
    finally:
        unregister(TEMP.code)


def test_a_registered_rule_shows_up_in_validate_fix_kind_and_badges(
    temp_rule: Rule, tmp_path: Path
) -> None:
    (tmp_path / ".env.example").write_text("A=\n")
    (tmp_path / ".env").write_text("A=1\nTEMP_FLAG=1\n")
    (tmp_path / ".env").chmod(0o600)
    project = load_project(tmp_path)
    report = validate(project, git=False)
    found = [f for f in report.findings if f.code == "temp-rule"]
    assert [(f.severity, f.env, f.key) for f in found] == [("warning", "development", "TEMP_FLAG")]
    assert fix_kind(project, found[0]) is FixKind.CHMOD
    assert "temp-badge" in badges(f.code for f in report.findings)
    unregister(TEMP.code)  # gone from the registry: gone from validate
    try:
        assert not [f for f in validate(project, git=False).findings if f.code == "temp-rule"]
    finally:
        register(TEMP)


def test_a_registered_rule_shows_up_in_the_rules_listing(
    temp_rule: Rule, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--rules"]) == 0
    text = capsys.readouterr().out
    (line,) = [ln for ln in text.splitlines() if ln.startswith("temp-rule ")]
    assert line.split()[:4] == ["temp-rule", "error/warning", "chmod", "temp-badge"]
    assert line.endswith("a key named TEMP_FLAG (a rule this test registers)")
    assert main(["validate", "--rules", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["rules"]
    assert listed[-1] == {
        "code": "temp-rule",
        "severity": "error",
        "lenient": "warning",
        "fix": "chmod",
        "badge": "temp-badge",
        "summary": "a key named TEMP_FLAG (a rule this test registers)",
    }


# ----- the listing on the command line ----------------------------------------------------------
def test_validate_rules_lists_every_rule(cli: RunCli) -> None:
    result = cli("validate", "--rules")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["CODE", "SEVERITY", "FIX", "BADGE", "WHAT", "IT", "FINDS"]
    rows = {line.split()[0]: line.split()[1:4] for line in lines[1:-1]}
    assert list(rows) == [str(rule.code) for rule in rules()]
    assert rows["missing-required"] == ["error", "generate", "missing"]
    assert rows["insecure-permissions"] == ["error/warning", "chmod", "loose-perms"]
    assert rows["duplicate-key"] == ["warning", "-", "-"]
    assert lines[-1].startswith(f"{len(Code)} rule(s)")


def test_validate_rules_json(cli: RunCli) -> None:
    result = cli("validate", "--rules", "--json")
    assert result.returncode == 0, result.stderr
    listed = {r["code"]: r for r in json.loads(result.stdout)["rules"]}
    assert list(listed) == [str(code) for code in (rule.code for rule in rules())]
    assert set(listed) == {str(code) for code in Code}
    assert listed["git-not-ignored"] == {
        "code": "git-not-ignored",
        "severity": "error",
        "lenient": None,
        "fix": "gitignore",
        "badge": "NOT-IGNORED",
        "summary": rule_for(Code.GIT_NOT_IGNORED).summary,  # type: ignore[union-attr]
    }
    assert listed["rotation-due"]["fix"] is None
