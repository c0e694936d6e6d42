"""`relay-tui scan` end to end: real git repos, exit codes, formats, baseline, hooks, notebooks."""

from __future__ import annotations

import json
import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, RunCli, git

ALNUM = string.ascii_letters + string.digits


def github_token() -> str:
    """A token shaped like GitHub's, made at run time (never written in a tracked file)."""
    return "gh" + "p_" + "".join(secrets.choice(ALNUM) for _ in range(36))


def aws_key_id() -> str:
    upper = string.ascii_uppercase + "234567"
    return "AK" + "IA" + "".join(secrets.choice(upper) for _ in range(16))


def settings(secret: str, *, marker: str = "") -> str:
    """A small Python settings file with the secret on line 3, column 17."""
    return f'"""Settings."""\nDEBUG = False\nGITHUB_TOKEN = "{secret}"{marker}\nPORT = 8000\n'


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def commit_all(root: Path, message: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


def outputs(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr


def assert_never_shown(result: subprocess.CompletedProcess[str], *values: str) -> None:
    for value in values:
        assert value not in outputs(result)


def test_a_clean_project_exits_0(project: Path, cli: RunCli) -> None:
    write(project, "app/main.py", "print('hello')\n")
    commit_all(project, "clean")
    result = cli("scan")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert "no findings" in result.stderr
    assert "scanned" in result.stderr and "file(s)" in result.stderr


def test_a_token_in_the_tree_is_found_redacted(project: Path, cli: RunCli) -> None:
    token = github_token()
    write(project, "config/settings.py", settings(token))
    result = cli("scan")
    assert result.returncode == 1, result.stderr
    first = result.stdout.splitlines()[0]
    where, rule, _description, redacted = first.split("  ")[:4]
    assert where == "config/settings.py:3:17"
    assert rule == "github-token"
    assert redacted == token[:4] + "…"
    assert "[commit" not in first  # not committed: a working-tree finding
    assert "1 finding(s)" in result.stderr
    assert_never_shown(result, token, token[:8])


def test_json_lists_the_findings_without_the_secret(project: Path, cli: RunCli) -> None:
    token, key_id = github_token(), aws_key_id()
    write(project, "config/settings.py", settings(token))
    write(project, "deploy/aws.txt", f"aws_access_key_id = {key_id}\n")
    result = cli("scan", "--json")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["partial"] is False and data["submodules_not_scanned"] == []
    findings = data["findings"]
    assert isinstance(findings, list)
    by_path = {f["path"]: f for f in findings}
    assert {"config/settings.py", "deploy/aws.txt"} <= set(by_path)
    github = by_path["config/settings.py"]
    assert github["rule"] == "github-token"
    assert (github["line"], github["column"], github["commit"]) == (3, 17, None)
    assert github["redacted"] == token[:4] + "…"
    assert len(github["fingerprint"]) == 64
    assert github["history_only"] is False and github["label"] is None
    assert isinstance(github["remediation"], list)
    assert by_path["deploy/aws.txt"]["rule"] == "aws-access-key-id"
    assert_never_shown(result, token, key_id, token[:8], key_id[:8])


def test_sarif_has_the_2_1_0_shape(project: Path, cli: RunCli) -> None:
    token = github_token()
    write(project, "config/settings.py", settings(token))
    sha = commit_all(project, "add settings")
    result = cli("scan", "--history", "--sarif")
    assert result.returncode == 1, result.stderr
    sarif = json.loads(result.stdout)
    assert sarif["version"] == "2.1.0" and "sarif" in sarif["$schema"]
    (run,) = sarif["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "relay-tui"
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert "github-token" in rule_ids
    assert all(rule["shortDescription"]["text"] for rule in driver["rules"])
    (found,) = [r for r in run["results"] if r["ruleId"] == "github-token"]
    assert found["level"] == "error" and found["message"]["text"]
    physical = found["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "config/settings.py"
    assert physical["region"] == {"startLine": 3, "startColumn": 17}
    assert len(found["partialFingerprints"]["relayFingerprint/v1"]) == 64
    assert found["properties"]["commit"] == sha
    assert_never_shown(result, token, token[:8])


def test_usage_errors_exit_2(project: Path, cli: RunCli, tmp_path: Path) -> None:
    assert cli("scan", "--json", "--sarif").returncode == 2
    both = cli("scan", "--staged", "--history")
    assert both.returncode == 2 and "--staged" in both.stderr
    missing = cli("scan", str(project / "no-such-folder"))
    assert missing.returncode == 2 and "no-such-folder" in missing.stderr
    assert cli("scan", "--since", "").returncode == 2
    write(project, "app/main.py", "print('hello')\n")
    commit_all(project, "clean")
    unknown = cli("scan", "--since", "no-such-revision")
    assert unknown.returncode == 2 and "no-such-revision" in unknown.stderr
    plain = tmp_path / "not-a-repo"
    plain.mkdir()
    outside = cli("scan", "--history", project_dir=plain, cwd=plain)
    assert outside.returncode == 2 and "not in a git repository" in outside.stderr
    assert cli("scan", project_dir=plain, cwd=plain).returncode == 0  # a plain folder is fine


def test_a_broken_repository_exits_3(project: Path, cli: RunCli) -> None:
    write(project, "app/main.py", "print('hello')\n")
    commit_all(project, "clean")
    tree = git(project, "rev-parse", "HEAD^{tree}").strip()
    (project / ".git" / "objects" / tree[:2] / tree[2:]).unlink()  # git cannot read the commit
    result = cli("scan", "--history")
    assert result.returncode == 3, result.stderr
    assert "git" in result.stderr
    assert "scan" in [
        e["action"] for e in map(json.loads, cli("audit", "--json").stdout.splitlines())
    ]


def test_baseline_round_trip(project: Path, cli: RunCli) -> None:
    token = github_token()
    write(project, "config/settings.py", settings(token))
    update = cli("scan", "--update-baseline")
    assert update.returncode == 0, update.stderr
    baseline = project / ".relay" / "scan-baseline.json"
    text = baseline.read_text()
    assert token not in text and token[:4] not in text and "…" not in text
    data = json.loads(text)
    assert data["version"] == 1
    (entry,) = data["entries"]
    assert set(entry) == {"fingerprint", "rule", "path"}
    assert (entry["rule"], entry["path"]) == ("github-token", "config/settings.py")

    again = cli("scan")
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout == "" and "1 hidden by the baseline" in again.stderr
    shown = cli("scan", "--show-all")
    assert shown.returncode == 0
    assert "[baselined]" in shown.stdout and "config/settings.py:3:17" in shown.stdout

    newer = github_token()
    write(project, "config/other.py", settings(newer))
    after = cli("scan", "--json")
    assert after.returncode == 1
    assert [f["path"] for f in json.loads(after.stdout)["findings"]] == ["config/other.py"]
    assert_never_shown(after, token, newer)

    elsewhere = project / "accepted.json"
    assert cli("scan", "--update-baseline", "--baseline", str(elsewhere)).returncode == 0
    assert len(json.loads(elsewhere.read_text())["entries"]) == 2
    assert cli("scan", "--baseline", str(elsewhere)).returncode == 0


def test_a_broken_baseline_is_an_error_naming_it(project: Path, cli: RunCli) -> None:
    write(project, "config/settings.py", settings(github_token()))
    broken = write(project, "broken-baseline.json", "{not json")
    result = cli("scan", "--baseline", str(broken))
    assert result.returncode == 2
    assert "broken-baseline.json" in result.stderr and "not JSON" in result.stderr
    write(project, ".relay/scan-baseline.json", json.dumps({"version": 1, "entries": [{}]}))
    default = cli("scan")
    assert default.returncode == 2 and "scan-baseline.json" in default.stderr
    missing = cli("scan", "--baseline", str(project / "nope.json"))
    assert missing.returncode == 2 and "nope.json" in missing.stderr
    assert cli("scan", "--update-baseline").returncode == 0  # the way out: write a new one
    assert cli("scan").returncode == 0


def test_update_baseline_is_refused_read_only(project: Path, cli: RunCli) -> None:
    write(project, "config/settings.py", settings(github_token()))
    assert cli("scan", "--update-baseline", "--read-only").returncode == 4
    assert not (project / ".relay" / "scan-baseline.json").exists()


def test_inline_markers_and_no_markers(project: Path, cli: RunCli) -> None:
    token = github_token()
    write(project, "config/settings.py", settings(token, marker="  # relay:allow"))
    assert cli("scan").returncode == 0
    audit_mode = cli("scan", "--no-markers")
    assert audit_mode.returncode == 1 and "config/settings.py:3:17" in audit_mode.stdout
    assert_never_shown(audit_mode, token)


def test_output_file_holds_the_report(project: Path, cli: RunCli) -> None:
    token = github_token()
    write(project, "config/settings.py", settings(token))
    report = project / "leaks.sarif"
    result = cli("scan", "--sarif", "--output", str(report))
    assert result.returncode == 1 and result.stdout == ""
    assert json.loads(report.read_text())["version"] == "2.1.0"
    assert token not in report.read_text()


def test_staged_finds_what_the_next_commit_adds(project: Path, cli: RunCli) -> None:
    write(project, "app/main.py", "print('hello')\n")
    commit_all(project, "clean")
    token = github_token()
    write(project, "config/settings.py", settings(token))
    assert cli("scan", "--staged").returncode == 0  # in the tree, not staged
    git(project, "add", "config/settings.py")
    staged = cli("scan", "--staged")
    assert staged.returncode == 1, staged.stderr
    assert "config/settings.py:3:17" in staged.stdout
    assert_never_shown(staged, token)
    git(project, "reset", "-q", "--", "config/settings.py")
    assert cli("scan", "--staged").returncode == 0


def test_a_pre_commit_hook_refuses_the_commit(project: Path) -> None:
    write(project, "app/main.py", "print('hello')\n")
    first = commit_all(project, "clean")
    hook = project / ".git" / "hooks" / "pre-commit"
    hook.write_text(
        f"#!/bin/sh\nPYTHONPATH='{REPO}' exec '{sys.executable}' -m relay_tui scan --staged\n"
    )
    hook.chmod(0o755)
    token = github_token()
    write(project, "config/settings.py", settings(token))
    git(project, "add", "config/settings.py")
    identity = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
                "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}  # fmt: skip
    env = {**os.environ, **identity}
    refused = subprocess.run(
        ["git", "-C", str(project), "commit", "-m", "leak"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert refused.returncode != 0
    assert "config/settings.py:3:17" in outputs(refused)
    assert token not in outputs(refused)
    assert git(project, "rev-parse", "HEAD").strip() == first
    write(project, "config/settings.py", 'GITHUB_TOKEN = os.environ["GITHUB_TOKEN"]\n')
    git(project, "add", "config/settings.py")
    allowed = subprocess.run(
        ["git", "-C", str(project), "commit", "-q", "-m", "fixed"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert allowed.returncode == 0, outputs(allowed)


def test_pre_commit_hooks_file_runs_scan_staged() -> None:
    text = (REPO / ".pre-commit-hooks.yaml").read_text()
    assert "- id: relay-tui-scan\n" in text
    assert "  entry: relay-tui scan --staged\n" in text
    assert "  language: python\n" in text
    assert "  pass_filenames: false\n" in text
    assert "  stages: [pre-commit]\n" in text


@pytest.fixture
def leaked_jwt(project: Path) -> tuple[str, str]:
    """Production's JWT_SECRET_KEY pasted into settings, committed, then removed: (value, sha)."""
    value = secrets.token_urlsafe(32)
    production = project / ".env.production"
    production.write_text(f"ENVIRONMENT=production\nJWT_SECRET_KEY={value}\n")
    production.chmod(0o600)
    lines = ['"""Settings."""', "import os", "", "DEBUG = False"] + [""] * 7
    write(project, "config/settings.py", "\n".join([*lines, f'SIGNING = "{value}"', ""]))
    sha = commit_all(project, "settings")
    write(project, "config/settings.py", 'SIGNING = os.environ["JWT_SECRET_KEY"]\n')
    commit_all(project, "read it from the environment")
    return value, sha


def test_a_known_value_names_its_key_and_commit(
    project: Path, cli: RunCli, leaked_jwt: tuple[str, str]
) -> None:
    value, sha = leaked_jwt
    result = cli("scan", "--history")
    assert result.returncode == 1, result.stderr
    sentence = f"production JWT_SECRET_KEY in commit {sha[:7]}, config/settings.py:12"
    assert sentence in result.stdout
    assert "relay-tui rotate JWT_SECRET_KEY --env production" in result.stdout
    assert "filter-repo" in result.stdout and "bfg" in result.stdout
    assert_never_shown(result, value, value[:8])
    for fmt in ("--json", "--sarif"):
        machine = cli("scan", "--history", fmt)
        assert machine.returncode == 1
        assert_never_shown(machine, value, value[:8])
    known = [
        f for f in json.loads(cli("scan", "--history", "--json").stdout)["findings"] if f["label"]
    ]
    assert {f["label"] for f in known} == {"production JWT_SECRET_KEY"}
    assert all(f["history_only"] and f["commit"] == sha for f in known)
    assert cli("scan").returncode == 0  # the tree no longer holds it
    assert cli("scan", "--history", "--no-known", "--json").returncode in (0, 1)
    no_known = json.loads(cli("scan", "--history", "--no-known", "--json").stdout)["findings"]
    assert not [f for f in no_known if f["label"]]


def test_each_scan_is_audited_by_key_name(
    project: Path, cli: RunCli, leaked_jwt: tuple[str, str]
) -> None:
    value, _ = leaked_jwt
    assert cli("scan", "--history").returncode == 1
    assert cli("scan").returncode == 0
    log = cli("audit", "--json")
    entries = [json.loads(line) for line in log.stdout.splitlines()]
    scans = [e for e in entries if e["action"] == "scan"]
    assert [e["outcome"] for e in scans] == ["found", "ok"]
    assert scans[0]["keys"] == ["JWT_SECRET_KEY"] and scans[0]["detail"].startswith(
        "relay-tui scan: history"
    )
    assert value not in log.stdout


def test_the_notebook_scan_cell(project: Path, cli: RunCli) -> None:
    write(project, "app/main.py", "print('hello')\n")
    write(project, "notebooks/leaks.toml", 'title = "Leaks"\n[[cells]]\ntype = "scan"\n')
    clean = cli("notebook", "run", "leaks")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "[1] scan: ok" in clean.stdout and "0 finding(s)" in clean.stdout
    token = github_token()
    write(project, "config/settings.py", settings(token))
    found = cli("notebook", "run", "leaks")
    assert found.returncode == 1
    assert "[1] scan: failed" in found.stdout
    assert "config/settings.py:3  github-token" in found.stdout
    assert token[:4] + "…" in found.stdout
    assert_never_shown(found, token)
    write(
        project,
        "notebooks/history.toml",
        'title = "History"\n[[cells]]\ntype = "scan"\npath = "app"\nhistory = true\n',
    )
    commit_all(project, "all")
    in_app = cli("notebook", "run", "history")
    assert in_app.returncode == 0, in_app.stdout + in_app.stderr
    assert "commit(s)" in in_app.stdout
    write(project, "notebooks/out.toml", 'title = "Out"\n[[cells]]\ntype = "scan"\npath = ".."\n')
    outside = cli("notebook", "run", "out")
    assert outside.returncode == 1 and "not a folder of the project" in outputs(outside)
