"""`--against REV`, shared by bench_cli.py and bench_tui.py: this tree vs an older git revision.

- The old side is `git archive REV relay_tui`, extracted into a temp folder; the new side is a copy
  of the working tree's relay_tui/ taken when the run starts, so edits made while the bench runs
  do not land half-way through it. If the copy does not import (someone is mid-change), it is
  taken again after a minute, a few times.
- Both sides run with the same Python (this venv, so the same dependencies), each with
  PYTHONPATH at its own copy and PYTHONSAFEPATH=1 from a neutral working directory: `python -m`
  puts the current directory first on sys.path, so run from the repo root, it would import the
  working tree's relay_tui whatever PYTHONPATH says. `check_tree` proves which files load.
- Timings are paired and interleaved (old, new, then new, old, ...: the order flips every pair to
  cancel drift), after warm-up pairs; the figure is the median of the per-pair ratios new / old,
  with their interquartile range, min–max and the number of pairs.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
PY = sys.executable

# Imported by the probe: a tree that is mid-change usually fails on one of these.
PROBE_MODULES = ("relay_tui.cli", "relay_tui.ui.app")


def rev_arg(argv: list[str]) -> str | None:
    """REV from `--against REV`, or None without --against."""
    if "--against" not in argv:
        return None
    at = argv.index("--against") + 1
    if at >= len(argv) or argv[at].startswith("-"):
        sys.exit("--against needs a git revision, e.g. --against HEAD~3")
    return argv[at]


def resolve(rev: str) -> str:
    """The full commit id of `rev` (exits with git's message when it names no commit)."""
    run = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        sys.exit(f"--against {rev}: not a commit of {REPO}")
    return run.stdout.strip()


def export_rev(rev: str, dest: Path) -> Path:
    """Extract relay_tui/ as of `rev` into `dest` (created); returns `dest`, its PYTHONPATH."""
    dest.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", rev, "relay_tui"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


def snapshot_worktree(dest: Path) -> Path:
    """Copy the working tree's relay_tui/ (tracked or not, no bytecode) into `dest`."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "relay_tui", dest / "relay_tui", ignore=ignore)
    return dest


def source_hash(tree: Path) -> str:
    """sha256 of relay_tui's .py files in path order (as run_all.sh prints), 16 hex digits."""
    digest = hashlib.sha256()
    for path in sorted((tree / "relay_tui").rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def tree_env(tree: Path) -> dict[str, str]:
    """The variables that make `python -m relay_tui` run the code in `tree`, and only that."""
    return {"PYTHONPATH": str(tree), "PYTHONSAFEPATH": "1"}


def check_tree(tree: Path, env: dict[str, str], cwd: Path) -> str | None:
    """None if relay_tui and PROBE_MODULES import from `tree` under `env`; else the error."""
    code = (
        "import importlib, sys\n"
        f"for name in {PROBE_MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "print('\\n'.join(m.__file__ for n, m in sorted(sys.modules.items())"
        " if n.split('.')[0] == 'relay_tui' and getattr(m, '__file__', None)))\n"
    )
    run = subprocess.run(
        [PY, "-c", code],
        env={**env, **tree_env(tree)},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if run.returncode != 0:
        return (run.stderr.strip().splitlines() or ["(no output)"])[-1]
    root = str((tree / "relay_tui").resolve())
    stray = [f for f in run.stdout.split() if not str(Path(f).resolve()).startswith(root)]
    return f"relay_tui loaded from outside {tree}: {stray[0]}" if stray else None


@dataclass(frozen=True)
class Trees:
    rev: str
    commit: str
    old: Path
    new: Path
    old_hash: str
    new_hash: str


def prepare(
    tmp: Path,
    rev: str,
    probe: Callable[[Path], str | None],
    *,
    attempts: int = 4,
    wait: float = 60.0,
) -> Trees:
    """Export `rev`, snapshot the working tree, and check both with `probe(tree)` (None = ok).

    A failing snapshot is taken again after `wait` seconds, up to `attempts` times (the working
    tree may be mid-change); a failing old revision stops the run at once.
    """
    commit = resolve(rev)
    old = export_rev(commit, tmp / "old")
    problem = probe(old)
    if problem:
        sys.exit(f"{rev} ({commit[:10]}) does not start: {problem}")
    for attempt in range(1, attempts + 1):
        new = snapshot_worktree(tmp / "new")
        problem = probe(new)
        if problem is None:
            break
        print(f"working tree does not start ({problem}); attempt {attempt}/{attempts}", flush=True)
        if attempt == attempts:
            sys.exit(f"the working tree failed to start {attempts} times: {problem}")
        time.sleep(wait)
    trees = Trees(rev, commit, old, new, source_hash(old), source_hash(new))
    print(
        f"old: {rev} = {commit[:10]}, sources {trees.old_hash}; "
        f"new: working tree copy, sources {trees.new_hash}",
        flush=True,
    )
    return trees


def interleave(
    run_old: Callable[[], float],
    run_new: Callable[[], float],
    pairs: int,
    *,
    warmup: int = 1,
    label: str = "",
) -> tuple[list[float], list[float]]:
    """(old, new) seconds of `pairs` pairs: old then new, then new then old, ... after warm-up."""
    for _ in range(warmup):
        run_old()
        run_new()
    old: list[float] = []
    new: list[float] = []
    for i in range(pairs):
        if i % 2 == 0:
            old.append(run_old())
            new.append(run_new())
        else:
            new.append(run_new())
            old.append(run_old())
        if label:
            print(
                f"  {label} pair {i + 1}/{pairs}: old {old[-1] * 1e3:.0f} ms, "
                f"new {new[-1] * 1e3:.0f} ms, new/old {new[-1] / old[-1]:.3f}",
                flush=True,
            )
    return old, new


def quartiles(values: list[float]) -> tuple[float, float, float]:
    """(q1, median, q3), inclusive method (so 2 or 3 values work too)."""
    if len(values) == 1:
        return values[0], values[0], values[0]
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


@dataclass(frozen=True)
class Paired:
    """One measurement, old vs new: times in ms, ratio = median of the per-pair new / old."""

    name: str
    new_min: float
    new_med: float
    old_min: float
    old_med: float
    ratio: float
    q1: float
    q3: float
    lo: float
    hi: float
    pairs: int
    goal: float | None

    @property
    def verdict(self) -> str:
        if self.goal is None:
            return "-"
        return "PASS" if self.ratio <= self.goal else "FAIL"


def summarize(name: str, old: list[float], new: list[float], goal: float | None) -> Paired:
    """A Paired row from matching lists of seconds (old[i] and new[i] ran side by side)."""
    ratios = [n / o for o, n in zip(old, new, strict=True)]
    q1, med, q3 = quartiles(ratios)
    return Paired(
        name,
        min(new) * 1e3,
        statistics.median(new) * 1e3,
        min(old) * 1e3,
        statistics.median(old) * 1e3,
        med,
        q1,
        q3,
        min(ratios),
        max(ratios),
        len(ratios),
        goal,
    )


def print_paired(title: str, rows: list[Paired], trees: Trees) -> None:
    """A markdown table of the rows; the old column is named after the revision."""
    print(f"\n### {title}\n")
    old = f"{trees.rev} min / median"
    print(f"| measurement | this tree min / median | {old} | new/old (median) | IQR | min–max "
          "| pairs | goal | result |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        goal = f"≤ {r.goal:.2f}×" if r.goal is not None else "-"
        print(
            f"| {r.name} | {r.new_min:.1f} / {r.new_med:.1f} ms | {r.old_min:.1f} / "
            f"{r.old_med:.1f} ms | {r.ratio:.3f}× | {r.q1:.3f}–{r.q3:.3f} | "
            f"{r.lo:.3f}–{r.hi:.3f} | {r.pairs} | {goal} | {r.verdict} |"
        )


def save_paired(name: str, rows: list[Paired], trees: Trees, extra: dict[str, object]) -> Path:
    """bench/results/NAME.json: the rows, both trees' commit / source hash, and `extra`."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    data = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "against": trees.rev,
        "commit": trees.commit,
        "sources": {"old": trees.old_hash, "new": trees.new_hash},
        "load_average": os.getloadavg(),
        "rows": [{**asdict(r), "verdict": r.verdict} for r in rows],
        **extra,
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return path
