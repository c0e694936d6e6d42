"""Concurrent writers of one .env are serialized: 4 processes x 50 keys, and no key is lost.

For contrast (not asserted here, only noted): python-dotenv's `set_key` reads the file, rewrites
it to a temp file and moves it over the original with no lock, so when 4 processes call it at once
each overwrites the others' rewrites and keys silently go missing. relay-tui holds an flock on
the folder for the whole read-change-write (safewrite.locked), so every update survives.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import random
import shlex
import subprocess
import sys
import time
from multiprocessing.synchronize import Barrier
from pathlib import Path

import pytest

from relay_tui.infra import safewrite
from relay_tui.project.envfile import EditReport, EnvFile
from relay_tui.project.envstore import WritePolicy, edit_env
from relay_tui.project.project import Environment
from tests.conftest import REPO

pytestmark = pytest.mark.slow

WORKERS = 4
KEYS_EACH = 50
CLI_KEYS_EACH = 12  # each CLI run is a fresh interpreter (~0.15 s): keep the test short
FORK = multiprocessing.get_context("fork")
HEAD = "# shared by everyone\nKEEP_ME=still-here\n"


def key(worker: int, k: int) -> str:
    return f"W{worker}_KEY_{k:02d}"


def value(worker: int, k: int) -> str:
    return f"value {worker}-{k} #not-a-comment"  # needs quoting: exercises the encoder too


def check_all_present(path: Path, each: int = KEYS_EACH) -> None:
    envfile = EnvFile.load(path)
    found = envfile.values()
    wanted = [(w, k) for w in range(WORKERS) for k in range(each)]
    missing = [key(w, k) for w, k in wanted if key(w, k) not in found]
    wrong = [key(w, k) for w, k in wanted if key(w, k) in found and found[key(w, k)] != value(w, k)]
    assert not missing, f"{len(missing)} of {len(wanted)} keys lost, e.g. {missing[:5]}"
    assert not wrong, f"{len(wrong)} keys have the wrong value, e.g. {wrong[:5]}"
    assert found["KEEP_ME"] == "still-here"
    assert envfile.duplicates() == {}
    assert len(found) == len(wanted) + 1
    assert path.read_text().startswith(HEAD)
    assert [n for n in os.listdir(path.parent) if safewrite.TEMP_MARK in n] == []


def edit_worker(path: Path, worker: int, barrier: Barrier) -> None:
    env = Environment("development", path, protected=False)
    policy = WritePolicy(check_git=False)
    barrier.wait(30)
    for k in range(KEYS_EACH):

        def change(envfile: EnvFile, k: int = k) -> EditReport:
            return envfile.set(key(worker, k), value(worker, k))

        edit_env(env, change, policy)


def test_four_processes_editing_at_once_lose_no_key(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text(HEAD)
    barrier = FORK.Barrier(WORKERS)
    workers = [FORK.Process(target=edit_worker, args=(path, w, barrier)) for w in range(WORKERS)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(120)
    assert [p.exitcode for p in workers] == [0] * WORKERS
    check_all_present(path)


def test_four_cli_processes_setting_at_once_lose_no_key(tmp_path: Path) -> None:
    """The same through `relay-tui set`: 4 shells launched together, each running its sets."""
    project = tmp_path / "project"
    project.mkdir()
    (project / ".env").write_text(HEAD)
    command = [sys.executable, "-m", "relay_tui", "set", "--env", "development"]
    base = " ".join(shlex.quote(c) for c in [*command, "--project", str(project)])
    scripts = []
    for w in range(WORKERS):
        lines = [
            f"printf %s {shlex.quote(value(w, k))} | {base} {key(w, k)} || exit 1"
            for k in range(CLI_KEYS_EACH)
        ]
        scripts.append("\n".join(lines))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    shells = [
        subprocess.Popen(
            ["sh", "-c", script],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for script in scripts
    ]
    for shell in shells:
        _, err = shell.communicate(timeout=300)
        assert shell.returncode == 0, err[-2000:]
        assert "Traceback" not in err
    check_all_present(project / ".env", CLI_KEYS_EACH)


# ----- an editor that saves while `set` writes ----------------------------------------------
RACE_TRIALS = 200


def _editor(path: str, orders: multiprocessing.connection.Connection) -> None:
    """Another program: on each order, wait the given delay, then save the file its own way
    (write a temp file, rename it over; no lock, as editors do), and report."""
    while True:
        order = orders.recv()
        if order is None:
            return
        trial, delay = order
        orders.send("ready")
        deadline = time.perf_counter() + delay
        while time.perf_counter() < deadline:  # a busy wait: sleep() is far too coarse
            pass
        temp = f"{path}.editor-tmp"
        with open(temp, "w") as handle:
            handle.write(f"A=1\nEDITOR={trial}\n")
        os.replace(temp, path)
        orders.send("saved")


def test_an_editor_saving_during_set_never_loses_its_edit(tmp_path: Path) -> None:
    """200 trials of an editor replacing the file at a random moment of `set`: every trial
    ends with the editor's edit in the file (ours may be refused as a conflict, never theirs
    overwritten). The delays spread over the whole of a write, so the races do happen."""
    from relay_tui.errors import ConflictError

    path = tmp_path / ".env"
    env = Environment("development", path, protected=False)
    policy = WritePolicy(check_git=False)
    path.write_text("A=1\n")
    started = time.perf_counter()
    edit_env(env, lambda e: e.set("WARM", "1"), policy)
    write_seconds = time.perf_counter() - started  # how long one write takes on this machine
    parent, child = multiprocessing.Pipe()
    editor = multiprocessing.get_context("fork").Process(target=_editor, args=(str(path), child))
    editor.start()
    rng = random.Random(20261203)
    outcomes = {"ours refused": 0, "editor first": 0, "editor after": 0}
    lost = []
    try:
        for trial in range(RACE_TRIALS):
            path.write_text("A=1\n")
            parent.send((trial, rng.uniform(0, 1.5 * write_seconds)))
            assert parent.recv() == "ready"
            refused = False
            try:
                edit_env(env, lambda e, n=trial: e.set("OURS", str(n)), policy)
            except ConflictError:
                refused = True
            assert parent.poll(60), "the editor did not save"
            assert parent.recv() == "saved"
            final = path.read_text()
            if f"EDITOR={trial}\n" not in final:
                lost.append((trial, final))
            elif refused:
                outcomes["ours refused"] += 1
            else:
                outcomes["editor first" if f"OURS={trial}" in final else "editor after"] += 1
    finally:
        parent.send(None)
        editor.join(30)
    assert lost == [], f"{len(lost)} of {RACE_TRIALS} editor saves lost: {lost[:3]} {outcomes}"
    assert sum(outcomes.values()) == RACE_TRIALS
