"""The argparse front end: parse, call a service, print, return an exit code."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from relay_tui import __version__
from relay_tui.commands.vault_args import add_parser as add_vault_parser
from relay_tui.errors import ExitCode, RelayError

EPILOG = (
    "exit codes: 0 ok; 1 findings (validation errors, drift, leaks); "
    "2 usage or configuration error; 3 backend error (Vault, git, file system); "
    "4 refused for safety; 70 internal error"
)


COMMANDS = ("generate", "validate", "diff", "get", "set", "unset", "export", "run", "status",
            "ui", "vault", "audit", "rotate", "notebook", "scan", "trust", "untrust")  # fmt: skip
_TAKES_VALUE = {"--project", "--env", "--theme"}


class _ParseFailed(Exception):
    """A partial parser (one subcommand) did not accept the arguments."""


class _PartialParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _ParseFailed(message)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line; with `only`, just that subcommand (building all of them costs ms)."""
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
    parser = (_PartialParser if only else argparse.ArgumentParser)(
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

    if only in (None, "generate"):
        _add_generate(sub, common)
    if only in (None, "validate"):
        _add_validate(sub, common)
    if only in (None, "diff"):
        _add_diff(sub, common)
    if only in (None, "get"):
        _add_get(sub, common)
    if only in (None, "set"):
        _add_set(sub, common)
    if only in (None, "unset"):
        _add_unset(sub, common)
    if only in (None, "export"):
        _add_export(sub, common)
    if only in (None, "run"):
        _add_run(sub, common)
    if only in (None, "status"):
        sub.add_parser("status", parents=[common], help="the project at a glance")
    if only in (None, "ui"):
        _add_ui(sub, common)
    if only in (None, "vault"):
        add_vault_parser(sub, common)
    if only in (None, "notebook"):
        from relay_tui.commands.notebook_cmd import add_parser as add_notebook_parser

        add_notebook_parser(sub, common)
    if only in (None, "rotate"):
        from relay_tui.commands.rotate_cmd import add_parser as add_rotate_parser

        add_rotate_parser(sub, common)
    if only in (None, "audit"):
        from relay_tui.commands.audit_cmd import add_parser as add_audit_parser

        add_audit_parser(sub, common)
    if only in (None, "trust", "untrust"):
        from relay_tui.commands.trust_cmd import add_parser as add_trust_parser

        add_trust_parser(sub, common)
    if only in (None, "scan"):
        from relay_tui.commands.scan_cmd import add_parser as add_scan_parser

        add_scan_parser(sub, common)
    return parser


def _add_ui(sub: Any, common: argparse.ArgumentParser) -> None:
    ui = sub.add_parser("ui", parents=[common], help="open the workbench (default on a terminal)")
    ui.add_argument("--env", dest="ui_env", metavar="NAME", default=argparse.SUPPRESS)
    ui.add_argument("--theme", metavar="NAME", default=argparse.SUPPRESS)


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
        from relay_tui.output import error

        error(str(exc))
        return int(exc.exit_code)
    except KeyboardInterrupt:
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        return int(ExitCode.OK)
    except Exception as exc:  # a bug: say where, never what (values may be in the message)
        from relay_tui.output import internal_error

        internal_error(exc)
        return int(ExitCode.INTERNAL)


def _dispatch(args: argparse.Namespace) -> int:
    command = args.command or ("ui" if _interactive() else "status")
    if command == "notebook":
        from relay_tui.commands.notebook_cmd import run_notebook_cmd

        return run_notebook_cmd(args)
    if command == "rotate":
        from relay_tui.commands.rotate_cmd import run_rotate

        return run_rotate(args)
    if command == "audit":
        from relay_tui.commands.audit_cmd import run_audit

        return run_audit(args)
    if command in ("trust", "untrust"):
        from relay_tui.commands.trust_cmd import run_trust

        return run_trust(args)
    if command == "scan":
        from relay_tui.commands.scan_cmd import run_scan

        return run_scan(args)
    if command == "ui":
        from relay_tui.ui.launch import run_workbench

        return run_workbench(args)
    if command == "generate":
        from relay_tui.commands.generate_cmd import run_generate

        return run_generate(args)
    if command in ("validate", "diff", "status"):
        from relay_tui.commands import check_cmd

        return int(getattr(check_cmd, f"run_{command}")(args))
    if command in ("get", "set", "unset"):
        from relay_tui.commands import keys_cmd

        return int(getattr(keys_cmd, f"run_{command}")(args))
    if command == "vault":
        from relay_tui.commands.vault_cmd import run_vault

        return run_vault(args)
    from relay_tui.commands import deploy_cmd

    return int(getattr(deploy_cmd, f"run_{command}")(args))


def _harden_process() -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core dump full of secrets
    except (ImportError, ValueError, OSError):
        pass


def _interactive() -> bool:
    """Whether a person is at a terminal (then no command opens the workbench)."""
    import sys

    return sys.stdin.isatty() and sys.stdout.isatty()


def _add_generate(sub: Any, common: argparse.ArgumentParser) -> None:
    gen = sub.add_parser("generate", parents=[common], help="print new secrets or fill a template")
    gen.add_argument(
        "kind", nargs="?", default="token", help="a kind (default: token); see the README"
    )
    gen.add_argument("--bytes", type=int, dest="nbytes", metavar="N", help="random bytes")
    gen.add_argument("--length", type=int, metavar="N", help="password length (default 32)")
    gen.add_argument("--bits", type=int, metavar="N", help="RSA key size (default 2048)")
    gen.add_argument("--prefix", help="api-key prefix, e.g. relay_")
    gen.add_argument("--symbols", action="store_true", help="passwords: all punctuation")
    gen.add_argument("--count", type=int, default=1, metavar="N", help="how many (default 1)")
    gen.add_argument(
        "--generate-env", action="store_true", help="fill every generatable key of the template"
    )
    gen.add_argument("--env", metavar="NAME", help="with --generate-env: write that env's file")
    gen.add_argument("--template", metavar="F", help="template (default: the project's)")
    gen.add_argument("--output", metavar="F", help="with --generate-env: write F (0600)")
    gen.add_argument("--force", action="store_true", help="replace an existing output file")
    gen.add_argument("--yes", action="store_true", help="confirm writing a protected env")


def _add_validate(sub: Any, common: argparse.ArgumentParser) -> None:
    val = sub.add_parser("validate", parents=[common], help="run the rules; exit 1 on errors")
    val.add_argument("--env", action="append", metavar="NAME", help="only this env (repeatable)")
    val.add_argument("--all", action="store_true", help="every environment (the default)")
    val.add_argument("--json", action="store_true", help="machine-readable output")
    val.add_argument("--no-git", action="store_true", help="skip the git checks")


def _add_diff(sub: Any, common: argparse.ArgumentParser) -> None:
    diff = sub.add_parser("diff", parents=[common], help="compare two environments' keys")
    diff.add_argument("env_a", metavar="ENV_A")
    diff.add_argument("env_b", metavar="ENV_B")
    diff.add_argument("--json", action="store_true")


def _add_get(sub: Any, common: argparse.ArgumentParser) -> None:
    get = sub.add_parser("get", parents=[common], help="print one raw value (for pipes)")
    get.add_argument("key", metavar="KEY")
    get.add_argument("--env", required=True, metavar="NAME")
    get.add_argument("--reveal", action="store_true", help="allow printing to a terminal")


def _add_set(sub: Any, common: argparse.ArgumentParser) -> None:
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


def _add_unset(sub: Any, common: argparse.ArgumentParser) -> None:
    unset = sub.add_parser("unset", parents=[common], help="remove one key")
    unset.add_argument("key", metavar="KEY")
    unset.add_argument("--env", required=True, metavar="NAME")
    unset.add_argument("--occurrence", type=int, metavar="N", help="which duplicate to remove")
    unset.add_argument("--yes", action="store_true", help="confirm writing a protected env")


def _add_export(sub: Any, common: argparse.ArgumentParser) -> None:
    exp = sub.add_parser("export", parents=[common], help="print an env for a deployment")
    exp.add_argument("--env", required=True, metavar="NAME")
    exp.add_argument(
        "--format",
        required=True,
        choices=("shell", "json", "dotenv", "k8s-secret", "external-secret"),
    )
    exp.add_argument("--reveal", action="store_true", help="allow printing to a terminal")


def _add_run(sub: Any, common: argparse.ArgumentParser) -> None:
    run = sub.add_parser("run", parents=[common], help="run a command with an env's secrets")
    run.add_argument("--env", required=True, metavar="NAME")
    run.add_argument("cmd", nargs=argparse.REMAINDER, metavar="-- CMD ...")


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
    return None
