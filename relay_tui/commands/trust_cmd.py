"""`relay-tui trust` / `untrust`: allow (or forget) what this project's relay.toml asks for."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from relay_tui.commands.common import actor_from
from relay_tui.domain.masking import safe_text
from relay_tui.errors import RefusedError
from relay_tui.infra import trust
from relay_tui.infra.relay_toml import read_config
from relay_tui.output import note, out
from relay_tui.services.changes import require_writable


def add_trust(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register `trust`."""
    parser = sub.add_parser(
        "trust", parents=[common], help="allow what relay.toml asks for (addresses, outside paths)"
    )
    parser.add_argument("--yes", action="store_true", help="trust without asking (scripts)")


def add_untrust(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register `untrust`."""
    sub.add_parser("untrust", parents=[common], help="forget the trust in this relay.toml")


def _config(root: Path) -> dict[str, Any]:

    return read_config(root / trust.CONFIG_NAME)  # a broken file is refused, never trusted


def run_trust(args: argparse.Namespace) -> int:
    """Show what the file asks for, then record its SHA-256 as trusted."""
    root = Path(args.project).resolve()
    require_writable(actor_from(args, f"relay-tui {args.command}"), f"{args.command} {root}")
    if args.command == "untrust":
        forgot = trust.untrust(root)
        note(f"{'no longer trusted' if forgot else 'was not trusted'}: {safe_text(str(root))}")
        return 0
    asks = trust.requests(root, _config(root))
    out(f"{safe_text(str(root / trust.CONFIG_NAME))} asks for:")
    for request in asks or []:
        out(f"  {request.describe()}")
    if not asks:
        out("  nothing that sends a credential or leaves the project")
    if not args.yes:
        if not (sys.stdin.isatty() and sys.stderr.isatty()):
            raise RefusedError("not trusted: no terminal to ask on", hint="add --yes")
        sys.stderr.write("Trust this exact content? [y/N] ")
        sys.stderr.flush()
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            note("not trusted")
            return int(RefusedError.exit_code)
    value = trust.trust(root)
    note(f"trusted (sha256 {value[:16]}…); any change to it needs `relay-tui trust` again")
    return 0
