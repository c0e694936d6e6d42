"""Shared fixtures: an isolated home for per-user files, and a project from Relay's template."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / ".env.example"


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """RELAY_TUI_HOME and HOME point into a temp folder; no Vault variables leak in."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("RELAY_TUI_HOME", str(home / "relay"))
    monkeypatch.setenv("HOME", str(home))
    for name in list(os.environ):
        if name.startswith(("VAULT_", "BAO_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("NO_COLOR", "1")
    return home


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder holding Relay's .env.example, inside a git repo that ignores .env*."""
    root = tmp_path / "relay"
    root.mkdir()
    shutil.copy(TEMPLATE, root / ".env.example")
    git(root, "init", "-q")
    (root / ".gitignore").write_text(".env\n.env.*\n!.env.example\n")
    return root


def git(root: Path, *args: str) -> str:
    """Run git in `root` with a throwaway identity."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}  # fmt: skip
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True, env=env
    ).stdout


RunCli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def cli(project: Path) -> RunCli:
    """Run `python -m relay_tui --project PROJECT ARGS...` as a real subprocess."""

    def run(*args: str, stdin: str | None = None, cwd: Path | None = None,
            project_dir: Path | None = None) -> subprocess.CompletedProcess[str]:  # fmt: skip
        command = [sys.executable, "-m", "relay_tui", "--project", str(project_dir or project)]
        return subprocess.run(
            [*command, *args],
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            cwd=cwd or project,
            timeout=60,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )

    return run
