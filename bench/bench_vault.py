"""Vault KV against raw HTTP, hvac and the bao CLI, side by side on one real OpenBao dev server."""

# Run from the repo root: PYTHONPATH=. .venv/bin/python bench/bench_vault.py [--quick]

from __future__ import annotations

import contextlib
import http.client
import io
import json
import os
import random
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

import hvac
from bench_cli import Rounds, row
from timing import RESULTS, Row, ensure_bytecode, make_row, paired, print_table, save

from relay_tui.project.envfile import EnvFile
from relay_tui.stores.vault.config import resolve
from relay_tui.stores.vault.store import VaultStore
from relay_tui.stores.vault.tokens import ledger_path
from tests.vault.baoserver import BaoServer, find_bao

QUICK = "--quick" in sys.argv
REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
N_PATHS = 1000  # paths read and written in (1) and (2)
FIELDS = ("DB_HOST", "DB_PASSWORD", "API_TOKEN", "JWT_SECRET_KEY", "REDIS_URL")
PULL_KEYS = 1000  # keys of the path pulled in (3)
CLI_KEYS = 100  # keys of the path pulled by the whole process in (4)
ENV_NAME = "bench"
RNG = random.Random(42)


def value() -> str:
    """A 48-character hex value (safe unquoted in a shell and in a .env file)."""
    return RNG.randbytes(24).hex()


def record() -> dict[str, str]:
    """The fields of one path in (1) and (2): five keys, about 330 bytes of JSON."""
    return {name: value() for name in FIELDS}


class Raw:
    """One kept-alive http.client connection to the server: the floor every client is held to."""

    def __init__(self, server: BaoServer) -> None:
        host, port = server.addr.rsplit("/", 1)[-1].rsplit(":", 1)
        self.conn = http.client.HTTPConnection(host, int(port), timeout=10)
        self.headers = {"X-Vault-Token": server.root_token}

    def get(self, path: str) -> Any:
        """GET /v1/secret/data/PATH and decode the JSON body."""
        self.conn.request("GET", f"/v1/secret/data/{path}", headers=self.headers)
        return json.loads(self.conn.getresponse().read())

    def put(self, path: str, data: dict[str, str]) -> None:
        """Write a KV v2 secret (no check-and-set), for seeding."""
        body = json.dumps({"data": data}).encode()
        headers = {**self.headers, "Content-Type": "application/json"}
        self.conn.request("POST", f"/v1/secret/data/{path}", body=body, headers=headers)
        response = self.conn.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"seeding {path} failed with HTTP {response.status}")

    def patch(self, path: str, data: dict[str, str]) -> None:
        """Merge `data` into a KV v2 secret (a JSON merge patch), for seeding."""
        body = json.dumps({"data": data}).encode()
        headers = {**self.headers, "Content-Type": "application/merge-patch+json"}
        self.conn.request("PATCH", f"/v1/secret/data/{path}", body=body, headers=headers)
        response = self.conn.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"patching {path} failed with HTTP {response.status}")

    def close(self) -> None:
        self.conn.close()


def seed_large(server: BaoServer, path: str, data: dict[str, str]) -> None:
    """Write a path of many keys in chunks of 400: OpenBao (2.4.1 and later) refuses request
    bodies of more than 1,000 JSON strings (keys and values) by default."""
    items = list(data.items())
    server.kv2_put(path, dict(items[:400]))
    raw = Raw(server)
    for start in range(400, len(items), 400):
        raw.patch(path, dict(items[start : start + 400]))
    raw.close()


@contextlib.contextmanager
def counting() -> Iterator[list[str]]:
    """Record `METHOD /url` of every HTTP request sent on the wire (http.client) meanwhile."""
    seen: list[str] = []
    original = http.client.HTTPConnection.request

    def request(self: http.client.HTTPConnection, method: str, url: str, *a: Any, **k: Any) -> None:
        seen.append(f"{method} {url}")
        original(self, method, url, *a, **k)

    http.client.HTTPConnection.request = request  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        http.client.HTTPConnection.request = original  # type: ignore[method-assign]


# -- (1) and (2): in-process reads and writes ---------------------------------------------------


def bench_reads(server: BaoServer, store: VaultStore, pairs: int) -> tuple[list[Row], list[str]]:
    """1,000 reads: VaultStore.read and hvac's default client, each paired with raw GETs."""
    paths = [f"bench/read/p{i:04d}" for i in range(N_PATHS)]
    raw = Raw(server)
    for path in paths:
        raw.put(path, record())
    client = hvac.Client(url=server.addr, token=server.root_token)
    kv2 = client.secrets.kv.v2

    def ours() -> None:
        for path in paths:
            store.read(f"secret/{path}")

    def peer() -> None:
        for path in paths:
            raw.get(path)

    def default_hvac() -> None:
        for path in paths:
            kv2.read_secret_version(path=path, raise_on_deleted_version=True)

    ours()  # the mount lookup and the token note happen once, on the first read
    with counting() as seen:
        ours()
    assert all(s.startswith("GET /v1/secret/data/bench/read/") for s in seen), seen[:3]
    check = [f"{len(seen)} requests for {N_PATHS} `VaultStore.read` calls (after the first)"]
    assert store.read(f"secret/{paths[7]}").data == raw.get(paths[7])["data"]["data"]
    a, b = paired(ours, peer, pairs=pairs)
    c, d = paired(default_hvac, peer, pairs=pairs)
    raw.close()
    client.adapter.close()
    rows = [
        make_row(f"read {N_PATHS:,} paths: `VaultStore.read` vs raw keep-alive GET", a, b, 1.25),
        make_row(f"read {N_PATHS:,} paths: hvac default client vs raw (reference)", c, d, None),
    ]
    return rows, check


def bench_writes(server: BaoServer, store: VaultStore, pairs: int) -> list[Row]:
    """1,000 writes: VaultStore.write (with and without a known version) vs hvac's writes."""
    client = hvac.Client(url=server.addr, token=server.root_token)
    kv2 = client.secrets.kv.v2
    data = record()
    ours_paths = [f"secret/bench/w-ours/p{i:04d}" for i in range(N_PATHS)]
    cas_paths = [f"secret/bench/w-cas/p{i:04d}" for i in range(N_PATHS)]
    peer_paths = [f"bench/w-hvac/p{i:04d}" for i in range(N_PATHS)]
    versions = dict.fromkeys(cas_paths, 0)

    def ours() -> None:
        for path in ours_paths:
            store.write(path, data)

    def ours_cas() -> None:
        for path in cas_paths:
            versions[path] = store.write(path, data, cas=versions[path]) or 0

    def peer() -> None:
        for path in peer_paths:
            kv2.create_or_update_secret(path=path, secret=data)

    a, b = paired(ours, peer, pairs=pairs)
    c, d = paired(ours_cas, peer, pairs=pairs)
    client.adapter.close()
    return [
        make_row(
            f"write {N_PATHS:,} paths: `VaultStore.write(path, data)` (reads the version, "
            "then writes with check-and-set) vs hvac `create_or_update_secret`",
            a,
            b,
            1.0,
        ),
        make_row(
            f"write {N_PATHS:,} paths: `VaultStore.write(path, data, cas=known)` (one request) "
            "vs hvac",
            c,
            d,
            1.0,
        ),
    ]


# -- (3): the requests of a pull ----------------------------------------------------------------


def make_project(root: Path, vault_path: str) -> Path:
    """A project in its own git repo that ignores .env*, with one environment on `vault_path`."""
    root.mkdir(parents=True)
    (root / "relay.toml").write_text(
        f'[project]\nname = "bench"\n\n[environments.{ENV_NAME}]\nfile = ".env.{ENV_NAME}"\n'
        f'vault_path = "{vault_path}"\n'
    )
    (root / ".gitignore").write_text(".env*\n")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def count_pull(server: BaoServer, root: Path) -> dict[str, Any]:
    """Run `vault pull` in-process twice (new token, known token); list every HTTP request."""
    from relay_tui.cli import main

    keys = {f"KEY_{i:04d}": value() for i in range(PULL_KEYS)}
    seed_large(server, "bench/pull1k", keys)
    env_file = root / f".env.{ENV_NAME}"
    facts: dict[str, Any] = {}
    ledger_path().unlink(missing_ok=True)  # forget the token, as on a first run
    for label in ("first pull (token not yet noted)", "later pull"):
        env_file.unlink(missing_ok=True)
        argv = ["vault", "pull", "--env", ENV_NAME, "--project", str(root)]
        with (
            counting() as seen,
            contextlib.redirect_stdout(io.StringIO()),
            contextlib.redirect_stderr(io.StringIO()),
        ):
            code = main(argv)
        pulled = EnvFile.load(env_file).values()
        if code != 0 or pulled != keys:
            raise SystemExit(f"vault pull exited {code} with {len(pulled)} of {len(keys)} keys")
        data_reads = sum(1 for s in seen if s.startswith("GET /v1/secret/data/bench/pull1k"))
        facts[label] = {"requests": seen, "data_reads": data_reads}
    store = VaultStore(resolve())
    try:  # what `vault push` of a 1,000-key environment meets on a default OpenBao listener
        store.write("secret/bench/push1k", keys, cas=0)
        facts["write of 1,000 keys in one request"] = "ok"
    except Exception as exc:
        facts["write of 1,000 keys in one request"] = f"{type(exc).__name__}: {exc}"
    store.close()
    return facts


# -- (4) and (5): whole processes ---------------------------------------------------------------


Timed = tuple[Rounds, list[list[float]]]  # wall seconds per run; mean CPU seconds per round


def hyperfine(
    label: str,
    cmds: list[list[str]],
    plan: tuple[int, int, int],
    env: dict[str, str],
    cwd: Path,
    prepare: list[str] | None = None,
) -> Timed:
    """Seconds per run of each command, per hyperfine call (command order alternates)."""
    runs, rounds, warmup = plan
    times: Rounds = [[] for _ in cmds]
    cpu: list[list[float]] = [[] for _ in cmds]
    for r in range(rounds):
        order = list(range(len(cmds))) if r % 2 == 0 else list(reversed(range(len(cmds))))
        out = RESULTS / f"hyperfine-vault-{label}-{r}.json"
        args = ["hyperfine", "-N", "--warmup", str(warmup), "--runs", str(runs), "--style", "none"]
        if prepare:
            args += ["--prepare", shlex.join(prepare)]
        args += ["--export-json", str(out), *(shlex.join(cmds[i]) for i in order)]
        subprocess.run(args, check=True, env=env, stdout=subprocess.DEVNULL, cwd=cwd)
        for i, result in zip(order, json.loads(out.read_text())["results"], strict=True):
            times[i].append(result["times"])
            cpu[i].append(result["user"] + result["system"])
    return times, cpu


def loop(
    label: str,
    cmds: list[list[str]],
    plan: tuple[int, int, int],
    env: dict[str, str],
    cwd: Path,
    prepare: list[str] | None = None,
) -> Timed:
    """The same without hyperfine: one run of each command per turn, order alternating."""
    runs, rounds, warmup = plan
    times: Rounds = [[[] for _ in range(rounds)] for _ in cmds]
    cpu: Rounds = [[[] for _ in range(rounds)] for _ in cmds]
    for turn in range(warmup + runs * rounds):
        order = range(len(cmds)) if turn % 2 == 0 else reversed(range(len(cmds)))
        for i in order:
            if prepare:
                subprocess.run(prepare, check=True, cwd=cwd)
            used = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(cmds[i], env=env, cwd=cwd, capture_output=True, check=True)
            elapsed = time.perf_counter() - start
            now = resource.getrusage(resource.RUSAGE_CHILDREN)
            if turn >= warmup:
                times[i][(turn - warmup) // runs].append(elapsed)
                spent = now.ru_utime - used.ru_utime + now.ru_stime - used.ru_stime
                cpu[i][(turn - warmup) // runs].append(spent)
    return times, [[statistics.mean(r) for r in c] for c in cpu]


Measure = Callable[..., Timed]


def cpu_row(name: str, ours: list[float], peer: list[float]) -> Row:
    """A reference row of CPU time (user + system): min / median of the per-round means."""
    ratio = statistics.median(a / b for a, b in zip(ours, peer, strict=True))
    med = statistics.median
    return Row(
        name, min(ours) * 1e3, med(ours) * 1e3, min(peer) * 1e3, med(peer) * 1e3, ratio, None
    )


def bench_pull_cli(
    server: BaoServer, env: dict[str, str], root: Path, tmp: Path, measure: Measure
) -> tuple[list[Row], dict[str, str]]:
    """`relay-tui vault pull` of a 100-key path vs a shell loop of 100 `bao kv get -field`."""
    keys = {f"KEY_{i:03d}": value() for i in range(CLI_KEYS)}
    server.kv2_put("bench/pull100", keys)
    env_file, peer_file = root / f".env.{ENV_NAME}", tmp / "peer.env"
    script = tmp / "bao-loop.sh"
    script.write_text(
        f"for k in {' '.join(keys)}; do\n"
        f'  printf "%s=%s\\n" "$k" "$({shlex.quote(find_bao())} kv get -field="$k" '
        f'secret/bench/pull100)"\n'
        f"done > {shlex.quote(str(peer_file))}\n"
    )
    ours = [PY, "-m", "relay_tui", "vault", "pull", "--env", ENV_NAME, "--project", str(root)]
    peer = ["sh", str(script)]
    prepare = ["rm", "-f", str(env_file), str(peer_file)]
    subprocess.run(prepare, check=True)
    for cmd in (ours, peer):  # both must produce the same 100 keys before anything is timed
        subprocess.run(cmd, env=env, cwd=tmp, capture_output=True, check=True)
    peer_values = dict(line.split("=", 1) for line in peer_file.read_text().splitlines())
    if EnvFile.load(env_file).values() != keys or peer_values != keys:
        raise SystemExit("vault pull and the bao loop did not both write the 100 keys")
    plan = (2, 1, 0) if QUICK else (3, 2, 1)
    times, cpu = measure("pull", [ours, peer], plan, env, tmp, prepare)
    name = f"whole process `vault pull` of a {CLI_KEYS}-key path vs {CLI_KEYS} × `bao kv get`"
    rows = [row(name, times[0], times[1], 1.0), cpu_row("same, CPU time (user + sys)", *cpu)]
    return rows, {"bao_loop": script.read_text()}


def bench_get_cli(server: BaoServer, env: dict[str, str], tmp: Path, measure: Measure) -> list[Row]:
    """`relay-tui vault get PATH -field KEY` vs a `python -c` importing hvac and reading it."""
    server.kv2_put("bench/get", record())
    ours = [PY, "-m", "relay_tui", "vault", "get", "secret/bench/get", "-field", "API_TOKEN"]
    code = (
        "import hvac,os; c=hvac.Client(url=os.environ['BAO_ADDR'],token=os.environ['BAO_TOKEN']); "
        "print(c.secrets.kv.v2.read_secret_version(path='bench/get', "
        "raise_on_deleted_version=True)['data']['data']['API_TOKEN'], end='')"
    )
    peer = [PY, "-c", code]
    floor = [PY, "-c", "import hvac"]
    outputs = {
        subprocess.run(c, env=env, cwd=tmp, capture_output=True, check=True).stdout
        for c in (ours, peer)
    }
    if len(outputs) != 1:
        raise SystemExit(f"vault get and the hvac one-shot printed different values: {outputs}")
    plan = (10, 2, 3) if QUICK else (20, 5, 3)
    times, cpu = measure("get", [ours, peer, floor], plan, env, tmp)
    name = "whole process `vault get PATH -field KEY` vs hvac `python -c`"
    return [
        row(name, times[0], times[1], 1.2),
        cpu_row("same, CPU time (user + sys)", cpu[0], cpu[1]),
        row("`python -c 'import hvac'` (floor)", times[2], times[1], None),
    ]


# -- main ---------------------------------------------------------------------------------------


def main() -> None:
    ensure_bytecode()
    RESULTS.mkdir(exist_ok=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="relay-bench-vault-") as name:
        tmp = Path(name)
        server = BaoServer(tmp / "bao")
        try:
            server.start()
            for var in [k for k in os.environ if k.startswith(("VAULT_", "BAO_", "RELAY_TUI"))]:
                del os.environ[var]
            # This process and the child processes get the server, a token and their own HOME.
            home = tmp / "home"
            home.mkdir()
            os.environ |= {"BAO_ADDR": server.addr, "BAO_TOKEN": server.root_token}
            os.environ |= {"HOME": str(home)}
            env = {
                "PATH": os.environ.get("PATH", os.defpath),
                "HOME": str(home),
                "BAO_ADDR": server.addr,
                "BAO_TOKEN": server.root_token,
                "PYTHONPATH": str(REPO),
                "PYTHONPYCACHEPREFIX": str(tmp / "pycache"),  # as an installed wheel: .pyc kept
                "NO_COLOR": "1",
            }
            server.kv2_put("bench/warm", {"a": "b"})  # waits out a fresh mount's upgrade
            store = VaultStore(resolve(home=home))
            pairs = 3 if QUICK else 10
            rows, checks = bench_reads(server, store, pairs)
            rows += bench_writes(server, store, 2 if QUICK else 6)
            store.close()
            pull = count_pull(server, make_project(tmp / "pull1k", "bench/pull1k"))
            measure: Measure = hyperfine if shutil.which("hyperfine") else loop
            root = make_project(tmp / "pull100", "bench/pull100")
            pull_rows, script = bench_pull_cli(server, env, root, tmp, measure)
            rows += pull_rows
            rows += bench_get_cli(server, env, tmp, measure)
        finally:
            server.stop()
    bao_version = subprocess.run([find_bao(), "version"], capture_output=True, text=True)
    versions = {
        "openbao": bao_version.stdout.split(" (")[0].strip(),
        "hvac": version("hvac"),
        "requests": version("requests"),
        "tool": measure.__name__,
    }
    print(f"\n{', '.join(f'{k} {v}' for k, v in versions.items())}")
    print_table(f"Vault KV on one OpenBao dev server ({measure.__name__})", rows, "peer")
    read = rows[0]
    print(f"\nthroughput of VaultStore.read: {1 / read.ratio:.2f}x raw (goal ≥ 0.80x)")
    print(f"throughput of hvac's default client: {1 / rows[1].ratio:.2f}x raw")
    print(f"sanity: {checks[0]}")
    print(f"\nHTTP requests of `vault pull --env {ENV_NAME}` ({PULL_KEYS} keys in one path):")
    for label, facts in pull.items():
        if isinstance(facts, str):
            print(f"  {label}: {facts}")
            continue
        reads, verdict = facts["data_reads"], "PASS" if facts["data_reads"] == 1 else "FAIL"
        print(f"  {label}: {len(facts['requests'])} requests, data reads {reads} ({verdict})")
        for line in facts["requests"]:
            print(f"    {line}")
    print(f"\nbench_vault.py took {time.perf_counter() - started:.0f} s")
    save("vault", rows, {**versions, "pull_requests": pull, "checks": checks, **script})


if __name__ == "__main__":
    main()
