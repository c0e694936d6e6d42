"""The OpenBao fixtures themselves: real servers, real CLI, TLS, and the dead-end addresses."""

from __future__ import annotations

import http.client
import os
import socket
import ssl
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest

from tests.vault.baoserver import BaoServer, TlsBaoServer, find_bao, free_port

TRICKY = "héllo wörld ✓ 秘密 🔑\nsecond line\twith tab  \r\nlast"


def hostport(addr: str) -> tuple[str, int]:
    parts = urlsplit(addr)
    assert parts.hostname is not None and parts.port is not None
    return parts.hostname, parts.port


def test_find_bao_and_free_port() -> None:
    assert os.access(find_bao(), os.X_OK)
    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_health_answers(bao: BaoServer) -> None:
    status, body = bao.health()
    assert status == 200
    assert body["initialized"] is True and body["sealed"] is False
    assert bao.addr.startswith("http://127.0.0.1:")
    assert 0 < bao.startup_seconds < 15
    assert bao.unseal_key
    # The dev server stored its token in the fixture's HOME, not the developer's.
    assert (bao.home / ".vault-token").read_text().strip() == bao.root_token
    tail = bao.log_tail(1000)
    assert bao.root_token not in tail and bao.unseal_key not in tail


def test_root_token_writes_and_reads_secret(bao: BaoServer) -> None:
    bao.kv2_put("x", {"password": "s3cret", "user": "relay"})
    status, body = bao.api("GET", "secret/data/x")
    assert status == 200
    assert body["data"]["data"] == {"password": "s3cret", "user": "relay"}
    assert body["data"]["metadata"]["version"] == 1


def test_cli_round_trips_unicode_byte_for_byte(bao: BaoServer) -> None:
    put = bao.cli("kv", "put", "-mount=secret", "cli-roundtrip", f"value={TRICKY}")
    assert put.returncode == 0, put.stderr
    got = bao.cli("kv", "get", "-mount=secret", "-field=value", "cli-roundtrip")
    assert got.returncode == 0, got.stderr
    assert got.stdout == TRICKY
    status, body = bao.api("GET", "secret/data/cli-roundtrip")
    assert status == 200 and body["data"]["data"]["value"] == TRICKY


def test_kv1_mount_is_version_1(bao: BaoServer) -> None:
    status, body = bao.api("GET", "sys/internal/ui/mounts/kv1")
    assert status == 200
    assert body["data"]["type"] == "kv"
    assert body["data"]["options"]["version"] == "1"
    assert bao.api("POST", "kv1/app/db", {"password": "v1"})[0] == 204
    status, body = bao.api("GET", "kv1/app/db")
    assert status == 200 and body["data"] == {"password": "v1"}


def test_namespace_has_its_own_secret(bao: BaoServer, bao_namespace: str) -> None:
    bao.kv2_put("only-in-ns", {"k": "ns-value"}, namespace=bao_namespace)
    status, body = bao.api("GET", "secret/data/only-in-ns", namespace=bao_namespace)
    assert status == 200 and body["data"]["data"] == {"k": "ns-value"}
    assert bao.api("GET", "secret/data/only-in-ns")[0] == 404
    got = bao.cli("kv", "get", "-field=k", "secret/only-in-ns", namespace=bao_namespace)
    assert (got.returncode, got.stdout) == (0, "ns-value"), got.stderr


def test_restricted_token_is_confined(bao: BaoServer, restricted_token: str) -> None:
    bao.kv2_put("app/db", {"password": "app"})
    bao.kv2_put("other", {"password": "other"})
    status, body = bao.api("GET", "secret/data/app/db", token=restricted_token)
    assert status == 200 and body["data"]["data"] == {"password": "app"}
    assert bao.api("LIST", "secret/metadata/app/", token=restricted_token)[0] == 200
    assert bao.api("GET", "secret/data/other", token=restricted_token)[0] == 403
    write = {"data": {"password": "x"}}
    assert bao.api("POST", "secret/data/app/db", write, token=restricted_token)[0] == 403
    # No default policy: not even lookup-self.
    assert bao.api("GET", "auth/token/lookup-self", token=restricted_token)[0] == 403


def test_make_token_uses_only_the_given_policy(
    bao: BaoServer, make_token: Callable[..., str]
) -> None:
    token = make_token('path "kv1/*" { capabilities = ["read"] }', ttl="5m")
    status, body = bao.api("POST", "auth/token/lookup", {"token": token})
    assert status == 200
    policies = body["data"]["policies"]
    assert len(policies) == 1 and policies[0] not in ("default", "root")
    assert 0 < body["data"]["ttl"] <= 300


def test_seal_and_unseal(bao: BaoServer) -> None:
    bao.kv2_put("survives-seal", {"k": "v"})
    with bao.sealed():
        status, body = bao.health()
        assert status == 503 and body["sealed"] is True
        assert bao.api("GET", "secret/data/survives-seal")[0] == 503
    status, body = bao.health()
    assert status == 200 and body["sealed"] is False
    status, body = bao.api("GET", "secret/data/survives-seal")
    assert status == 200 and body["data"]["data"] == {"k": "v"}


def test_tls_server_verifies_with_its_ca_only(tls_bao: TlsBaoServer) -> None:
    assert tls_bao.addr.startswith("https://127.0.0.1:")
    host, port = hostport(tls_bao.addr)
    good = ssl.create_default_context(cafile=str(tls_bao.ca_path))
    conn = http.client.HTTPSConnection(host, port, timeout=5, context=good)
    conn.request("GET", "/v1/sys/health")
    assert conn.getresponse().status == 200
    conn.close()
    for name in ("localhost", "127.0.0.1"):  # the certificate names both
        with (
            socket.create_connection((host, port), timeout=5) as raw,
            good.wrap_socket(raw, server_hostname=name) as tls,
        ):
            assert tls.version() is not None

    wrong = ssl.create_default_context(cafile=str(tls_bao.wrong_ca_path))
    conn = http.client.HTTPSConnection(host, port, timeout=5, context=wrong)
    with pytest.raises(ssl.SSLCertVerificationError):
        conn.request("GET", "/v1/sys/health")
    conn.close()

    # The bao CLI reaches it through BAO_CACERT from env().
    put = tls_bao.cli("kv", "put", "-mount=secret", "over-tls", "k=v")
    assert put.returncode == 0, put.stderr
    got = tls_bao.cli("kv", "get", "-mount=secret", "-field=k", "over-tls")
    assert (got.returncode, got.stdout) == (0, "v"), got.stderr


def test_hung_server_times_out(hung_server: str) -> None:
    conn = http.client.HTTPConnection(*hostport(hung_server), timeout=0.5)
    began = time.monotonic()
    with pytest.raises(TimeoutError):  # socket.timeout is TimeoutError since 3.10
        conn.request("GET", "/v1/sys/health")
        conn.getresponse()
    assert 0.4 < time.monotonic() - began < 5
    conn.close()


def test_refused_addr_refuses(refused_addr: str) -> None:
    conn = http.client.HTTPConnection(*hostport(refused_addr), timeout=2)
    with pytest.raises(ConnectionRefusedError):
        conn.request("GET", "/v1/sys/health")
    conn.close()
