"""The Vault transport bounds every request: a total deadline, a size limit, garbage answers."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from relay_tui.stores.vault import transport as vault_transport
from relay_tui.stores.vault.transport import FastSession, TransportError

Serve = Callable[[socket.socket], None]


@pytest.fixture
def raw_server() -> Iterator[Callable[[Serve], str]]:
    """A loopback TCP server whose answer each test writes by hand."""
    listeners: list[socket.socket] = []
    stop = threading.Event()

    def start(serve: Serve) -> str:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.5)
        listeners.append(listener)

        def loop() -> None:
            while not stop.is_set():
                try:
                    client, _ = listener.accept()
                except (TimeoutError, OSError):
                    continue
                with client:
                    client.recv(65536)
                    with contextlib.suppress(OSError):
                        serve(client)

        threading.Thread(target=loop, daemon=True).start()
        return f"http://127.0.0.1:{listener.getsockname()[1]}"

    yield start
    stop.set()
    for listener in listeners:
        listener.close()


def drip(client: socket.socket) -> None:
    client.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
    for _ in range(200):
        client.sendall(b"x")
        time.sleep(0.05)  # always within the idle timeout: only the total deadline stops it


def test_a_dripping_server_is_cut_at_the_total_deadline(
    raw_server: Callable[[Serve], str],
) -> None:
    addr = raw_server(drip)
    session = FastSession(read_timeout=5.0, max_retries=0)
    session.total_timeout = 1.0  # injected: the default is 15 s
    started = time.monotonic()
    with pytest.raises(TransportError, match="total deadline") as caught:
        session.request("GET", addr + "/v1/sys/health")
    assert caught.value.kind == "timeout"
    assert time.monotonic() - started < 8.0  # generous: the drip alone would take 10 s


def test_a_huge_answer_is_refused_as_it_streams(
    raw_server: Callable[[Serve], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vault_transport, "MAX_RESPONSE_BYTES", 100_000)

    def huge(client: socket.socket) -> None:
        client.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in range(50):
            client.sendall(b"4000\r\n" + b"x" * 0x4000 + b"\r\n")
        client.sendall(b"0\r\n\r\n")

    session = FastSession(max_retries=0)
    with pytest.raises(TransportError) as caught:
        session.request("GET", raw_server(huge) + "/v1/x")
    assert caught.value.kind == "too-large"

    def declared(client: socket.socket) -> None:
        client.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 999999999\r\n\r\n")

    with pytest.raises(TransportError) as caught:
        FastSession(max_retries=0).request("GET", raw_server(declared) + "/v1/x")
    assert caught.value.kind == "too-large"


@pytest.mark.parametrize(
    "answer",
    [b"garbage\r\n\r\n", b'HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{"cut', b"HTTP/9 x\r\n"],
    ids=["garbage-status", "cut-off-body", "bad-version"],
)
def test_garbage_answers_are_transport_errors(
    raw_server: Callable[[Serve], str], answer: bytes
) -> None:
    addr = raw_server(lambda client: client.sendall(answer))
    with pytest.raises(TransportError):
        FastSession(max_retries=0).request("GET", addr + "/v1/x")


def test_invalid_json_is_a_transport_error(raw_server: Callable[[Serve], str]) -> None:
    body = b"{not json"
    addr = raw_server(
        lambda client: client.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
        )
    )
    response = FastSession(max_retries=0).request("GET", addr + "/v1/x")
    with pytest.raises(TransportError, match="not valid JSON"):
        response.json()
