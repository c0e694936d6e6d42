"""Whole-process `relay-tui validate` on a 1,000-key project vs a bare python-dotenv one-shot.

Uses hyperfine (-N) when installed, in rounds whose command order alternates; else a paired
subprocess loop. Also records `-X importtime` and checks that headless commands stay light.
Run from the repo root: PYTHONPATH=. .venv/bin/python bench/bench_cli.py [--quick]
`--against REV` instead compares this tree with git revision REV, command by command (status and
validate, on a plain project and on a git repository): interleaved pairs, old and new alternating
which runs first, the median of the per-pair ratios with their spread (bench/against.py).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from against import (
    check_tree,
    interleave,
    prepare,
    print_paired,
    rev_arg,
    save_paired,
    summarize,
    tree_env,
)
from make_env import write_project
from timing import RESULTS, Row, ensure_bytecode, print_table, save

QUICK = "--quick" in sys.argv
REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
FORBIDDEN = ("textual", "hvac", "rich", "cryptography", "requests")
# Bytecode goes to a temp tree (set in main) so relay_tui/ stays untouched but is not recompiled
# on every run, as with an installed wheel; PYTHONDONTWRITEBYTECODE=1 in this sandbox forbids it.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV |= {"PYTHONPATH": str(REPO), "NO_COLOR": "1"}


Rounds = list[list[list[float]]]  # [command][round] -> seconds per run


def hyperfine(cmds: list[list[str]], runs: int, rounds: int) -> Rounds:
    """Seconds per run of each command, for each hyperfine call (command order alternates)."""
    times: Rounds = [[] for _ in cmds]
    for r in range(rounds):
        order = list(range(len(cmds))) if r % 2 == 0 else list(reversed(range(len(cmds))))
        out = RESULTS / f"hyperfine-cli-{r}.json"
        args = ["hyperfine", "-N", "-i", "--warmup", "3", "--runs", str(runs), "--style", "none"]
        args += ["--export-json", str(out), *(subprocess.list2cmdline(cmds[i]) for i in order)]
        subprocess.run(args, check=True, env=ENV, stdout=subprocess.DEVNULL, cwd=REPO)
        for i, result in zip(order, json.loads(out.read_text())["results"], strict=True):
            times[i].append(result["times"])
    return times


def loop(cmds: list[list[str]], runs: int, rounds: int) -> Rounds:
    """The same without hyperfine: one run of each command per turn, order alternating."""
    times: Rounds = [[[] for _ in range(rounds)] for _ in cmds]
    for turn in range(3 + runs * rounds):
        order = range(len(cmds)) if turn % 2 == 0 else reversed(range(len(cmds)))
        for i in order:
            start = time.perf_counter()
            subprocess.run(cmds[i], env=ENV, cwd=REPO, capture_output=True, check=False)
            if turn >= 3:
                times[i][(turn - 3) // runs].append(time.perf_counter() - start)
    return times


def row(name: str, ours: list[list[float]], peer: list[list[float]], goal: float | None) -> Row:
    """min / median over all runs; ratio = median over rounds of the rounds' median ratios."""
    med = statistics.median
    ratio = med(med(a) / med(b) for a, b in zip(ours, peer, strict=True))
    a, b = [t for r in ours for t in r], [t for r in peer for t in r]
    return Row(name, min(a) * 1e3, med(a) * 1e3, min(b) * 1e3, med(b) * 1e3, ratio, goal)


def importtime(args: list[str], label: str) -> tuple[list[str], list[str]]:
    """(top-10 cumulative import lines, forbidden modules imported) for one command."""
    run = subprocess.run(
        [PY, "-X", "importtime", "-m", "relay_tui", *args],
        env=ENV,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    rows: list[tuple[int, int, str]] = []
    for line in run.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        self_us, cumulative, name = (p.strip() for p in line[len("import time:") :].split("|"))
        rows.append((int(cumulative), int(self_us), name))
    modules = {name.strip().split(".")[0] for _, _, name in rows}
    bad = sorted(m for m in modules if m in FORBIDDEN)
    top = [f"{c / 1000:8.1f} ms cum {s / 1000:7.1f} ms self  {n}" for c, s, n in sorted(rows)[::-1]]
    text = f"# python -X importtime -m relay_tui {' '.join(args)}\n" + "\n".join(top) + "\n"
    (RESULTS / f"importtime-{label}.txt").write_text(text)
    return top[:10], bad


def make_projects(tmp: Path) -> tuple[Path, Path]:
    """A 1,000-key project, and a copy in a git repo that ignores .env and tracks the template."""
    plain, repo = tmp / "p1k", tmp / "p1k-git"
    write_project(plain, 1000)
    write_project(repo, 1000)
    (repo / ".gitignore").write_text(".env\n.env.*\n!.env.example\n")
    git = ["git", "-c", "user.name=bench", "-c", "user.email=b@example.com", "-C", str(repo)]
    for args in (["init", "-q"], ["add", ".gitignore", ".env.example"], ["commit", "-qm", "t"]):
        subprocess.run([*git, *args], check=True)
    return plain, repo


def headless_commands(plain: Path, repo: Path) -> dict[str, list[str]]:
    """Commands that never need the TUI, Vault or key generation."""
    p = ["--project", str(plain)]
    return {
        "validate --no-git": ["validate", *p, "--no-git"],
        "validate (git)": ["validate", "--project", str(repo)],
        "status": ["status", *p],
        "get": ["get", "SVC0000_HOST", "--env", "development", *p],
        "export json": ["export", "--env", "development", "--format", "json", *p],
        "generate token": ["generate", "token"],
    }


def timed(tree: Path, args: list[str], tmp: Path, side: str) -> Callable[[], float]:
    """A callable that runs `python -m relay_tui ARGS` from `tree` once; returns its seconds.

    The first run (here) notes the exit code; a later run that exits otherwise, or takes over
    120 s, stops the bench. Each side has its own HOME, so neither sees the other's state.
    """
    home = tmp / f"home-{side}"
    env = ENV | tree_env(tree) | {"HOME": str(home), "RELAY_TUI_HOME": str(home / "relay")}
    cmd = [PY, "-m", "relay_tui", *args]

    def run() -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(cmd, env=env, cwd=tmp, capture_output=True, timeout=120, check=False)

    first = run()
    if first.returncode not in (0, 1) or b"Traceback" in first.stderr:
        tail = first.stderr.decode(errors="replace").strip().splitlines()[-3:]
        sys.exit(f"{side}: relay-tui {' '.join(args)} exited {first.returncode}: {tail}")

    def once() -> float:
        start = time.perf_counter()
        done = run()
        seconds = time.perf_counter() - start
        if done.returncode != first.returncode:
            sys.exit(f"{side}: relay-tui {' '.join(args)} exited {done.returncode}, "
                     f"not {first.returncode} as at first")  # fmt: skip
        return seconds

    return once


def against(rev: str) -> None:
    """This tree vs `rev` on the same projects: paired, interleaved runs (see against.py)."""
    pairs = 20 if QUICK else 100
    with tempfile.TemporaryDirectory(prefix="relay-bench-against-") as name:
        tmp = Path(name)
        ENV["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        trees = prepare(tmp, rev, lambda tree: check_tree(tree, ENV, tmp))
        plain, repo = make_projects(tmp)
        shapes = {
            "status, 1,000 keys": ["status", "--project", str(plain)],
            "status, git repo": ["status", "--project", str(repo)],
            "validate --no-git, 1,000 keys": ["validate", "--project", str(plain), "--no-git"],
            "validate, git repo": ["validate", "--project", str(repo)],
        }
        rows = []
        for label, args in shapes.items():
            run_old = timed(trees.old, args, tmp, "old")
            run_new = timed(trees.new, args, tmp, "new")
            old, new = interleave(run_old, run_new, pairs, warmup=3)
            rows.append(summarize(f"`{label}`", old, new, 1.05))
            print(f"  {label}: new/old {rows[-1].ratio:.3f}", flush=True)
    print_paired(f"this tree vs {rev}: whole process, {pairs} interleaved pairs", rows, trees)
    save_paired("cli-against", rows, trees, {"method": "interleaved subprocess pairs"})


def main() -> None:
    rev = rev_arg(sys.argv)
    if rev is not None:
        against(rev)
        return
    ensure_bytecode()
    RESULTS.mkdir(exist_ok=True)
    runs, rounds = (10, 2) if QUICK else (20, 5)
    with tempfile.TemporaryDirectory(prefix="relay-bench-cli-") as tmp:
        plain, repo = make_projects(Path(tmp))
        ENV["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        ours = [PY, "-m", "relay_tui", "validate", "--project", str(plain), "--no-git"]
        ours_git = [PY, "-m", "relay_tui", "validate", "--project", str(repo)]
        # The same files validate reads: the template and the environment file.
        files = [str(plain / ".env.example"), str(plain / ".env")]
        parse = "; ".join(f"dotenv.dotenv_values({f!r}, interpolate=False)" for f in files)
        peer = [PY, "-c", f"import dotenv; {parse}"]
        floor = [PY, "-c", "pass"]
        cold = ["env", "-u", "PYTHONPYCACHEPREFIX", "PYTHONDONTWRITEBYTECODE=1", *ours]
        first = subprocess.run(ours, env=ENV, cwd=REPO, capture_output=True, text=True, check=False)
        summary = (first.stdout.strip().splitlines() or ["(no output)"])[-1]
        print(f"validate exit code {first.returncode}: {summary}")
        measure = hyperfine if shutil.which("hyperfine") else loop
        times = measure([ours, ours_git, peer, floor, cold], runs, rounds)
        forbidden: dict[str, list[str]] = {}
        top: list[str] = []
        for label, args in headless_commands(plain, repo).items():
            lines, bad = importtime(args, "".join(c if c.isalnum() else "-" for c in label))
            forbidden[label] = bad
            top = top or lines
    rows = [
        row("`validate --no-git`, 1,000 keys", times[0], times[2], 1.5),
        row("`validate` + git checks (git repo)", times[1], times[2], 1.5),
        row("`validate --no-git`, no .pyc cache (recompiles)", times[4], times[2], None),
        row("`python -c pass` (floor)", times[3], times[2], None),
    ]
    title = f"whole process vs dotenv one-shot ({measure.__name__}, {rounds}x{runs} runs)"
    print_table(title, rows, "dotenv one-shot")
    print("\nTop 10 cumulative imports, `validate --no-git` (full list in bench/results/):")
    for line in top:
        print(f"  {line}")
    print(f"\nHeadless commands importing any of {', '.join(FORBIDDEN)}:")
    for label, bad in forbidden.items():
        print(f"  {label:18} {'FAIL: ' + ', '.join(bad) if bad else 'ok (none)'}")
    save("cli", rows, {"tool": measure.__name__, "top_imports": top, "forbidden": forbidden})


if __name__ == "__main__":
    main()
