"""A writer killed with SIGKILL at random moments never leaves a torn file or a temp file behind.

Each round forks a writer that rewrites a 2,000-key .env file in a loop through the core's write
path, waits for it to say it started, lets it run for a random 0-30 ms and kills it with SIGKILL.
The file must then be byte for byte one complete version (never truncated, never a mix), the
versions must never go back, and the next start (`sweep_folder`, or the next writer's lock) must
leave no temp file. Values are test data only; nothing secret is printed.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from relay_tui.infra import safewrite
from relay_tui.project.envfile import EnvFile
from relay_tui.project.envstore import WritePolicy, edit_env
from relay_tui.project.project import Environment

pytestmark = pytest.mark.slow

KEYS = 2_000
SEED = int(os.environ.get("RELAY_CRASH_SEED", "20240605"))
VERSION_LINE = re.compile(rb"VERSION=(\d+)\n\Z")
FORK = multiprocessing.get_context("fork")


def render(version: int) -> bytes:
    """Version `version` of the file: every key names the version, and a VERSION line last."""
    lines = [f"KEY_{k:04d}=v{version}-{k}\n" for k in range(KEYS)]
    return ("".join(lines) + f"VERSION={version}\n").encode()


def version_of(data: bytes) -> int | None:
    match = VERSION_LINE.search(data)
    return int(match.group(1)) if match else None


def temps(folder: Path) -> list[str]:
    return sorted(n for n in os.listdir(folder) if safewrite.TEMP_MARK in n)


def raw_writer(path: Path, conn: Connection) -> None:
    """Loop: version n+1 replaces version n, through `locked` + `write` with the expected digest."""
    with safewrite.locked(path):  # a start sweeps what a killed writer left, like the CLI does
        pass
    version = version_of(path.read_bytes())
    assert version is not None
    conn.send(("ready", version))
    conn.recv()
    while True:
        data = render(version + 1)
        with safewrite.locked(path) as target:
            safewrite.write(target, data, expected=hashlib.sha256(render(version)).hexdigest())
        version += 1


def edit_writer(path: Path, conn: Connection) -> None:
    """Loop: read, change every key and write through `edit_env`, the path the CLI uses."""
    env = Environment("development", path, protected=False)
    policy = WritePolicy(check_git=False)
    with safewrite.locked(path):
        pass
    conn.send(("ready", version_of(path.read_bytes())))
    conn.recv()

    def bump(envfile: EnvFile) -> None:
        version = int(envfile.get("VERSION") or "0") + 1
        for k in range(KEYS):
            envfile.set(f"KEY_{k:04d}", f"v{version}-{k}")
        envfile.set("VERSION", str(version))

    while True:
        edit_env(env, bump, policy)


@dataclass
class Tally:
    rounds: int = 0
    advanced: int = 0  # rounds in which the writer finished at least one write
    torn_temps: int = 0  # rounds killed mid-write: a temp file was left for the sweep
    swept_by_writer: int = 0  # temp files a starting writer removed
    swept_by_sweep_folder: int = 0  # temp files sweep_folder removed
    versions: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"seed={SEED} rounds={self.rounds} advanced={self.advanced} "
            f"killed_mid_write={self.torn_temps} swept_by_next_writer={self.swept_by_writer} "
            f"swept_by_sweep_folder={self.swept_by_sweep_folder} "
            f"last_version={self.versions[-1] if self.versions else None}"
        )


def kill_rounds(
    path: Path, writer: Callable[[Path, Connection], None], rounds: int, max_delay: float
) -> Tally:
    rng = random.Random(f"{SEED}-{writer.__name__}")
    tally = Tally(versions=[0])
    path.write_bytes(render(0))
    left_over = False  # the last round left a temp file and did not sweep it
    for index in range(rounds):
        parent, child = FORK.Pipe()
        process = FORK.Process(target=writer, args=(path, child), daemon=True)
        process.start()
        assert parent.poll(30), f"the writer did not start; {tally}"
        _, started_at = parent.recv()
        # The new writer has taken the folder's lock once: whatever was left is gone.
        assert temps(path.parent) == [], f"the next writer left a temp file; {tally}"
        tally.swept_by_writer += left_over
        assert started_at == tally.versions[-1], f"the writer saw a wrong version; {tally}"
        parent.send("go")
        time.sleep(rng.uniform(0, max_delay))
        process.kill()
        process.join(10)
        assert process.exitcode == -9, f"the writer died on its own ({process.exitcode}); {tally}"
        parent.close()
        child.close()

        data = path.read_bytes()
        version = version_of(data)
        tally.rounds += 1
        assert version is not None, f"killed writer left a truncated file; {tally}"
        assert data == render(version), f"file is a mix of versions (near {version}); {tally}"
        assert version >= tally.versions[-1], f"the file went back a version; {tally}"
        tally.advanced += version > tally.versions[-1]
        tally.versions.append(version)
        left_over = bool(temps(path.parent))
        tally.torn_temps += left_over
        if index % 2 == 1:  # every other round, sweep as the CLI does at start
            assert safewrite.sweep_folder(path.parent) == left_over, f"{tally}"
            assert temps(path.parent) == [], f"sweep_folder left a temp file; {tally}"
            tally.swept_by_sweep_folder += left_over
            left_over = False
    safewrite.sweep_folder(path.parent)
    assert temps(path.parent) == [], f"a temp file outlived the last round; {tally}"
    return tally


def test_sigkill_during_raw_writes_leaves_one_whole_version(tmp_path: Path) -> None:
    tally = kill_rounds(tmp_path / ".env", raw_writer, rounds=300, max_delay=0.030)
    assert tally.rounds == 300
    # Evidence that the kills really landed while writing, not only between writes.
    assert tally.advanced >= 30, f"the writer rarely got to write; {tally}"
    assert tally.torn_temps >= 3, f"no kill landed mid-write; {tally}"
    print(f"crash test (raw writes): {tally}")


def test_sigkill_during_edit_env_leaves_one_whole_version(tmp_path: Path) -> None:
    """The same through edit_env (parse, change, write: ~0.1 s a cycle), with longer delays."""
    tally = kill_rounds(tmp_path / ".env", edit_writer, rounds=40, max_delay=0.300)
    assert tally.rounds == 40
    assert tally.advanced >= 5, f"the writer rarely got to write; {tally}"
    print(f"crash test (edit_env): {tally}")
