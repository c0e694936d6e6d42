"""How the Vault connection is resolved from flags, BAO_*/VAULT_* variables and relay.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from relay_tui.errors import ConfigurationError
from relay_tui.stores.vault.config import DEFAULT_ADDR, resolve

NOWHERE = Path("/nonexistent")


@pytest.mark.parametrize(
    ("environ", "cli", "config", "addr", "source"),
    [
        ({"BAO_ADDR": "http://b:1", "VAULT_ADDR": "http://v:1"}, "http://c:1", "http://t:1",
         "http://c:1", "--vault-addr"),
        ({"BAO_ADDR": "http://b:1", "VAULT_ADDR": "http://v:1"}, None, "http://t:1",
         "http://b:1", "BAO_ADDR"),
        ({"VAULT_ADDR": "http://v:1/"}, None, "http://t:1", "http://v:1", "VAULT_ADDR"),
        ({}, None, "http://t:1", "http://t:1", "relay.toml"),
        ({}, None, None, DEFAULT_ADDR, "default"),
    ],
)  # fmt: skip
def test_address_precedence(
    environ: dict[str, str], cli: str | None, config: str | None, addr: str, source: str
) -> None:
    settings = resolve(environ, cli_addr=cli, config_addr=config, home=NOWHERE)
    assert (settings.addr, settings.addr_source) == (addr, source)


def test_token_precedence_and_the_token_file(tmp_path: Path) -> None:
    (tmp_path / ".vault-token").write_text("from-file\n")
    both = resolve({"BAO_TOKEN": "b", "VAULT_TOKEN": "v"}, home=tmp_path)
    assert (both.token, both.token_source) == ("b", "BAO_TOKEN")
    vault = resolve({"VAULT_TOKEN": "v"}, home=tmp_path)
    assert (vault.token, vault.token_source) == ("v", "VAULT_TOKEN")
    filed = resolve({}, home=tmp_path)
    assert (filed.token, filed.token_source) == ("from-file", "~/.vault-token")
    none = resolve({}, home=NOWHERE)
    assert (none.token, none.token_source) == (None, "none")
    assert "from-file" not in repr(filed)  # the token never reaches a repr or a log line


@pytest.mark.parametrize(
    ("value", "verify"),
    [("false", True), ("0", True), ("no", True), ("", True), ("true", False), ("1", False),
     ("YES", False)],
)  # fmt: skip
def test_skip_verify_is_a_real_boolean(value: str, verify: bool) -> None:
    settings = resolve({"BAO_ADDR": "https://h:1", "VAULT_SKIP_VERIFY": value}, home=NOWHERE)
    assert settings.tls.verify is verify
    assert ("NOT VERIFIED" in settings.tls_mode) is (not verify)


def test_bad_skip_verify_timeout_retries_and_address_are_refused() -> None:
    bad = [
        {"VAULT_SKIP_VERIFY": "maybe"},
        {"VAULT_CLIENT_TIMEOUT": "soon"},
        {"VAULT_CLIENT_TIMEOUT": "0"},
        {"VAULT_MAX_RETRIES": "99"},
        {"VAULT_ADDR": "vault.example:8200"},
        {"VAULT_CACERT": "/no/such/ca.pem"},
    ]
    for environ in bad:
        with pytest.raises(ConfigurationError) as err:
            resolve(environ, home=NOWHERE)
        assert next(iter(environ)) in str(err.value) or "does not exist" in str(err.value)


def test_namespace_timeouts_and_tls_files(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    settings = resolve(
        {"VAULT_NAMESPACE": "/team1/", "VAULT_CLIENT_TIMEOUT": "2s", "BAO_CACERT": str(ca),
         "BAO_ADDR": "https://h:1"},
        home=NOWHERE,
    )  # fmt: skip
    assert settings.namespace == "team1"
    assert (settings.read_timeout, settings.connect_timeout) == (2.0, 2.0)
    assert settings.tls.ca_file == str(ca) and str(ca) in settings.tls_mode
    assert "namespace: team1" in settings.where


def test_plain_http_and_mount_from_relay_toml() -> None:
    settings = resolve({"BAO_ADDR": "http://h:1"}, config_mount="/kv/", home=NOWHERE)
    assert settings.mount == "kv" and settings.tls_mode == "none (plain http)"
