"""Real git repositories for the scanner tests, and secrets made at run time."""

from __future__ import annotations

import secrets
import string
from pathlib import Path

from relay_tui.scan.scanner import Finding, ScanOptions, ScanReport
from tests.conftest import git

ALNUM = string.ascii_letters + string.digits
HISTORY = ScanOptions(history=True)


def token() -> str:
    """A GitHub-token-shaped value made at run time (never a literal in a tracked file)."""
    return "gh" + "p_" + "".join(secrets.choice(ALNUM) for _ in range(36))


def strong() -> str:
    """A strong random value, like a generated signing key."""
    return secrets.token_urlsafe(32)


def repo(tmp_path: Path, name: str = "repo") -> Path:
    """A new repository whose branch is `main`."""
    root = tmp_path / name
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    return root


def commit(root: Path, message: str = "change") -> str:
    """Commit everything; returns the commit's full id."""
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


def write(root: Path, name: str, text: str) -> Path:
    """Write `text` to `root`/`name`, making its folders."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def secret_rules(report: ScanReport) -> list[Finding]:
    """The findings of the GitHub token rule (the kind these tests plant)."""
    return [f for f in report.findings if f.rule == "github-token"]
