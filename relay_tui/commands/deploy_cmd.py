"""`relay-tui export` and `run`: hand an environment's secrets to a deployment or a command."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from relay_tui.commands.common import actor_from, project_from, refuse_terminal, tell
from relay_tui.domain.dotenv_codec import KEY_RE
from relay_tui.domain.export import exportable, external_secret, render
from relay_tui.domain.masking import safe_text
from relay_tui.errors import ExitCode, UsageError
from relay_tui.output import note
from relay_tui.project.envfile import EnvFile
from relay_tui.project.project import Environment, Project
from relay_tui.project.specs import spec_for
from relay_tui.services.reveals import record_reveal
from relay_tui.stores.vault.config import settings_for, vault_path_of


def run_export(args: argparse.Namespace) -> int:
    """Print the environment in the chosen format; a terminal needs --reveal."""
    project = project_from(args)
    env = project.environment(args.env)
    if args.format == "external-secret":
        return _external_secret(project, env)
    values, skipped = exportable(EnvFile.load(env.file).values())
    refuse_terminal(f"the secrets of {env.name}", args.reveal)
    sys.stdout.write(render(values, args.format, name=f"{project.name}-{env.name}"))
    actor = actor_from(args, f"relay-tui export --format {args.format}")
    tell(record_reveal(actor, env.name, list(values)))
    if skipped:
        note("not exported (no value or not a valid name): " + safe_text(", ".join(skipped)))
    return 0


def run_run(args: argparse.Namespace) -> int:
    """Replace this process with CMD, its environment holding the env's values (never argv)."""
    cmd = list(args.cmd)
    if cmd and cmd[0] == "--":
        cmd = cmd[1:]
    if not cmd:
        raise UsageError("no command to run", hint="relay-tui run --env NAME -- CMD ARGS...")
    project = project_from(args)
    env = project.environment(args.env)
    values, skipped = exportable(EnvFile.load(env.file).values())
    if skipped:
        note("not passed on (no value or not a valid name): " + safe_text(", ".join(skipped)))
    child_env = {**os.environ, **values}
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execvpe(cmd[0], cmd, child_env)
    except FileNotFoundError:
        note(f"relay-tui: error: command not found: {cmd[0]}")
        return 127
    except PermissionError:
        note(f"relay-tui: error: cannot run {cmd[0]}: permission denied")
        return 126
    return int(ExitCode.INTERNAL)  # not reached: exec replaced this process


def _external_secret(project: Project, env: Environment) -> int:

    settings = settings_for(project, env)
    full = vault_path_of(project, env, settings)
    keys = list(project.specs)
    if env.file.exists():
        keys += [k for k in EnvFile.load(env.file).keys() if k not in project.specs]
    fields = {k: spec_for(project.specs, k).vault_field or k for k in keys if KEY_RE.match(k)}
    vault_key = full[len(settings.mount) + 1 :]
    sys.stdout.write(
        external_secret(f"{project.name}-{env.name}", fields, vault_key, settings.mount)
    )
    return 0


def add_export(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register `export`."""
    exp = sub.add_parser("export", parents=[common], help="print an env for a deployment")
    exp.add_argument("--env", required=True, metavar="NAME")
    exp.add_argument(
        "--format",
        required=True,
        choices=("shell", "json", "dotenv", "k8s-secret", "external-secret"),
    )
    exp.add_argument("--reveal", action="store_true", help="allow printing to a terminal")


def add_run(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register `run`."""
    run = sub.add_parser("run", parents=[common], help="run a command with an env's secrets")
    run.add_argument("--env", required=True, metavar="NAME")
    run.add_argument("cmd", nargs=argparse.REMAINDER, metavar="-- CMD ...")
