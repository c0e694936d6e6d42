"""`relay-tui generate`: print new secrets, or fill a template (--generate-env)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from relay_tui.commands.common import actor_from, project_from, tell
from relay_tui.errors import UsageError
from relay_tui.output import note


def run_generate(args: argparse.Namespace) -> int:
    """Print `--count` secrets of a kind, or fill the template with --generate-env."""
    if args.generate_env:
        return _generate_env(args)
    for flag in ("env", "template", "output"):
        if getattr(args, flag):
            raise UsageError(f"--{flag} only goes with --generate-env")
    from relay_tui.core.generate import generate_many

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
    from relay_tui.core.envfile import EnvFile
    from relay_tui.core.template import fill_template

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
        from relay_tui.services.env_values import write_generated

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
