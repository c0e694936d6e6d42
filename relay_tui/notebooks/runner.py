"""Run a notebook headless, cell by cell: each result holds key names and counts, never a value."""

from __future__ import annotations

import datetime
from typing import NamedTuple

from relay_tui.domain.masking import safe_text
from relay_tui.errors import RelayError
from relay_tui.notebooks.cell_type import CellFailed, NeedsPerson, Person
from relay_tui.notebooks.cell_types.helpers import cell_env, secret_keys
from relay_tui.notebooks.document import Cell, CellResult, Notebook
from relay_tui.project.project import Project
from relay_tui.services.changes import Actor
from relay_tui.services.notebook_changes import record_run

__all__ = [
    "CellFailed",
    "CellResult",
    "NeedsPerson",
    "RunOptions",
    "key_choices",
    "needs_keys",
    "reads",
    "run_cell",
    "run_notebook",
    "values_needed",
    "writes",
]


class RunOptions(NamedTuple):
    """How to run: the default env, what a person confirmed, gave, chose and ticked."""

    env: str  # the default environment
    yes: bool = False  # confirms writes to protected envs AND write-config
    keep_going: bool = False
    inputs: dict[str, str] = {}  # noqa: RUF012 (values a person gave, by key; never mutated)
    keys: tuple[str, ...] = ()  # the keys a person chose, for cells with keys = "ask"
    started: datetime.datetime | None = None  # start of the run; checklist deadlines count from it
    ticked: dict[tuple[int, int], datetime.datetime] = {}  # noqa: RUF012 ((cell, item) -> when)
    read_only: bool = False  # the whole session is read-only


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def run_cell(number: int, cell: Cell, project: Project, options: RunOptions) -> CellResult:
    """Run one cell; a failure (RelayError, CellFailed, NeedsPerson) becomes a 'failed' result."""
    started = _now()
    status = "failed"
    try:
        lines = cell.record.run(number, cell, project, options)
        status = "ok"
    except NeedsPerson as exc:
        lines = [exc.message, *exc.lines, *([f"hint: {exc.hint}"] if exc.hint else [])]
    except RelayError as exc:
        lines = [exc.message, *([f"hint: {exc.hint}"] if exc.hint else [])]
    except CellFailed as exc:
        lines = list(exc.lines)
    except OSError as exc:  # the file system failed under a write: say what, never a value
        where = f" ({safe_text(str(exc.filename))})" if exc.filename else ""
        lines = [f"the file system failed: {exc.strerror or type(exc).__name__}{where}"]
    return CellResult(number, cell.type, status, lines, started, _now())


def run_notebook(notebook: Notebook, project: Project, options: RunOptions) -> list[CellResult]:
    """Run the cells in order; stop at the first failure unless keep_going (later: 'not run')."""
    if options.started is None:
        options = options._replace(started=_now())
    results: list[CellResult] = []
    failed = False
    for number, cell in enumerate(notebook.cells, start=1):
        if failed and not options.keep_going:
            results.append(CellResult(number, cell.type, "not run", []))
            continue
        result = run_cell(number, cell, project, options)
        failed = failed or result.status == "failed"
        results.append(result)

    actor = Actor("notebook", read_only=options.read_only, yes=options.yes)
    record_run(actor, options.env, notebook.title, "failed" if failed else "ok")
    return results


def values_needed(cell: Cell, project: Project, options: RunOptions) -> list[tuple[str, str]]:
    """(key, help) a person must give before the cell can run, minus those in options.inputs."""
    record = cell.record
    if record.values_needed is None:
        return []
    needed = record.values_needed(cell, project, options)
    return [(key, text or "a value") for key, text in needed if key not in options.inputs]


def needs_keys(cell: Cell) -> bool:
    """Whether a person chooses the cell's keys when it runs (keys = "ask")."""
    return Person.CHOOSES_KEYS in cell.record.person and cell.params.get("keys") == "ask"


def key_choices(cell: Cell, project: Project, options: RunOptions) -> list[str]:
    """The keys one may choose for an "ask" cell: the env's secrets that have a value."""
    return secret_keys(project, cell_env(cell, project, options))


def reads(cell: Cell, default_env: str) -> frozenset[str]:
    """The environments whose files the cell reads (its record says)."""
    return cell.record.reads(cell, default_env)


def writes(cell: Cell, default_env: str) -> frozenset[str]:
    """The environments whose files the cell changes (its record says)."""
    return cell.record.writes(cell, default_env)
