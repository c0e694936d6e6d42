"""Run a notebook headless, cell by cell: each result holds key names and counts, never a value."""

from __future__ import annotations

import datetime
from typing import NamedTuple

from relay_tui.domain.masking import safe_text
from relay_tui.errors import RelayError
from relay_tui.notebooks.cells import (
    RUNNERS,
    CellFailed,
    NeedsPerson,
    cell_env,
    cell_keys,
)
from relay_tui.notebooks.document import Cell, CellResult, Notebook
from relay_tui.project.project import Project

__all__ = [
    "RUNNERS",
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
        lines = RUNNERS[cell.type](number, cell, project, options)
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
    from relay_tui.services.changes import Actor
    from relay_tui.services.notebook_changes import record_run

    actor = Actor("notebook", read_only=options.read_only, yes=options.yes)
    record_run(actor, options.env, notebook.title, "failed" if failed else "ok")
    return results


def values_needed(cell: Cell, project: Project, options: RunOptions) -> list[tuple[str, str]]:
    """(key, help) a person must give before the cell can run, minus those in options.inputs."""
    from relay_tui.project.specs import spec_for

    needed: list[tuple[str, str]] = []
    if cell.type == "set":
        key = str(cell.params.get("key", ""))
        needed = [(key, str(cell.params.get("help") or spec_for(project.specs, key).help))]
    elif cell.type == "fill-missing":
        from relay_tui.notebooks import setup_steps

        needed = setup_steps.values_needed(project, cell_env(cell, project, options))
    elif cell.type == "rotate":
        env = cell_env(cell, project, options)
        for key in cell_keys(cell, project, env, options):
            spec = spec_for(project.specs, key)
            if not spec.generatable:
                needed.append((key, spec.help or spec.kind))
    return [(key, text or "a value") for key, text in needed if key not in options.inputs]


def needs_keys(cell: Cell) -> bool:
    """Whether a person chooses the cell's keys when it runs (keys = "ask")."""
    return cell.params.get("keys") == "ask"


def key_choices(cell: Cell, project: Project, options: RunOptions) -> list[str]:
    """The keys one may choose for an "ask" cell: the env's secrets that have a value."""
    from relay_tui.project.envfile import EnvFile
    from relay_tui.project.specs import spec_for

    env = cell_env(cell, project, options)
    if not env.file.exists():
        return []
    values = EnvFile.load(env.file).values()
    return [k for k, v in values.items() if v and spec_for(project.specs, k).is_secret]


_READS_ENV = frozenset(
    {"generate-env", "generate", "set", "validate", "diff", "vault-push", "vault-pull", "rotate"}
    | {"fill-missing"}
)
_WRITES_ENV = frozenset({"generate-env", "generate", "set", "vault-pull", "rotate", "fill-missing"})


def reads(cell: Cell, default_env: str) -> frozenset[str]:
    """The environments whose files the cell reads."""
    if cell.type not in _READS_ENV:
        return frozenset()
    env = str(cell.params.get("env") or default_env)
    if cell.type == "diff":
        return frozenset({env, str(cell.params.get("other", ""))})
    return frozenset({env})


def writes(cell: Cell, default_env: str) -> frozenset[str]:
    """The environments whose files the cell changes."""
    if cell.type not in _WRITES_ENV:
        return frozenset()
    return frozenset({str(cell.params.get("env") or default_env)})
