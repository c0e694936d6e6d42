"""Notebooks: the TOML format refuses values, and `relay-tui notebook run` runs cells headless."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from dotenv import dotenv_values

from relay_tui.core import notebook
from relay_tui.errors import ConfigurationError
from tests.conftest import RunCli

STRONG = "Zx8-1kQ_v7Rp2mN9wL4sT6yB3cF5hJ0dG-9fK2pL5"


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ('title = "t"\n[[cells]]\ntype = "launch"\n', "not a cell type"),
        ('title = "t"\n[[cells]]\ntype = "set"\nkey = "A"\nvalue = "x"\n', "cannot be saved"),
        ('title = "t"\n[[cells]]\ntype = "validate"\ncolour = "red"\n', "not colour"),
        ('[[cells]]\ntype = "validate"\n', "needs a title"),
        ('title = "t"\n[[cells\n', "not valid TOML"),
    ],
)
def test_bad_notebooks_are_refused(text: str, complaint: str) -> None:
    with pytest.raises(ConfigurationError, match=complaint):
        notebook.parse(text)


def test_builtins_load_and_round_trip() -> None:
    assert {"first-time-setup", "promote-staging-to-production"} <= set(notebook.builtin_names())
    for name in notebook.builtin_names():
        book = notebook.load(notebook.BUILTIN_DIR / f"{name}.toml")
        assert notebook.parse(notebook.dumps(book)).cells == book.cells


def test_first_time_setup_headless(project: Path, cli: RunCli) -> None:
    result = cli("notebook", "run", "first-time-setup")
    assert result.returncode == 1  # provider keys still hold placeholders: validate fails
    assert "[2] generate-env: ok" in result.stdout and "[3] validate: failed" in result.stdout
    assert "needs a value: STRIPE_SECRET_KEY" in result.stdout
    env = project / ".env"
    assert os.stat(env).st_mode & 0o777 == 0o600
    values = dotenv_values(env, interpolate=False)
    generated = [v for k, v in values.items() if k == "JWT_SECRET_KEY"]
    assert generated and generated[0] not in result.stdout + result.stderr
    # saving a notebook after it ran never brings a value into the file
    saved = project / "saved.toml"
    saved.write_text(notebook.dumps(notebook.load(notebook.find("first-time-setup", project))))
    text = saved.read_text()
    assert not any(v and len(v) > 8 and v in text for v in values.values())


def test_cells_that_need_a_person(project: Path, cli: RunCli, tmp_path: Path) -> None:
    (project / ".env").write_text(f"JWT_SECRET_KEY={STRONG}\n")
    book = project / "notebooks" / "ask.toml"
    book.parent.mkdir()
    book.write_text(
        'title = "ask"\n[[cells]]\ntype = "set"\nkey = "STRIPE_SECRET_KEY"\n'
        'help = "from the Stripe dashboard"\n'
        '[[cells]]\ntype = "checklist"\nitems = ["revoke the old key"]\n'
        '[[cells]]\ntype = "markdown"\ntext = "done"\n'
    )
    stopped = cli("notebook", "run", "ask")
    assert stopped.returncode == 1
    assert "[1] set: failed" in stopped.stdout and "--set STRIPE_SECRET_KEY=@FILE" in stopped.stdout
    assert "[3] markdown: not run" in stopped.stdout
    value = tmp_path / "stripe.txt"
    value.write_text("sk_test_" + "7" * 24 + "\n")
    given = cli("notebook", "run", "ask", "--set", f"STRIPE_SECRET_KEY=@{value}", "--keep-going")
    assert "[1] set: ok" in given.stdout and "[2] checklist: failed" in given.stdout
    assert "[3] markdown: ok" in given.stdout and given.returncode == 1
    assert dotenv_values(project / ".env")["STRIPE_SECRET_KEY"] == "sk_test_" + "7" * 24
    assert "sk_test_7777" not in given.stdout + given.stderr


def test_promote_finds_a_shared_secret(project: Path, cli: RunCli) -> None:
    for name in (".env.staging", ".env.production"):
        (project / name).write_text(f"JWT_SECRET_KEY={STRONG}\n")
    result = cli("notebook", "run", "promote-staging-to-production")
    assert result.returncode == 1 and "JWT_SECRET_KEY: same value" in result.stdout
    assert STRONG not in result.stdout


def test_new_writes_a_starter(project: Path, cli: RunCli) -> None:
    assert cli("notebook", "new", "weekly").returncode == 0
    assert notebook.load(project / "notebooks" / "weekly.toml").title == "weekly"
    ran = cli("notebook", "run", "weekly")  # its validate cell: no .env yet, so it fails
    assert ran.returncode == 1 and "[1] markdown: ok" in ran.stdout
    assert "[2] validate: failed" in ran.stdout and ".env does not exist" in ran.stdout


def test_rotate_what_is_due(project: Path, cli: RunCli) -> None:
    import datetime

    from relay_tui.core.rotation import read_ledger, record

    (project / ".env").write_text(f"JWT_SECRET_KEY={STRONG}\nSESSION_SECRET={STRONG}x\n")
    old = datetime.datetime.now(datetime.UTC).date() - datetime.timedelta(days=120)
    record(project, "development", ["JWT_SECRET_KEY"], old)
    record(project, "development", ["SESSION_SECRET"])  # today: not due
    result = cli("notebook", "run", "rotate-what-is-due", "--keep-going")
    assert "[2] rotate: ok" in result.stdout and "rotate: JWT_SECRET_KEY" in result.stdout
    values = dotenv_values(project / ".env")
    assert values["JWT_SECRET_KEY"] != STRONG and values["SESSION_SECRET"] == STRONG + "x"
    assert read_ledger(project)["development"]["JWT_SECRET_KEY"] > old
    again = cli("notebook", "run", "rotate-what-is-due", "--keep-going")
    assert "nothing is due for rotation in development" in again.stdout


def test_a_cell_missing_what_it_acts_on_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="a generate cell needs key"):
        notebook.parse('title = "t"\n[[cells]]\ntype = "generate"\n')
