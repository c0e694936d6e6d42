"""The workbench's panes by id, each imported the first time it is shown."""

from __future__ import annotations

import importlib

from relay_tui.ui.panes.base import Pane

PANES = {
    "pane-env": ("relay_tui.ui.panes.env_pane", "EnvPane"),
    "pane-generate": ("relay_tui.ui.panes.generate_pane", "GeneratePane"),
    "pane-validate": ("relay_tui.ui.panes.validate_pane", "ValidatePane"),
    "pane-vault": ("relay_tui.ui.panes.vault_pane", "VaultPane"),
    "pane-notebook": ("relay_tui.ui.panes.notebook_pane", "NotebookPane"),
    "pane-rotation": ("relay_tui.ui.panes.rotation_pane", "RotationPane"),
    "pane-scan": ("relay_tui.ui.panes.scan_pane", "ScanPane"),
}


def pane_class(pane_id: str) -> type[Pane]:
    """The class of a pane, imported when first needed."""
    module, name = PANES[pane_id]
    found: type[Pane] = getattr(importlib.import_module(module), name)
    return found


def make_pane(pane_id: str) -> Pane:
    """A new pane (each pane's constructor sets its own id)."""
    return pane_class(pane_id)()
