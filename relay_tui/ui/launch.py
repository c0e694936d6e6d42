"""Start the workbench from the CLI: scrub risky TEXTUAL_* variables, run, map the exit code."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relay_tui.errors import UsageError
from relay_tui.infra import trust
from relay_tui.infra.trust import NotTrustedError, pending

if TYPE_CHECKING:
    from relay_tui.infra.trust import Request

# Variables that make Textual save screenshots, log to a file or a socket, or press keys.
RISKY_TEXTUAL = (
    "TEXTUAL",
    "TEXTUAL_SCREENSHOT",
    "TEXTUAL_SCREENSHOT_LOCATION",
    "TEXTUAL_SCREENSHOT_FILENAME",
    "TEXTUAL_PRESS",
    "TEXTUAL_LOG",
    "TEXTUAL_DEBUG",
)


def scrub_environment(environ: dict[str, str] | os._Environ[str] = os.environ) -> list[str]:
    """Remove the TEXTUAL_* variables that could save or send screen contents; say which."""
    removed = [name for name in RISKY_TEXTUAL if name in environ]
    for name in removed:
        del environ[name]
    return removed


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register `ui`."""
    ui = sub.add_parser("ui", parents=[common], help="open the workbench (default on a terminal)")
    ui.add_argument("--env", dest="ui_env", metavar="NAME", default=argparse.SUPPRESS)
    ui.add_argument("--theme", metavar="NAME", default=argparse.SUPPRESS)


def ask_trust(root: Path, asks: list[Request]) -> bool:
    """Ask once, before anything is read or sent, whether to trust what relay.toml asks for.

    Returns whether the user trusted it; the answer is recorded by `trust.trust`, the same
    function `relay-tui trust` calls.
    """
    # lazy: `relay-tui --help` builds this parser without loading the workbench
    from relay_tui.ui.trust_screen import ask

    if not ask(root.resolve(), asks):
        return False
    trust.trust(root.resolve())
    return True


def run_workbench(args: argparse.Namespace) -> int:
    """Open the workbench on --project with --env / --read-only / --theme."""

    # lazy: `relay-tui --help` builds this parser without loading the workbench
    from relay_tui.ui.session import Session

    root = Path(args.project)
    # Trusting writes a record: a read-only session never asks (it stays "not trusted").
    asks = [] if args.read_only else pending(root.resolve())
    session: Session | None = None
    try:  # a broken relay.toml or an unknown --env is reported before the screen opens
        session = Session.open(root, read_only=args.read_only, env=args.ui_env)
    except NotTrustedError:
        if not asks:
            raise
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        raise UsageError(
            "the workbench needs a terminal",
            hint="use the subcommands in scripts and CI: relay-tui status, validate, ...",
        )
    removed = scrub_environment()
    if asks:
        ask_trust(root, asks)  # trust is checked where it is used: a loaded session stays valid
    if session is None:  # refused before: outside paths, now trusted or refused again
        session = Session.open(root, read_only=args.read_only, env=args.ui_env)
    # lazy: `relay-tui --help` builds this parser without loading the workbench
    from relay_tui.ui.app import RelayApp

    notes = ["ignored for safety: " + ", ".join(removed)] if removed else []
    app = RelayApp(session, theme=args.theme, notes=notes)
    try:
        app.run()
    finally:
        # a call stuck on a silent server must not hold the exit for its timeout; the
        # transport (http.client) is loaded only by a session that used Vault
        transport = sys.modules.get("relay_tui.stores.vault.transport")
        if transport is not None:
            transport.abort_all()
    return app.return_code or 0
