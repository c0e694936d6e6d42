"""Rotation: the ledger (names and dates only), due/overdue/unknown findings, `relay-tui rotate`."""

from __future__ import annotations

import datetime
from pathlib import Path

from dotenv import dotenv_values

from relay_tui.core import audit
from relay_tui.core.project import load_project
from relay_tui.core.rotation import ledger_path, read_ledger, record
from relay_tui.core.validate import validate
from tests.conftest import RunCli

STRONG = "Zx8-1kQ_v7Rp2mN9wL4sT6yB3cF5hJ0dG-9fK2pL5"


def rotation_codes(project: Path) -> dict[str, str]:
    report = validate(load_project(project), ["development"], git=False)
    return {f.key or "": f.code for f in report.findings if f.code.startswith("rotation-")}


def test_ages_against_cadences(project: Path) -> None:
    (project / ".env").write_text(
        f"JWT_SECRET_KEY={STRONG}\nSESSION_SECRET={STRONG}x\nDATA_ENCRYPTION_KEY=k\n"
        "DATABASE_PASSWORD=Vx8-Lq2.Rk5_Tn9~Wm3zPa7c\nPORT=1\n"
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
