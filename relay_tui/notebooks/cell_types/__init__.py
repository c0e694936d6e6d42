"""Every cell type, registered once: its name and the module holding its record (`CELL_TYPE`)."""

# A module is imported only when a notebook uses its type, as commands/registry.py does for
# commands. Adding a cell type is one module here (markdown.py is the smallest) and one line in
# CELL_TYPES; the document, the runner, the report and the workbench's pane ask the record
# (cell.record) and need no change.

from __future__ import annotations

import importlib

from relay_tui.notebooks.cell_type import CellType

# name -> module (its `CELL_TYPE`), in the order the workbench offers them.
CELL_TYPES: dict[str, str] = {
    "markdown": f"{__name__}.markdown",
    "generate-env": f"{__name__}.generate_env",
    "generate": f"{__name__}.generate",
    "set": f"{__name__}.set_key",
    "validate": f"{__name__}.validate",
    "diff": f"{__name__}.diff",
    "vault-push": f"{__name__}.vault_push",
    "vault-pull": f"{__name__}.vault_pull",
    "rotate": f"{__name__}.rotate",
    "scan": f"{__name__}.scan",
    "checklist": f"{__name__}.checklist",
    "explain": f"{__name__}.explain",
    "fill-missing": f"{__name__}.fill_missing",
    "gitignore": f"{__name__}.gitignore",
    "vault-check": f"{__name__}.vault_check",
    "write-config": f"{__name__}.write_config",
}


def lookup(name: str) -> CellType:
    """The record of the cell type `name`, checked (KeyError when no such type is registered;
    ValueError when it takes a value-like parameter)."""
    record = getattr(importlib.import_module(CELL_TYPES[name]), "CELL_TYPE", None)
    if not isinstance(record, CellType) or record.name != name:
        raise TypeError(f"{CELL_TYPES[name]} holds no CELL_TYPE named {name!r}")
    return record.checked()
