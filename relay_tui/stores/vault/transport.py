"""A small keep-alive HTTP session on http.client that hvac uses in place of requests.Session.

Why: hvac on requests spends most of each call in client overhead; one persistent http.client
connection is about twice as fast. It also never follows a redirect (so the token never travels
to another host), keeps connect and read timeouts short, and retries 429 and 5xx with backoff.
"""

from __future__ import annotations

import contextlib
import http.client
import json as jsonlib
import random
import socket
import ssl
import threading
import time
import weakref
from email.message import Message
from typing import Any, NamedTuple
from urllib.parse import urlencode, urlsplit

RETRY_STATUSES = frozenset({429, 500, 502, 504})
TOTAL_TIMEOUT = 15.0  # seconds; VAULT_CLIENT_TIMEOUT raises it when larger
MAX_RESPONSE_BYTES = 32 * 1024 * 1024


class TransportError(Exception):
    """The request never got an HTTP answer: refused, timed out, TLS or DNS failure."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind  # "refused", "timeout", "tls", "dns", "network", "bad-address"
        self.detail = detail


class TlsSettings(NamedTuple):
    """How to verify the server and what to present to it."""

    verify: bool = True
    ca_file: str | None = None
    ca_path: str | None = None
    client_cert: str | None = None
    client_key: str | None = None

    def context(self) -> ssl.SSLContext:
        """An SSL context for these settings (verification on unless turned off)."""
        if self.verify:
            context = ssl.create_default_context(cafile=self.ca_file, capath=self.ca_path)
        else:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        if self.client_cert:
            context.load_cert_chain(self.client_cert, self.client_key)
        return context


class Response:
    """The parts of requests.Response that hvac reads."""

    def __init__(self, status: int, reason: str, headers: Message, body: bytes, url: str) -> None:
        self.status_code = status
        self.reason = reason
        self.headers = headers
        self.content = body
        self.url = url

    @property
    def ok(self) -> bool:
        return self.status_code < 400

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        try:
            return jsonlib.loads(self.content)
        except (ValueError, RecursionError):
            raise TransportError(
                "bad-answer", f"HTTP {self.status_code} with a body that is not valid JSON"
            ) from None


_SESSIONS: weakref.WeakSet[FastSession] = weakref.WeakSet()


def abort_all() -> None:
    """Cut every open Vault connection of this process (the workbench calls it when quitting)."""
    for session in list(_SESSIONS):
        session.abort()


class FastSession:
    """Duck-typed requests.Session: `request(method, url, ...)` over one kept-alive connection."""

    def __init__(
        self,
        tls: TlsSettings | None = None,
        connect_timeout: float = 3.0,
        read_timeout: float = 10.0,
        max_retries: int = 2,
    ) -> None:
        self.tls = tls or TlsSettings()
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.total_timeout = max(TOTAL_TIMEOUT, read_timeout)  # one request, start to end
        self.max_retries = max_retries
        self.verify: bool | str = self.tls.verify
        self.cert: Any = None
        self.proxies: dict[str, str] = {}
        self._local = threading.local()
        self._context: ssl.SSLContext | None = None
        self._open_connections: set[http.client.HTTPConnection] = set()
        self._lock = threading.Lock()
        self.aborted = False
        _SESSIONS.add(self)

    def request(
        self,
        method: str,
        url: str,
        headers: dict[str, str] | None = None,
        json: Any = None,
        params: dict[str, Any] | None = None,
        data: Any = None,
        **_ignored: Any,
    ) -> Response:
        """Send one request; retries 429/5xx (not a sealed 503) with jittered backoff."""
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        if params:
            target += ("&" if "?" in target else "?") + urlencode(params)
        body: bytes | None = None
        send_headers = dict(headers or {})
        if json is not None:
            body = jsonlib.dumps(json).encode("utf-8")
            send_headers["Content-Type"] = "application/json"
        elif data is not None:
            body = data if isinstance(data, bytes) else str(data).encode("utf-8")
        attempt = 0
        while True:
            response = self._send(parts.scheme, parts.netloc, method.upper(), target, body,
                                  send_headers, url)  # fmt: skip
            if 300 <= response.status_code < 400:
                # Never followed: the token would travel to wherever the answer points.
                target = response.headers.get("Location") or "another address"
                raise TransportError("redirect", target)
            if response.status_code not in RETRY_STATUSES or attempt >= self.max_retries:
                return response
            attempt += 1
            delay = min(2.0, 0.1 * 2**attempt) * (0.5 + random.random())
            retry_after = response.headers.get("Retry-After")
            if retry_after and retry_after.isdigit():
                delay = min(float(retry_after), 5.0)
            time.sleep(delay)

    def abort(self) -> None:
        """From any thread: cut every open connection, so a call stuck on a server returns now."""
        with self._lock:
            self.aborted = True
            connections = list(self._open_connections)
        for connection in connections:
            sock = connection.sock
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        """Close this thread's connection."""
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    def _send(
        self,
        scheme: str,
        netloc: str,
        method: str,
        target: str,
        body: bytes | None,
        headers: dict[str, str],
        url: str,
    ) -> Response:
        for fresh in (False, True):
            connection = self._connection(scheme, netloc, fresh)
            # A watchdog cuts the connection at the total deadline: a server that drips one
            # byte at a time resets every idle timeout but not this one.
            watchdog = _WATCHDOG.arm(connection, self.total_timeout)
            try:
                connection.request(method, target, body=body, headers=headers)
                raw = connection.getresponse()
                payload = _read_limited(raw)
                if watchdog.fired:
                    raise self._overdue()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                connection.close()
                if watchdog.fired:
                    raise self._overdue() from None
                if fresh:
                    raise TransportError("network", "the server closed the connection") from None
                continue
            except TransportError:
                connection.close()
                if watchdog.fired:
                    raise self._overdue() from None
                raise
            except (http.client.HTTPException, OSError) as exc:
                connection.close()
                if watchdog.fired:
                    raise self._overdue() from None
                raise _transport_error(exc, self.read_timeout) from None
            finally:
                _WATCHDOG.disarm(watchdog)
            if raw.getheader("Connection", "").lower() == "close":
                connection.close()
            return Response(raw.status, raw.reason, raw.headers, payload, url)
        raise TransportError("network", "the server closed the connection")

    def _overdue(self) -> TransportError:
        return TransportError(
            "timeout", f"no complete answer within {self.total_timeout:g}s (the total deadline)"
        )

    def _connection(self, scheme: str, netloc: str, fresh: bool) -> http.client.HTTPConnection:
        if self.aborted:
            raise TransportError("network", "the connection was closed (relay-tui is stopping)")
        local = self._local
        key = (scheme, netloc)
        connection: http.client.HTTPConnection | None = getattr(local, "connection", None)
        if connection is not None and (fresh or getattr(local, "key", None) != key):
            connection.close()
            connection = None
        if connection is None:
            connection = self._open(scheme, netloc)
            local.connection, local.key = connection, key
            with self._lock:
                self._open_connections = {c for c in self._open_connections if c.sock}
                self._open_connections.add(connection)
        return connection

    def _open(self, scheme: str, netloc: str) -> http.client.HTTPConnection:
        if scheme == "https":
            if self._context is None:
                self._context = self.tls.context()
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                netloc, timeout=self.connect_timeout, context=self._context
            )
        elif scheme == "http":
            connection = http.client.HTTPConnection(netloc, timeout=self.connect_timeout)
        else:
            raise TransportError("bad-address", "the address must start with https:// or http://")
        try:
            connection.connect()
        except TimeoutError:
            raise TransportError(
                "timeout", f"could not connect within {self.connect_timeout:g}s"
            ) from None
        except ssl.SSLError as exc:
            raise TransportError("tls", exc.reason or str(exc)) from None
        except ConnectionRefusedError:
            raise TransportError("refused", "connection refused") from None
        except socket.gaierror as exc:
            raise TransportError("dns", exc.strerror or "name not found") from None
        except OSError as exc:
            raise TransportError("network", exc.strerror or type(exc).__name__) from None
        if connection.sock is not None:
            connection.sock.settimeout(self.read_timeout)
            connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection


class _Alarm:
    """One armed deadline: the connection to cut, when, and whether it was cut."""

    __slots__ = ("connection", "deadline", "fired")

    def __init__(self, connection: http.client.HTTPConnection, deadline: float) -> None:
        self.connection = connection
        self.deadline = deadline
        self.fired = False


class _Watchdog:
    """One thread for every request of the process: cuts a connection past its total deadline.

    Arming costs a lock and a set insert (a thread per request cost about 0.3 ms).
    """

    def __init__(self) -> None:
        self._alarms: set[_Alarm] = set()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def arm(self, connection: http.client.HTTPConnection, seconds: float) -> _Alarm:
        alarm = _Alarm(connection, time.monotonic() + seconds)
        with self._wake:
            self._alarms.add(alarm)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, daemon=True, name="vault-deadline"
                )
                self._thread.start()
            self._wake.notify()
        return alarm

    def disarm(self, alarm: _Alarm) -> None:
        with self._wake:
            self._alarms.discard(alarm)

    def _run(self) -> None:
        while True:
            with self._wake:
                now = time.monotonic()
                due = [a for a in self._alarms if a.deadline <= now]
                for alarm in due:
                    self._alarms.discard(alarm)
                    alarm.fired = True
                later = [a.deadline for a in self._alarms]
                if not due:
                    self._wake.wait(min(later) - now if later else None)
            for alarm in due:
                sock = alarm.connection.sock
                if sock is not None:
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)


_WATCHDOG = _Watchdog()


def _read_limited(raw: http.client.HTTPResponse) -> bytes:
    """The body, refused as it streams once it passes MAX_RESPONSE_BYTES."""
    declared = raw.getheader("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_RESPONSE_BYTES:
        raise TransportError(
            "too-large", f"an answer of {declared} bytes (limit {MAX_RESPONSE_BYTES})"
        )
    chunks: list[bytes] = []
    size = 0
    while chunk := raw.read1(1 << 16):
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise TransportError("too-large", f"an answer over {MAX_RESPONSE_BYTES} bytes")
        chunks.append(chunk)
    if raw.length:  # fewer bytes than Content-Length said: the answer was cut off
        raise TransportError("network", f"the answer was cut off ({raw.length} bytes missing)")
    raw.close()  # done with this answer: the kept-alive connection takes the next request
    return b"".join(chunks)


def _transport_error(exc: BaseException, read_timeout: float) -> TransportError:
    """What an exception from http.client or the socket means, as a TransportError."""
    if isinstance(exc, TimeoutError):
        return TransportError("timeout", f"no answer within {read_timeout:g}s")
    if isinstance(exc, ssl.SSLError):
        return TransportError("tls", exc.reason or str(exc))
    if isinstance(exc, ConnectionRefusedError):
        return TransportError("refused", "connection refused")
    if isinstance(exc, socket.gaierror):
        return TransportError("dns", exc.strerror or "name not found")
    if isinstance(exc, http.client.HTTPException):
        return TransportError("network", f"not a valid HTTP answer ({type(exc).__name__})")
    if isinstance(exc, OSError):
        return TransportError("network", exc.strerror or type(exc).__name__)
    return TransportError("network", type(exc).__name__)
