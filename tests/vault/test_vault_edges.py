"""Vault failures and races against a real OpenBao: tokens, quotas, size, redirects, protection."""

from __future__ import annotations

import http.server
import json
import os
import secrets
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from relay_tui.errors import BackendError
from relay_tui.stores.vault import tokens as vault_tokens
from tests.conftest import git
from tests.vault.helpers import relay, relay_env, store_for

STAGING_TOML = (
    '[environments.staging]\nfile = ".env.staging"\nvault_path = "edge/staging"\n'
    '[environments.production]\nfile = ".env.production"\nvault_path = "edge/production"\n'
)


@pytest.fixture
def sync_project(tmp_path: Path) -> Path:
    """A git repo with staging and production environments, their files ignored."""
    git(tmp_path, "init", "-q")
    (tmp_path / ".gitignore").write_text(".env*\n")
    (tmp_path / "relay.toml").write_text(STAGING_TOML)
    return tmp_path


class TestTokens:
    """The server says "permission denied" for a wrong, an expired and a revoked token alike."""

    def _short_token(self, bao: object, ttl: str) -> str:
        """A token with the default policy (it may look itself up) that can read secret/tok/*."""
        policy = 'path "secret/data/tok/*" { capabilities = ["read"] }'
        bao.expect({204}, "PUT", "sys/policies/acl/tok-read", {"policy": policy})  # type: ignore[attr-defined]
        body = bao.expect(  # type: ignore[attr-defined]
            {200}, "POST", "auth/token/create", {"policies": ["default", "tok-read"], "ttl": ttl}
        )
        return str(body["auth"]["client_token"])

    def test_expired_token_says_when(self, bao) -> None:
        bao.kv2_put("tok/x", {"a": "1"})
        token = self._short_token(bao, "3s")
        assert store_for(bao.addr, token).read("secret/tok/x").data == {"a": "1"}
        time.sleep(3.5)
        with pytest.raises(BackendError, match=r"rejected the token .*: it expired at") as err:
            store_for(bao.addr, token).read("secret/tok/x")
        assert token not in str(err.value) and bao.addr in str(err.value)

    def test_revoked_token_is_told_from_a_wrong_one(self, bao) -> None:
        token = self._short_token(bao, "1h")
        relay(bao, "vault", "status", extra={"BAO_TOKEN": token})
        bao.expect({204}, "POST", "auth/token/revoke", {"token": token})
        with pytest.raises(BackendError, match=r"it was accepted here on .* so it was revoked"):
            store_for(bao.addr, token).read("secret/tok/x")
        with pytest.raises(BackendError, match="it is wrong, or it expired or was revoked before"):
            store_for(bao.addr, "s.never-seen-anywhere").read("secret/tok/x")

    def test_token_of_another_server_says_which(self, bao) -> None:
        vault_tokens.remember("s.from-elsewhere", "https://vault.example:8200", "", None)
        with pytest.raises(
            BackendError, match=r"belongs to another server: https://vault\.example"
        ):
            store_for(bao.addr, "s.from-elsewhere").read("secret/tok/x")

    def test_ledger_holds_no_token(self, bao, isolated_home: Path) -> None:
        store_for(bao.addr, bao.root_token).read("secret/tok/x")
        text = vault_tokens.ledger_path().read_text()
        assert bao.root_token not in text and bao.addr in text
        assert vault_tokens.ledger_path().stat().st_mode & 0o077 == 0


def test_ledger_is_written_0600_and_never_through_a_link(tmp_path: Path) -> None:
    token = "s." + secrets.token_urlsafe(18)
    vault_tokens.remember(token, "https://a.example:8200", "", None)
    ledger = vault_tokens.ledger_path()
    assert stat.S_IMODE(ledger.stat().st_mode) == 0o600 and token not in ledger.read_text()
    os.chmod(ledger, 0o644)
    vault_tokens.remember(token, "https://b.example:8200", "", None)
    assert stat.S_IMODE(ledger.stat().st_mode) == 0o600
    assert {s.addr for s in vault_tokens.recall(token)} == {
        "https://a.example:8200",
        "https://b.example:8200",
    }
    decoy = tmp_path / "decoy.json"
    decoy.write_text("{}")
    ledger.unlink()
    ledger.symlink_to(decoy)
    vault_tokens.remember(token, "https://c.example:8200", "", None)  # a hint: no error
    assert ledger.is_symlink() and decoy.read_text() == "{}"
    assert [p.name for p in ledger.parent.iterdir()] == ["tokens.json"]


def test_rate_limit_is_retried_then_explained(bao) -> None:
    bao.expect({204}, "POST", "sys/mounts/limited", {"type": "kv", "options": {"version": "2"}})
    bao.kv2_put("x", {"a": "1"}, mount="limited")
    quota = {"path": "limited/", "rate": 1, "interval": "60s"}
    bao.expect({204}, "POST", "sys/quotas/rate-limit/edge-test", quota)
    store = store_for(bao.addr, bao.root_token)
    try:
        with pytest.raises(BackendError, match=r"rate limiting requests \(429\), still after 2"):
            for _ in range(3):
                store.read("limited/x")
    finally:
        bao.expect({204}, "DELETE", "sys/quotas/rate-limit/edge-test")


def test_a_value_too_large_is_refused_clearly(bao, tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * (33 * 1024 * 1024))
    result = relay(bao, "vault", "put", "secret/edge/big", f"blob=@{big}")
    assert result.returncode == 3, result.stderr
    assert "too large" in result.stderr and bao.addr in result.stderr
    assert "Traceback" not in result.stderr


def test_non_string_values_are_pulled_as_json_text_and_said(bao, sync_project: Path) -> None:
    data = {"PORT": 8080, "FLAGS": {"a": True}, "NAME": "relay"}
    bao.expect({200}, "POST", "secret/data/edge/staging", {"data": data})
    args = ("--project", str(sync_project))
    result = relay(bao, "vault", "pull", "--env", "staging", *args)
    assert result.returncode == 0, result.stderr
    assert "non-string values in Vault, written as JSON text: FLAGS, PORT" in result.stderr
    from dotenv import dotenv_values

    pulled = dotenv_values(sync_project / ".env.staging", interpolate=False)
    assert pulled == {"PORT": "8080", "FLAGS": '{"a": true}', "NAME": "relay"}
    pushed = relay(bao, "vault", "push", "--env", "staging", *args)
    assert pushed.returncode == 0 and "in sync" in pushed.stdout + pushed.stderr


def test_protected_environment_needs_yes_for_pull_and_push(bao, sync_project: Path) -> None:
    bao.kv2_put("edge/production", {"K": "from-vault"})
    env_file = sync_project / ".env.production"
    env_file.write_text("# prod\nK=local\n")
    args = ("--project", str(sync_project), "--env", "production")
    for command in ("pull", "push"):
        refused = relay(bao, "vault", command, *args)
        assert refused.returncode == 4 and "production" in refused.stderr, refused.stderr
        assert "--yes" in refused.stderr
    assert env_file.read_text() == "# prod\nK=local\n"
    assert bao.cli("kv", "get", "-field=K", "secret/edge/production").stdout == "from-vault"
    assert relay(bao, "vault", "pull", *args, "--yes").returncode == 0
    assert env_file.read_text() == "# prod\nK=from-vault\n"
    env_file.write_text("# prod\nK=newer\n")
    read_only = relay(bao, "vault", "push", *args, "--yes", "--read-only")
    assert read_only.returncode == 4 and "read-only" in read_only.stderr
    assert bao.cli("kv", "get", "-field=K", "secret/edge/production").stdout == "from-vault"


def test_push_refuses_a_change_made_after_the_plan(bao, sync_project: Path) -> None:
    from relay_tui.errors import ConflictError
    from relay_tui.project.envfile import EnvFile
    from relay_tui.project.envstore import WritePolicy
    from relay_tui.project.project import load_project
    from relay_tui.stores.plans import apply_push, make_plan

    bao.kv2_put("edge/staging", {"A": "1"})
    before = bao.expect({200}, "GET", "secret/metadata/edge/staging")["data"]["current_version"]
    (sync_project / ".env.staging").write_text("A=2\n")
    project = load_project(sync_project)
    env = project.environment("staging")
    store = store_for(bao.addr, bao.root_token)
    plan = make_plan(store, project, env, EnvFile.load(env.file), f"secret/{env.vault_path}")
    bao.kv2_put("edge/staging", {"A": "1", "B": "someone else"})
    with pytest.raises(ConflictError, match=f"version {before + 1}, not {before} as read"):
        apply_push(store, plan, env, WritePolicy())
    assert store.read("secret/edge/staging").data == {"A": "1", "B": "someone else"}


def test_racing_cli_writers_lose_nothing(bao) -> None:
    """Eight `vault put` processes on one path: each either lands or is refused (exit 4)."""
    bao.kv2_put("edge/race", {"seed": "0"})
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "relay_tui", "vault", "put", "secret/edge/race", f"k{i}=-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=relay_env(bao.env()),
        )
        for i in range(8)
    ]
    results = [p.communicate(input=f"v{i}".encode(), timeout=60) for i, p in enumerate(procs)]
    codes = [p.returncode for p in procs]
    assert set(codes) <= {0, 4}, [r[1] for r in results]
    final = store_for(bao.addr, bao.root_token).read("secret/edge/race").data
    landed = {f"k{i}" for i, code in enumerate(codes) if code == 0}
    assert landed and landed <= set(final), (codes, final)
    assert set(final) - {"seed"} == landed  # refused writers left no trace
    for (_out, err), code in zip(results, codes, strict=True):
        if code == 4:
            assert b"changed on" in err and b"nothing was written" in err


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: list[dict[str, str]]
    redirect_to = ""

    def do_GET(self) -> None:
        self.seen.append(dict(self.headers))
        if self.redirect_to:
            self.send_response(307)
            self.send_header("Location", self.redirect_to + self.path)
        else:
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def redirecting() -> Iterator[tuple[str, list[dict[str, str]]]]:
    """(address of a server redirecting everything, requests seen by the redirect target)."""
    target_seen: list[dict[str, str]] = []
    target = type("Target", (_Recorder,), {"seen": target_seen})
    front = type("Front", (_Recorder,), {"seen": []})
    servers = [http.server.ThreadingHTTPServer(("127.0.0.1", 0), h) for h in (target, front)]
    front.redirect_to = f"http://127.0.0.1:{servers[0].server_address[1]}"
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for thread in threads:
        thread.start()
    try:
        yield f"http://127.0.0.1:{servers[1].server_address[1]}", target_seen
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def test_a_redirect_never_carries_the_token(redirecting) -> None:
    addr, target_seen = redirecting
    with pytest.raises(BackendError, match="redirected the request") as err:
        store_for(addr, "s.precious").read("secret/x")
    assert target_seen == [] and "s.precious" not in str(err.value)


def test_tls_variables_are_read_when_the_client_is_made(tls_bao, monkeypatch) -> None:
    """hvac and relay_tui are imported first; VAULT_CACERT set afterwards still applies."""
    script = (
        "import os, hvac, relay_tui.stores.vault.store as v, relay_tui.stores.vault.config as c\n"
        "os.environ['VAULT_CACERT'] = os.environ.pop('LATE_CA')\n"
        "print(json.dumps(v.VaultStore(c.resolve()).read('secret/tls/late').data))\n"
    )
    tls_env = {"BAO_ADDR": tls_bao.addr, "BAO_TOKEN": tls_bao.root_token}
    status, _ = tls_bao.api("POST", "secret/data/tls/late", {"data": {"k": "v"}})
    assert status == 200
    for ca, expect_ok in ((tls_bao.ca_path, True), (tls_bao.wrong_ca_path, False)):
        done = subprocess.run(
            [sys.executable, "-c", "import json\n" + script],
            env=relay_env({**tls_env, "LATE_CA": str(ca)}),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert (done.returncode == 0) is expect_ok, done.stderr
        if expect_ok:
            assert json.loads(done.stdout) == {"k": "v"}
        else:
            assert "TLS with" in done.stderr


def test_unknown_mount_and_sealed_status_say_where(bao) -> None:
    with pytest.raises(BackendError, match="no mount holds nomount/x") as err:
        store_for(bao.addr, bao.root_token).read("nomount/x")
    assert f"{bao.addr} (namespace: root)" in str(err.value)
    with bao.sealed():
        status = relay(bao, "vault", "status")
        read = relay(bao, "vault", "get", "secret/tok/x")
    assert status.returncode == 0 and "sealed          YES" in status.stdout
    assert read.returncode == 3 and "is sealed" in read.stderr and "unseal" in read.stderr


def test_abort_all_frees_a_call_stuck_on_a_silent_server(hung_server: str) -> None:
    """Quitting the workbench must not wait out the read timeout of a hung Vault call."""
    from relay_tui.stores.vault.transport import abort_all

    store = store_for(hung_server, "t", BAO_CLIENT_TIMEOUT="30")
    failures: list[BaseException] = []

    def call() -> None:
        try:
            store.read("secret/x")
        except BaseException as exc:
            failures.append(exc)

    worker = threading.Thread(target=call)
    started = time.monotonic()
    worker.start()
    time.sleep(0.5)
    abort_all()
    worker.join(timeout=5)
    assert not worker.is_alive() and time.monotonic() - started < 3
    assert failures and isinstance(failures[0], BackendError)


def test_a_path_with_too_many_fields_is_explained(bao) -> None:
    data = {f"K{i:04d}": "v" for i in range(600)}  # 1,200 JSON strings: over the default limit
    with pytest.raises(BackendError, match="too complex") as err:
        store_for(bao.addr, bao.root_token).write("secret/edge/huge", data)
    assert "max_request_json_strings" in str(err.value)
