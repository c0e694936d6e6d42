"""The argparse front end: parse, call a service, print, return an exit code."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from relay_tui import __version__
from relay_tui.commands.registry import COMMANDS, add_parsers, handler
from relay_tui.errors import ExitCode, RelayError

EPILOG = (
    "exit codes: 0 ok; 1 findings (validation errors, drift, leaks); "
    "2 usage or configuration error; 3 backend error (Vault, git, file system); "
    "4 refused for safety; 70 internal error"
)


_TAKES_VALUE = {"--project", "--env", "--theme"}


class _ParseFailed(Exception):
    """A partial parser (one subcommand) did not accept the arguments."""


class _PartialParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _ParseFailed(message)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line; with `only`, just that subcommand ("": none), as building all of them
    imports every command module."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--project",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="project folder (default: the current folder)",
    )
    common.add_argument(
        "--read-only", action="store_true", default=argparse.SUPPRESS, help="refuse every write"
    )
    parser = (_PartialParser if only is not None else argparse.ArgumentParser)(
        prog="relay-tui",
        description="A terminal workbench for .env files, generated secrets, validation and Vault.",
        epilog=EPILOG,
        parents=[common],
    )
    parser.set_defaults(command=None)
    parser.add_argument("--version", action="version", version=f"relay-tui {__version__}")
    parser.add_argument("--env", dest="ui_env", metavar="NAME", help="workbench: start on NAME")
    parser.add_argument("--theme", metavar="NAME", help="workbench: colour theme")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    if only != "":  # "": the top-level options alone (no command was named)
        add_parsers(sub, common, only)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (never raises for expected failures)."""
    _harden_process()
    args = _parse(list(sys.argv[1:] if argv is None else argv))
    # Shared options may come before or after the subcommand; defaults are filled in here
    # because argparse's set_defaults would leak into the parent parser's shared actions.
    args.project = getattr(args, "project", ".")
    args.read_only = getattr(args, "read_only", False)
    try:
        return _dispatch(args)
    except RelayError as exc:
        # lazy: only a failure prints through output (and its redactor)
        from relay_tui.output import error

        error(str(exc))
        return int(exc.exit_code)
    except KeyboardInterrupt:
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        return int(ExitCode.OK)
    except Exception as exc:  # a bug: say where, never what (values may be in the message)
        # lazy: only a failure prints through output (and its redactor)
        from relay_tui.output import internal_error

        internal_error(exc)
        return int(ExitCode.INTERNAL)


def _dispatch(args: argparse.Namespace) -> int:
    command = args.command or ("ui" if _interactive() else "status")
    return int(handler(command)(args))


def _harden_process() -> None:
    try:
        # lazy: the module is missing on some platforms (the ImportError below)
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core dump full of secrets
    except (ImportError, ValueError, OSError):
        pass


def _interactive() -> bool:
    """Whether a person is at a terminal (then no command opens the workbench)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _parse(argv: list[str]) -> argparse.Namespace:
    """Parse with only the subcommand named in argv; on any doubt, with the whole parser."""
    command = _command_in(argv)
    if command is not None:
        try:
            return build_parser(command).parse_args(argv)
        except _ParseFailed:
            pass  # the whole parser prints the usual error and usage
    return build_parser().parse_args(argv)


def _command_in(argv: list[str]) -> str | None:
    """The command named in argv; "" when none is; None for help, --version or a typo."""
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token in _TAKES_VALUE:
            skip = True
        elif token in ("-h", "--help", "--version"):
            return None
        elif not token.startswith("-"):
            return token if token in COMMANDS else None
    return ""  # no command named: the top-level options alone
