"""The leak scanner's pure parts: env file names, fingerprints, paths in a repository, advice."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from relay_tui.scan.engine import secret_hash
from relay_tui.scan.history import Repo
from relay_tui.scan.scanner import Finding, env_file_finding, is_env_file, remediation

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def finding(path: str, rule: str = "github-token", **fields: object) -> Finding:
    base = Finding(rule, "GitHub token", path, 3, 5, COMMIT, "ghp_…", "f" * 64, None, True)
    return base._replace(**fields)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (".env", True),
        ("deploy/.env.production", True),
        (".env.local", True),
        (".env.example", False),
        ("sub/.env.sample", False),
        (".env.template", False),
        (".env.dist", False),
        ("env", False),
        (".envrc", False),
        ("config/.environment", False),
    ],
)
def test_env_file_names(path: str, expected: bool) -> None:
    assert is_env_file(path) is expected


def test_fingerprint_is_rule_path_and_secret_hash() -> None:
    made = env_file_finding("a/.env", None)
    expected = hashlib.sha256(f"env-file-committed:a/.env:{secret_hash('')}".encode()).hexdigest()
    assert made.fingerprint == expected
    assert env_file_finding("a/.env", COMMIT).fingerprint == expected  # stable across commits


def test_paths_relative_to_a_scanned_subfolder() -> None:
    top = Repo(Path("/r"), "")
    sub = Repo(Path("/r"), "svc/")
    assert top.relative("svc/a.py") == "svc/a.py"
    assert sub.relative("svc/a.py") == "a.py"
    assert sub.relative("svcx/a.py") is None
    assert sub.relative("other/a.py") is None


def test_history_remediation_for_a_known_value_rotates_that_key_first() -> None:
    lines = remediation(
        finding("config/settings.py", "known-value", label="production JWT_SECRET_KEY")
    )
    assert lines[0].startswith("Rotate first")
    assert "relay-tui rotate JWT_SECRET_KEY --env production" in lines[0]
    assert "config/settings.py:3" in lines[0] and COMMIT[:12] in lines[0]
    text = "\n".join(lines)
    assert text.index("git filter-repo --replace-text") < text.index("bfg --replace-text")
    assert text.index("bfg --replace-text") < text.index("git push --force")


def test_a_value_in_a_committed_env_file_removes_the_whole_file() -> None:
    text = "\n".join(remediation(finding("deploy/.env.production", "known-value")))
    assert "git filter-repo --invert-paths --path deploy/.env.production" in text
    assert "bfg --delete-files .env.production" in text


def test_remediation_quotes_and_escapes_hostile_paths() -> None:
    lines = remediation(finding("a b/\x1b]52;c;x\x07.env", "env-file-committed", line=None))
    text = "\n".join(lines)
    assert "\x1b" not in text and "\x07" not in text
    assert "--path 'a b/\\e]52;c;x\\x07.env'" in text
    assert "--env" in lines[0]


def test_tree_findings_get_advice_without_history_commands() -> None:
    text = "\n".join(remediation(finding("app.py", commit=None, history_only=False)))
    assert text.lower().startswith("rotate") and "app.py:3" in text
    assert "filter-repo" not in text
    tracked = "\n".join(remediation(env_file_finding(".env", None)))
    assert "git rm --cached .env" in tracked and "--env development" in tracked
