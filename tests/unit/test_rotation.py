"""Rotation: the ledger, dates packed for Vault metadata, findings, `relay-tui rotate`."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from dotenv import dotenv_values
from hypothesis import given
from hypothesis import strategies as st

from relay_tui.errors import BackendError
from relay_tui.infra import audit
from relay_tui.infra.ledger import ledger_path, read_ledger, record
from relay_tui.project.project import load_project
from relay_tui.rules.rotation import dates_for, dates_with_source
from relay_tui.rules.validate import validate
from relay_tui.stores.vault.rotation_dates import (
    MAX_KEYS,
    MAX_VALUE_BYTES,
    PREFIX,
    merge_custom,
    pack_dates,
    unpack_dates,
)
from tests.conftest import REPO, RunCli

STRONG = "Zx8-1kQ_v7Rp2mN9wL4sT6yB3cF5hJ0dG-9fK2pL5"


def rotation_codes(project: Path) -> dict[str, str]:
    report = validate(load_project(project), ["development"], git=False)
    return {f.key or "": f.code for f in report.findings if f.code.startswith("rotation-")}


def test_ages_against_cadences(project: Path) -> None:
    (project / ".env").write_text(
        f"JWT_SECRET_KEY={STRONG}\nSESSION_SECRET={STRONG}x\nDATA_ENCRYPTION_KEY=k\n"
        "DATABASE_PASSWORD=Vx8-Lq2." + "Rk5_Tn9~Wm3zPa7c\nPORT=1\n"
    )
    today = datetime.datetime.now(datetime.UTC).date()
    record(project, "development", ["JWT_SECRET_KEY"], today - datetime.timedelta(days=100))
    record(project, "development", ["SESSION_SECRET"], today - datetime.timedelta(days=80))
    record(project, "development", ["DATABASE_PASSWORD"], today)
    assert rotation_codes(project) == {
        "JWT_SECRET_KEY": "rotation-overdue",  # 90-day cadence, 100 days old
        "SESSION_SECRET": "rotation-due",  # due in 10 days
        "DATA_ENCRYPTION_KEY": "rotation-unknown",
    }


def test_the_ledger_holds_names_and_dates_only(project: Path, cli: RunCli) -> None:
    assert cli("set", "JWT_SECRET_KEY", "--env", "development", stdin=STRONG).returncode == 0
    text = ledger_path(project).read_text()
    assert "JWT_SECRET_KEY" in text and STRONG not in text
    assert list(read_ledger(project)["development"]) == ["JWT_SECRET_KEY"]


def test_rotate_generates_writes_records_and_audits(project: Path, cli: RunCli) -> None:
    (project / ".env").write_text(f"# keep me\nJWT_SECRET_KEY={STRONG}\nPORT=1\n")
    result = cli("rotate", "JWT_SECRET_KEY", "--env", "development")
    assert result.returncode == 0, result.stderr
    values = dotenv_values(project / ".env", interpolate=False)
    assert values["JWT_SECRET_KEY"] != STRONG and len(values["JWT_SECRET_KEY"] or "") >= 43
    assert (project / ".env").read_text().startswith("# keep me\n")
    assert "logs every user out" in result.stderr  # what the rotation invalidates
    assert "Vault was not changed" in result.stderr
    assert "JWT_SECRET_KEY" in read_ledger(project)["development"]
    assert [e["action"] for e in audit.entries()] == ["rotate"]
    assert values["JWT_SECRET_KEY"] not in result.stdout + result.stderr


def test_a_provider_key_takes_its_new_value_from_stdin(project: Path, cli: RunCli) -> None:
    (project / ".env").write_text("STRIPE_SECRET_KEY=old\n")
    new = "sk_test_" + "4" * 24
    assert cli("rotate", "STRIPE_SECRET_KEY", "--env", "development", stdin=new).returncode == 0
    assert dotenv_values(project / ".env")["STRIPE_SECRET_KEY"] == new


def test_refusals(project: Path, cli: RunCli) -> None:
    (project / ".env").write_text(f"JWT_SECRET_KEY={STRONG}\n")
    (project / ".env.production").write_text(f"JWT_SECRET_KEY={STRONG}\n")
    missing = cli("rotate", "SESSION_SECRET", "--env", "development")
    assert missing.returncode == 2 and "nothing to rotate" in missing.stderr
    protected = cli("rotate", "JWT_SECRET_KEY", "--env", "production")
    assert protected.returncode == 4 and "--yes" in protected.stderr
    assert dotenv_values(project / ".env.production")["JWT_SECRET_KEY"] == STRONG


# --- rotation dates in Vault KV v2 custom metadata: packing, and the ledger fallback ---------

DAY = datetime.date(2024, 2, 29)
ODD_NAMES = ["a;b", "k=v", "100%", "with space", "héllo", "tab\tand\x1bescape", "x" * 120]


def test_pack_and_unpack_round_trip_in_printable_ascii() -> None:
    dates = {name: DAY - datetime.timedelta(days=n) for n, name in enumerate(ODD_NAMES)}
    packed = pack_dates(dates)
    assert list(packed) == [f"{PREFIX}{n}" for n in range(len(packed))]
    for value in packed.values():
        assert value.isascii() and value.isprintable() and len(value) <= MAX_VALUE_BYTES
    assert unpack_dates(packed) == dates


def test_packing_fills_each_value_up_to_512_bytes() -> None:
    dates = {f"SERVICE_{n:03d}_UPSTREAM_API_TOKEN": DAY for n in range(500)}
    packed = pack_dates(dates)
    entry = len("SERVICE_000_UPSTREAM_API_TOKEN=2024-02-29;")
    per_value = (MAX_VALUE_BYTES + 1) // entry  # the last entry of a value has no ';'
    assert len(packed) == -(-500 // per_value)  # as few keys as the limit allows
    assert all(len(v) <= MAX_VALUE_BYTES for v in packed.values())
    assert unpack_dates(packed) == dates
    assert pack_dates({}) == {}


@given(st.dictionaries(st.text(min_size=1, max_size=60), st.dates(), max_size=40))
def test_any_field_names_round_trip(dates: dict[str, datetime.date]) -> None:
    packed = pack_dates(dates)
    assert all(len(v.encode()) <= MAX_VALUE_BYTES and v.isprintable() for v in packed.values())
    assert unpack_dates(packed) == dates


def test_unpack_ignores_other_keys_and_broken_entries() -> None:
    custom = {
        "owner": "A=2024-01-01",
        f"{PREFIX}0": "A=2024-01-02;broken;B=not-a-date;=2024-01-03;C=2024-01-04",
        f"{PREFIX}1": "D=2024-01-05",
        f"{PREFIX}x": "E=2024-01-06",
    }
    assert unpack_dates(custom) == {
        "A": datetime.date(2024, 1, 2),
        "C": datetime.date(2024, 1, 4),
        "D": datetime.date(2024, 1, 5),
        "E": datetime.date(2024, 1, 6),
    }
    assert unpack_dates(None) == {}


def test_merge_keeps_foreign_metadata_and_replaces_its_own() -> None:
    existing = {"owner": "team", f"{PREFIX}0": "OLD=2020-01-01", f"{PREFIX}7": "STALE=2020-01-01"}
    merged = merge_custom(existing, {"NEW": DAY}, "secret/app")
    assert merged == {"owner": "team", f"{PREFIX}0": "NEW=2024-02-29"}


def test_more_than_64_keys_is_a_clear_error() -> None:
    foreign = {f"label-{n}": "v" for n in range(MAX_KEYS - 1)}
    assert len(merge_custom(foreign, {"A": DAY}, "secret/app")) == MAX_KEYS
    with pytest.raises(BackendError) as caught:
        merge_custom({**foreign, "one-more": "v"}, {"A": DAY}, "secret/app")
    assert "secret/app" in caught.value.message and "limit of 64" in caught.value.message
    with pytest.raises(BackendError, match="too long"):
        merge_custom({}, {"x" * 600: DAY}, "secret/app")


def test_dates_for_uses_the_ledger_when_vault_is_not_configured(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "relay.toml").write_text(
        '[environments.development]\nfile = ".env"\n'
        '[environments.staging]\nfile = ".env.staging"\nvault_path = "relay/staging"\n'
    )
    record(project, "staging", ["JWT_SECRET_KEY"], DAY)
    loaded = load_project(project)
    env = loaded.environment("staging")
    expected = {"JWT_SECRET_KEY": DAY}
    assert dates_with_source(loaded, env) == (expected, "ledger")  # no address, no token
    assert dates_for(loaded, env) == expected
    monkeypatch.setenv("VAULT_ADDR", "http://127.0.0.1:9")
    assert dates_with_source(loaded, env) == (expected, "ledger")  # an address, no token
    monkeypatch.setenv("VAULT_TOKEN", "t")
    monkeypatch.setenv("VAULT_SKIP_VERIFY", "perhaps")  # broken settings: the ledger, and why
    dates, source = dates_with_source(loaded, env)
    assert dates == expected and source.startswith("ledger (vault unreachable: VAULT_SKIP_VERIFY")
    development = loaded.environment("development")  # no vault_path: never asks Vault
    assert dates_with_source(loaded, development) == ({}, "ledger")


def test_validate_loads_no_vault_client_without_vault_settings(project: Path) -> None:
    (project / "relay.toml").write_text(
        '[environments.staging]\nfile = ".env.staging"\nvault_path = "relay/staging"\n'
    )
    (project / ".env.staging").write_text(f"JWT_SECRET_KEY={STRONG}\n")
    record(project, "staging", ["JWT_SECRET_KEY"], DAY)
    code = (
        "import sys\nfrom relay_tui.project.project import load_project\n"
        "from relay_tui.rules.validate import validate\n"
        f"report = validate(load_project(__import__('pathlib').Path({str(project)!r})), "
        "['staging'], git=False)\n"
        "print(sorted(f.code for f in report.findings if f.code.startswith('rotation-')))\n"
        "print('hvac' in sys.modules, 'relay_tui.stores.vault.store' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VAULT_", "BAO_"))}
    run_env = {**env, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=run_env, check=True
    )
    assert done.stdout.split("\n")[:2] == ["['rotation-overdue']", "False False"]
