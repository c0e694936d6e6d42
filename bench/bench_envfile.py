"""Parse + validate a .env project, and edit one key, against python-dotenv (paired, in-process).

Run from the repo root: PYTHONPATH=. .venv/bin/python bench/bench_envfile.py [--quick]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path

import dotenv
from make_env import mid_key, write_project
from timing import Row, make_row, paired, print_table, save

from relay_tui.project.envfile import EnvFile
from relay_tui.project.envstore import WritePolicy, edit_env
from relay_tui.project.project import Environment, load_project
from relay_tui.rules.validate import validate

QUICK = "--quick" in sys.argv
NEW_VALUE = "svc-moved.internal.example.com"


def parse_validate(root: Path) -> int:
    """The work of `relay-tui validate --no-git`: load the project, run every rule."""
    return len(validate(load_project(root), git=False).findings)


def bench_parse(root: Path, n: int, pairs: int) -> list[Row]:
    env = root / ".env"
    a, b = paired(
        lambda: parse_validate(root),
        lambda: dotenv.dotenv_values(env, interpolate=False),
        pairs=pairs,
    )
    rows = [make_row(f"parse + validate, {n:,} keys (vs interpolate=False)", a, b, 2.0)]
    c, d = paired(
        lambda: EnvFile.load(env),
        lambda: dotenv.dotenv_values(env, interpolate=False),
        pairs=pairs,
    )
    rows.append(make_row(f"`EnvFile.load` alone, {n:,} keys (vs interpolate=False)", c, d, None))
    return rows


def bench_edit(base: Path, n: int, pairs: int) -> tuple[Row, str]:
    env_path, keys = write_project(base / "ours", n)
    peer_path, _ = write_project(base / "peer", n)
    original = env_path.read_bytes()
    key = mid_key(keys)
    env = Environment("development", env_path, protected=False)
    policy = WritePolicy(check_git=False)

    def restore() -> None:
        env_path.write_bytes(original)
        peer_path.write_bytes(original)

    def ours() -> None:
        edit_env(env, lambda f: f.set(key, NEW_VALUE), policy)

    def peer() -> None:
        dotenv.set_key(peer_path, key, NEW_VALUE)

    a, b = paired(ours, peer, pairs=pairs, setup=restore)
    restore()
    ours()
    check = diff_check(original, env_path.read_bytes(), key)
    return make_row(f"edit 1 mid-file key, {n:,} keys (vs `set_key`)", a, b, 1.0), check


def diff_check(old: bytes, new: bytes, key: str) -> str:
    """Verify only the line of `key` changed; returns a one-line description."""
    before, after = old.splitlines(keepends=True), new.splitlines(keepends=True)
    if len(before) != len(after):
        return f"FAIL: line count {len(before)} -> {len(after)}"
    changed = [i for i, (x, y) in enumerate(zip(before, after, strict=True)) if x != y]
    if len(changed) == 1 and after[changed[0]].startswith(f"{key}=".encode()):
        return f"OK: only line {changed[0] + 1} ({key}) changed; {len(old)} -> {len(new)} bytes"
    return f"FAIL: changed lines {[i + 1 for i in changed[:10]]}"


def scaling(base: Path, pairs: int) -> dict[str, float]:
    """10k/1k time ratios, each 10k run paired with an adjacent 1k run (the machine drifts)."""
    small, large = base / "p1k", base / "p10k"
    cases: dict[str, tuple[Callable[[], object], Callable[[], object]]] = {
        "ours (parse + validate)": (partial(parse_validate, large), partial(parse_validate, small)),
        "dotenv_values(interpolate=False)": (
            partial(dotenv.dotenv_values, large / ".env", interpolate=False),
            partial(dotenv.dotenv_values, small / ".env", interpolate=False),
        ),
        "dotenv_values() default, interpolating": (
            partial(dotenv.dotenv_values, large / ".env"),
            partial(dotenv.dotenv_values, small / ".env"),
        ),
    }
    result = {}
    for name, (big, little) in cases.items():
        n = pairs if name.startswith("ours") or "False" in name else min(pairs, 3)
        a, b = paired(big, little, pairs=n, warmup=0)
        result[name] = statistics.median(x / y for x, y in zip(a, b, strict=True))
    return result


def main() -> None:
    pairs = 4 if QUICK else 12
    with tempfile.TemporaryDirectory(prefix="relay-bench-") as tmp:
        base = Path(tmp)
        write_project(base / "p1k", 1000)
        write_project(base / "p10k", 10000)
        rows1 = bench_parse(base / "p1k", 1000, pairs)
        rows10 = bench_parse(base / "p10k", 10000, max(pairs // 2, 3))
        edit_row, check = bench_edit(base, 10000, pairs)
        scales = scaling(base, max(pairs // 2, 3))
        report = validate(load_project(base / "p1k"), git=False)
        codes = Counter(f.code for f in report.findings)
    rows = [*rows1, *rows10, edit_row]
    print_table(".env parse/validate/edit vs python-dotenv 1.2.4", rows, "python-dotenv")
    print("\nscaling 10k/1k (median of adjacent-pair ratios):")
    for name, scale in scales.items():
        verdict = ("PASS" if scale <= 12 else "FAIL") if name.startswith("ours") else ""
        print(f"  {name}: {scale:.1f}x {'(goal ≤ 12x) ' + verdict if verdict else ''}")
    print(f"edit check: {check}")
    print(f"validate findings on the 1,000-key project: {dict(codes)}")
    save(
        "envfile",
        rows,
        {"scaling": scales, "edit": check, "codes": codes},
    )


if __name__ == "__main__":
    main()
