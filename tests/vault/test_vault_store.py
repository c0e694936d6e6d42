"""The Vault store and `relay-tui vault` against a real OpenBao server: data, errors, interop."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from relay_tui.errors import BackendError, ConflictError, UsageError
from relay_tui.stores.vault.config import resolve
from tests.vault.helpers import UNICODE, relay, store_for


class TestReadWrite:
    def test_round_trip_and_versions(self, bao) -> None:
        store = store_for(bao.addr, bao.root_token)
        assert store.write("secret/rt/a", {"x": UNICODE}) == 1
        secret = store.read("secret/rt/a")
        assert secret.data == {"x": UNICODE} and secret.version == 1
        store.write("secret/rt/a", {"x": "2"})
        assert [v.version for v in store.history("secret/rt/a")] == [1, 2]
        assert store.read("secret/rt/a", version=1).data == {"x": UNICODE}

    def test_kv_v1_mount_gets_no_v2_calls(self, bao) -> None:
        store = store_for(bao.addr, bao.root_token)
        store.write("kv1/app/db", {"password": "p1"})
        assert store.read("kv1/app/db").data == {"password": "p1"}
        assert store.locate("kv1/app/db").kv_version == 1
        status, _body = bao.api("GET", "kv1/data/app/db")
        assert status == 404  # nothing was misplaced under a v2-style path
        assert store.list_keys("kv1/app") == ["db"]

    def test_check_and_set_conflict_is_refused(self, bao) -> None:
        store = store_for(bao.addr, bao.root_token)
        store.write("secret/race/p", {"v": "0"})
        base = store.current_version(store.locate("secret/race/p"))
        store_for(bao.addr, bao.root_token).write("secret/race/p", {"v": "other"})
        with pytest.raises(ConflictError, match="version 2, not 1"):
            store.write("secret/race/p", {"v": "mine"}, cas=base)
        assert store.read("secret/race/p").data == {"v": "other"}

    def test_missing_deleted_destroyed_each_say_so(self, bao) -> None:
        store = store_for(bao.addr, bao.root_token)
        with pytest.raises(BackendError, match="does not exist"):
            store.read("secret/never/there")
        store.write("secret/gone/x", {"a": "1"})
        store.write("secret/gone/x", {"a": "2"})
        bao.cli("kv", "delete", "secret/gone/x")
        with pytest.raises(BackendError, match="was deleted") as deleted:
            store.read("secret/gone/x")
        assert "undelete" in str(deleted.value)
        bao.cli("kv", "destroy", "-versions=1", "secret/gone/x")
        with pytest.raises(BackendError, match="destroyed"):
            store.read("secret/gone/x", version=1)

    def test_namespace_is_sent(self, bao, bao_namespace: str) -> None:
        bao.kv2_put("ns/item", {"k": "in-namespace"}, namespace=bao_namespace)
        inside = store_for(bao.addr, bao.root_token, BAO_NAMESPACE=bao_namespace)
        assert inside.read("secret/ns/item").data == {"k": "in-namespace"}
        with pytest.raises(BackendError):
            store_for(bao.addr, bao.root_token).read("secret/ns/item")
        with pytest.raises(BackendError, match="namespace 'nope' does not exist"):
            store_for(bao.addr, bao.root_token, BAO_NAMESPACE="nope").read("secret/x")


class TestErrors:
    def test_bad_token_vs_denied_policy(self, bao, restricted_token: str) -> None:
        bao.kv2_put("other/x", {"a": "1"})
        with pytest.raises(BackendError, match="rejected the token from BAO_TOKEN"):
            store_for(bao.addr, "s.not-a-real-token").read("secret/other/x")
        with pytest.raises(BackendError, match="valid but its policies") as denied:
            store_for(bao.addr, restricted_token).read("secret/other/x")
        assert restricted_token not in str(denied.value)
        assert bao.addr in str(denied.value)

    def test_sealed(self, bao) -> None:
        with bao.sealed(), pytest.raises(BackendError, match="is sealed"):
            store_for(bao.addr, bao.root_token).read("secret/rt/a")

    def test_refused_and_hung_servers_fail_fast(self, refused_addr: str, hung_server: str) -> None:
        with pytest.raises(BackendError, match="connection refused"):
            store_for(refused_addr, "t").read("secret/x")
        started = time.monotonic()
        with pytest.raises(BackendError, match="did not answer in time"):
            store_for(hung_server, "t", BAO_CLIENT_TIMEOUT="1").read("secret/x")
        assert time.monotonic() - started < 5

    def test_bad_paths_are_refused_before_sending(self, bao) -> None:
        store = store_for(bao.addr, bao.root_token)
        for path in ("secret/../x", "secret/a?b", "", "secret//x"):
            with pytest.raises(UsageError):
                store.read(path)

    def test_tls_right_ca_works_wrong_ca_fails(self, tls_bao) -> None:
        ok = store_for(tls_bao.addr, tls_bao.root_token, BAO_CACERT=str(tls_bao.ca_path))
        ok.write("secret/tls/x", {"a": "1"})
        wrong = store_for(tls_bao.addr, tls_bao.root_token, BAO_CACERT=str(tls_bao.wrong_ca_path))
        with pytest.raises(BackendError, match="TLS with"):
            wrong.read("secret/tls/x")
        skip = resolve({"BAO_ADDR": tls_bao.addr, "VAULT_SKIP_VERIFY": "false"})
        assert skip.tls.verify


class TestCli:
    def test_interop_with_the_bao_cli_byte_for_byte(self, bao) -> None:
        put = relay(bao, "vault", "put", "secret/interop/a", "field=-", stdin=UNICODE)
        assert put.returncode == 0, put.stderr
        got = bao.cli("kv", "get", "-field=field", "secret/interop/a")
        assert got.stdout == UNICODE
        bao.cli("kv", "put", "secret/interop/b", "field=-", input=UNICODE)
        back = relay(bao, "vault", "get", "secret/interop/b", "-field", "field")
        assert back.returncode == 0 and back.stdout == UNICODE

    def test_values_in_argv_are_refused(self, bao) -> None:
        result = relay(bao, "vault", "put", "secret/argv/x", "k=topsecretvalue")
        assert result.returncode == 2 and "topsecretvalue" not in result.stderr

    def test_status_shows_source_never_token(self, bao) -> None:
        result = relay(bao, "vault", "status")
        assert result.returncode == 0, result.stderr
        assert "from BAO_TOKEN" in result.stdout and bao.root_token not in result.stdout

    def test_push_diff_pull_with_field_mapping(self, bao, tmp_path: Path) -> None:
        (tmp_path / "relay.toml").write_text(
            '[environments.staging]\nfile = ".env.staging"\nvault_path = "relay/staging"\n'
            '[secrets.JWT_SECRET_KEY]\nvault_field = "jwt_secret"\n'
        )
        env_file = tmp_path / ".env.staging"
        env_file.write_text("# staging\nJWT_SECRET_KEY=abc\nOTHER=1\n")
        common = ("--project", str(tmp_path))
        assert relay(bao, "vault", "diff", "--env", "staging", *common).returncode == 1
        pushed = relay(bao, "vault", "push", "--env", "staging", *common)
        assert pushed.returncode == 0, pushed.stderr
        assert bao.cli("kv", "get", "-field=jwt_secret", "secret/relay/staging").stdout == "abc"
        bao.cli("kv", "put", "secret/relay/staging", "jwt_secret=new", "OTHER=1", "EXTRA=x")
        pulled = relay(bao, "vault", "pull", "--env", "staging", *common)
        assert pulled.returncode == 0, pulled.stderr
        assert env_file.read_text() == "# staging\nJWT_SECRET_KEY=new\nOTHER=1\nEXTRA=x\n"
        assert relay(bao, "vault", "diff", "--env", "staging", *common).returncode == 0

    def test_unreachable_server_is_exit_3_without_traceback(self, refused_addr: str, bao) -> None:
        result = relay(bao, "vault", "get", "secret/x", extra={"BAO_ADDR": refused_addr})
        assert result.returncode == 3
        assert "Traceback" not in result.stderr and refused_addr in result.stderr


def test_put_keeps_other_fields_on_v2_and_v1(bao) -> None:
    for path in ("secret/keep/x", "kv1/keep/x"):
        bao.cli("kv", "put", path, "old=1", "other=2")
        result = relay(bao, "vault", "put", path, "old=-", stdin="new")
        assert result.returncode == 0, result.stderr
        assert store_for(bao.addr, bao.root_token).read(path).data == {"old": "new", "other": "2"}
