"""Notebooks: runbooks of cells (operations of the core) saved as TOML, never holding a value."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, NamedTuple

from relay_tui.core.masking import safe_text
from relay_tui.errors import ConfigurationError, UsageError

# Each cell type and the parameters it accepts (none of them may hold a value).
CELL_TYPES: dict[str, frozenset[str]] = {
    "markdown": frozenset({"text"}),
    "generate-env": frozenset({"env"}),
    "generate": frozenset({"env", "key"}),
    "set": frozenset({"env", "key", "help"}),
    "validate": frozenset({"env"}),
    "diff": frozenset({"env", "other"}),
    "vault-push": frozenset({"env"}),
    "vault-pull": frozenset({"env"}),
    "rotate": frozenset({"env", "keys", "push"}),
    "scan": frozenset({"path"}),
    "checklist": frozenset({"items"}),
}
FORBIDDEN = frozenset({"value", "values", "secret", "token", "password"})
BUILTIN_DIR = Path(__file__).resolve().parent.parent / "notebooks"


class Cell(NamedTuple):
    """One step: its type and parameters (key names, environments, text; never values)."""

    type: str
    params: dict[str, Any]


class Notebook(NamedTuple):
    """A titled list of cells, and where it was read from."""

    title: str
    cells: list[Cell]
    path: Path | None = None


def parse(text: str, where: str = "notebook") -> Notebook:
    """Read and check a notebook; every problem names the cell and what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"{where}: not valid TOML ({exc})") from None
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ConfigurationError(f'{where}: needs a title = "..."')
    unknown = set(data) - {"title", "cells"}
    if unknown:
        raise ConfigurationError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    cells = []
    for number, table in enumerate(data.get("cells", []), start=1):
        cells.append(_cell(table, f"{where}, cell {number}"))
    return Notebook(title, cells)


def _cell(table: Any, where: str) -> Cell:
    if not isinstance(table, dict):
        raise ConfigurationError(f"{where}: must be a [[cells]] table")
    kind = table.get("type")
    if kind not in CELL_TYPES:
        raise ConfigurationError(
            f"{where}: type {safe_text(str(kind))!r} is not a cell type",
            hint="types: " + ", ".join(CELL_TYPES),
        )
    params = {k: v for k, v in table.items() if k != "type"}
    secretive = FORBIDDEN & set(params)
    if secretive:
        raise ConfigurationError(
            f"{where}: {', '.join(sorted(secretive))} cannot be saved in a notebook",
            hint="values are asked for when the cell runs (or given with --set KEY=@file)",
        )
    unknown = set(params) - CELL_TYPES[kind]
    if unknown:
        raise ConfigurationError(
            f"{where}: {kind} cells take {', '.join(sorted(CELL_TYPES[kind])) or 'nothing'}; "
            f"not {', '.join(sorted(unknown))}"
        )
    needed = {"generate": "key", "set": "key", "diff": "other", "rotate": "keys"}.get(kind)
    if needed and not params.get(needed):
        raise ConfigurationError(f"{where}: a {kind} cell needs {needed}")
    return Cell(kind, params)


def load(path: Path) -> Notebook:
    """Read a notebook file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the notebook {safe_text(str(path))}: {exc}") from None
    return parse(text, safe_text(path.name))._replace(path=path)


def dumps(notebook: Notebook) -> str:
    """The TOML text of a notebook (checked again, so no value can be written)."""
    import tomli_w

    data = {
        "title": notebook.title,
        "cells": [{"type": c.type, **c.params} for c in notebook.cells],
    }
    text = tomli_w.dumps(data)
    parse(text)
    return text


def builtin_names() -> list[str]:
    """The notebooks shipped with relay-tui (file stems)."""
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.toml"))


def find(name: str, project_root: Path) -> Path:
    """A notebook by file path, by name in the project's notebooks/ folder, or built in."""
    for candidate in (Path(name), project_root / "notebooks" / f"{name}.toml",
                      BUILTIN_DIR / f"{name}.toml"):  # fmt: skip
        if candidate.is_file():
            return candidate
    raise UsageError(
        f"no notebook {safe_text(name)!r}",
        hint="built in: " + ", ".join(builtin_names()) + "; or give a file path",
    )
