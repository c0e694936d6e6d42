"""Helpers shared by the command handlers: the project, the write policy, stdin and terminals."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from relay_tui.errors import InputFileError, RefusedError
from relay_tui.infra.bounded_read import MAX_FILE_BYTES
from relay_tui.infra.safewrite import sweep_folder
from relay_tui.output import note
from relay_tui.project.project import Project, load_project

if TYPE_CHECKING:
    from relay_tui.services.changes import Actor, Outcome


def project_from(args: argparse.Namespace) -> Project:
    """The project named by --project (default: the current folder)."""
    project = load_project(Path(args.project))
    sweep_folder(project.root)  # temp files left by a killed writer go at the next start
    return project


def actor_from(args: argparse.Namespace, source: str) -> Actor:
    """Who asks, for the services: this command (`source`), with --read-only and --yes."""
    # lazy: reading commands (status, validate) never load the write path and the audit log
    from relay_tui.services.changes import Actor

    return Actor(source, read_only=args.read_only, yes=getattr(args, "yes", False))


def tell(outcome: Outcome) -> None:
    """Print an outcome's warnings and summary to stderr."""
    for warning in outcome.warnings:
        note("warning: " + warning)
    if outcome.summary:
        note(outcome.summary)


def refuse_terminal(what: str, reveal: bool) -> None:
    """Refuse to print secret values to a terminal unless --reveal was given."""
    if not reveal and sys.stdout.isatty():
        raise RefusedError(
            f"refusing to print {what} to a terminal",
            hint="pipe or redirect the output, or add --reveal to show it here",
        )


def read_stdin_text(what: str) -> str:
    """All of stdin as UTF-8 text (at most 16 MB); anything else is exit 2 naming `what`."""
    data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise InputFileError(f"{what} on stdin is over {MAX_FILE_BYTES} bytes; nothing was written")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"{what} on stdin is not UTF-8 (invalid byte at offset {exc.start});"
            " nothing was written",
            hint="secrets are text: convert it, or base64-encode binary data first",
        ) from None
