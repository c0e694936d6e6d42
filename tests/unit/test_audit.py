"""The audit log: one chained line per action, no values, tampering caught by --verify."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys

from relay_tui.core import audit
from tests.conftest import REPO

SECRET = "s3cr3t-never-in-the-log-0123456789"


def cli(*args: str, stdin_text: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "relay_tui", *args],
        input=stdin_text,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def fill(n: int = 4) -> list[bytes]:
    for i in range(n):
        audit.record("set", "staging", [f"KEY_{i}"])
    return audit.log_path().read_bytes().splitlines(keepends=True)


def test_entries_are_chained_private_and_hold_no_value() -> None:
    audit.record("reveal", "production", ["JWT_SECRET_KEY"], detail="pane 1")
    audit.record("push", "production", ["B", "A"], outcome="refused")
    lines = audit.log_path().read_bytes().splitlines()
    first, second = (json.loads(line) for line in lines)
    assert first["prev"] == audit.GENESIS and second["prev"] == audit.line_hash(lines[0])
    assert second["keys"] == ["A", "B"] and second["outcome"] == "refused"
    assert set(first) == set(audit.FIELDS) and first["user"] and first["host"]
    assert audit.log_path().stat().st_mode & 0o777 == 0o600
    assert audit.verify() == []


def test_an_edited_line_is_caught() -> None:
    lines = fill()
    lines[1] = lines[1].replace(b"KEY_1", b"KEY_X")
    audit.log_path().write_bytes(b"".join(lines))
    assert [p.line for p in audit.verify()] == [3]


def test_a_removed_line_is_caught() -> None:
    lines = fill()
    del lines[1]
    audit.log_path().write_bytes(b"".join(lines))
    problems = audit.verify()
    assert 2 in [p.line for p in problems] and any(p.line == 0 for p in problems)


def test_reordered_lines_are_caught() -> None:
    lines = fill()
    lines[1], lines[2] = lines[2], lines[1]
    audit.log_path().write_bytes(b"".join(lines))
    assert len(audit.verify()) >= 2


def test_a_log_cut_short_is_caught() -> None:
    lines = fill()
    audit.log_path().write_bytes(b"".join(lines[:-1]))
    assert [p.line for p in audit.verify()] == [0]
    audit.log_path().write_bytes(b"".join(lines)[:-10])
    assert any("cut off" in p.message for p in audit.verify())


def test_an_edited_last_line_is_caught() -> None:
    lines = fill()
    lines[-1] = lines[-1].replace(b"KEY_3", b"KEY_Z")
    audit.log_path().write_bytes(b"".join(lines))
    assert [p.line for p in audit.verify()] == [4]


def _write_many(worker: int) -> None:
    for i in range(25):
        audit.record("set", "development", [f"W{worker}_{i}"])


def test_concurrent_writers_never_interleave() -> None:
    with multiprocessing.get_context("fork").Pool(4) as pool:
        pool.map(_write_many, range(4))
    assert audit.verify() == []
    assert sum(1 for _ in audit.entries()) == 100


def test_cli_lists_verifies_and_exports(tmp_path) -> None:
    fill(3)
    listed = cli("audit", "--key", "KEY_1")
    assert listed.returncode == 0 and "KEY_1" in listed.stdout and "KEY_2" not in listed.stdout
    assert cli("audit", "--verify").returncode == 0
    csv_out = cli("audit", "--export", "csv").stdout.splitlines()
    assert csv_out[0].startswith("time,user,host,action") and len(csv_out) == 4
    markdown = cli("audit", "--export", "markdown").stdout
    assert markdown.startswith("| time | user |") and markdown.count("\n") == 5
    lines = audit.log_path().read_bytes().splitlines(keepends=True)
    audit.log_path().write_bytes(b"".join(reversed(lines)))
    broken = cli("audit", "--verify")
    assert broken.returncode == 1 and "line" in broken.stdout


def test_cli_actions_are_recorded_without_values(project) -> None:
    base = ("--project", str(project))
    assert (
        cli(*base, "set", "JWT_SECRET_KEY", "--env", "development", stdin_text=SECRET).returncode
        == 0
    )
    assert cli(*base, "get", "JWT_SECRET_KEY", "--env", "development").returncode == 0
    refused = cli(*base, "set", "X", "--env", "production", stdin_text=SECRET)
    assert refused.returncode == 4
    found = [(e["action"], e["env"], e["keys"], e["outcome"]) for e in audit.entries()]
    assert found == [
        ("set", "development", ["JWT_SECRET_KEY"], "ok"),
        ("reveal", "development", ["JWT_SECRET_KEY"], "ok"),
        ("set", "production", ["X"], "refused"),
    ]
    assert SECRET not in audit.log_path().read_text()
    assert audit.verify() == []


async def test_the_workbench_records_reveals_and_saves(project) -> None:
    from relay_tui.ui.app import RelayApp
    from relay_tui.ui.session import Session
    from tests.ui.test_env_pane import goto_key

    (project / ".env").write_text(f"JWT_SECRET_KEY={SECRET}\nPORT=1\n")
    app = RelayApp(Session.open(project))
    async with app.run_test(size=(80, 24)) as pilot:
        await goto_key(pilot, "JWT_SECRET_KEY")
        await pilot.press("r")
        await goto_key(pilot, "PORT")
        await pilot.press("e", "ctrl+u", "2", "enter", "s")
        await pilot.pause()
    found = [(e["action"], e["keys"]) for e in audit.entries()]
    assert found == [("reveal", ["JWT_SECRET_KEY"]), ("set", ["PORT"])]
    assert SECRET not in audit.log_path().read_text()
