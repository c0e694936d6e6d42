"""The leak scanner's working tree, staged files and known values on real git repositories."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from relay_tui.errors import BackendError, UsageError
from relay_tui.project.project import load_project
from relay_tui.scan.scanner import ScanOptions, remediation, scan
from tests.conftest import git
from tests.integration.scan_repos import HISTORY, commit, repo, secret_rules, strong, token, write


# ----- working tree ------------------------------------------------------------------------
def test_tree_scans_tracked_and_untracked_files_but_not_ignored_ones(tmp_path: Path) -> None:
    root = repo(tmp_path)
    write(root, ".gitignore", "build/\n")
    write(root, "app/tracked.py", f'TOKEN = "{token()}"\n')
    commit(root)
    write(root, "app/untracked.py", f'\n\nTOKEN = "{token()}"\n')
    write(root, "build/ignored.py", f'TOKEN = "{token()}"\n')
    report = scan(root, ScanOptions())
    found = {f.path: f for f in secret_rules(report)}
    assert set(found) == {"app/tracked.py", "app/untracked.py"}
    assert found["app/untracked.py"].line == 3
    assert found["app/untracked.py"].column == 10
    assert all(f.commit is None and not f.history_only for f in report.findings)
    assert report.files == 3 and report.commits == 0
    assert report.engine in ("re2", "hyperscan", "re")


def test_binary_huge_and_non_utf8_files_are_counted_never_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = repo(tmp_path)
    (root / "image.png").write_bytes(b"\x89PNG\0\0" + token().encode() + b"\0" * 100)
    write(root, "huge.txt", "x" * 5000 + token() + "\n")
    latin = token()
    (root / "latin1.cfg").write_bytes(b"# caf\xe9\nkey = " + latin.encode() + b"\n")
    write(root, "ok.py", "print('hello')\n")
    write(root, "locked.txt", f"{token()}\n")
    write(root, "pipe", "a tracked file, then a FIFO\n")
    commit(root)
    (root / "pipe").unlink()
    os.mkfifo(root / "pipe")  # never opened: reading it would block
    real_open = os.open

    def refuse_locked(path: str, flags: int, *args: int) -> int:
        if str(path).endswith("locked.txt"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", refuse_locked)
    report = scan(root, ScanOptions(max_file_bytes=4000))
    assert report.skipped == {
        "binary": 1,
        "too large": 1,
        "unreadable": 1,
        "not a regular file": 1,
    }
    assert report.not_utf8 == 1  # counted, and still scanned as bytes: secrets are ASCII
    assert [f.path for f in secret_rules(report)] == ["latin1.cfg"]
    assert report.files == 2


def test_symlinks_are_never_followed(tmp_path: Path) -> None:
    outside = write(tmp_path, "outside/secret.txt", f"{token()}\n")
    root = repo(tmp_path)
    write(root, "real.txt", "nothing here\n")
    os.symlink(outside, root / "link-out.txt")
    os.symlink(outside.parent, root / "dir-out")
    os.symlink("loop-b", root / "loop-a")
    os.symlink("loop-a", root / "loop-b")
    os.makedirs(root / "nested")
    os.symlink("..", root / "nested" / "up")
    commit(root)
    in_git = scan(root, ScanOptions())
    assert in_git.findings == []
    assert in_git.skipped.get("symlink") == 5
    git(root, "init", "-q")  # the same folder walked without git
    (root / ".git").rename(tmp_path / "moved.git")
    walked = scan(root, ScanOptions())
    assert walked.findings == []
    assert walked.skipped.get("symlink") == 5


def test_outside_git_walks_everything_but_dot_git(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    write(root, ".gitignore", "ignored.py\n")
    write(root, "ignored.py", f"T = '{token()}'\n")  # nothing but .git is honoured
    write(root, ".git/config", f"{token()}\n")
    write(root, "deep/er/file.yaml", f"token: {token()}\n")
    os.mkfifo(root / "pipe")  # never opened: reading it would block
    report = scan(root, ScanOptions())
    assert sorted(f.path for f in secret_rules(report)) == ["deep/er/file.yaml", "ignored.py"]
    assert report.skipped.get("not a regular file") == 1


def test_history_needs_a_repository(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not in a git repository"):
        scan(tmp_path, HISTORY)
    with pytest.raises(UsageError):
        scan(tmp_path, ScanOptions(staged=True))
    with pytest.raises(UsageError, match="not a folder"):
        scan(tmp_path / "missing", ScanOptions())


# ----- staged ------------------------------------------------------------------------------
def test_staged_scans_the_index_version_of_staged_files(tmp_path: Path) -> None:
    root = repo(tmp_path)  # no commit yet: the first commit's pre-commit hook
    write(root, "app.py", f"K = '{token()}'\n")
    git(root, "add", "app.py")
    write(root, "app.py", "K = None\n")  # the working copy differs from what would be committed
    write(root, "unstaged.py", f"K = '{token()}'\n")
    report = scan(root, ScanOptions(staged=True))
    assert [f.path for f in report.findings] == ["app.py"]
    commit(root)
    assert scan(root, ScanOptions(staged=True)).findings == []
    write(root, ".env.production", "X=1\n")
    write(root, "clean.py", "print(1)\n")
    git(root, "add", "-f", ".env.production", "clean.py")
    staged = scan(root, ScanOptions(staged=True))
    assert [(f.rule, f.path) for f in staged.findings] == [
        ("env-file-committed", ".env.production")
    ]
    with pytest.raises(UsageError):
        scan(root, ScanOptions(staged=True, history=True))


# ----- known values ------------------------------------------------------------------------
def test_known_values_are_labelled_and_not_reported_in_their_own_file(tmp_path: Path) -> None:
    root = repo(tmp_path)
    jwt, password = strong(), strong()
    write(root, ".env.example", "JWT_SECRET_KEY=change-me-in-production\nPORT=8000\n")
    write(root, ".gitignore", ".env\n")  # .env.production is not ignored: it is scanned
    write(root, ".env.production", f"JWT_SECRET_KEY={jwt}\nDATABASE_PASSWORD={password}\n")
    write(root, ".env", "JWT_SECRET_KEY=change-me-in-production\nPORT=8000\n")
    write(root, "config/settings.py", f"import os\n\nJWT = '{jwt}'\nPORT = 8000\n")
    project = load_project(root)
    report = scan(root, ScanOptions(), project)
    known = [f for f in report.findings if f.label]
    assert [(f.path, f.line, f.label) for f in known] == [
        ("config/settings.py", 3, "production JWT_SECRET_KEY")
    ]
    assert known[0].redacted.startswith(jwt[:2]) and jwt not in repr(report.findings)
    assert not any(f.path == ".env.production" and f.label for f in report.findings)
    assert scan(root, ScanOptions(known=False), project).findings == [
        f for f in report.findings if not f.label
    ]
    first = remediation(known[0])
    assert "relay-tui rotate JWT_SECRET_KEY --env production" in first[0]


def test_known_value_in_a_committed_env_file_is_found_in_history(tmp_path: Path) -> None:
    root = repo(tmp_path)
    jwt = strong()
    write(root, ".env.production", f"JWT_SECRET_KEY={jwt}\n")
    added = commit(root, "committed by mistake")
    git(root, "rm", "-q", "--cached", ".env.production")
    write(root, ".gitignore", ".env*\n")
    commit(root, "untrack")
    report = scan(root, HISTORY, load_project(root))
    found = {(f.rule, f.path): f for f in report.findings}
    env_file = found[("env-file-committed", ".env.production")]
    assert env_file.commit == added and env_file.history_only
    [known] = [f for f in report.findings if f.label]
    assert (known.path, known.commit, known.label) == (
        ".env.production",
        added,
        "production JWT_SECRET_KEY",
    )
    assert known.history_only


# ----- hostile repository ------------------------------------------------------------------
def test_a_hostile_repository_cannot_run_code(tmp_path: Path) -> None:
    root = repo(tmp_path)
    write(root, "a.txt", f"K = '{token()}'\n")
    first = commit(root)
    write(root, "a.txt", "changed\n")
    commit(root)
    tree = git(root, "rev-parse", "HEAD^{tree}").strip()
    signed = (  # a commit carrying a (fake) signature: log.showSignature would verify it
        f"tree {tree}\nparent {first}\nauthor t <t@e> 1600000000 +0000\n"
        "committer t <t@e> 1600000000 +0000\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n AAAA\n"
        " -----END PGP SIGNATURE-----\n\nsigned\n"
    )
    write(tmp_path, "signed.txt", signed)
    sha = git(root, "hash-object", "-t", "commit", "-w", str(tmp_path / "signed.txt")).strip()
    git(root, "update-ref", "refs/heads/signed", sha)
    write(root, "b.txt", "staged\n")
    git(root, "add", "b.txt")
    marker = tmp_path / "pwned"
    script = write(tmp_path, "evil.sh", f"#!/bin/sh\necho ran >> {marker}\ncat\n")
    script.chmod(0o755)
    write(root, ".gitattributes", "* diff=evil filter=evil\n")
    with open(root / ".git" / "config", "a") as config:
        config.write(
            f"[core]\n\tfsmonitor = {script}\n\tpager = {script}\n\thooksPath = {tmp_path}\n"
            f'[diff "evil"]\n\ttextconv = {script}\n\tcommand = {script}\n'
            f"[diff]\n\texternal = {script}\n"
            f'[filter "evil"]\n\tclean = {script}\n\tsmudge = {script}\n'
            f"[log]\n\tshowSignature = true\n[gpg]\n\tprogram = {script}\n"
        )
    for options in (ScanOptions(), HISTORY, ScanOptions(staged=True), ScanOptions(since=first)):
        scan(root, options)
    assert not marker.exists()
    assert len(secret_rules(scan(root, HISTORY))) == 1
    for trap in (["status"], ["log", "-1", "signed"]):  # the traps were live: plain git runs them
        subprocess.run(["git", "-C", str(root), *trap], capture_output=True)
        assert marker.exists(), trap
        marker.unlink()


def test_a_repository_of_another_user_is_refused_not_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = repo(tmp_path)
    monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")  # git's own switch for this case
    with pytest.raises(BackendError, match="belongs to another user") as caught:
        scan(root, ScanOptions())
    assert "safe.directory" in str(caught.value)


# ----- odd inputs --------------------------------------------------------------------------
@pytest.mark.parametrize("engine", ["auto", "re"])
def test_odd_file_names_in_tree_and_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str
) -> None:
    monkeypatch.setenv("RELAY_TUI_REGEX", engine)
    root = repo(tmp_path)
    names = ["with space.py", "new\nline.py", "café/ünï.py", ":colon.py", "-dash.py"]
    for name in names:
        write(root, name, f"K = '{token()}'\n")
    commit(root)
    git(root, "rm", "-q", "new\nline.py")
    commit(root)
    tree = scan(root, ScanOptions())
    assert sorted(f.path for f in secret_rules(tree)) == sorted(set(names) - {"new\nline.py"})
    history = scan(root, HISTORY)
    assert sorted(f.path for f in secret_rules(history)) == sorted(names)
    assert [f.path for f in secret_rules(history) if f.history_only] == ["new\nline.py"]
    assert (engine == "re") == (history.engine == "re")


def test_a_secret_repeated_in_a_file_is_one_finding_at_its_first_line(tmp_path: Path) -> None:
    root = repo(tmp_path)
    value = token()
    write(root, "twice.py", f"A = '{value}'\n\nB = '{value}'\n")
    [finding] = secret_rules(scan(root, ScanOptions()))
    assert finding.line == 1
    commit(root)
    [past] = secret_rules(scan(root, HISTORY))
    assert (past.line, past.history_only) == (1, False)


def test_fingerprints_are_stable_between_tree_and_history(tmp_path: Path) -> None:
    root = repo(tmp_path)
    write(root, "a.py", f"A = '{token()}'\n")
    [before] = secret_rules(scan(root, ScanOptions()))
    commit(root)
    write(root, "a.py", "# moved down\n" + (root / "a.py").read_text())
    [after] = secret_rules(scan(root, HISTORY))
    assert after.fingerprint == before.fingerprint and after.commit is not None
    assert after.line == 2  # where it is now; the commit says where it came from
