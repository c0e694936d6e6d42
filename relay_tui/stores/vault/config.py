"""Where the Vault/OpenBao connection comes from: address, token, namespace, TLS, timeouts."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import urlsplit

from relay_tui.domain.masking import safe_text
from relay_tui.domain.redact import remember
from relay_tui.errors import ConfigurationError, RefusedError
from relay_tui.infra.trust import Request, require
from relay_tui.stores.vault.transport import TlsSettings

if TYPE_CHECKING:
    from relay_tui.project.project import Environment, Project

DEFAULT_ADDR = "https://127.0.0.1:8200"
CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 10.0
_TRUE = {"1", "t", "true", "yes", "y", "on"}
_FALSE = {"0", "f", "false", "no", "n", "off", ""}


class VaultSettings(NamedTuple):
    """A resolved connection, with where each part came from (shown by `vault status`)."""

    addr: str
    addr_source: str
    token: str | None
    token_source: str
    namespace: str | None
    mount: str
    tls: TlsSettings
    connect_timeout: float = CONNECT_TIMEOUT
    read_timeout: float = READ_TIMEOUT
    max_retries: int = 2
    plain_http_allowed: bool = False

    @property
    def tls_mode(self) -> str:
        """A one-line description of the TLS mode, for status lines and errors."""
        if self.plain_http_allowed:
            return "NONE: plain http to another host, allowed by RELAY_TUI_ALLOW_HTTP"
        if not self.addr.startswith("https://"):
            return "none (plain http)"
        if not self.tls.verify:
            return "NOT VERIFIED (VAULT_SKIP_VERIFY)"
        where = self.tls.ca_file or self.tls.ca_path or "system CAs"
        return f"verified ({where})" + (", client certificate" if self.tls.client_cert else "")

    @property
    def where(self) -> str:
        """Address and namespace, as every message names them."""
        return f"{self.addr} (namespace: {self.namespace or 'root'})"

    def __repr__(self) -> str:  # the token never reaches a repr, a log line or a traceback
        return f"VaultSettings(addr={self.addr!r}, token_source={self.token_source!r}, ...)"


def parse_bool(name: str, value: str) -> bool:
    """Parse VAULT_SKIP_VERIFY and friends as real booleans ('false' means false)."""
    folded = value.strip().lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise ConfigurationError(f"{name}={value!r} is not true or false")


def _first(environ: Mapping[str, str], *names: str) -> tuple[str | None, str]:
    for name in names:
        value = environ.get(name)
        if value:
            return value, name
    return None, ""


def resolve(
    environ: Mapping[str, str] | None = None,
    *,
    cli_addr: str | None = None,
    config_addr: str | None = None,
    config_mount: str | None = None,
    home: Path | None = None,
) -> VaultSettings:
    """Resolve settings like the vault and bao CLIs: flags, BAO_*, VAULT_*, then relay.toml."""
    env = os.environ if environ is None else environ
    if cli_addr:
        addr, addr_source = cli_addr, "--vault-addr"
    else:
        found, name = _first(env, "BAO_ADDR", "VAULT_ADDR")
        if found:
            addr, addr_source = found, name
        elif config_addr:
            addr, addr_source = config_addr, "relay.toml"
        else:
            addr, addr_source = DEFAULT_ADDR, "default"
    addr = addr.rstrip("/")
    if not addr.startswith(("http://", "https://")):
        raise ConfigurationError(
            f"Vault address {addr!r} (from {addr_source}) must start with https:// or http://"
        )
    token, token_source = _first(env, "BAO_TOKEN", "VAULT_TOKEN")
    if token is None:
        token_file = (home or Path.home()) / ".vault-token"
        try:
            token = token_file.read_text().strip() or None
            token_source = "~/.vault-token" if token else ""
        except OSError:
            token = None
    allow_http_text = env.get("RELAY_TUI_ALLOW_HTTP", "")
    allow_http = parse_bool("RELAY_TUI_ALLOW_HTTP", allow_http_text) if allow_http_text else False
    if token and addr.startswith("http://") and not allow_http and not _loopback(addr):
        raise RefusedError(
            f"Vault address {safe_text(addr)} (from {addr_source}) is plain http to a host that is"
            " not this machine: the token would travel unencrypted, so nothing was sent",
            hint="use https://, or set RELAY_TUI_ALLOW_HTTP=1 if you accept that risk",
        )

    remember(token)
    namespace, _ = _first(env, "BAO_NAMESPACE", "VAULT_NAMESPACE")
    skip, skip_name = _first(env, "BAO_SKIP_VERIFY", "VAULT_SKIP_VERIFY")
    verify = not parse_bool(skip_name, skip) if skip is not None else True
    ca_file, _ = _first(env, "BAO_CACERT", "VAULT_CACERT")
    ca_path, _ = _first(env, "BAO_CAPATH", "VAULT_CAPATH")
    cert, _ = _first(env, "BAO_CLIENT_CERT", "VAULT_CLIENT_CERT")
    key, _ = _first(env, "BAO_CLIENT_KEY", "VAULT_CLIENT_KEY")
    for label, path in (("CA certificate", ca_file), ("CA folder", ca_path),
                        ("client certificate", cert), ("client key", key)):  # fmt: skip
        if path and not Path(path).exists():
            raise ConfigurationError(f"Vault {label} {path!r} does not exist")
    timeout_text, timeout_name = _first(env, "BAO_CLIENT_TIMEOUT", "VAULT_CLIENT_TIMEOUT")
    read_timeout = _seconds(timeout_name, timeout_text) if timeout_text else READ_TIMEOUT
    retries_text, retries_name = _first(env, "BAO_MAX_RETRIES", "VAULT_MAX_RETRIES")
    retries = _count(retries_name, retries_text) if retries_text else 2
    return VaultSettings(
        addr=addr,
        plain_http_allowed=allow_http and addr.startswith("http://") and not _loopback(addr),
        addr_source=addr_source,
        token=token,
        token_source=token_source or "none",
        namespace=namespace.strip("/") if namespace else None,
        mount=(config_mount or "secret").strip("/"),
        tls=TlsSettings(verify, ca_file, ca_path, cert, key),
        connect_timeout=min(CONNECT_TIMEOUT, read_timeout),
        read_timeout=read_timeout,
        max_retries=retries,
    )


def _loopback(addr: str) -> bool:
    """Whether `addr` names this machine (localhost, 127.0.0.0/8, ::1)."""
    try:
        host = urlsplit(addr).hostname or ""
    except ValueError:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _seconds(name: str, text: str) -> float:
    value = text.strip().lower().removesuffix("s")
    try:
        seconds = float(value)
    except ValueError:
        raise ConfigurationError(f"{name}={text!r} is not a number of seconds") from None
    if not 0 < seconds <= 600:
        raise ConfigurationError(f"{name} must be between 0 and 600 seconds")
    return seconds


def _count(name: str, text: str) -> int:
    if not text.strip().isdigit() or int(text) > 10:
        raise ConfigurationError(f"{name}={text!r} must be a whole number from 0 to 10")
    return int(text)


def settings_for(
    project: Project, env: Environment | None, cli_addr: str | None = None
) -> VaultSettings:
    """Connection settings: `env`'s own address and mount when relay.toml names them."""
    vault_table = project.config.get("vault", {})
    settings = resolve(
        cli_addr=cli_addr,
        config_addr=(env and env.vault_addr) or vault_table.get("addr"),
        config_mount=(env and env.vault_mount) or vault_table.get("mount"),
    )
    if settings.addr_source == "relay.toml":  # the repository names the server: the user decides
        where = f"[environments.{env.name}]" if env and env.vault_addr else "[vault]"
        require(project.root, Request("Vault address", settings.addr, where))
    return settings


def vault_path_of(project: Project, env: Environment, settings: VaultSettings) -> str:
    """The full KV path (mount included) where `env` lives in Vault."""
    if not env.vault_path:
        raise ConfigurationError(
            f"environment {env.name} has no vault_path",
            hint=f'add to relay.toml: [environments.{env.name}] vault_path = "{project.name}/'
            f'{env.name}"',
        )
    return f"{settings.mount}/{env.vault_path.strip('/')}"
