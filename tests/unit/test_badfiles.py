"""Bad .env files through the real CLI: a clear one-line error and exit 2, never a traceback,
never a hang, and the bad file is never modified. A 20,000-key file simply works.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from relay_tui.infra import safewrite
from tests.conftest import REPO

TIMEOUT = 20  # a FIFO must never make the CLI block: fail the test rather than hang


def run(project: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "relay_tui", *args, "--project", str(project)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"},
    )


def assert_clear_error(result: subprocess.CompletedProcess[str], reason: str, code: int) -> None:
    """One `relay-tui: error:` line naming the reason (plus optional hint lines), no traceback."""
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines and lines[0].startswith("relay-tui: error: "), result.stderr
    assert reason in lines[0], result.stderr
    assert all(line.startswith("  hint: ") for line in lines[1:]), result.stderr
    assert result.stdout == ""


def snapshot(path: Path) -> tuple[int, bytes | None]:
    """What is at `path` now: its type bits and, for a regular file, its bytes."""
    info = os.lstat(path)
    data = path.read_bytes() if stat.S_ISREG(info.st_mode) else None
    return stat.S_IFMT(info.st_mode), data


def binary(path: Path) -> None:
    path.write_bytes(b"API_KEY=abc\n\x00\x01\x02\xff\xfe\x89PNG\r\n\x1a\n" + bytes(range(256)))


def latin1(path: Path) -> None:
    path.write_bytes("# café\nPASSWORD=crème brûlée\nPORT=8000\n".encode("latin-1"))


def directory(path: Path) -> None:
    path.mkdir()
    (path / "inside").write_text("A=1\n")


def fifo(path: Path) -> None:
    os.mkfifo(path)


def oversized(path: Path) -> None:
    with open(path, "wb") as handle:  # sparse: costs no disk
        handle.truncate(safewrite_limit() + 1)


def safewrite_limit() -> int:
    from relay_tui.infra.bounded_read import MAX_FILE_BYTES

    return MAX_FILE_BYTES


BAD_FILES: list[object] = [
    pytest.param(binary, "looks binary", id="binary"),
    pytest.param(latin1, "not UTF-8", id="latin-1"),
    pytest.param(directory, "is a directory", id="directory"),
    pytest.param(fifo, "not a regular file", id="fifo"),
    pytest.param(oversized, "byte limit", id="over-64MiB"),
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    return root


@pytest.mark.parametrize(("make", "reason"), BAD_FILES)
def test_get_on_a_bad_file_is_a_clear_error(
    project: Path, make: Callable[[Path], None], reason: str
) -> None:
    make(project / ".env")
    result = run(project, "get", "API_KEY", "--env", "development")
    assert_clear_error(result, reason, 2)


@pytest.mark.parametrize(("make", "reason"), BAD_FILES)
def test_set_on_a_bad_file_is_refused_and_changes_nothing(
    project: Path, make: Callable[[Path], None], reason: str
) -> None:
    path = project / ".env"
    make(path)
    before = snapshot(path)
    result = run(project, "set", "API_KEY", "--env", "development", stdin="new-value\n")
    assert_clear_error(result, reason, 2)
    assert snapshot(path) == before
    assert [n for n in os.listdir(project) if safewrite.TEMP_MARK in n] == []


@pytest.mark.parametrize(("make", "reason"), BAD_FILES)
def test_validate_reports_a_bad_file_as_a_finding(
    project: Path, make: Callable[[Path], None], reason: str
) -> None:
    """validate's contract is exit 1 on error findings: an unreadable file is one, named."""
    make(project / ".env")
    result = run(project, "validate", "--env", "development")
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert "unreadable-file" in result.stdout and reason in result.stdout


def test_unterminated_quote_is_refused_for_writes(project: Path) -> None:
    """A file python-dotenv cannot read would lose keys on save: refused (4), not modified."""
    path = project / ".env"
    path.write_bytes(b'A=1\nB="open quote\nC=3\nD=4\n')
    before = path.read_bytes()
    result = run(project, "set", "A", "--env", "development", stdin="2")
    assert_clear_error(result, "cannot read", 4)
    assert path.read_bytes() == before


def test_missing_file_and_missing_project(project: Path, tmp_path: Path) -> None:
    assert_clear_error(run(project, "get", "A", "--env", "development"), "no such file", 2)
    assert_clear_error(run(project, "unset", "A", "--env", "development"), "no such file", 2)
    assert not (project / ".env").exists()
    gone = tmp_path / "no-such-project"
    assert_clear_error(run(gone, "get", "A", "--env", "development"), "not a folder", 2)
    assert not gone.exists()
    # `set` on a missing file creates it, 0600.
    created = run(project, "set", "A", "--env", "development", stdin="1")
    assert created.returncode == 0, created.stderr
    assert (project / ".env").read_bytes() == b"A=1\n"
    assert stat.S_IMODE(os.stat(project / ".env").st_mode) == 0o600


def test_twenty_thousand_keys_work(project: Path) -> None:
    path = project / ".env"
    body = "".join(f"KEY_{k:05d}=value-{k}\n" for k in range(20_000))
    path.write_text(body)
    got = run(project, "get", "KEY_19999", "--env", "development")
    assert got.returncode == 0, got.stderr
    assert got.stdout == "value-19999"
    changed = run(project, "set", "KEY_10000", "--env", "development", stdin="changed")
    assert changed.returncode == 0, changed.stderr
    expected = body.replace("KEY_10000=value-10000\n", "KEY_10000=changed\n")
    assert path.read_text() == expected
    again = run(project, "get", "KEY_10000", "--env", "development")
    assert again.stdout == "changed"


def test_validate_reads_twenty_thousand_keys(project: Path) -> None:
    path = project / ".env"
    path.write_text("".join(f"KEY_{k:05d}=value-{k}\n" for k in range(20_000)))
    result = run(project, "validate", "--env", "development", "--no-git")
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert "unreadable-file" not in result.stdout
