"""Start the workbench from the CLI: scrub risky TEXTUAL_* variables, run, map the exit code."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

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


def ask_trust(root: Path) -> bool:
    """Before anything is read or sent: ask once when relay.toml asks for what is not trusted.

    Returns whether the project is trusted now. The answer is recorded by `trust.trust`, the
    same function `relay-tui trust` calls.
    """
    from relay_tui.core import trust

    asks = trust.pending(root.resolve())
    if not asks:
        return trust.is_trusted(root.resolve())
    from relay_tui.ui.trust_screen import ask

    if not ask(root.resolve(), asks):
        return False
    trust.trust(root.resolve())
    return True


def run_workbench(args: argparse.Namespace) -> int:
    """Open the workbench on --project with --env / --read-only / --theme."""
    import sys

    from relay_tui.ui.session import Session

    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        from relay_tui.errors import UsageError

        raise UsageError(
            "the workbench needs a terminal",
            hint="use the subcommands in scripts and CI: relay-tui status, validate, ...",
        )
    removed = scrub_environment()
    ask_trust(Path(args.project))
    session = Session.open(Path(args.project), read_only=args.read_only, env=args.ui_env)
    from relay_tui.ui.app import RelayApp

    notes = ["ignored for safety: " + ", ".join(removed)] if removed else []
    app = RelayApp(session, theme=args.theme, notes=notes)
    try:
        app.run()
    finally:
        from relay_tui.core.vault_transport import abort_all

        abort_all()  # a call stuck on a silent server must not hold the exit for its timeout
    return app.return_code or 0
