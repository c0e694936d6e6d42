"""`relay-tui vault` list, get, history, status and per-environment servers, as real processes."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.conftest import git
from tests.vault.helpers import relay, relay_env

SECRET_VALUE = "s3cr3t-value-that-must-stay-masked"


def test_list_plain_recursive_and_by_depth(bao) -> None:
    for path in ("tree/a/b/c", "tree/a/x", "tree/top"):
        bao.kv2_put(path, {"k": "v"})
    listed = relay(bao, "vault", "list", "secret/tree")
    assert listed.returncode == 0 and listed.stdout.split() == ["a/", "top"]
    deep = relay(bao, "vault", "list", "secret/tree", "--recursive", "--json")
    assert json.loads(deep.stdout) == ["a/", "a/b/", "a/b/c", "a/x", "top"]
    two = relay(bao, "vault", "list", "secret/tree", "-r", "--depth", "2", "--json")
    assert json.loads(two.stdout) == ["a/", "a/b/", "a/x", "top"]


def test_get_is_masked_unless_revealed_and_reads_versions(bao) -> None:
    bao.kv2_put("show/app", {"jwt_secret": "old-value-1"})
    bao.kv2_put("show/app", {"jwt_secret": SECRET_VALUE, "port": "8080"})
    table = relay(bao, "vault", "get", "secret/show/app")
    assert table.returncode == 0 and "jwt_secret" in table.stdout and "(version 2)" in table.stdout
    as_json = json.loads(relay(bao, "vault", "get", "secret/show/app", "--json").stdout)
    assert set(as_json["data"]) == {"jwt_secret", "port"} and as_json["version"] == 2
    for shown in (table.stdout + table.stderr, json.dumps(as_json)):
        assert SECRET_VALUE not in shown and "8080" not in shown
    revealed = relay(bao, "vault", "get", "secret/show/app", "--json", "--reveal")
    assert json.loads(revealed.stdout)["data"]["jwt_secret"] == SECRET_VALUE
    old = relay(bao, "vault", "get", "secret/show/app", "--version", "1", "-field", "jwt_secret")
    assert old.stdout == "old-value-1"
    missing = relay(bao, "vault", "get", "secret/show/app", "-field", "nope")
    assert missing.returncode == 2 and "jwt_secret, port" in missing.stderr


def test_field_refuses_a_terminal_without_reveal(bao) -> None:
    bao.kv2_put("tty/app", {"f": SECRET_VALUE})
    command = [sys.executable, "-m", "relay_tui", "vault", "get", "secret/tty/app", "-field", "f"]
    for extra, code in (([], 4), (["--reveal"], 0)):
        leader, follower = pty.openpty()
        proc = subprocess.run(
            [*command, *extra],
            stdout=follower,
            stderr=subprocess.PIPE,
            env=relay_env(bao.env()),
            timeout=30,
        )
        os.close(follower)
        shown = os.read(leader, 4096).decode() if code == 0 else ""
        os.close(leader)
        assert proc.returncode == code, proc.stderr
        assert shown == (SECRET_VALUE if code == 0 else "")
        if code:
            assert b"--reveal" in proc.stderr


def test_history_shows_deleted_and_destroyed_versions(bao) -> None:
    for value in ("1", "2", "3"):
        bao.kv2_put("hist/app", {"v": value})
    bao.cli("kv", "destroy", "-versions=1", "secret/hist/app")
    bao.cli("kv", "delete", "secret/hist/app")
    shown = relay(bao, "vault", "history", "secret/hist/app")
    lines = shown.stdout.splitlines()
    assert shown.returncode == 0 and len(lines) == 4, shown.stdout
    assert "destroyed" in lines[1] and "deleted" in lines[3] and "current" not in lines[1]
    versions = json.loads(relay(bao, "vault", "history", "secret/hist/app", "--json").stdout)
    assert [v["version"] for v in versions] == [1, 2, 3]
    assert versions[0]["destroyed"] and versions[2]["deleted"]


def test_status_shows_ttl_and_policies_of_a_limited_token(bao) -> None:
    token = bao.make_token('path "secret/data/x" { capabilities = ["read"] }', ttl="2h")
    # make_token drops the default policy, so this token cannot look itself up: say so
    limited = relay(bao, "vault", "status", extra={"BAO_TOKEN": token})
    assert limited.returncode == 0 and token not in limited.stdout
    assert "token state" in limited.stdout and "sealed          no" in limited.stdout
    body = bao.expect({200}, "POST", "auth/token/create", {"policies": ["default"], "ttl": "2h"})
    full = relay(bao, "vault", "status", extra={"BAO_TOKEN": body["auth"]["client_token"]})
    assert "token TTL       1h59m" in full.stdout or "token TTL       2h" in full.stdout
    assert "policies        default" in full.stdout


def test_each_environment_may_name_its_own_server_and_mount(
    bao, refused_addr: str, tmp_path: Path
) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / ".gitignore").write_text(".env*\n")
    (tmp_path / "relay.toml").write_text(
        f'[environments.staging]\nfile = ".env.staging"\nvault_path = "own/staging"\n'
        f'vault_addr = "{bao.addr}"\nvault_mount = "kv1"\n'
        f'[environments.production]\nfile = ".env.production"\nvault_path = "own/prod"\n'
        f'vault_addr = "{refused_addr}"\n'
    )
    (tmp_path / ".env.staging").write_text("A=1\n")
    (tmp_path / ".env.production").write_text("A=2\n")
    run = {"extra": {"BAO_ADDR": ""}, "cwd": tmp_path}  # empty counts as unset, as in the CLIs
    untrusted = relay(bao, "vault", "push", "--env", "staging", "--project", str(tmp_path), **run)
    assert untrusted.returncode == 4 and "relay-tui trust" in untrusted.stderr
    assert relay(bao, "trust", "--yes", "--project", str(tmp_path), **run).returncode == 0
    staging = relay(bao, "vault", "push", "--env", "staging", "--project", str(tmp_path), **run)
    assert staging.returncode == 0, staging.stderr
    assert bao.cli("kv", "get", "-field=A", "kv1/own/staging").stdout == "1"
    prod = relay(bao, "vault", "diff", "--env", "production", "--project", str(tmp_path), **run)
    assert prod.returncode == 3 and refused_addr in prod.stderr and "refused" in prod.stderr


def test_external_secret_manifest_maps_fields_and_holds_no_value(bao, tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / ".gitignore").write_text(".env*\n")
    (tmp_path / "relay.toml").write_text(
        '[environments.staging]\nfile = ".env.staging"\nvault_path = "relay/staging"\n'
        '[secrets.JWT_SECRET_KEY]\nvault_field = "jwt_secret"\n'
    )
    (tmp_path / ".env.staging").write_text(f"JWT_SECRET_KEY={SECRET_VALUE}\nPORT=1\n")
    result = relay(
        bao, "export", "--format", "external-secret", "--env", "staging",
        "--project", str(tmp_path),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    manifest = result.stdout
    assert SECRET_VALUE not in manifest
    assert "kind: ExternalSecret" in manifest and "name: vault-backend" in manifest
    block = "    - secretKey: JWT_SECRET_KEY\n      remoteRef:\n"
    assert block + '        key: "relay/staging"\n        property: "jwt_secret"\n' in manifest
    assert '    - secretKey: PORT\n      remoteRef:\n        key: "relay/staging"\n' in manifest


def test_dry_run_shows_the_plan_and_writes_nothing(bao, tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / ".gitignore").write_text(".env*\n")
    (tmp_path / "relay.toml").write_text(
        '[environments.staging]\nfile = ".env.staging"\nvault_path = "dry/staging"\n'
    )
    (tmp_path / ".env.staging").write_text("A=1\n")
    bao.kv2_put("dry/staging", {"A": "0", "B": "2"})
    args = ("--env", "staging", "--project", str(tmp_path), "--dry-run")
    pushed = relay(bao, "vault", "push", *args)
    pulled = relay(bao, "vault", "pull", *args)
    for result in (pushed, pulled):
        assert result.returncode == 0 and "changed: A" in result.stdout
        assert "only in Vault: B" in result.stdout and "nothing was written" in result.stderr
    assert bao.cli("kv", "get", "-field=A", "secret/dry/staging").stdout == "0"
    assert (tmp_path / ".env.staging").read_text() == "A=1\n"


def test_skip_verify_works_with_a_warning(tls_bao) -> None:
    extra = {"BAO_ADDR": tls_bao.addr, "BAO_TOKEN": tls_bao.root_token, "VAULT_SKIP_VERIFY": "1"}
    result = relay(tls_bao, "vault", "status", extra=extra)
    assert result.returncode == 0, result.stderr
    assert "NOT verified" in result.stderr and "NOT VERIFIED" in result.stdout
