"""The bar for every change: ruff, ruff format and mypy --strict pass on the package."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "."],
        ["ruff", "format", "--check", "."],
        ["mypy", "--strict", "relay_tui"],
    ],
    ids=["ruff-check", "ruff-format", "mypy-strict"],
)
def test_static_check_passes(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", *command], cwd=REPO, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_the_repository_passes_its_own_secret_scanner() -> None:
    """No real-looking secret in the files git tracks: test fixtures build theirs at run time."""
    from relay_tui.scan.scanner import ScanOptions, scan

    tracked = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z"], capture_output=True, text=True, check=True
    ).stdout.split("\0")
    report = scan(REPO, ScanOptions(known=False))
    leaks = [f"{f.path}:{f.line} {f.rule}" for f in report.findings if f.path in tracked]
    assert report.files > 100 and leaks == []
