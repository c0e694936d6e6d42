"""The audit log: one chained line per action, no values, tampering caught by --verify."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import secrets
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from relay_tui.errors import RefusedError
from relay_tui.infra import audit
from relay_tui.paths import config_dir, fingerprint_key
from relay_tui.stores.vault import tokens as vault_tokens
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
    key = audit.read_key()
    assert key is not None and audit.key_path().stat().st_mode & 0o777 == 0o600
    assert first["prev"] == audit.GENESIS and second["prev"] == audit.line_mac(key, lines[0])
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


def rechain_without_key(lines: list[bytes]) -> list[bytes]:
    """What someone without the key can do: fix every `prev` with the public SHA-256."""
    out, prev = [], audit.GENESIS
    for raw in lines:
        entry = json.loads(raw)
        entry["prev"] = prev
        line = json.dumps(entry, separators=(",", ":")).encode() + b"\n"
        out.append(line)
        prev = audit.line_hash(line)
    return out


def test_dropping_lines_and_rewriting_the_head_without_the_key_is_caught() -> None:
    lines = fill(5)
    kept = rechain_without_key([lines[0], lines[1], lines[3]])
    audit.log_path().write_bytes(b"".join(kept))
    last = audit.line_hash(kept[-1])
    forged = hashlib.sha256(f"head 3 {last}".encode()).hexdigest()
    audit.head_path().write_text(f"3 {last} {forged}\n")
    assert any("without the key" in p.message for p in audit.verify())
    audit.head_path().unlink()
    assert any("head file is missing" in p.message for p in audit.verify())
    # Dropping a middle line alone: the line after it no longer follows.
    audit.log_path().write_bytes(b"".join([lines[0], lines[2], lines[3], lines[4]]))
    assert 2 in [p.line for p in audit.verify()]


def test_dropping_the_last_lines_and_reusing_a_visible_hash_is_caught() -> None:
    lines = fill(4)
    # The mac of line 3 is public (line 4's prev): a head naming it still lacks the head's tag.
    third_mac = json.loads(lines[3])["prev"]
    audit.log_path().write_bytes(b"".join(lines[:3]))
    audit.head_path().write_text(f"3 {third_mac} {'0' * 64}\n")
    assert [p.message for p in audit.verify() if "without the key" in p.message]


def test_an_anchor_catches_a_rewrite_even_by_the_key_holder() -> None:
    fill(3)
    taken = audit.anchor()
    assert taken.startswith("3:") and audit.verify(anchor=taken) == []
    audit.record("set", "staging", ["LATER"])
    assert audit.verify(anchor=taken) == [], "lines after the anchor are fine"
    key = audit.read_key()
    assert key is not None
    # Rewrite line 2 and redo the whole chain and head with the key: only the anchor sees it.
    lines = audit.log_path().read_bytes().splitlines(keepends=True)
    lines[1] = lines[1].replace(b"KEY_1", b"KEY_Q")
    prev, out = audit.GENESIS, []
    for raw in lines:
        entry = json.loads(raw)
        entry["prev"] = prev
        line = json.dumps(entry, separators=(",", ":")).encode() + b"\n"
        out.append(line)
        prev = audit.line_mac(key, line)
    audit.log_path().write_bytes(b"".join(out))
    audit.head_path().write_text(f"4 {prev} {audit.head_mac(key, 4, prev)}\n")
    assert audit.verify() == [], "the key holder can redo the chain"
    assert [p.line for p in audit.verify(anchor=taken)] == [3]
    audit.log_path().write_bytes(b"".join(out[:2]))
    second = audit.line_mac(key, out[1])
    audit.head_path().write_text(f"2 {second} {audit.head_mac(key, 2, second)}\n")
    assert any("were removed" in p.message for p in audit.verify(anchor=taken))
    assert any("COUNT:HASH" in p.message for p in audit.verify(anchor="nonsense"))


def test_a_log_from_before_the_key_still_verifies_and_then_continues_keyed() -> None:
    legacy = rechain_without_key([b'{"action":"set","keys":["A"],"prev":""}\n'] * 2)
    audit.state_dir().mkdir(parents=True, exist_ok=True)
    audit.log_path().write_bytes(b"".join(legacy))
    audit.record("set", "staging", ["B"])
    assert audit.verify() == []
    assert audit.read_key() is not None


def test_without_the_key_nothing_is_claimed() -> None:
    fill(2)
    audit.key_path().unlink()
    assert any("key" in p.message and "missing" in p.message for p in audit.verify())


def _write_many(worker: int) -> None:
    for i in range(25):
        audit.record("set", "development", [f"W{worker}_{i}"])


def test_concurrent_writers_never_interleave() -> None:
    with multiprocessing.get_context("fork").Pool(4) as pool:
        pool.map(_write_many, range(4))
    assert audit.verify() == []
    assert sum(1 for _ in audit.entries()) == 100


def _write_and_remember(worker: int) -> None:
    token = secrets.token_urlsafe(24)
    for i in range(10):
        audit.record("set", "development", [f"W{worker}_{i}"])
        vault_tokens.remember(token, f"https://vault{worker}.example:8200", "", None)


def test_audit_and_other_state_writers_do_not_deadlock() -> None:
    """The log's lock, then the state folder's: other writers of the folder never wait on both."""
    fingerprint_key()
    with multiprocessing.get_context("fork").Pool(4) as pool:
        pool.map_async(_write_and_remember, range(4)).get(timeout=120)
    assert audit.verify() == []
    assert sum(1 for _ in audit.entries()) == 40
    assert [p.name for p in audit.state_dir().iterdir() if "tmp" in p.name] == []


@pytest.mark.parametrize("dangling", [False, True], ids=["to-a-file", "dangling"])
def test_a_symlinked_log_is_refused_not_followed(tmp_path: Path, dangling: bool) -> None:
    elsewhere = tmp_path / "elsewhere.jsonl"
    if not dangling:
        elsewhere.write_bytes(b"kept\n")
    audit.state_dir().mkdir(parents=True, exist_ok=True)
    audit.log_path().symlink_to(elsewhere)
    with pytest.raises(RefusedError, match="symbolic link"):
        audit.record("set", "staging", ["A"])
    problem = audit.try_record("set", "staging", ["A"])
    assert problem and "symbolic link" in problem and str(audit.log_path()) in problem
    assert audit.log_path().is_symlink()
    assert (not elsewhere.exists()) if dangling else elsewhere.read_bytes() == b"kept\n"
    assert not audit.head_path().exists()


@pytest.mark.parametrize("where", [audit.head_path, audit.key_path], ids=["head", "key"])
def test_a_symlinked_head_or_key_is_refused_before_the_line(
    tmp_path: Path, where: Callable[[], Path]
) -> None:
    fill(2)
    before = audit.log_path().read_bytes()
    decoy = tmp_path / "decoy"
    decoy.write_text("kept\n")
    where().unlink()
    where().symlink_to(decoy)
    problem = audit.try_record("set", "staging", ["LATER"])
    assert problem and "symbolic link" in problem
    assert where().is_symlink() and decoy.read_text() == "kept\n"
    assert audit.log_path().read_bytes() == before


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


def test_cli_anchor_then_verify_against_it() -> None:
    fill(2)
    taken = cli("audit", "--anchor")
    assert taken.returncode == 0 and taken.stdout.strip().startswith("2:")
    anchor = taken.stdout.strip()
    assert cli("audit", "--verify", "--anchor", anchor).returncode == 0
    lines = audit.log_path().read_bytes().splitlines(keepends=True)
    audit.log_path().write_bytes(lines[0])
    result = cli("audit", "--verify", "--anchor", anchor)
    assert result.returncode == 1 and "anchor" in result.stdout


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


def test_the_fingerprint_key_is_kept_and_a_truncated_one_is_never_used() -> None:
    path = config_dir() / "fingerprint.key"
    path.unlink(missing_ok=True)
    first = fingerprint_key()
    assert len(first) == 32 and fingerprint_key() == first
    assert path.stat().st_mode & 0o777 == 0o600
    path.write_text("")  # a first run killed between create and write
    assert len(fingerprint_key()) == 32
