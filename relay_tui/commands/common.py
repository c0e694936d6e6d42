"""Helpers shared by the command handlers: the project, the write policy, stdin and terminals."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from relay_tui.core.project import Project, load_project
from relay_tui.errors import RefusedError

if TYPE_CHECKING:
    from relay_tui.core.envstore import WritePolicy


def project_from(args: argparse.Namespace) -> Project:
    """The project named by --project (default: the current folder)."""
    from relay_tui.core.safewrite import sweep_folder

    project = load_project(Path(args.project))
    sweep_folder(project.root)  # temp files left by a killed writer go at the next start
    return project


def policy_from(args: argparse.Namespace) -> WritePolicy:
    """The write policy the user gave: --yes, --read-only."""
    from relay_tui.core.envstore import WritePolicy

    return WritePolicy(yes=getattr(args, "yes", False), read_only=args.read_only)


def refuse_terminal(what: str, reveal: bool) -> None:
    """Refuse to print secret values to a terminal unless --reveal was given."""
    if not reveal and sys.stdout.isatty():
        raise RefusedError(
            f"refusing to print {what} to a terminal",
            hint="pipe or redirect the output, or add --reveal to show it here",
        )
