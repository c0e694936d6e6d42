"""Rotation dates in KV v2 custom metadata on a real OpenBao: packed, read back, kept, refused."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest

from relay_tui.infra.ledger import record
from relay_tui.stores.vault.rotation_dates import MAX_KEYS, MAX_VALUE_BYTES, PREFIX, unpack_dates
from tests.conftest import git
from tests.vault.helpers import relay

STRONG = "Zx8-1kQ_v7Rp2mN9wL4sT6yB3cF5hJ0dG-9fK2pL5"
PASSWORD = "Vx8-Lq2." + "Rk5_Tn9~Wm3zPa7c-Hq4"  # built here: the repo passes its own scan
TODAY = datetime.datetime.now(datetime.UTC).date()


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def project_at(root: Path, path: str, env_text: str, mount: str = "secret") -> Path:
    """A git project whose staging environment lives at `mount`/`path` in Vault."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q")
    (root / ".gitignore").write_text(".env*\n.relay/\n")
    (root / "relay.toml").write_text(
        f'[vault]\nmount = "{mount}"\n'
        f'[environments.staging]\nfile = ".env.staging"\nvault_path = "{path}"\n'
        '[secrets.JWT_SECRET_KEY]\nvault_field = "jwt_secret"\nkind = "signing-key"\n'
        '[secrets.DATABASE_PASSWORD]\nkind = "password"\n'
    )
    env_file = root / ".env.staging"
    env_file.write_text(env_text)
    env_file.chmod(0o600)
    return root


def staging(root: Path, path: str, mount: str = "secret") -> Path:
    text = f"JWT_SECRET_KEY={STRONG}\nDATABASE_PASSWORD={PASSWORD}\n"
    return project_at(root, path, text, mount)


def custom_metadata(bao: Any, path: str) -> dict[str, str]:
    """The path's custom metadata, read with a plain HTTP call (not the code under test)."""
    data = bao.expect({200}, "GET", f"secret/metadata/{path}")["data"]
    return dict(data.get("custom_metadata") or {})


def set_custom_metadata(bao: Any, path: str, custom: dict[str, str]) -> None:
    bao.expect({200, 204}, "POST", f"secret/metadata/{path}", {"custom_metadata": custom})


def findings(bao: Any, project: Path, **extra: str) -> list[dict[str, Any]]:
    args = ("validate", "--env", "staging", "--json", "--project", str(project))
    result = relay(bao, *args, extra=extra or None)
    assert result.returncode == 0, result.stdout + result.stderr
    return list(json.loads(result.stdout)["findings"])


def test_a_push_packs_the_dates_into_custom_metadata(bao, tmp_path: Path) -> None:
    project = staging(tmp_path / "p", "rm/packed")
    record(project, "staging", ["JWT_SECRET_KEY"], days_ago(10))
    pushed = relay(bao, "vault", "push", "--env", "staging", "--project", str(project))
    assert pushed.returncode == 0, pushed.stderr
    assert "warning" not in pushed.stderr
    # the ledger's date for JWT_SECRET_KEY (under its Vault field), today for the new password
    assert custom_metadata(bao, "rm/packed") == {
        f"{PREFIX}0": f"DATABASE_PASSWORD={TODAY.isoformat()};jwt_secret={days_ago(10)}"
    }
    assert STRONG not in json.dumps(custom_metadata(bao, "rm/packed"))


def test_a_vault_date_wins_over_the_ledger_in_validate(bao, tmp_path: Path) -> None:
    project = staging(tmp_path / "p", "rm/overdue")
    assert (
        relay(bao, "vault", "push", "--env", "staging", "--project", str(project)).returncode == 0
    )
    record(project, "staging", ["JWT_SECRET_KEY", "DATABASE_PASSWORD"])  # the ledger says today
    set_custom_metadata(bao, "rm/overdue", {f"{PREFIX}0": f"jwt_secret={days_ago(200)}"})
    rotation = [f for f in findings(bao, project) if f["code"].startswith("rotation-")]
    # DATABASE_PASSWORD has no date in Vault: the ledger's (today) applies, so nothing is due
    assert [(f["code"], f["key"]) for f in rotation] == [("rotation-overdue", "JWT_SECRET_KEY")]
    assert "200 days old" in rotation[0]["message"]


def test_dates_with_source_names_the_vault_path(
    bao, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from relay_tui.project.project import load_project
    from relay_tui.rules.rotation import dates_for, dates_with_source

    project_dir = staging(tmp_path / "p", "rm/source")
    bao.kv2_put("rm/source", {"jwt_secret": STRONG})
    set_custom_metadata(bao, "rm/source", {f"{PREFIX}0": f"jwt_secret={days_ago(30)}"})
    record(project_dir, "staging", ["JWT_SECRET_KEY", "DATABASE_PASSWORD"], days_ago(5))
    monkeypatch.setenv("BAO_ADDR", bao.addr)
    monkeypatch.setenv("BAO_TOKEN", bao.root_token)
    project = load_project(project_dir)
    env = project.environment("staging")
    dates, source = dates_with_source(project, env)
    assert source == "vault secret/rm/source"
    assert dates == {"JWT_SECRET_KEY": days_ago(30), "DATABASE_PASSWORD": days_ago(5)}
    assert dates_for(project, env) == dates


def test_seventy_keys_fit_and_other_custom_metadata_survives(bao, tmp_path: Path) -> None:
    keys = [f"SERVICE_{n:02d}_UPSTREAM_API_TOKEN" for n in range(80)]
    text = "".join(f"{key}=value-{n}\n" for n, key in enumerate(keys))
    project = project_at(tmp_path / "p", "rm/many", text)
    bao.kv2_put("rm/many", {"kept_field": "x"})
    set_custom_metadata(bao, "rm/many", {"owner": "payments team", "ticket": "OPS-1"})
    pushed = relay(bao, "vault", "push", "--env", "staging", "--project", str(project))
    assert pushed.returncode == 0, pushed.stderr
    assert "warning" not in pushed.stderr
    custom = custom_metadata(bao, "rm/many")
    assert custom["owner"] == "payments team" and custom["ticket"] == "OPS-1"
    ours = {k: v for k, v in custom.items() if k.startswith(PREFIX)}
    assert 2 <= len(ours) < 10 and len(custom) <= MAX_KEYS
    assert sorted(ours) == [f"{PREFIX}{n}" for n in range(len(ours))]
    assert all(len(v.encode()) <= MAX_VALUE_BYTES for v in ours.values())
    assert unpack_dates(custom) == dict.fromkeys(keys, TODAY)
    # a second push of new values keeps the foreign keys and the packing
    (project / ".env.staging").write_text(text.replace("value-7\n", "value-seven\n"))
    assert (
        relay(bao, "vault", "push", "--env", "staging", "--project", str(project)).returncode == 0
    )
    again = custom_metadata(bao, "rm/many")
    assert again["owner"] == "payments team" and unpack_dates(again) == dict.fromkeys(keys, TODAY)


def test_a_full_custom_metadata_is_a_clear_warning_and_the_value_is_in_vault(
    bao, tmp_path: Path
) -> None:
    project = staging(tmp_path / "p", "rm/full")
    bao.kv2_put("rm/full", {"jwt_secret": "old"})
    foreign = {f"team-label-{n:02d}": f"v{n}" for n in range(MAX_KEYS)}
    set_custom_metadata(bao, "rm/full", foreign)
    pushed = relay(bao, "vault", "push", "--env", "staging", "--project", str(project))
    assert pushed.returncode == 0, pushed.stderr
    assert "pushed staging to secret/rm/full" in pushed.stderr
    assert (
        "warning: DATABASE_PASSWORD, JWT_SECRET_KEY at secret/rm/full: the values ARE in Vault, "
        "but their rotation dates were not recorded"
    ) in pushed.stderr
    assert f"limit of {MAX_KEYS} keys" in pushed.stderr
    assert bao.cli("kv", "get", "-field=jwt_secret", "secret/rm/full").stdout == STRONG
    assert custom_metadata(bao, "rm/full") == foreign  # nothing of ours was written
    # rotate --push goes through the same path: a warning, not a failure
    args = ("rotate", "JWT_SECRET_KEY", "--env", "staging", "--push", "--project", str(project))
    rotated = relay(bao, *args)
    assert rotated.returncode == 0, rotated.stderr
    assert "pushed to secret/rm/full with check-and-set" in rotated.stderr
    assert (
        "JWT_SECRET_KEY at secret/rm/full: the value IS in Vault, but its rotation date was not "
        "recorded"
    ) in rotated.stderr
    assert bao.cli("kv", "get", "-field=jwt_secret", "secret/rm/full").stdout != STRONG


def test_a_token_that_may_not_write_metadata_still_pushes(bao, make_token, tmp_path: Path) -> None:
    token = make_token(
        'path "secret/data/rm/nometa" { capabilities = ["create", "update", "read"] }\n'
        'path "secret/metadata/rm/nometa" { capabilities = ["read"] }\n'
    )
    project = staging(tmp_path / "p", "rm/nometa")
    bao.kv2_put("rm/nometa", {"jwt_secret": "old"})
    args = ("vault", "push", "--env", "staging", "--project", str(project))
    pushed = relay(bao, *args, extra={"BAO_TOKEN": token})
    assert pushed.returncode == 0, pushed.stderr
    assert "ARE in Vault, but their rotation dates were not recorded" in pushed.stderr
    assert "do not allow it to record rotation dates" in pushed.stderr
    assert bao.cli("kv", "get", "-field=jwt_secret", "secret/rm/nometa").stdout == STRONG
    assert custom_metadata(bao, "rm/nometa") == {}


def test_vault_put_records_todays_date_for_the_fields_it_changed(bao) -> None:
    bao.kv2_put("rm/put", {"a": "same", "b": "old"})
    set_custom_metadata(bao, "rm/put", {f"{PREFIX}0": f"a={days_ago(40)}"})
    put = relay(bao, "vault", "put", "secret/rm/put", "b=-", stdin="new")
    assert put.returncode == 0 and "warning" not in put.stderr, put.stderr
    assert unpack_dates(custom_metadata(bao, "rm/put")) == {"a": days_ago(40), "b": TODAY}


def test_unreachable_vault_gives_ledger_dates_and_a_rotation_source_finding(
    bao, tmp_path: Path, refused_addr: str
) -> None:
    project = staging(tmp_path / "p", "rm/unreachable")
    record(project, "staging", ["JWT_SECRET_KEY"], days_ago(100))
    record(project, "staging", ["DATABASE_PASSWORD"])
    found = findings(bao, project, BAO_ADDR=refused_addr)
    codes = {f["code"]: f for f in found}
    assert codes["rotation-overdue"]["key"] == "JWT_SECRET_KEY"  # the ledger's 100 days
    source = codes["rotation-source"]
    assert source["severity"] == "info" and source["env"] == "staging"
    assert "came from the ledger" in source["message"]
    assert "connection refused" in source["message"]
    assert len([f for f in found if f["code"] == "rotation-source"]) == 1


def test_a_kv1_mount_keeps_dates_in_the_ledger_silently(bao, tmp_path: Path) -> None:
    project = staging(tmp_path / "p", "rm/v1", mount="kv1")
    record(project, "staging", ["JWT_SECRET_KEY"], days_ago(100))
    pushed = relay(bao, "vault", "push", "--env", "staging", "--project", str(project))
    assert pushed.returncode == 0 and "warning" not in pushed.stderr, pushed.stderr
    found = findings(bao, project)
    assert not [f for f in found if f["code"] == "rotation-source"]
    assert [f["key"] for f in found if f["code"] == "rotation-overdue"] == ["JWT_SECRET_KEY"]
