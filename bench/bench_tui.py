"""The workbench in a real terminal: time to the first frame that shows the keys, and key presses.

Both apps run the same way: in a 120x40 pane of a private tmux server (`tmux -L`, no user
config), started by a sh wrapper that blocks on a FIFO. The clock starts when the FIFO is
released (the wrapper then execs `env -i ... python`), and stops when the first bytes of the
first key name (`SVC0000_HOST` for relay-tui, `KEY_00000` for the peer) arrive on a FIFO fed by
`tmux pipe-pane -o`: that is, when the frame that shows the key reaches the terminal. Reading the
output stream costs no CPU while waiting, unlike polling `capture-pane` on a 2-core machine.

- ours: `python -m relay_tui ui --project P` on 3 environments (.env, .env.staging,
  .env.production) of N keys plus the template, all from make_env.py;
- peer: `python bench/tui_bare.py N` (Header, DataTable of N rows x 4 columns, Footer).

A and B alternate, the order flips every pair, one warm-up pair first; ratio = median of the
per-pair ratios. Key presses (10,000-key view, once validation is done): from just before
`tmux send-keys` of Down or Up (within the first 20 rows) in the keys grid, or of one letter in
the filter box, until the output redraws the row the cursor landed on, and until the detail line
under the grid names that key (the full answer; the goal is judged on it, at p90). The peer's
Down/Up in its 10,000-row DataTable and the harness floors (a `printf` program; the tty echo of
a key under `cat`) are measured the same way. Bytecode is cached in a temp PYTHONPYCACHEPREFIX,
as for an installed wheel. Run from the repo root:
PYTHONPATH=. .venv/bin/python bench/bench_tui.py [--quick]
(`--profile` instead writes a cProfile of one headless start to bench/results/tui-profile-N.txt;
`--against REV` instead runs the workbench of this tree against git revision REV's: first frame
and key presses, interleaved pairs, the median per-pair ratio new/old and its spread; see
bench/against.py)
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import select
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from against import (
    Paired,
    check_tree,
    interleave,
    prepare,
    print_paired,
    rev_arg,
    save_paired,
    summarize,
    tree_env,
)
from make_env import make_texts, write_project
from timing import RESULTS, Row, make_row, print_table, save

QUICK = "--quick" in sys.argv
REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
WIDTH, HEIGHT = 120, 40
_COUNTER = itertools.count()
Env = dict[str, str]
App = tuple[list[str], bytes, Env]  # argv, the bytes that mark the first frame, extra env


class Pane:
    """One program in a private tmux server; its terminal output read as it arrives."""

    def __init__(
        self, workdir: Path, argv: list[str], env: dict[str, str], cwd: Path | None = None
    ) -> None:
        workdir.mkdir(parents=True)
        self.name = f"relay-bench-{os.getpid()}-{next(_COUNTER)}"
        self.gate, out, self.pid_file = workdir / "gate", workdir / "out", workdir / "pid"
        os.mkfifo(self.gate)
        os.mkfifo(out)
        command = shlex.join(["env", "-i", *(f"{k}={v}" for k, v in env.items()), *argv])
        (workdir / "run.sh").write_text(
            f"echo $$ > {shlex.quote(str(self.pid_file))}\n"
            f"read _ < {shlex.quote(str(self.gate))}\n"
            f"exec {command}\n"
        )
        # O_RDWR: the FIFO always has a writer (us), so reads never see a premature EOF.
        self.fd = os.open(out, os.O_RDWR | os.O_NONBLOCK)
        self.buf = bytearray()
        self.seen = 0  # bytes before this offset are not searched again
        size = ["-x", str(WIDTH), "-y", str(HEIGHT)]
        where = ["-c", str(cwd)] if cwd is not None else []
        run = ["sh", str(workdir / "run.sh")]
        self.tmux("new-session", "-d", "-s", self.name, *where, *size, *run)
        self.tmux("pipe-pane", "-o", "-t", self.name, f"cat > {shlex.quote(str(out))}")
        self.socket_path = self.tmux("display-message", "-p", "#{socket_path}").strip()

    def tmux(self, *args: str) -> str:
        env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}
        command = ["tmux", "-L", self.name, "-f", os.devnull, *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout

    def go(self) -> float:
        """Release the wrapper (it execs the program now); returns the start time."""
        with open(self.gate, "wb") as gate:  # blocks until the wrapper is waiting on it
            start = time.perf_counter()
            gate.write(b"\n")
        return start

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not ready:
            return False
        with contextlib.suppress(BlockingIOError):
            self.buf += os.read(self.fd, 1 << 20)
        return True

    def until(self, needle: bytes, timeout: float = 30.0) -> float:
        """The time the first output holding `needle` (after the last mark) arrived."""
        deadline = time.perf_counter() + timeout
        while True:
            found = self.buf.find(needle, max(0, self.seen - len(needle) + 1))
            if found >= 0:
                self.seen = found + len(needle)
                return time.perf_counter()
            self.seen = len(self.buf)
            if time.perf_counter() > deadline:
                screen = self.tmux("capture-pane", "-p", "-t", self.name)
                raise TimeoutError(f"{needle!r} not shown in {timeout} s; screen:\n{screen}")
            self._read(deadline - time.perf_counter())

    def until_each(self, *needles: bytes, timeout: float = 30.0) -> list[float]:
        """For each needle, the time the first output holding it (after the last mark) arrived."""
        mark, deadline = self.seen, time.perf_counter() + timeout
        times: list[float | None] = [None] * len(needles)
        while True:
            for n, needle in enumerate(needles):
                if times[n] is None and self.buf.find(needle, mark) >= 0:
                    times[n] = time.perf_counter()
            if all(t is not None for t in times):
                self.seen = len(self.buf)
                return [t for t in times if t is not None]
            if time.perf_counter() > deadline:
                screen = self.tmux("capture-pane", "-p", "-t", self.name)
                raise TimeoutError(f"{needles!r} not all shown in {timeout} s; screen:\n{screen}")
            self._read(deadline - time.perf_counter())

    def quiet(self, seconds: float = 0.05, timeout: float = 30.0) -> None:
        """Read until no output has come for `seconds`; later searches start after it."""
        deadline = time.perf_counter() + timeout
        while self._read(seconds) and time.perf_counter() < deadline:
            pass
        self.seen = len(self.buf)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name)

    def wait_screen(self, check: str, gone: bool = False, timeout: float = 60.0) -> None:
        """Poll capture-pane (10 per s) until `check` is on the screen (or gone)."""
        deadline = time.perf_counter() + timeout
        while (check in self.screen()) == gone:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{check!r} {'still' if gone else 'not'} on the screen")
            self._read(0.1)

    def send(self, *keys: str, literal: bool = False) -> float:
        """Send keys through tmux; returns the time just before."""
        self.seen = len(self.buf)
        start = time.perf_counter()
        self.tmux("send-keys", "-t", self.name, *(["-l", "--"] if literal else []), *keys)
        return start

    def close(self, grace: float = 10.0) -> None:
        """Kill the session (SIGHUP to the program) and wait until the program has gone.

        A program still there after `grace` seconds gets SIGKILL (and 10 s more to go).
        """
        pid = int(self.pid_file.read_text()) if self.pid_file.exists() else None
        command = ["tmux", "-L", self.name, "kill-session", "-t", self.name]
        subprocess.run(command, capture_output=True, check=False)  # the server may be gone
        Path(self.socket_path).unlink(missing_ok=True)  # an exiting server leaves it behind
        os.close(self.fd)
        if pid is None:
            return
        for signal_number in (0, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal_number)
            deadline = time.perf_counter() + (grace if signal_number == 0 else 10.0)
            while time.perf_counter() < deadline:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    return
                time.sleep(0.01)


class Bench:
    """Temp projects, a clean environment and the commands of both apps."""

    def __init__(self, tmp: Path, timeout: float = 30.0, cwd: Path | None = None) -> None:
        self.tmp = tmp
        self.timeout = timeout  # per wait for a frame; --against makes it generous
        self.cwd = cwd  # the panes' working directory (None: this one)
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(tmp / "home"),
            "RELAY_TUI_HOME": str(tmp / "home" / "relay"),
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
            "PYTHONPATH": str(REPO),
            "PYTHONPYCACHEPREFIX": str(tmp / "pycache"),
        }
        self.keys: dict[int, list[str]] = {}

    def project(self, n: int) -> Path:
        """3 environments of `n` keys (same keys, other values) and the template."""
        root = self.tmp / f"p{n}"
        if not root.exists():
            _, self.keys[n] = write_project(root, n, seed=42)
            for name, seed in ((".env.staging", 43), (".env.production", 44)):
                (root / name).write_text(make_texts(n, seed)[0])
                (root / name).chmod(0o600)
        return root

    def ours(self, n: int, extra: Env | None = None) -> App:
        """The workbench on the n-key project; `extra` env (e.g. PYTHONPATH of another tree)."""
        argv = [PY, "-m", "relay_tui", "ui", "--project", str(self.project(n))]
        return argv, self.keys[n][0].encode(), extra or {}

    def peer(self, n: int) -> App:
        return [PY, str(REPO / "bench" / "tui_bare.py"), str(n)], b"KEY_00000", {}

    def pane(self, argv: list[str], extra: Env | None = None) -> Pane:
        workdir = self.tmp / "runs" / str(next(_COUNTER))
        return Pane(workdir, argv, self.env | (extra or {}), self.cwd)

    def first_frame(self, argv: list[str], needle: bytes, extra: Env | None = None) -> float:
        """Seconds from process start to the first output that shows `needle`."""
        pane = self.pane(argv, extra)
        try:
            start = pane.go()
            return pane.until(needle, self.timeout) - start
        finally:
            pane.close(grace=self.timeout)


def paired_runs(bench: Bench, ours: App, peer: App, pairs: int) -> tuple[list[float], list[float]]:
    """First-frame times of A and B, alternating which runs first; one warm-up pair."""
    bench.first_frame(*ours)
    bench.first_frame(*peer)
    a: list[float] = []
    b: list[float] = []
    for i in range(pairs):
        if i % 2 == 0:
            a.append(bench.first_frame(*ours))
            b.append(bench.first_frame(*peer))
        else:
            b.append(bench.first_frame(*peer))
            a.append(bench.first_frame(*ours))
        print(f"  pair {i + 1}: ours {a[-1] * 1e3:.0f} ms, peer {b[-1] * 1e3:.0f} ms", flush=True)
    return a, b


def detail(key: str) -> bytes:
    """The start of the detail line under the grid when the cursor is on `key`."""
    return f"{key} · ".encode()


def row(key: str) -> bytes:
    """The first cell of `key`'s row in the grid (the name, then its padding)."""
    return f"{key}  ".encode()


def up_and_down(samples: int, rows: int = 20) -> list[tuple[int, str]]:
    """(row the cursor lands on, key) for Down through the first `rows` rows, then Up, ...

    The cursor stays in view: moving past the bottom row would time a scroll instead (and the
    grid hides the row under the cursor there; see README).
    """
    moves, position, step = [], 0, 1
    for _ in range(samples):
        if not 0 <= position + step <= rows:
            step = -step
        position += step
        moves.append((position, "Down" if step > 0 else "Up"))
    return moves


def key_latency(
    bench: Bench, n: int, samples: int, extra: Env | None = None
) -> dict[str, list[float]]:
    """Seconds from send-keys to the frames that answer: the cursor row, then the detail line.

    Down in the keys grid, then one letter in the filter box (cleared again between samples).
    """
    keys = bench.keys.get(n) or (bench.project(n), bench.keys[n])[1]
    argv, needle, extra = bench.ours(n, extra)
    pane = bench.pane(argv, extra)
    wait = max(30.0, bench.timeout)
    result: dict[str, list[float]] = {
        name: [] for name in ("down", "down_row", "filter", "filter_row")
    }
    try:
        pane.go()
        pane.until(needle, wait)
        pane.wait_screen("checking…", gone=True, timeout=2 * wait)  # all 3 environments checked
        pane.quiet(0.3)
        position = 0
        for position, key_name in up_and_down(samples):
            start = pane.send(key_name)
            at_row, at_detail = pane.until_each(
                row(keys[position]), detail(keys[position]), timeout=wait
            )
            result["down_row"].append(at_row - start)
            result["down"].append(at_detail - start)
            pane.quiet()
        # Each letter narrows 10,000 keys to those holding it; when the key under the cursor
        # does not hold it, the cursor lands on the first one that does.
        pane.send("/")
        pane.wait_screen("filter keys", timeout=wait)
        pane.quiet(0.2)
        current = keys[position]
        for letter in itertools.islice(itertools.cycle("pygfwb"), 4 * samples):
            if len(result["filter"]) == samples:
                break
            if letter in current.lower():
                continue
            target = next(k for k in keys if letter in k.lower())
            start = pane.send(letter, literal=True)
            at_row, at_detail = pane.until_each(row(target), detail(target), timeout=wait)
            result["filter_row"].append(at_row - start)
            result["filter"].append(at_detail - start)
            pane.quiet()
            pane.send("C-u")  # clear: all keys again, the cursor stays on `target`
            pane.quiet(0.1)
            current = target
    finally:
        pane.close(grace=wait)
    return result


def peer_latency(bench: Bench, n: int, samples: int) -> list[float]:
    """The peer's Down/Up in an n-row DataTable: until the new cursor row is drawn again."""
    argv, needle, _ = bench.peer(n)
    pane = bench.pane(argv)
    times: list[float] = []
    try:
        pane.go()
        pane.until(needle)
        pane.quiet(0.5)
        for position, key_name in up_and_down(samples):
            start = pane.send(key_name)
            times.append(pane.until(f"KEY_{position:05d}".encode()) - start)
            pane.quiet()
    finally:
        pane.close()
    return times


def floors(bench: Bench, samples: int) -> dict[str, list[float]]:
    """The harness alone: a program that prints a mark; the tty echo of a key under `cat`."""
    start_floor = [bench.first_frame(["printf", "FLOOR_MARK"], b"FLOOR_MARK") for _ in range(10)]
    pane = bench.pane(["cat"])
    echo: list[float] = []
    try:
        pane.go()
        time.sleep(0.2)
        pane.quiet()
        for _ in range(samples):
            start = pane.send("x", literal=True)
            echo.append(pane.until(b"x") - start)
            pane.quiet(0.02)
    finally:
        pane.close()
    return {"start": start_floor, "key": echo}


# A headless start under cProfile, stopped at the first frame whose encoded text holds the first
# key (the peer figures' in-process method); the clock cannot see the validation thread.
PROFILE_CHILD = """
import cProfile, pstats, sys, time
from pathlib import Path
start = time.perf_counter()
root, needle, out = sys.argv[1], sys.argv[2], sys.argv[3]
profile = cProfile.Profile()
profile.enable()
import textual.app as ta
seen = {}
original = ta.App._display
def display(self, screen, renderable):
    if renderable is not None and "t" not in seen and hasattr(renderable, "render_segments"):
        if needle in renderable.render_segments(self.console):
            seen["t"] = time.perf_counter()
            self.exit()
    return original(self, screen, renderable)
ta.App._display = display
from relay_tui.ui.app import RelayApp
from relay_tui.ui.session import Session
app = RelayApp(Session.open(Path(root)))
app.run(headless=True, size=(120, 40))
profile.disable()
with open(out, "w") as handle:
    first = (seen.get("t", float("nan")) - start) * 1e3
    handle.write(f"# headless start -> first frame with {needle}: {first:.0f} ms under cProfile\\n")
    stats = pstats.Stats(profile, stream=handle).sort_stats("cumulative")
    stats.print_stats(r"relay_tui|stylesheet.py.*(apply|update)|refresh_css|_compose", 45)
"""


def profile_start(bench: Bench, n: int) -> Path:
    """Profile one headless start on the n-key project into bench/results/tui-profile-N.txt."""
    needle = bench.ours(n)[1]
    out = RESULTS / f"tui-profile-{n}.txt"
    env = {**bench.env, "PYTHONPATH": str(REPO)}
    child = [PY, "-c", PROFILE_CHILD, str(bench.project(n)), needle.decode(), str(out)]
    subprocess.run(child, env=env, check=True, cwd=REPO)
    # Keep paths relative: the repo's, site-packages' and the standard library's prefixes go.
    text = out.read_text().replace(f"{REPO}/", "")
    text = re.sub(r"\S*/site-packages/", "", text)
    out.write_text(re.sub(r"\S*/lib/python3\.\d+/", "", text))
    return out


LATENCY_LABELS = {
    "down_row": "Down/Up, until the new cursor row is drawn",
    "down": "Down/Up, until the detail line names the key",
    "filter_row": "a letter in the filter, until the first match's row is drawn",
    "filter": "a letter in the filter, until the detail line names it",
    "peer_down": "peer: Down/Up in a 10,000-row DataTable, until the new cursor row is drawn",
}


def stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(v * 1e3 for v in values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return {"min": ordered[0], "median": statistics.median(ordered), "p90": p90, "n": len(ordered)}


def against(rev: str) -> None:
    """The workbench of this tree vs `rev`'s: paired, interleaved runs (see against.py).

    First frame on 3 envs x 1,000 and x 10,000 keys, then key presses in the 10,000-key view as
    paired sessions (one session = one start, `samples` Down/Up and filter letters; the session's
    medians are paired). Per-wait timeout 120 s, and each side has its own HOME.
    """
    pairs, pairs_10k, sessions, samples = (4, 4, 2, 10) if QUICK else (30, 30, 8, 20)
    with tempfile.TemporaryDirectory(prefix="relay-bench-tui-against-") as name:
        tmp = Path(name)
        bench = Bench(tmp, timeout=120.0, cwd=tmp)
        trees = prepare(tmp, rev, lambda tree: check_tree(tree, bench.env, tmp))
        sides: dict[str, Env] = {}
        for side, tree in (("old", trees.old), ("new", trees.new)):
            home = tmp / f"home-{side}"
            sides[side] = tree_env(tree) | {"HOME": str(home), "RELAY_TUI_HOME": f"{home}/relay"}

        def start(n: int, side: str) -> Callable[[], float]:
            return lambda: bench.first_frame(*bench.ours(n, sides[side]))

        rows: list[Paired] = []
        for n, count in ((1000, pairs), (10_000, pairs_10k)):
            print(f"first frame, 3 envs x {n:,} keys, {count} pairs ...", flush=True)
            old, new = interleave(start(n, "old"), start(n, "new"), count, label=f"{n:,} keys")
            label = f"first frame, 3 envs x {n:,} keys"
            rows.append(summarize(label, old, new, 1.05))
        print(f"key presses, 10,000-key view, {sessions} pairs of sessions ...", flush=True)
        medians: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
        raw: dict[str, dict[str, list[float]]] = {
            side: {name: [] for name in LATENCY_LABELS if name != "peer_down"} for side in sides
        }

        def session(side: str) -> Callable[[], float]:
            def once() -> float:
                latency = key_latency(bench, 10_000, samples, sides[side])
                for name, values in latency.items():
                    raw[side][name] += values
                medians[side].append({k: statistics.median(v) for k, v in latency.items()})
                return medians[side][-1]["down"]

            return once

        interleave(session("old"), session("new"), sessions, warmup=0, label="Down/Up median")
        for name, label in LATENCY_LABELS.items():
            if name == "peer_down":
                continue
            old = [m[name] for m in medians["old"]]
            new = [m[name] for m in medians["new"]]
            rows.append(summarize(f"{label} (session median)", old, new, None))
    title = f"this tree vs {rev}: workbench in tmux {WIDTH}x{HEIGHT}, interleaved pairs"
    print_paired(title, rows, trees)
    p90 = {side: {k: stats(v) for k, v in raw[side].items()} for side in raw}
    print("\nkey presses, all samples, p90 (goal <= 50 ms): " + "; ".join(
        f"{name} old {p90['old'][name]['p90']:.1f} / new {p90['new'][name]['p90']:.1f} ms"
        for name in ("down", "filter")
    ))  # fmt: skip
    extra = {
        "method": f"tmux {WIDTH}x{HEIGHT}, pipe-pane output stream, interleaved pairs",
        "key_latency_ms": p90,
        "samples": {"sessions": sessions, "per_session": samples},
    }
    save_paired("tui-against", rows, trees, extra)


def main() -> None:
    if shutil.which("tmux") is None:
        sys.exit("bench_tui.py needs tmux (apt-get install -y tmux)")
    RESULTS.mkdir(exist_ok=True)
    rev = rev_arg(sys.argv)
    if rev is not None:
        against(rev)
        return
    pairs, pairs_10k, samples = (3, 3, 10) if QUICK else (10, 10, 40)
    if "--profile" in sys.argv:
        with tempfile.TemporaryDirectory(prefix="relay-bench-tui-") as tmp:
            bench = Bench(Path(tmp))
            profile_start(bench, 1000)  # warm-up: fills the bytecode cache
            for n in (1000, 10_000):
                out = profile_start(bench, n)
                print(out.read_text().split("\n", 1)[0], f"(details: {out.relative_to(REPO)})")
        return
    with tempfile.TemporaryDirectory(prefix="relay-bench-tui-") as tmp:
        bench = Bench(Path(tmp))
        print("harness floors ...", flush=True)
        floor = floors(bench, samples)
        print("first frame, 3 x 1,000 keys vs DataTable 1,000 rows ...", flush=True)
        a1, b1 = paired_runs(bench, bench.ours(1000), bench.peer(1000), pairs)
        print("first frame, 3 x 10,000 keys vs DataTable 10,000 rows ...", flush=True)
        a10, b10 = paired_runs(bench, bench.ours(10_000), bench.peer(10_000), pairs_10k)
        print("key presses, 10,000-key view ...", flush=True)
        latency = key_latency(bench, 10_000, samples)
        latency["peer_down"] = peer_latency(bench, 10_000, samples)
    rows: list[Row] = [
        make_row("first frame, 3 envs x 1,000 keys vs DataTable 1,000 rows", a1, b1, 1.1),
        make_row("first frame, 3 envs x 10,000 keys vs DataTable 10,000 rows", a10, b10, 0.4),
    ]
    print_table(f"time to the first frame showing the keys, tmux {WIDTH}x{HEIGHT}", rows, "bare")
    lat = {name: stats(values) for name, values in latency.items()}
    fl = {name: stats(values) for name, values in floor.items()}
    print("\n### key press -> answering frame, 10,000-key view (goal: <= 50 ms)\n")
    print("| key, until | min | median | p90 | n | result |")
    print("|---|---|---|---|---|---|")
    for name, label in LATENCY_LABELS.items():
        s = lat[name]
        verdict = ("PASS" if s["p90"] <= 50 else "FAIL") if name in ("down", "filter") else "-"
        print(
            f"| {label} | {s['min']:.1f} | {s['median']:.1f} | {s['p90']:.1f} ms | {s['n']} "
            f"| {verdict} |"
        )
    print(
        f"\nharness floors: start -> printf visible {fl['start']['median']:.1f} ms median; "
        f"send-keys -> tty echo {fl['key']['median']:.1f} ms median"
    )
    save(
        "tui",
        rows,
        {
            "method": f"tmux {WIDTH}x{HEIGHT}, pipe-pane output stream, paired",
            "key_latency_ms": lat,
            "floors_ms": fl,
            "samples_ms": {
                "ours_1k": [x * 1e3 for x in a1],
                "peer_1k": [x * 1e3 for x in b1],
                "ours_10k": [x * 1e3 for x in a10],
                "peer_10k": [x * 1e3 for x in b10],
            },
        },
    )


if __name__ == "__main__":
    main()
