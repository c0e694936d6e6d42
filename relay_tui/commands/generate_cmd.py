"""`relay-tui generate`: print new secrets, or fill a template (--generate-env)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from relay_tui.commands.common import actor_from, project_from, tell
from relay_tui.domain.generate import generate_many
from relay_tui.errors import UsageError
from relay_tui.output import note
from relay_tui.project.envfile import EnvFile
from relay_tui.project.template import fill_template
from relay_tui.services.env_values import write_generated


def run_generate(args: argparse.Namespace) -> int:
    """Print `--count` secrets of a kind, or fill the template with --generate-env."""
    if args.generate_env:
        return _generate_env(args)
    for flag in ("env", "template", "output"):
        if getattr(args, flag):
            raise UsageError(f"--{flag} only goes with --generate-env")

    options = {
        "nbytes": args.nbytes,
        "length": args.length,
        "prefix": args.prefix,
        "bits": args.bits,
        "symbols": args.symbols,
    }
    values = generate_many(
        args.kind, args.count, **{k: v for k, v in options.items() if v is not None}
    )
    sys.stdout.write("".join(v if v.endswith("\n") else v + "\n" for v in values))
    return 0


def _generate_env(args: argparse.Namespace) -> int:

    if args.env and args.output:
        raise UsageError("give --env or --output, not both")
    project = project_from(args)
    if args.template:
        template = EnvFile.load(Path(args.template))
    elif project.template is not None:
        template = project.template
    else:
        raise UsageError(
            f"no template in {project.root} (looked for .env.example, .env.sample, "
            ".env.template, .env.dist)",
            hint="pass --template F",
        )
    result = fill_template(template, project.specs, args.env)
    data = result.envfile.to_bytes()
    actor = actor_from(args, "relay-tui generate")
    if args.env or args.output:
        env = project.environment(args.env) if args.env else None
        output = Path(args.output) if args.output else None
        tell(write_generated(project, data, list(result.generated), actor, env=env,
                             output=output, force=args.force))  # fmt: skip
    else:
        sys.stdout.write(data.decode("utf-8"))
    for spec in result.needs_value:
        optional = "" if spec.required else ", optional"
        help_text = f": {spec.help}" if spec.help else ""
        note(f"needs a value: {spec.key} ({spec.kind}{optional}){help_text}")
    return 0


def add_generate(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register `generate`."""
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
