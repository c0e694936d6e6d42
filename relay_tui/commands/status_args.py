"""`relay-tui status`: the project at a glance (its parser; the run lives with validate)."""

from __future__ import annotations

import argparse
from typing import Any


def add_status(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register `status`."""
    sub.add_parser("status", parents=[common], help="the project at a glance")


def run_status(args: argparse.Namespace) -> int:
    """Run `status` (the overview shares validate's code)."""
    # lazy: the parser is built without the handler's imports
    from relay_tui.commands.check_cmd import run_status as run

    return run(args)
