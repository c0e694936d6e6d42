"""`relay-tui notebook run` headless: built-in notebooks, values from files and stdin, reports."""

from __future__ import annotations

import datetime
import os
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest
from dotenv import dotenv_values

from relay_tui.infra.ledger import read_ledger, record
from relay_tui.notebooks import document as notebook
from relay_tui.notebooks.runner import RunOptions, run_notebook
from relay_tui.project.project import load_project
from relay_tui.project.specs import spec_for
from tests.conftest import TEMPLATE, RunCli, git

STRONG = "Zx8-1kQ_v7Rp2mN9wL4sT6yB3cF5hJ0dG-9fK2pL5"


def provider_values() -> dict[str, str]:
    """Values a person gives, built at run time (they look like real provider keys)."""
    return {
        "DATABASE_URL": f"postgresql://relay:{secrets.token_hex(12)}@db.internal:5432/relay",
        "STRIPE_SECRET_KEY": "sk_" + "test_" + secrets.token_hex(16),
        "STRIPE_WEBHOOK_SECRET": "wh" + "sec_" + secrets.token_hex(16),
        "SENDGRID_API_KEY": "SG." + secrets.token_urlsafe(16) + "." + secrets.token_urlsafe(24),
    }


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    """A new clone: a git repository with the template and no .gitignore at all."""
    root = tmp_path / "fresh"
    root.mkdir()
    shutil.copy(TEMPLATE, root / ".env.example")
    git(root, "init", "-q")
    return root


def set_args(folder: Path, values: dict[str, str], stdin_key: str) -> list[str]:
    args = []
    for key, value in values.items():
        if key == stdin_key:
            args += ["--set", f"{key}=@-"]
            continue
        (folder / f"{key}.txt").write_text(value + "\n")
        args += ["--set", f"{key}=@{folder / f'{key}.txt'}"]
    return args


def test_first_time_setup_asks_fills_ignores_and_writes_relay_toml(
    fresh: Path, cli: RunCli, tmp_path: Path
) -> None:
    values = provider_values()
    given = set_args(tmp_path, values, "SENDGRID_API_KEY")
    run = ["notebook", "run", "first-time-setup", *given]
    first = cli(*run, stdin=values["SENDGRID_API_KEY"] + "\n", project_dir=fresh, cwd=fresh)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "[3] gitignore: ok" in first.stdout and "added to .gitignore: /.env" in first.stdout
    assert "[5] fill-missing: ok" in first.stdout and "[6] validate: ok" in first.stdout
    assert "Vault variables are not set" in first.stdout
    assert "not written: run with --yes to write relay.toml" in first.stdout
    assert not (fresh / "relay.toml").exists()
    env = fresh / ".env"
    assert os.stat(env).st_mode & 0o777 == 0o600
    written = dotenv_values(env, interpolate=False)
    assert {k: written[k] for k in values} == values
    assert "/.env" in (fresh / ".gitignore").read_text().splitlines()
    assert git(fresh, "check-ignore", ".env").strip() == ".env"
    again = cli(*run, "--yes", stdin=values["SENDGRID_API_KEY"], project_dir=fresh, cwd=fresh)
    assert again.returncode == 0, again.stdout + again.stderr
    assert ".env exists: left as it is" in again.stdout
    assert "git already ignores every environment file" in again.stdout
    assert "wrote relay.toml" in again.stdout
    project = load_project(fresh)
    assert project.environments["development"].file == env.resolve()
    assert project.specs["JWT_SECRET_KEY"].kind == "signing-key"
    assert project.specs["STRIPE_SECRET_KEY"].kind == "provider"
    assert dotenv_values(env, interpolate=False) == written  # the second run changed nothing
    shown = first.stdout + first.stderr + again.stdout + again.stderr
    shown += (fresh / "relay.toml").read_text()
    secret = {k: v for k, v in written.items() if v and spec_for(project.specs, k).is_secret}
    assert len(secret) >= 10 and not [k for k, v in secret.items() if v in shown]


def test_first_time_setup_without_the_values_names_the_keys(fresh: Path, cli: RunCli) -> None:
    result = cli("notebook", "run", "first-time-setup", "--yes", project_dir=fresh, cwd=fresh)
    assert result.returncode == 1
    assert "[5] fill-missing: failed" in result.stdout
    for key in provider_values():
        assert f"    {key}: " in result.stdout  # each key with its help text
    assert "Stripe dashboard" in result.stdout and "--set KEY=@FILE" in result.stdout
    assert "[8] write-config: not run" in result.stdout and not (fresh / "relay.toml").exists()


def test_only_one_value_can_come_from_stdin(project: Path, cli: RunCli) -> None:
    result = cli("notebook", "run", "first-time-setup", "--set", "A=@-", "--set", "B=@-")
    assert result.returncode == 2 and "only one key can read stdin" in result.stderr
    assert not (project / ".env").exists()
    inline = cli("notebook", "run", "first-time-setup", "--set", "A=plain")
    assert inline.returncode == 2 and "values never go in argv" in inline.stderr


def test_rotate_what_is_due_with_a_ledger_200_days_old(project: Path, cli: RunCli) -> None:
    (project / ".env").write_text(
        f"JWT_SECRET_KEY={STRONG}\nDATABASE_PASSWORD={STRONG}p\nSESSION_SECRET={STRONG}s\n"
    )
    old = datetime.datetime.now(datetime.UTC).date() - datetime.timedelta(days=200)
    record(project, "development", ["JWT_SECRET_KEY", "DATABASE_PASSWORD", "SESSION_SECRET"], old)
    record(project, "development", ["SESSION_SECRET"])  # rotated today: not due
    result = cli("notebook", "run", "rotate-what-is-due", "--keep-going")
    assert "[2] rotate: ok" in result.stdout
    assert "rotate: JWT_SECRET_KEY, DATABASE_PASSWORD in .env" in result.stdout
    assert "JWT_SECRET_KEY invalidates: every token and session" in result.stdout
    assert "DATABASE_PASSWORD invalidates: connections with the old password" in result.stdout
    values = dotenv_values(project / ".env")
    assert values["JWT_SECRET_KEY"] != STRONG and values["DATABASE_PASSWORD"] != STRONG + "p"
    assert values["SESSION_SECRET"] == STRONG + "s"
    today = datetime.datetime.now(datetime.UTC).date()
    assert read_ledger(project)["development"]["DATABASE_PASSWORD"] == today
    assert not [v for v in values.values() if v and v in result.stdout + result.stderr]


def test_promote_fails_on_a_secret_staging_and_production_share(project: Path, cli: RunCli) -> None:
    (project / ".env.staging").write_text(f"JWT_SECRET_KEY={STRONG}\nAPI_TOKEN={STRONG}a\n")
    (project / ".env.production").write_text(f"JWT_SECRET_KEY={STRONG}\nAPI_TOKEN={STRONG}b\n")
    result = cli("notebook", "run", "promote-staging-to-production")
    assert result.returncode == 1
    assert "[2] diff: failed" in result.stdout and "JWT_SECRET_KEY: same value" in result.stdout
    assert "API_TOKEN" not in result.stdout  # different values: no drift
    assert "[3] validate: not run" in result.stdout and STRONG not in result.stdout


def test_incident_response_needs_keys_and_a_report_is_never_overwritten(
    project: Path, cli: RunCli
) -> None:
    (project / ".env").write_text(f"JWT_SECRET_KEY={STRONG}\nPORT=8000\n")
    asked = cli("notebook", "run", "incident-response", "--keep-going")
    assert asked.returncode == 1 and "[2] rotate: failed" in asked.stdout
    assert "choose the compromised keys of development" in asked.stdout
    assert "(secrets with a value: JWT_SECRET_KEY)" in asked.stdout and "--keys" in asked.stdout
    report = project / "incident.md"
    ran = cli(
        "notebook",
        "run",
        "incident-response",
        "--keys",
        "JWT_SECRET_KEY",
        "--keep-going",
        "--report",
        str(report),
    )
    assert ran.returncode == 1  # no Vault path to push to, and the checklist needs a person
    assert "Vault was NOT updated" in ran.stdout and "users are logged out" in ran.stdout
    rotated = dotenv_values(project / ".env")["JWT_SECRET_KEY"]
    assert rotated and rotated != STRONG
    text = report.read_text()
    assert text.startswith("# Incident response: a compromised key\n")
    assert "### 2. rotate: failed" in text and "### 3. checklist: failed" in text
    assert rotated not in text and STRONG not in text
    refused = cli(
        "notebook", "run", "incident-response", "--keys", "JWT_SECRET_KEY", "--report", str(report)
    )
    assert refused.returncode == 4 and "already exists; nothing was run" in refused.stderr
    assert report.read_text() == text
    assert dotenv_values(project / ".env")["JWT_SECRET_KEY"] == rotated


def _secret_values(project: Path) -> set[str]:
    found = set()
    for env in load_project(project).environments.values():
        for key, value in dotenv_values(env.file, interpolate=False).items():
            if value and spec_for(load_project(project).specs, key).is_secret:
                found.add(value)
    return found


def test_saved_notebooks_with_outputs_hold_no_value(project: Path, tmp_path: Path) -> None:
    given = provider_values()
    (project / "notebooks").mkdir()
    (project / "notebooks" / "mixed.toml").write_text(
        'title = "mixed"\n[[cells]]\ntype = "generate"\nkey = "INTERNAL_API_KEY"\n'
        '[[cells]]\ntype = "set"\nkey = "PARTNER_API_TOKEN"\n'
        '[[cells]]\ntype = "rotate"\nkeys = ["SESSION_SECRET", "DATABASE_PASSWORD"]\n'
        '[[cells]]\ntype = "diff"\nother = "development"\n'
    )
    given["PARTNER_API_TOKEN"] = secrets.token_urlsafe(24)
    seen: set[str] = set(given.values())
    saved: list[str] = []
    runs = [
        ("first-time-setup", RunOptions("development", yes=True, inputs=given)),
        ("mixed", RunOptions("development", inputs=given)),
        ("rotate-what-is-due", RunOptions("development")),
        ("incident-response", RunOptions("development", keys=("JWT_SECRET_KEY",))),
    ]
    record(project, "development", ["API_KEY_SALT"], datetime.date(2001, 1, 1))
    for name, options in runs:
        seen |= _secret_values(project) if (project / ".env").exists() else set()
        book = notebook.load(notebook.find(name, project))
        results = run_notebook(book, load_project(project), options._replace(keep_going=True))
        assert [r for r in results if r.status == "ok"], name
        seen |= _secret_values(project)
        text = notebook.dumps(book, {r.number: r for r in results})
        assert "[cells.output]" in text
        assert notebook.dumps(book, {r.number: r for r in results}, avoid=seen) == text
        (tmp_path / f"{name}.toml").write_text(text)
        saved.append(text)
    assert len(seen) > 15  # generated, given, rotated (old and new)
    for text in saved:
        assert not [v for v in seen if v in text]
    files = subprocess.run(
        ["grep", "-rlF", "-f", "-", str(tmp_path)],
        input="\n".join(seen),
        capture_output=True,
        text=True,
    )
    assert not [f for f in files.stdout.split() if f.endswith(".toml")]
