"""The leak scanner's git history on real repositories: merges, since, env files, attribution."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from relay_tui.errors import BackendError, UsageError
from relay_tui.scan import history as scan_git
from relay_tui.scan.scanner import Finding, ScanOptions, remediation, scan
from tests.conftest import git
from tests.integration.scan_repos import HISTORY, commit, repo, secret_rules, token, write


# ----- history -----------------------------------------------------------------------------
def test_history_only_secret_is_found_with_the_commit_that_added_it(tmp_path: Path) -> None:
    root = repo(tmp_path)
    write(root, "README.md", "hello\n")
    commit(root, "first")
    gone, kept = token(), token()
    write(root, "src/config.py", f"A = 1\nOLD = '{gone}'\n")
    write(root, "src/live.py", f"NEW = '{kept}'\n")
    added = commit(root, "add secrets")
    for n in range(3):  # later edits of the same file keep the attribution
        write(root, "src/config.py", f"A = {n}\nOLD = '{gone}'\n")
        commit(root, f"edit {n}")
    write(root, "src/config.py", "A = 1\n")
    commit(root, "remove it")
    report = scan(root, HISTORY)
    found = {f.path: f for f in secret_rules(report)}
    assert set(found) == {"src/config.py", "src/live.py"}
    assert found["src/config.py"].commit == added
    assert found["src/config.py"].history_only
    assert found["src/config.py"].line == 2
    assert found["src/live.py"].commit == added and not found["src/live.py"].history_only
    assert report.commits == 6
    assert report.blobs >= 6
    assert gone not in repr(report.findings) and kept not in repr(report.findings)


def test_secret_added_only_in_a_merge_resolution_is_found(tmp_path: Path) -> None:
    root = repo(tmp_path)
    write(root, "settings.py", "MODE = 'base'\n")
    commit(root, "base")
    git(root, "checkout", "-q", "-b", "feature")
    write(root, "settings.py", "MODE = 'feature'\n")
    commit(root, "feature")
    git(root, "checkout", "-q", "main")
    write(root, "settings.py", "MODE = 'main'\n")
    commit(root, "main")
    with pytest.raises(subprocess.CalledProcessError):  # a conflict, resolved by hand
        git(root, "merge", "-q", "feature")
    leaked = token()
    write(root, "settings.py", f"MODE = 'both'\nKEY = '{leaked}'\n")
    merge = commit(root, "merge feature")
    assert len(git(root, "rev-list", "--parents", "-n1", "HEAD").split()) == 3
    write(root, "settings.py", "MODE = 'both'\n")
    commit(root, "drop it")
    [finding] = secret_rules(scan(root, HISTORY))
    assert (finding.path, finding.commit, finding.history_only) == ("settings.py", merge, True)


def test_secret_on_a_branch_other_than_head_is_found(tmp_path: Path) -> None:
    root = repo(tmp_path)
    commit(root, "empty")
    git(root, "checkout", "-q", "-b", "side")
    write(root, "side.py", f"K = '{token()}'\n")
    side = commit(root, "side")
    git(root, "checkout", "-q", "main")
    [finding] = secret_rules(scan(root, HISTORY))
    assert finding.commit == side and finding.history_only


def test_env_file_committed_then_deleted_is_found(tmp_path: Path) -> None:
    root = repo(tmp_path)
    write(root, ".env.example", "DATABASE_PASSWORD=\n")
    write(root, "config/.env", "DEBUG=1\n")
    first = commit(root, "oops")
    write(root, "config/.env", "DEBUG=0\n")
    commit(root, "edit")
    git(root, "rm", "-q", "config/.env")
    commit(root, "remove")
    report = scan(root, HISTORY)
    [finding] = report.findings
    assert finding.rule == "env-file-committed"
    assert (finding.path, finding.commit, finding.history_only) == ("config/.env", first, True)
    assert finding.line is None and finding.redacted == ""
    write(root, ".env.local", "X=1\n")
    git(root, "add", ".env.local")  # tracked now, not yet committed
    tree = scan(root, ScanOptions())
    assert [(f.rule, f.path, f.commit) for f in tree.findings] == [
        ("env-file-committed", ".env.local", None)
    ]


def test_since_scans_only_newer_commits_and_refuses_an_unknown_rev(tmp_path: Path) -> None:
    root = repo(tmp_path)
    write(root, "old.py", f"K = '{token()}'\n")
    old = commit(root, "old")
    write(root, "new.py", f"K = '{token()}'\n")
    new = commit(root, "new")
    report = scan(root, ScanOptions(since=old))
    history = [f for f in secret_rules(report) if f.commit]
    assert [(f.path, f.commit) for f in history] == [("new.py", new)]
    assert report.commits == 1
    with pytest.raises(UsageError, match="no-such-branch"):
        scan(root, ScanOptions(since="no-such-branch"))
    with pytest.raises(UsageError):
        scan(root, ScanOptions(since="--all"))


def test_subfolder_root_reports_paths_relative_to_it(tmp_path: Path) -> None:
    root = repo(tmp_path)
    write(root, "svc/a/keys.py", f"K = '{token()}'\n")
    write(root, "svc/README.md", "a service\n")
    write(root, "other/keys.py", f"K = '{token()}'\n")
    commit(root)
    git(root, "rm", "-q", "svc/a/keys.py")
    commit(root)
    report = scan(root / "svc", HISTORY)
    assert [(f.path, f.history_only) for f in report.findings] == [("a/keys.py", True)]


def test_same_secret_through_many_commits_is_one_finding(tmp_path: Path) -> None:
    root = repo(tmp_path)
    value = token()
    write(root, "app.py", f"K = '{value}'\n")
    first = commit(root)
    for n in range(4):
        write(root, "app.py", f"# {n}\nK = '{value}'\n")
        commit(root)
    write(root, "copy.py", f"K = '{value}'\n")
    commit(root)
    found = secret_rules(scan(root, HISTORY))
    assert [(f.path, f.commit == first) for f in found] == [("app.py", True), ("copy.py", False)]
    assert [f.path for f in found] == sorted(f.path for f in found)
    assert len({f.fingerprint for f in found}) == 2


# ----- remediation -------------------------------------------------------------------------
def test_remediation_rotates_first_then_cleans_the_history(tmp_path: Path) -> None:
    root = repo(tmp_path)
    write(root, "deploy/keys.py", f"K = '{token()}'\n")
    write(root, ".env.staging", "X=1\n")
    commit(root)
    git(root, "rm", "-q", "-r", ".")
    commit(root)
    findings = {f.rule: f for f in scan(root, HISTORY).findings}
    string_lines = remediation(findings["github-token"])
    assert string_lines[0].lower().startswith("rotate")
    text = "\n".join(string_lines)
    assert "deploy/keys.py" in text
    assert "git filter-repo --replace-text" in text and "bfg --replace-text" in text
    assert "git push --force" in text and "re-clone" in text
    env_lines = remediation(findings["env-file-committed"])
    assert env_lines[0].lower().startswith("rotate") and "--env staging" in env_lines[0]
    env_text = "\n".join(env_lines)
    assert "git filter-repo --invert-paths --path .env.staging" in env_text
    assert "bfg --delete-files .env.staging" in env_text
    tree = Finding("github-token", "GitHub token", "a b.py", 3, 1, None, "ghp_…", "f", None, False)
    assert remediation(tree)[0].lower().startswith("rotate")
    assert "a b.py:3" in "\n".join(remediation(tree))


# ----- git failures ------------------------------------------------------------------------
def test_a_broken_history_is_a_backend_error(tmp_path: Path) -> None:
    root = repo(tmp_path)
    write(root, "a.txt", "one\n")
    commit(root)
    write(root, "b.txt", "two\n")
    commit(root)
    tree = git(root, "rev-parse", "HEAD~1^{tree}").strip()
    (root / ".git" / "objects" / tree[:2] / tree[2:]).unlink()
    with pytest.raises(BackendError, match="unable to read tree"):
        scan(root, HISTORY)


def test_stopping_early_leaves_no_git_running(tmp_path: Path) -> None:
    root = repo(tmp_path)
    for n in range(30):
        write(root, f"f{n}.txt", f"{n}\n" * 2000)
        commit(root)
    found = scan_git.find_repo(root)
    assert found is not None
    history = scan_git.History(found, 10_000_000)
    for _ in history:
        break
    history.close()  # what the generator's finally does, and safe twice
    assert all(proc.poll() is not None for proc in history._procs)


def test_a_replace_ref_cannot_hide_a_commit(tmp_path: Path) -> None:
    root = repo(tmp_path)
    write(root, "a.py", f"K = '{token()}'\n")
    leaky = commit(root, "leaky")
    write(root, "a.py", "K = None\n")
    commit(root, "fixed")
    clean = git(root, "commit-tree", "-m", "clean", "HEAD^{tree}").strip()
    git(root, "replace", leaky, clean)  # plain `git log` now shows the clean one in its place
    assert "leaky" not in git(root, "log", "--all", "--format=%s")
    [finding] = secret_rules(scan(root, HISTORY))
    assert (finding.commit, finding.history_only) == (leaky, True)
