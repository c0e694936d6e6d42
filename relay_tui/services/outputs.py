"""Files written on request (a scan report, an audit export, a notebook run's timeline)."""

from __future__ import annotations

from pathlib import Path

from relay_tui.project.envstore import check_destination, write_requested
from relay_tui.services.changes import Actor, Outcome, require_writable


def check_output(path: Path, actor: Actor, *, force: bool, what: str) -> None:
    """Before any work: refuse in a read-only session, and refuse a link, an existing file
    (unless `force`) or a missing folder."""
    require_writable(actor, f"{what} {path}")
    check_destination(path, force=force, what=what)


def write_output(path: Path, data: bytes, actor: Actor, *, force: bool, what: str) -> Outcome:
    """Write the file (0600, never through a link, an existing one only with `force`)."""
    require_writable(actor, f"{what} {path}")
    write_requested(path, data, force=force, what=what)
    return Outcome(changed=[path.name])
