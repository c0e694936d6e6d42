"""`relay-tui rotate KEY... --env NAME [--push]`: new values, in the file and Vault, on record."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from relay_tui.commands.common import actor_from, project_from, read_stdin_text, tell
from relay_tui.domain.masking import safe_text
from relay_tui.errors import RelayError, UsageError
from relay_tui.output import note
from relay_tui.project.specs import spec_for
from relay_tui.services.env_values import rotate_keys
from relay_tui.services.store_changes import push_rotated

if TYPE_CHECKING:
    from relay_tui.services.changes import Actor


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register `rotate`."""
    parser = sub.add_parser("rotate", parents=[common], help="give keys new values (and Vault)")
    parser.add_argument("keys", nargs="+", metavar="KEY")
    parser.add_argument("--env", required=True, metavar="NAME")
    parser.add_argument(
        "--push", action="store_true", help="also write them to the env's Vault path"
    )
    parser.add_argument("--yes", action="store_true", help="confirm a protected environment")


def run_rotate(args: argparse.Namespace) -> int:
    """Generate (or read from stdin, for a provider key) and write; say exactly what changed."""
    project = project_from(args)
    env = project.environment(args.env)
    keys = list(dict.fromkeys(args.keys))
    manual = [k for k in keys if not spec_for(project.specs, k).generatable]
    if len(manual) > 1:
        raise UsageError(
            f"{', '.join(map(safe_text, manual))} cannot be generated; rotate them one at a time, "
            "each new value on stdin"
        )
    supplied: dict[str, str] = {}
    if manual:
        if sys.stdin.isatty():
            raise UsageError(
                f"{safe_text(manual[0])} is issued by its provider: pipe the new value on stdin"
            )
        supplied[manual[0]] = read_stdin_text(f"the new value of {manual[0]}").rstrip("\r\n")
    actor = actor_from(args, "relay-tui rotate")
    values, outcome = rotate_keys(project, env, keys, supplied, actor)
    tell(outcome)
    for key in keys:
        text = spec_for(project.specs, key).help
        if text:
            note(f"  {safe_text(key)}: {safe_text(text)}")
    if args.push:
        _push(project, env, values, actor)
    else:
        note(f"Vault was not changed; to update it: relay-tui vault push --env {env.name}")
    return 0


def _push(project: Any, env: Any, values: dict[str, str], actor: Actor) -> None:

    try:
        outcome = push_rotated(project, env, values, actor)
    except RelayError as exc:
        exc.message = f"the file has the new values, but Vault was NOT updated: {exc.message}"
        exc.hint = (
            f"Vault still holds the old values; once fixed: relay-tui vault push --env {env.name}"
        )
        raise
    tell(outcome)
