"""Cell types are records: each one module and one registration line, asked by everything else."""

from __future__ import annotations

import ast
import datetime
from pathlib import Path

import pytest

from relay_tui.errors import ConfigurationError
from relay_tui.notebooks import document as notebook
from relay_tui.notebooks.cell_type import FORBIDDEN, CellType, Param, Person, View, its_env
from relay_tui.notebooks.cell_types import CELL_TYPES, lookup
from relay_tui.notebooks.document import Cell, CellResult
from relay_tui.notebooks.runner import RunOptions
from relay_tui.project.project import Project, load_project
from tests.conftest import REPO

PACKAGE = REPO / "relay_tui"
CELL_TYPES_DIR = PACKAGE / "notebooks" / "cell_types"
START = datetime.datetime(2030, 5, 6, 7, 8, 9, tzinfo=datetime.UTC)


# ----- a cell type made here: one module (this one) and one registration line ----------------
def run_tally(number: int, cell: Cell, project: Project, options: RunOptions) -> list[str]:
    """Says what it would count: the cell's env and where it writes (a test's cell type)."""
    return [f"tallied {cell.params.get('env') or 'the default'} into {cell.params['into']}"]


def writes_into(cell: Cell, default_env: str) -> frozenset[str]:
    return frozenset({str(cell.params["into"])})


CELL_TYPE = CellType(
    "tally",
    run_tally,
    params=(Param("env"), Param("into", required=True)),
    reads=its_env,
    writes=writes_into,
    starter={"into": "staging"},
)
TALLY = """title = "tally"

[[cells]]
type = "tally"
into = "staging"

[[cells]]
type = "validate"
env = "staging"

[[cells]]
type = "tally"
env = "production"
into = "production"
"""


@pytest.fixture
def tally(monkeypatch: pytest.MonkeyPatch) -> CellType:
    """The tally type, registered for one test (the line a new type adds to CELL_TYPES)."""
    monkeypatch.setitem(CELL_TYPES, "tally", __name__)
    return CELL_TYPE


# ----- the registry -------------------------------------------------------------------------
def test_every_registered_type_is_a_record_in_its_own_module() -> None:
    modules = {name: lookup(name).run.__module__ for name in CELL_TYPES}
    assert len(set(modules.values())) == len(CELL_TYPES)  # one type, one module
    assert all(m.startswith("relay_tui.notebooks.cell_types.") for m in modules.values())
    for name in CELL_TYPES:
        record = lookup(name)
        assert record.name == name and not any(p.name in FORBIDDEN for p in record.params)
        assert set(record.starter) <= record.names  # a new cell starts with what it takes
        assert (Person.GIVES_VALUES in record.person) == (record.values_needed is not None)
        assert (Person.TICKS in record.person) == (record.view is View.CHECKLIST)
    files = {p.stem for p in CELL_TYPES_DIR.glob("*.py")} - {"__init__", "helpers"}
    assert {m.rsplit(".", 1)[1] for m in modules.values()} == files  # no module left unlisted
    with pytest.raises(KeyError):
        lookup("launch")


def test_every_builtin_notebooks_cells_resolve_to_registered_types() -> None:
    for name in notebook.builtin_names():
        book = notebook.load(notebook.BUILTIN_DIR / f"{name}.toml")
        assert book.cells, name
        for cell in book.cells:
            assert cell.type in CELL_TYPES and cell.record is lookup(cell.type)


@pytest.mark.parametrize("kind", list(CELL_TYPES))
@pytest.mark.parametrize("name", sorted(FORBIDDEN))
def test_a_value_like_parameter_is_refused_for_every_type(kind: str, name: str) -> None:
    text = f'title = "t"\n[[cells]]\ntype = "{kind}"\n{name} = "x"\n'
    with pytest.raises(ConfigurationError, match=f"{name} cannot be saved in a notebook"):
        notebook.parse(text)


@pytest.mark.parametrize("name", [*sorted(FORBIDDEN), "db_password", "api-token", "SECRET_FILE"])
def test_no_cell_type_may_declare_a_value_like_parameter(name: str) -> None:
    """The registry hands out a record only once checked: see cell_types.lookup."""
    with pytest.raises(ValueError, match="would hold a value"):
        CellType("leaky", run_tally, params=(Param("env"), Param(name))).checked()


def test_a_persons_part_comes_with_what_the_workbench_asks() -> None:
    with pytest.raises(ValueError, match="values_needed goes with GIVES_VALUES"):
        CellType("asks", run_tally, person=Person.GIVES_VALUES).checked()
    with pytest.raises(ValueError, match="confirm goes with CONFIRMS"):
        CellType("agrees", run_tally, person=Person.CONFIRMS).checked()


# ----- a new type needs no change to the document, the runner, the report or the pane -------
def test_a_registered_type_parses_and_is_checked_by_its_schema(tally: CellType) -> None:
    book = notebook.parse(TALLY)
    assert [c.type for c in book.cells] == ["tally", "validate", "tally"]
    assert book.cells[0].record is tally
    assert notebook.parse(notebook.dumps(book)).cells == book.cells
    with pytest.raises(ConfigurationError, match="a tally cell needs into"):
        notebook.parse('title = "t"\n[[cells]]\ntype = "tally"\n')
    with pytest.raises(ConfigurationError, match="tally cells take env, into; not colour"):
        notebook.parse('title = "t"\n[[cells]]\ntype = "tally"\ninto = "x"\ncolour = "red"\n')
    with pytest.raises(ConfigurationError, match="token cannot be saved"):
        notebook.parse('title = "t"\n[[cells]]\ntype = "tally"\ninto = "x"\ntoken = "x"\n')


def test_a_registered_type_runs_through_the_runner_and_the_report(
    tally: CellType, project: Path
) -> None:
    from relay_tui.notebooks.report import timeline_markdown
    from relay_tui.notebooks.runner import needs_keys, reads, run_notebook, values_needed, writes

    book, proj = notebook.parse(TALLY), load_project(project)
    options = RunOptions("development", keep_going=True, started=START)
    first, _, third = run_notebook(book, proj, options)
    assert first.status == "ok" and first.lines == ["tallied the default into staging"]
    assert third.status == "ok" and third.lines == ["tallied production into production"]
    assert reads(book.cells[0], "development") == {"development"}
    assert writes(book.cells[0], "development") == {"staging"}
    assert values_needed(book.cells[0], proj, options) == [] and not needs_keys(book.cells[0])
    report = timeline_markdown(book, [first], options)
    assert "### 1. tally: ok" in report and "- tallied the default into staging" in report


def test_a_registered_types_reads_and_writes_drive_stale_detection(tally: CellType) -> None:
    from relay_tui.ui.notebook_state import OK, STALE, NotebookState

    state = NotebookState(notebook.parse(TALLY), "development")
    ok = [CellResult(n, e.cell.type, OK, [], START, START) for n, e in enumerate(state.entries, 1)]
    for index in (1, 2):
        state.finished(index, ok[index])
    state.finished(0, ok[0])  # writes staging: the validate cell of staging read it
    assert [e.state for e in state.entries] == [OK, STALE, OK]
    state.files_changed("production")  # the second tally reads production
    assert [e.state for e in state.entries] == [OK, STALE, STALE]


# ----- the rule that keeps holding: only cell_types/ knows a type by its name ----------------
NOTEBOOK_MODULES = ("notebooks/", "ui/notebook_state.py", "ui/panes/notebook_", "commands/notebook")


def type_string_uses(source: str, names: set[str], notebook_module: bool) -> list[int]:
    """Lines comparing `x.type` with a string literal (anywhere), or, in a notebook module,
    comparing with or tabulating (two or more in one literal) the names of cell types."""

    def literals(node: ast.expr) -> list[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            return [s for item in node.elts for s in literals(item)]
        return []

    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            typed = any(isinstance(s, ast.Attribute) and s.attr == "type" for s in sides)
            texts = [t for s in sides for t in literals(s)]
            if (typed and texts) or (notebook_module and names & set(texts)):
                found.append(node.lineno)
        elif notebook_module and isinstance(node, ast.Dict | ast.Set | ast.Tuple | ast.List):
            keys = node.keys if isinstance(node, ast.Dict) else node.elts
            named = [k.value for k in keys if isinstance(k, ast.Constant) and k.value in names]
            if len(named) >= 2:
                found.append(node.lineno)
    return sorted(set(found))


def test_the_rule_finds_what_it_is_for() -> None:
    names = set(CELL_TYPES)
    source = """
if cell.type == "set": pass
if entry.cell.type != "checklist": pass
if result.type in ("a", "b"): pass
if kind not in ("explain", "generate-env"): pass
needed = {"generate": "key", "set": "key"}.get(kind)
READS = frozenset({"diff", "rotate"})
if spec.kind == "url" or status == "ok" or cell.params.get("keys") == "ask": pass
"""
    assert type_string_uses(source, names, notebook_module=True) == [2, 3, 4, 5, 6, 7]
    assert type_string_uses(source, names, notebook_module=False) == [2, 3, 4]


def test_no_module_outside_cell_types_compares_a_cell_type_with_a_string() -> None:
    names, bad = set(CELL_TYPES), []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.is_relative_to(CELL_TYPES_DIR):
            continue
        relative = path.relative_to(PACKAGE).as_posix()
        in_notebooks = relative.startswith(NOTEBOOK_MODULES)
        for line in type_string_uses(path.read_text(encoding="utf-8"), names, in_notebooks):
            bad.append(f"{relative}:{line}")
    assert bad == [], "ask the cell's record (cell.record) instead of naming its type"
