"""Built-in notebooks against a real OpenBao: incident response pushes, the setup checks Vault."""

from __future__ import annotations

import datetime
import re
import secrets
import shutil
from pathlib import Path

from dotenv import dotenv_values

from tests.conftest import TEMPLATE, git
from tests.vault.helpers import relay

OLD = "Zx8-1kQ_v7Rp2mN9wL4sT6yB3cF5hJ0dG-9fK2pL5"


def staging_project(root: Path, path: str) -> Path:
    """A project whose staging environment lives in Vault at `path` (JWT as `jwt_secret`)."""
    git(root, "init", "-q")
    (root / ".gitignore").write_text(".env*\n")
    (root / "relay.toml").write_text(
        f'[environments.staging]\nfile = ".env.staging"\nvault_path = "{path}"\n'
        '[secrets.JWT_SECRET_KEY]\nvault_field = "jwt_secret"\nkind = "signing-key"\n'
    )
    (root / ".env.staging").write_text(f"JWT_SECRET_KEY={OLD}\nPORT=8000\n")
    return root


def _utc(text: str) -> datetime.datetime:
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S UTC").replace(tzinfo=datetime.UTC)


def test_incident_response_rotates_file_and_vault_and_reports_the_deadlines(
    bao, tmp_path: Path
) -> None:
    (tmp_path / "p").mkdir()
    project = staging_project(tmp_path / "p", "incident/staging")
    bao.kv2_put("incident/staging", {"jwt_secret": OLD, "other": "kept"})
    report = tmp_path / "r.md"
    before = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    args = ["--env", "staging", "--yes", "--keep-going", "--report", str(report)]
    keys = ["--keys", "JWT_SECRET_KEY", "--project", str(project)]
    result = relay(bao, "notebook", "run", "incident-response", *keys, *args)
    after = datetime.datetime.now(datetime.UTC)
    assert result.returncode == 1, result.stdout + result.stderr  # the checklist needs a person
    new = dotenv_values(project / ".env.staging")["JWT_SECRET_KEY"]
    assert new and new != OLD
    assert bao.cli("kv", "get", "-field=jwt_secret", "secret/incident/staging").stdout == new
    assert bao.cli("kv", "get", "-field=other", "secret/incident/staging").stdout == "kept"
    assert (
        "[2] rotate: ok" in result.stdout and "pushed to secret/incident/staging" in result.stdout
    )
    assert "JWT_SECRET_KEY invalidates: every token and session" in result.stdout
    assert "users are logged out" in result.stdout
    assert "[3] checklist: failed" in result.stdout
    assert "the checklist needs a person to tick 7 of 7 item(s)" in result.stdout
    text = report.read_text()
    found = re.search(r"^- Started: (.+ UTC)$", text, re.M)
    assert found is not None
    started = _utc(found.group(1))
    assert before <= started <= after
    for within, count in (("1h", 2), ("24h", 2), ("48h", 3)):
        hours = int(within[:-1])
        deadline = (started + datetime.timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M UTC")
        assert text.count(f"deadline {deadline} (within {within}); open") == count, within
    rotate = re.search(r"^### 2\. rotate: ok\n\nTime: (.+ UTC)$", text, re.M)
    assert rotate is not None and started <= _utc(rotate.group(1)) <= after
    assert "- JWT_SECRET_KEY invalidates:" in text and "### 3. checklist: failed" in text
    for shown in (result.stdout + result.stderr, text):
        assert new not in shown and OLD not in shown


def test_first_time_setup_checks_the_vault_connection(bao, tmp_path: Path) -> None:
    root = tmp_path / "setup"
    root.mkdir()
    shutil.copy(TEMPLATE, root / ".env.example")
    git(root, "init", "-q")
    (root / "relay.toml").write_text(
        '[environments.development]\nfile = ".env"\nvault_path = "setup/dev"\n'
    )
    bao.kv2_put("setup/dev", {"A": "1", "B": "2"})
    given = []
    for key, value in {
        "DATABASE_URL": f"postgresql://relay:{secrets.token_hex(12)}@db:5432/relay",
        "STRIPE_SECRET_KEY": "sk_" + "test_" + secrets.token_hex(16),
        "STRIPE_WEBHOOK_SECRET": "wh" + "sec_" + secrets.token_hex(16),
        "SENDGRID_API_KEY": "SG." + secrets.token_urlsafe(16) + "." + secrets.token_urlsafe(24),
    }.items():
        (tmp_path / key).write_text(value)
        given += ["--set", f"{key}=@{tmp_path / key}"]
    run = ["notebook", "run", "first-time-setup", *given, "--project", str(root)]
    result = relay(bao, *run)
    assert result.returncode == 0, result.stdout + result.stderr
    cell = result.stdout.split("[7] vault-check: ok\n", 1)[1].split("[8]", 1)[0]
    assert f"server: {bao.addr}" in cell and "sealed: no" in cell
    assert "token: valid" in cell and "vault path secret/setup/dev: exists, 2 key(s)" in cell
    assert "[8] write-config: ok" in result.stdout and "relay.toml exists" in result.stdout
    wrong = relay(bao, *run, extra={"BAO_TOKEN": "hvs." + secrets.token_urlsafe(18)})
    assert wrong.returncode == 1 and "[7] vault-check: failed" in wrong.stdout
    assert "rejected the token from BAO_TOKEN" in wrong.stdout.split("[7]", 1)[1]
    assert bao.root_token not in result.stdout + result.stderr + wrong.stdout + wrong.stderr
