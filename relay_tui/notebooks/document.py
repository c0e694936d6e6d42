"""Notebooks: runbooks of cells (operations of the core) saved as TOML, never holding a value."""

from __future__ import annotations

import datetime
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from relay_tui.domain.masking import safe_text
from relay_tui.errors import ConfigurationError, SecurityError, UsageError
from relay_tui.infra.bounded_read import read_env_bytes
from relay_tui.notebooks.cell_types import CELL_TYPES, lookup

if TYPE_CHECKING:
    from relay_tui.notebooks.cell_type import CellType

BUILTIN_DIR = Path(__file__).resolve().parent / "builtin"
STATUSES = ("ok", "failed", "not run")
OUTPUT_FIELDS = frozenset({"status", "ran", "finished", "lines"})
SHORTEST_AVOIDED = 8  # shorter values would match ordinary words and numbers in the lines
# Lowercase words and numbers/addresses (development, localhost, 127.0.0.1) name environments
# and servers in the lines: such values are not looked for.
_ORDINARY = re.compile(r"[a-z]+|[0-9.:]+")


class Cell(NamedTuple):
    """One step: its type and parameters (key names, environments, text; never values)."""

    type: str  # the name of a registered cell type (cell_types.CELL_TYPES)
    params: dict[str, Any]

    @property
    def record(self) -> CellType:
        """Its cell type's record: what it takes, reads and writes, a person's part, its run."""
        return lookup(self.type)


class CellResult(NamedTuple):
    """What one cell did: 'ok', 'failed' or 'not run', and what it says (never a value)."""

    number: int
    type: str
    status: str  # "ok" | "failed" | "not run"
    lines: list[str]  # key names and counts only, never a value
    started: datetime.datetime | None = None  # aware UTC
    finished: datetime.datetime | None = None


class Notebook(NamedTuple):
    """A titled list of cells, where it was read from, and each cell's last saved result."""

    title: str
    cells: list[Cell]
    path: Path | None = None
    outputs: dict[int, CellResult] = {}  # noqa: RUF012 (by cell number; never mutated)


def parse(text: str, where: str = "notebook") -> Notebook:
    """Read and check a notebook; every problem names the cell and what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"{where}: not valid TOML ({exc})") from None
    except RecursionError:
        raise ConfigurationError(f"{where}: nested too deeply to be a notebook") from None
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ConfigurationError(f'{where}: needs a title = "..."')
    unknown = set(data) - {"title", "cells"}
    if unknown:
        raise ConfigurationError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    tables = data.get("cells", [])
    if not isinstance(tables, list):
        raise ConfigurationError(f"{where}: cells must be [[cells]] tables")
    cells, outputs = [], {}
    for number, table in enumerate(tables, start=1):
        cell, output = _cell(table, f"{where}, cell {number}", number)
        cells.append(cell)
        if output is not None:
            outputs[number] = output
    return Notebook(title, cells, outputs=outputs)


def _cell(table: Any, where: str, number: int) -> tuple[Cell, CellResult | None]:
    if not isinstance(table, dict):
        raise ConfigurationError(f"{where}: must be a [[cells]] table")
    kind = table.get("type")
    if not isinstance(kind, str) or kind not in CELL_TYPES:
        raise ConfigurationError(
            f"{where}: type {safe_text(str(kind))!r} is not a cell type",
            hint="types: " + ", ".join(CELL_TYPES),
        )
    params = {k: v for k, v in table.items() if k not in ("type", "output")}
    lookup(kind).check_params(params, where)
    output = table.get("output")
    result = None if output is None else _output(output, kind, number, f"{where}, output")
    return Cell(kind, params), result


def _output(table: Any, kind: str, number: int, where: str) -> CellResult:
    if not isinstance(table, dict):
        raise ConfigurationError(f"{where}: must be a [cells.output] table")
    unknown = set(table) - OUTPUT_FIELDS
    if unknown:
        raise ConfigurationError(
            f"{where}: unknown field(s) {', '.join(sorted(map(safe_text, unknown)))}",
            hint="an output has status, ran, finished and lines",
        )
    status, lines = table.get("status"), table.get("lines", [])
    if status not in STATUSES:
        raise ConfigurationError(f"{where}: status must be one of {', '.join(STATUSES)}")
    if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
        raise ConfigurationError(f"{where}: lines must be a list of texts")
    times = []
    for name in ("ran", "finished"):
        when = table.get(name)
        if when is not None and not isinstance(when, datetime.datetime):
            raise ConfigurationError(f"{where}: {name} must be a date and time")
        if when is not None and when.tzinfo is None:
            when = when.replace(tzinfo=datetime.UTC)
        times.append(when)
    return CellResult(number, kind, str(status), list(lines), times[0], times[1])


def load(path: Path) -> Notebook:
    """Read a notebook file."""
    try:
        text = read_env_bytes(path, "notebooks").decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"cannot read the notebook {safe_text(str(path))}: not UTF-8") from None
    return parse(text, safe_text(path.name))._replace(path=path)


def dumps(
    notebook: Notebook,
    results: dict[int, CellResult] | None = None,
    avoid: set[str] | None = None,
) -> str:
    """The TOML text of a notebook with each cell's last result (default: notebook.outputs).

    Checked again after writing, so no value can be saved as a parameter; with `avoid` (the
    session's values), a cell whose text or output holds one of them is refused (SecurityError,
    naming the cell, never the value). Values under 8 characters, lowercase words and numbers or
    addresses (development, 127.0.0.1) are not looked for: lines name environments and servers.
    """
    # lazy: only a save needs the TOML writer
    import tomli_w

    outputs = notebook.outputs if results is None else results
    cells = []
    for number, cell in enumerate(notebook.cells, start=1):
        table: dict[str, Any] = {"type": cell.type, **cell.params}
        result = outputs.get(number)
        if result is not None and result.type == cell.type:
            table["output"] = _output_table(result)
        if avoid:
            _refuse_values(table, avoid, number)
        cells.append(table)
    text = tomli_w.dumps({"title": notebook.title, "cells": cells})
    parse(text)
    return text


def _output_table(result: CellResult) -> dict[str, Any]:
    table: dict[str, Any] = {"status": result.status}
    if result.started is not None:
        table["ran"] = result.started.astimezone(datetime.UTC)
    if result.finished is not None:
        table["finished"] = result.finished.astimezone(datetime.UTC)
    table["lines"] = [str(line) for line in result.lines]
    return table


def _refuse_values(table: dict[str, Any], avoid: set[str], number: int) -> None:
    wanted = [v for v in avoid if len(v) >= SHORTEST_AVOIDED and not _ORDINARY.fullmatch(v)]
    for where, text in _texts(table):
        if any(value in text for value in wanted):
            raise SecurityError(
                f"cell {number}: its {where} holds a value of this session; nothing was saved",
                hint="remove the value from the cell (values are given when a cell runs)",
            )


def _texts(data: Any, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(data, str):
        yield where, data
    elif isinstance(data, dict):
        for key, item in data.items():
            yield from _texts(item, where or key)
    elif isinstance(data, list):
        for item in data:
            yield from _texts(item, where)


def builtin_names() -> list[str]:
    """The notebooks shipped with relay-tui (file stems)."""
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.toml"))


def find(name: str, project_root: Path) -> Path:
    """A notebook by file path, by name in the project's notebooks/ folder, or built in."""
    for candidate in (Path(name), project_root / "notebooks" / f"{name}.toml",
                      BUILTIN_DIR / f"{name}.toml"):  # fmt: skip
        if candidate.is_file():
            return candidate
        if candidate.exists():  # a FIFO, device or folder: load() says which
            return candidate
    raise UsageError(
        f"no notebook {safe_text(name)!r}",
        hint="built in: " + ", ".join(builtin_names()) + "; or give a file path",
    )
