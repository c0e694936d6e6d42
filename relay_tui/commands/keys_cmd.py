"""`relay-tui get`, `set` and `unset`: one key of one environment at a time."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from relay_tui.commands.common import (
    actor_from,
    project_from,
    read_stdin_text,
    refuse_terminal,
    tell,
)
from relay_tui.domain.generate import generate
from relay_tui.domain.masking import safe_text
from relay_tui.errors import UsageError
from relay_tui.project.specs import spec_for
from relay_tui.services.env_values import set_value, unset_value
from relay_tui.services.reveals import reveal_value


def _check_no_value_in_argv(key: str) -> None:
    if "=" in key:
        name = key.split("=", 1)[0]
        raise UsageError(
            "values are never taken from the command line (they would show in `ps` and in "
            "shell history); nothing was written",
            hint=f'pipe the value in: printf %s "$VALUE" | relay-tui set {safe_text(name)} '
            "--env NAME, or use --generate",
        )


def run_get(args: argparse.Namespace) -> int:
    """Print one raw value, with no newline, for pipes; a terminal needs --reveal."""
    project = project_from(args)
    env = project.environment(args.env)
    refuse_terminal(f"the value of {safe_text(args.key)}", args.reveal)
    value, outcome = reveal_value(env, args.key, actor_from(args, "relay-tui get"))
    sys.stdout.write(value)
    tell(outcome)
    return 0


def run_set(args: argparse.Namespace) -> int:
    """Set a key from stdin (or a generated value); only that key's lines change."""
    _check_no_value_in_argv(args.key)
    project = project_from(args)
    env = project.environment(args.env)
    if args.generate is not None:
        kind = args.generate or spec_for(project.specs, args.key).kind
        if kind in ("provider", "url", "plain"):
            raise UsageError(
                f"{args.key} is a {kind} value that cannot be generated",
                hint="pipe the value in on stdin, or name a kind: --generate token",
            )
        value = generate(kind)
    else:
        value = _read_value(args.key)

    actor = actor_from(args, "relay-tui set")
    generated = args.generate is not None
    outcome = set_value(project, env, args.key, value, actor, occurrence=args.occurrence,
                        generated=generated)  # fmt: skip
    tell(outcome)
    return 0


def run_unset(args: argparse.Namespace) -> int:
    """Remove one key's binding (the effective one unless --occurrence says otherwise)."""
    project = project_from(args)
    env = project.environment(args.env)
    actor = actor_from(args, "relay-tui unset")
    tell(unset_value(project, env, args.key, actor, occurrence=args.occurrence))
    return 0


def _read_value(key: str) -> str:
    if sys.stdin is None:
        raise UsageError(f"no value for {key}: stdin is closed", hint="pipe the value in")
    if sys.stdin.isatty():
        value = getpass.getpass(f"value for {key} (hidden): ")
    else:
        value = read_stdin_text(f"the value for {key}")
        if value.endswith("\r\n"):
            value = value[:-2]
        elif value.endswith("\n"):
            value = value[:-1]
    if value == "":
        raise UsageError(
            f"no value for {key} on stdin; nothing was written",
            hint="pipe a value in, use --generate, or `relay-tui unset` to remove the key",
        )
    return value


def add_get(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register `get`."""
    get = sub.add_parser("get", parents=[common], help="print one raw value (for pipes)")
    get.add_argument("key", metavar="KEY")
    get.add_argument("--env", required=True, metavar="NAME")
    get.add_argument("--reveal", action="store_true", help="allow printing to a terminal")


def add_set(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register `set`."""
    put = sub.add_parser("set", parents=[common], help="set one key (value from stdin)")
    put.add_argument("key", metavar="KEY")
    put.add_argument("--env", required=True, metavar="NAME")
    put.add_argument(
        "--generate",
        nargs="?",
        const="",
        metavar="KIND",
        help="generate the value (default: the key's kind)",
    )
    put.add_argument("--occurrence", type=int, metavar="N", help="which duplicate to change")
    put.add_argument("--yes", action="store_true", help="confirm writing a protected env")


def add_unset(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register `unset`."""
    unset = sub.add_parser("unset", parents=[common], help="remove one key")
    unset.add_argument("key", metavar="KEY")
    unset.add_argument("--env", required=True, metavar="NAME")
    unset.add_argument("--occurrence", type=int, metavar="N", help="which duplicate to remove")
    unset.add_argument("--yes", action="store_true", help="confirm writing a protected env")
