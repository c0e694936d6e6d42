"""Where the time of `validate` and of an edit goes: each stage timed alone (min / median).

Run from the repo root: PYTHONPATH=. .venv/bin/python bench/breakdown.py [N ...]
Add --profile for a cProfile listing of one validate run (slower, inflates small calls).
"""

from __future__ import annotations

import cProfile
import gc
import hashlib
import importlib
import io
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import dotenv
from dotenv.parser import parse_stream
from make_env import mid_key, write_project

from relay_tui.infra import safewrite
from relay_tui.project.envfile import EnvFile
from relay_tui.project.envstore import WritePolicy, edit_env
from relay_tui.project.project import Environment, load_project
from relay_tui.project.specs import build_specs
from relay_tui.rules import validate as v


def clock(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    fn()
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times) * 1e3, statistics.median(times) * 1e3


def report(title: str, stages: dict[str, Callable[[], object]], runs: int) -> None:
    print(f"\n### {title}\n\n| stage | min / median ms | share of total (median) |\n|---|---|---|")
    total = 0.0
    for name, fn in stages.items():
        try:
            low, med = clock(fn, runs)
        except Exception as exc:  # relay_tui is being edited: internal names may move
            print(f"| {name} | n/a ({type(exc).__name__}: {exc}) | - |")
            continue
        total = total or med
        print(f"| {name} | {low:.1f} / {med:.1f} | {med / total:.0%} |")


def internal(module: str, name: str) -> Callable[..., object]:
    """A relay_tui internal looked up at call time, so a renamed one fails only its own stage."""
    return lambda *args, **kwargs: getattr(importlib.import_module(module), name)(*args, **kwargs)


NEW = "svc-moved.internal.example.com"


def validate_stages(root: Path, env_path: Path) -> dict[str, Callable[[], object]]:
    project = load_project(root)
    tpl, env, text = project.template, EnvFile.load(env_path), env_path.read_text()
    assert tpl is not None and project.template_path is not None
    tpl_path, specs = project.template_path, project.specs  # specs warm for the rule stages
    lint = internal("relay_tui.rules.checks.lint", "lint")
    check_keys = internal("relay_tui.rules.checks.keys", "check_keys")
    check_reuse = internal("relay_tui.rules.checks.reuse", "check_reuse")
    run = internal("relay_tui.rules.rule", "Run")
    return {
        "TOTAL": lambda: v.validate(load_project(root), git=False),
        "dotenv_values(interpolate=False) (the peer)": lambda: dotenv.dotenv_values(
            env_path, interpolate=False
        ),
        "EnvFile.load(.env)": lambda: EnvFile.load(env_path),
        "dotenv parse_stream, same text (reference)": lambda: list(parse_stream(io.StringIO(text))),
        "EnvFile.load(.env.example)": lambda: EnvFile.load(tpl_path),
        "build_specs (project.specs)": lambda: build_specs(tpl, {}),
        "  of which comments_above, all keys": lambda: [tpl.comments_above(k) for k in specs],
        "lint(.env) + lint(template)": lambda: (lint(env, "d", ".env"), lint(tpl, "t", ".t")),
        "check_keys (reads the file again)": lambda: list(
            check_keys(run(project, ["development"], git=False))
        ),
        "check_reuse (reads the file again)": lambda: list(
            check_reuse(run(project, ["development"], git=False))
        ),
    }


def edit_stages(env_path: Path, key: str) -> dict[str, Callable[[], object]]:
    data, parsed = env_path.read_bytes(), EnvFile.load(env_path)
    env = Environment("development", env_path, protected=False)

    def total() -> None:
        env_path.write_bytes(data)
        edit_env(env, lambda f: f.set(key, NEW), WritePolicy(check_git=False))

    def locked_write() -> None:
        with safewrite.locked(env_path) as target:
            safewrite.write(target, data, expected=None)

    def index_and_set() -> None:
        parsed._index = None
        parsed.set(key, NEW)

    return {
        "TOTAL": total,
        "EnvFile.load (parse + sha256)": lambda: EnvFile.load(env_path),
        "index + set (with verify_roundtrip)": index_and_set,
        "to_bytes": parsed.to_bytes,
        "sha256 of the file (done twice: load, conflict check)": lambda: hashlib.sha256(data),
        "locked + write (2 fsyncs, rename; no conflict check)": locked_write,
    }


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:] if a.isdigit()] or [1000, 10000]
    with tempfile.TemporaryDirectory(prefix="relay-bench-") as tmp:
        for n in sizes:
            root = Path(tmp) / str(n)
            env_path, keys = write_project(root, n)
            runs = 21 if n <= 1000 else 5
            title = f"validate(load_project(P), git=False), {n:,} keys"
            report(title, validate_stages(root, env_path), runs)
            report(f"edit_env, one key, {n:,} keys", edit_stages(env_path, mid_key(keys)), runs)
            if "--profile" in sys.argv:
                profile = cProfile.Profile()
                profile.runcall(v.validate, load_project(root), git=False)
                pstats.Stats(profile).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
