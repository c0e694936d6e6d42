"""Every command, registered once: the module and function that add its parser and run it.

Modules are imported only when their command is used (or the full help is printed), so that a
command's start-up pays for that command alone.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from typing import Any, NamedTuple

ParserAdder = Callable[[Any, argparse.ArgumentParser], None]
Handler = Callable[[argparse.Namespace], int]


class Command(NamedTuple):
    """Where a command's parser and handler live (`module:function`)."""

    parser: str
    handler: str


def _cmd(module: str, parser: str, handler: str) -> Command:
    return Command(
        f"relay_tui.commands.{module}:{parser}", f"relay_tui.commands.{module}:{handler}"
    )


COMMANDS: dict[str, Command] = {
    "generate": _cmd("generate_cmd", "add_generate", "run_generate"),
    "validate": _cmd("check_cmd", "add_validate", "run_validate"),
    "diff": _cmd("check_cmd", "add_diff", "run_diff"),
    "get": _cmd("keys_cmd", "add_get", "run_get"),
    "set": _cmd("keys_cmd", "add_set", "run_set"),
    "unset": _cmd("keys_cmd", "add_unset", "run_unset"),
    "export": _cmd("deploy_cmd", "add_export", "run_export"),
    "run": _cmd("deploy_cmd", "add_run", "run_run"),
    "status": _cmd("status_args", "add_status", "run_status"),
    "ui": Command("relay_tui.ui.launch:add_parser", "relay_tui.ui.launch:run_workbench"),
    "vault": Command(
        "relay_tui.commands.vault_args:add_parser", "relay_tui.commands.vault_cmd:run_vault"
    ),
    "audit": _cmd("audit_cmd", "add_parser", "run_audit"),
    "rotate": _cmd("rotate_cmd", "add_parser", "run_rotate"),
    "notebook": _cmd("notebook_cmd", "add_parser", "run_notebook_cmd"),
    "scan": _cmd("scan_cmd", "add_parser", "run_scan"),
    "trust": _cmd("trust_cmd", "add_trust", "run_trust"),
    "untrust": _cmd("trust_cmd", "add_untrust", "run_trust"),
}


def load(target: str) -> Any:
    """The function named by `module:function`."""
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def add_parsers(sub: Any, common: argparse.ArgumentParser, only: str | None = None) -> None:
    """Add every command's parser (or only `only`'s) to the subparsers `sub`."""
    for name, command in COMMANDS.items():
        if only in (None, name):
            adder: ParserAdder = load(command.parser)
            adder(sub, common)


def handler(name: str) -> Handler:
    """The function that runs command `name`."""
    found: Handler = load(COMMANDS[name].handler)
    return found
