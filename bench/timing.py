"""Paired in-process timing (A B A B ...) and a small results table shared by the bench scripts."""

from __future__ import annotations

import gc
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
REPO = Path(__file__).resolve().parent.parent


def ensure_bytecode() -> None:
    """Compile relay_tui's .pyc files, as an installed package has them.

    With PYTHONDONTWRITEBYTECODE set (some CI images do), every process would otherwise compile
    relay_tui's sources again while hvac and textual load from their installed .pyc files.
    """
    import compileall

    compileall.compile_dir(REPO / "relay_tui", quiet=1)


@dataclass(frozen=True)
class Row:
    """One measurement of ours against a peer, in milliseconds; ratio = paired median."""

    name: str
    ours_min: float
    ours_med: float
    peer_min: float
    peer_med: float
    ratio: float
    goal: float | None
    unit: str = "ms"

    @property
    def verdict(self) -> str:
        if self.goal is None:
            return "-"
        return "PASS" if self.ratio <= self.goal else "FAIL"


def _once(fn: Callable[[], object], setup: Callable[[], object] | None, inner: int) -> float:
    if setup is not None:
        setup()
    gc.collect()
    start = time.perf_counter()
    for _ in range(inner):
        fn()
    return (time.perf_counter() - start) / inner


def paired(
    ours: Callable[[], object],
    peer: Callable[[], object],
    *,
    pairs: int = 10,
    warmup: int = 1,
    inner: int = 1,
    setup: Callable[[], object] | None = None,
) -> tuple[list[float], list[float]]:
    """Seconds per call of `ours` and `peer`, alternating which runs first in each pair."""
    for _ in range(warmup):
        _once(ours, setup, inner)
        _once(peer, setup, inner)
    a: list[float] = []
    b: list[float] = []
    for i in range(pairs):
        if i % 2 == 0:
            a.append(_once(ours, setup, inner))
            b.append(_once(peer, setup, inner))
        else:
            b.append(_once(peer, setup, inner))
            a.append(_once(ours, setup, inner))
    return a, b


def make_row(
    name: str, a: list[float], b: list[float], goal: float | None, *, scale: float = 1e3
) -> Row:
    """A Row from paired samples (seconds); `scale` 1e3 gives ms, 1e6 gives µs."""
    ratio = statistics.median(x / y for x, y in zip(a, b, strict=True))
    return Row(
        name,
        min(a) * scale,
        statistics.median(a) * scale,
        min(b) * scale,
        statistics.median(b) * scale,
        ratio,
        goal,
        "ms" if scale == 1e3 else "µs",
    )


def fmt(value: float) -> str:
    return f"{value:.3g}" if value < 10 else f"{value:.1f}"


def print_table(title: str, rows: list[Row], peer_name: str = "peer") -> None:
    """Print a markdown table of the rows."""
    print(f"\n### {title}\n")
    print(f"| measurement | ours min / median | {peer_name} min / median | ratio | goal | result |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        goal = f"≤ {r.goal:.2f}x" if r.goal is not None else "-"
        print(
            f"| {r.name} | {fmt(r.ours_min)} / {fmt(r.ours_med)} {r.unit} "
            f"| {fmt(r.peer_min)} / {fmt(r.peer_med)} {r.unit} | {r.ratio:.2f}x | {goal} "
            f"| {r.verdict} |"
        )


def save(name: str, rows: list[Row], extra: dict[str, object] | None = None) -> Path:
    """Write the rows (and any extra facts) to bench/results/NAME.json."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    data = {"rows": [{**asdict(r), "verdict": r.verdict} for r in rows], **(extra or {})}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return path
