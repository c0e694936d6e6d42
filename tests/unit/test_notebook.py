"""Notebooks: the TOML format refuses values, and `relay-tui notebook run` runs cells headless."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from dotenv import dotenv_values

from relay_tui.errors import ConfigurationError, SecurityError
from relay_tui.notebooks import document as notebook
from relay_tui.notebooks.document import CellResult
from relay_tui.project.project import load_project
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
    assert result.returncode == 1  # provider keys were not given: fill-missing fails
    assert "[4] generate-env: ok" in result.stdout and "[5] fill-missing: failed" in result.stdout
    assert "needs a value: STRIPE_SECRET_KEY" in result.stdout
    assert "[6] validate: not run" in result.stdout
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

    from relay_tui.infra.ledger import read_ledger, record

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


# ----- the notebook core: new cell types, outputs, checklists, reports -------------------------
START = datetime.datetime(2030, 5, 6, 7, 8, 9, tzinfo=datetime.UTC)
INCIDENT = """title = "incident"
[[cells]]
type = "rotate"
keys = "ask"
push = true
[[cells]]
type = "checklist"
items = ["call the team", {text = "revoke", within = "1h"}, {text = "review", within = "2d"}]
"""


def test_new_cell_types_parse_and_take_only_their_parameters() -> None:
    book = notebook.parse(
        'title = "t"\n'
        + "".join(f'[[cells]]\ntype = "{t}"\n' for t in ("gitignore", "write-config"))
        + "".join(
            f'[[cells]]\ntype = "{t}"\nenv = "staging"\n'
            for t in ("explain", "fill-missing", "vault-check")
        )
    )
    kinds = ["gitignore", "write-config", "explain", "fill-missing", "vault-check"]
    assert [c.type for c in book.cells] == kinds
    assert book.cells[4].params == {"env": "staging"} and book.outputs == {}
    with pytest.raises(ConfigurationError, match="gitignore cells take nothing; not env"):
        notebook.parse('title = "t"\n[[cells]]\ntype = "gitignore"\nenv = "x"\n')
    with pytest.raises(ConfigurationError, match='keys must be a list of key names, "due"'):
        notebook.parse('title = "t"\n[[cells]]\ntype = "rotate"\nkeys = "everything"\n')


@pytest.mark.parametrize("within", ["1 hour", "0h", "5w", "h", "-1h"])
def test_a_bad_within_names_the_cell_and_the_item(within: str) -> None:
    text = (
        'title = "t"\n[[cells]]\ntype = "markdown"\ntext = "x"\n[[cells]]\ntype = "checklist"\n'
        f'items = ["a", {{text = "b", within = "{within}"}}]\n'
    )
    with pytest.raises(ConfigurationError, match=r"cell 2, item 2: within = .* not a duration"):
        notebook.parse(text)


def test_checklist_deadlines_count_from_the_start() -> None:
    from relay_tui.notebooks.checklist import checklist_items

    cell = notebook.parse(INCIDENT).cells[1]
    items = checklist_items(cell, START)
    assert [i.text for i in items] == ["call the team", "revoke", "review"]
    assert items[0].deadline is None and items[0].within is None
    assert items[1].deadline == START + datetime.timedelta(hours=1)
    assert items[2].deadline == START + datetime.timedelta(days=2)
    assert all(i.deadline is None for i in checklist_items(cell, None))


def _result(number: int, kind: str, lines: list[str], status: str = "ok") -> CellResult:
    return CellResult(number, kind, status, lines, START, START + datetime.timedelta(seconds=3))


def test_outputs_round_trip_through_a_saved_notebook() -> None:
    book = notebook.parse(INCIDENT)
    results = {
        1: _result(1, "rotate", ["rotate: JWT_SECRET_KEY in .env.staging"]),
        2: _result(2, "checklist", ["open: revoke"], "failed"),
    }
    text = notebook.dumps(book, results)
    assert "[cells.output]" in text
    again = notebook.parse(text)
    assert again.cells == book.cells and again.outputs == results
    assert notebook.parse(notebook.dumps(again)).outputs == results  # kept on the next save
    with pytest.raises(ConfigurationError, match="status must be one of"):
        notebook.parse(text.replace('status = "ok"', 'status = "great"'))


def test_dumps_refuses_a_value_in_an_output_or_a_cell() -> None:
    book = notebook.parse('title = "t"\n[[cells]]\ntype = "markdown"\ntext = "note"\n')
    leaked = {1: _result(1, "markdown", [f"JWT_SECRET_KEY={STRONG}"])}
    with pytest.raises(SecurityError, match="cell 1: its output holds a value") as caught:
        notebook.dumps(book, leaked, avoid={STRONG, "x"})
    assert STRONG not in str(caught.value)
    pasted = book._replace(cells=[notebook.Cell("markdown", {"text": f"old: {STRONG}"})])
    with pytest.raises(SecurityError, match="cell 1: its text holds a value"):
        notebook.dumps(pasted, avoid={STRONG})
    clean = notebook.dumps(book, {1: _result(1, "markdown", ["note"])}, avoid={STRONG})
    assert STRONG not in clean and "note" in clean
    ordinary = {STRONG, "development", "127.0.0.1", "info"}  # environment names, hosts: kept
    named = {1: _result(1, "markdown", ["nothing is due in development (127.0.0.1)"])}
    assert "in development" in notebook.dumps(book, named, avoid=ordinary)


def test_reads_and_writes_name_the_environments() -> None:
    from relay_tui.notebooks.runner import reads, writes

    cell = notebook.Cell
    both = {"staging", "production"}
    assert reads(cell("diff", {"env": "staging", "other": "production"}), "dev") == both
    assert writes(cell("diff", {"other": "production"}), "dev") == frozenset()
    assert reads(cell("rotate", {"keys": "ask"}), "dev") == {"dev"}
    assert writes(cell("rotate", {"keys": "ask", "env": "staging"}), "dev") == {"staging"}
    assert writes(cell("fill-missing", {}), "dev") == {"dev"}
    assert reads(cell("validate", {}), "dev") == {"dev"}
    assert writes(cell("validate", {}), "dev") == set()
    for kind in ("markdown", "checklist", "gitignore", "write-config", "explain"):
        assert reads(cell(kind, {}), "dev") == writes(cell(kind, {}), "dev") == frozenset()


def test_a_checklist_needs_every_tick_and_the_report_marks_late_items(project: Path) -> None:
    from relay_tui.notebooks.report import timeline_markdown
    from relay_tui.notebooks.runner import RunOptions, run_cell

    book, proj = notebook.parse(INCIDENT), load_project(project)
    options = RunOptions("development", started=START)
    result = run_cell(2, book.cells[1], proj, options)
    assert result.status == "failed" and result.started and result.finished
    assert result.lines[0] == "the checklist needs a person to tick 3 of 3 item(s)"
    assert "open: revoke (within 1h: by 2030-05-06 08:08 UTC)" in result.lines
    late = START + datetime.timedelta(hours=2)  # after revoke's 1h deadline
    ticked = {(2, 0): START, (2, 1): late, (2, 2): START + datetime.timedelta(hours=3)}
    done = run_cell(2, book.cells[1], proj, options._replace(ticked=ticked))
    assert done.status == "ok" and "every item is done (3)" in done.lines
    assert (
        "done: revoke (within 1h: by 2030-05-06 08:08 UTC, ticked 2030-05-06 09:08 UTC, LATE)"
        in done.lines
    )
    rotated = _result(1, "rotate", ["rotate: JWT_SECRET_KEY in .env"])
    report = timeline_markdown(book, [rotated, done], options._replace(ticked=ticked))
    assert report.startswith("# incident\n") and "Started: 2030-05-06 07:08:09 UTC" in report
    assert "### 1. rotate: ok" in report and "Time: 2030-05-06 07:08:09 UTC" in report
    assert "- rotate: JWT_SECRET_KEY in .env" in report
    revoke = next(line for line in report.splitlines() if "revoke" in line)
    assert "deadline 2030-05-06 08:08 UTC (within 1h)" in revoke and "LATE" in revoke
    review = next(line for line in report.splitlines() if "review" in line)
    assert "within 48h" in review and "LATE" not in review and "[x]" in review
    still_open = timeline_markdown(book, [rotated], options)  # the deadlines of 2030 are ahead
    assert "- [ ] revoke: deadline 2030-05-06 08:08 UTC (within 1h); open" in still_open
    past = options._replace(started=datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC))
    assert "open; **LATE**" in timeline_markdown(book, [rotated], past)


def test_cells_that_ask_say_what_they_need(project: Path) -> None:
    from relay_tui.notebooks.runner import (
        RunOptions,
        key_choices,
        needs_keys,
        run_cell,
        values_needed,
    )

    (project / ".env").write_text(f"JWT_SECRET_KEY={STRONG}\nPORT=8000\nSTRIPE_SECRET_KEY=\n")
    proj, options = load_project(project), RunOptions("development")
    ask = notebook.parse(INCIDENT).cells[0]
    assert needs_keys(ask) and not needs_keys(notebook.Cell("rotate", {"keys": ["A"]}))
    assert key_choices(ask, proj, options) == ["JWT_SECRET_KEY"]  # PORT is no secret
    stopped = run_cell(1, ask, proj, options)
    assert stopped.status == "failed" and "choose the compromised keys" in stopped.lines[0]
    assert stopped.lines[-1] == "hint: headless, name them with --keys KEY,KEY"
    provider = notebook.Cell("rotate", {"keys": ["STRIPE_SECRET_KEY", "JWT_SECRET_KEY"]})
    assert [k for k, _ in values_needed(provider, proj, options)] == ["STRIPE_SECRET_KEY"]
    given = options._replace(inputs={"STRIPE_SECRET_KEY": "x" * 30})
    assert values_needed(provider, proj, given) == []
    setter = notebook.Cell("set", {"key": "API_TOKEN", "help": "from the admin page"})
    assert values_needed(setter, proj, options) == [("API_TOKEN", "from the admin page")]
    assert values_needed(notebook.Cell("validate", {}), proj, options) == []


def test_invalidates_says_what_a_rotation_breaks() -> None:
    from relay_tui.notebooks.cell_types.rotate import invalidates
    from relay_tui.project.specs import spec_for

    keys = ("JWT_SECRET_KEY", "DATABASE_PASSWORD", "INTERNAL_API_KEY", "STRIPE_SECRET_KEY", "PORT")
    said = {k: invalidates(spec_for({}, k)) for k in keys}
    assert "users are logged out" in said["JWT_SECRET_KEY"]
    assert "until the database user is changed" in said["DATABASE_PASSWORD"]
    assert said["INTERNAL_API_KEY"] == "clients holding the old key are refused"
    assert "revoke it at the provider" in said["STRIPE_SECRET_KEY"]
    assert said["PORT"] == "whatever used the old value"
