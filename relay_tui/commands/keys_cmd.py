"""`relay-tui get`, `set` and `unset`: one key of one environment at a time."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace

from relay_tui.commands.common import (
    audited,
    policy_from,
    project_from,
    read_stdin_text,
    refuse_terminal,
)
from relay_tui.core.envfile import EditReport, EnvFile
from relay_tui.core.envstore import edit_env
from relay_tui.core.masking import safe_text
from relay_tui.errors import UsageError
from relay_tui.output import note


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
    envfile = EnvFile.load(env.file)
    value = envfile.get(args.key)
    if value is None:
        raise UsageError(f"{safe_text(args.key)} has no value in {env.name} ({env.file.name})")
    refuse_terminal(f"the value of {safe_text(args.key)}", args.reveal)
    with audited("reveal", env.name, [args.key], "relay-tui get"):
        sys.stdout.write(value)
    return 0


def run_set(args: argparse.Namespace) -> int:
    """Set a key from stdin (or a generated value); only that key's lines change."""
    _check_no_value_in_argv(args.key)
    project = project_from(args)
    env = project.environment(args.env)
    if args.generate is not None:
        from relay_tui.core.generate import generate
        from relay_tui.core.specs import spec_for

        kind = args.generate or spec_for(project.specs, args.key).kind
        if kind in ("provider", "url", "plain"):
            raise UsageError(
                f"{args.key} is a {kind} value that cannot be generated",
                hint="pipe the value in on stdin, or name a kind: --generate token",
            )
        value = generate(kind)
    else:
        value = _read_value(args.key)

    def change(envfile: EnvFile) -> EditReport:
        return envfile.set(args.key, value, args.occurrence)

    action = "generate" if args.generate is not None else "set"
    with audited(action, env.name, [args.key], "relay-tui set"):
        report = edit_env(env, change, policy_from(args))
    from relay_tui.core.rotation import try_record

    problem = try_record(project.root, env.name, [args.key])
    if problem:
        note("warning: " + problem)
    note(f"{env.name}: {report.describe()}")
    return 0


def run_unset(args: argparse.Namespace) -> int:
    """Remove one key's binding (the effective one unless --occurrence says otherwise)."""
    project = project_from(args)
    env = project.environment(args.env)

    def change(envfile: EnvFile) -> EditReport:
        return envfile.unset(args.key, args.occurrence)

    with audited("unset", env.name, [args.key], "relay-tui unset"):
        report = edit_env(env, change, replace(policy_from(args), create=False))
    note(f"{env.name}: {report.describe()}")
    return 0


def _read_value(key: str) -> str:
    if sys.stdin is None:
        raise UsageError(f"no value for {key}: stdin is closed", hint="pipe the value in")
    if sys.stdin.isatty():
        import getpass

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
