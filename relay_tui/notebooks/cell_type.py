"""What a cell type is: one record of its parameters, reads, writes, a person's part and runner."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from relay_tui.errors import ConfigurationError, RelayError

if TYPE_CHECKING:
    from relay_tui.notebooks.document import Cell
    from relay_tui.notebooks.runner import RunOptions
    from relay_tui.project.project import Project

# Parameter names that would hold a value: no cell type may take one, no saved cell may have one.
FORBIDDEN = frozenset({"value", "values", "secret", "token", "password"})

Runner = Callable[[int, "Cell", "Project", "RunOptions"], list[str]]
Envs = Callable[["Cell", str], frozenset[str]]  # (cell, default env) -> environment names
ValuesNeeded = Callable[["Cell", "Project", "RunOptions"], list[tuple[str, str]]]
Confirm = Callable[["Cell", "Project"], str | None]  # the question to ask, or None
Check = Callable[[Any, str], None]  # (the value, or None when absent; where) -> raises


class NeedsPerson(RelayError):
    """A cell needs a person's answer (a value, a choice, a tick) and none was given."""

    def __init__(self, message: str, *, hint: str | None = None, lines: Sequence[str] = ()) -> None:
        super().__init__(message, hint=hint)
        self.lines = list(lines)


class CellFailed(Exception):
    """A cell ran and its result is a failure (e.g. validation errors)."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("cell failed")
        self.lines = lines


class Person(enum.Flag):
    """How a person takes part in a cell's run (NONE: it runs on its own)."""

    NONE = 0
    GIVES_VALUES = enum.auto()  # types values before it runs (the record's values_needed)
    CHOOSES_KEYS = enum.auto()  # picks the keys of a cell whose keys = "ask"
    TICKS = enum.auto()  # ticks its checklist items by hand
    CONFIRMS = enum.auto()  # says yes before it writes (the record's confirm)


class View(enum.Enum):
    """What is shown under a cell in the pane and the report."""

    LINES = "lines"  # the last result's lines
    PROSE = "prose"  # its `text` parameter (the report quotes the result)
    CHECKLIST = "checklist"  # its items, ticked or open, with their deadlines


class Param(NamedTuple):
    """One parameter: its name, whether a cell must give it (not empty), and a check of it."""

    name: str
    required: bool = False
    check: Check | None = None  # called with the value (None when absent) and where it is


def no_envs(cell: Cell, default_env: str) -> frozenset[str]:
    """For a cell that reads or writes no environment's file."""
    return frozenset()


def its_env(cell: Cell, default_env: str) -> frozenset[str]:
    """The cell's own `env`, else the run's default environment."""
    return frozenset({str(cell.params.get("env") or default_env)})


def value_like(name: str) -> bool:
    """Whether a parameter name would hold a value (`token`, `db_password`, `secret-file`...)."""
    return any(word in FORBIDDEN for word in re.split(r"[-_]", name.lower()))


class CellType(NamedTuple):
    """One cell type, whole: its name, parameters, what it reads and writes, a person's part,
    what the workbench starts a new cell with and shows under it, and how it runs.

    The registry hands a record out only once `checked` passes (no value-like parameter).
    """

    name: str
    run: Runner
    params: tuple[Param, ...] = ()
    reads: Envs = no_envs  # the environments whose files it reads (for stale detection)
    writes: Envs = no_envs  # the environments whose files it changes
    person: Person = Person.NONE
    values_needed: ValuesNeeded | None = None  # with Person.GIVES_VALUES: (key, help) to ask
    confirm: Confirm | None = None  # with Person.CONFIRMS: the question, when one is needed
    view: View = View.LINES
    starter: Mapping[str, object] = {}  # a new cell's parameters (never mutated)
    edit_when_added: bool = True  # the workbench opens the editor on a new cell

    def checked(self) -> CellType:
        """The record itself, once sure that no parameter would hold a value and that a
        person's part comes with what the workbench asks (ValueError otherwise)."""
        secretive = [p.name for p in self.params if value_like(p.name)]
        if secretive:
            raise ValueError(f"cell type {self.name}: {', '.join(secretive)} would hold a value")
        if (self.values_needed is None) == (Person.GIVES_VALUES in self.person):
            raise ValueError(f"cell type {self.name}: values_needed goes with GIVES_VALUES")
        if (self.confirm is None) == (Person.CONFIRMS in self.person):
            raise ValueError(f"cell type {self.name}: confirm goes with CONFIRMS")
        return self

    @property
    def names(self) -> frozenset[str]:
        """The names of the parameters it takes."""
        return frozenset(p.name for p in self.params)

    def check_params(self, params: Mapping[str, Any], where: str) -> None:
        """Refuse a saved cell's parameters: a value's name, an unknown or missing one, or one
        that fails its check (ConfigurationError naming the cell)."""
        secretive = sorted(FORBIDDEN & set(params))
        if secretive:
            raise ConfigurationError(
                f"{where}: {', '.join(secretive)} cannot be saved in a notebook",
                hint="values are asked for when the cell runs (or given with --set KEY=@file)",
            )
        unknown = set(params) - self.names
        if unknown:
            raise ConfigurationError(
                f"{where}: {self.name} cells take {', '.join(sorted(self.names)) or 'nothing'}; "
                f"not {', '.join(sorted(unknown))}"
            )
        for param in self.params:
            if param.required and not params.get(param.name):
                raise ConfigurationError(f"{where}: a {self.name} cell needs {param.name}")
        for param in self.params:
            if param.check is not None:
                param.check(params.get(param.name), where)
