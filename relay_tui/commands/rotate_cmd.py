"""`relay-tui rotate KEY... --env NAME [--push]`: new values, in the file and Vault, on record."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from relay_tui.commands.common import audited, policy_from, project_from
from relay_tui.core.masking import safe_text
from relay_tui.errors import RelayError, UsageError
from relay_tui.output import note


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
    from relay_tui.core.envfile import EnvFile
    from relay_tui.core.envstore import edit_env
    from relay_tui.core.generate import generate
    from relay_tui.core.rotation import try_record
    from relay_tui.core.specs import spec_for

    project = project_from(args)
    env = project.environment(args.env)
    keys = list(dict.fromkeys(args.keys))
    current = EnvFile.load(env.file).values() if env.file.exists() else {}
    missing = [k for k in keys if k not in current]
    if missing:
        raise UsageError(
            f"{', '.join(map(safe_text, missing))} not set in {env.name}: nothing to rotate",
            hint=f"set it first: relay-tui set KEY --env {env.name}",
        )
    manual = [k for k in keys if not spec_for(project.specs, k).generatable]
    if len(manual) > 1:
        raise UsageError(
            f"{', '.join(map(safe_text, manual))} cannot be generated; rotate them one at a time, "
            "each new value on stdin"
        )
    values = {k: generate(spec_for(project.specs, k).kind) for k in keys if k not in manual}
    if manual:
        if sys.stdin.isatty():
            raise UsageError(
                f"{safe_text(manual[0])} is issued by its provider: pipe the new value on stdin"
            )
        values[manual[0]] = sys.stdin.buffer.read().decode("utf-8").rstrip("\r\n")
        if not values[manual[0]]:
            raise UsageError(f"no new value for {safe_text(manual[0])} on stdin")

    def change(envfile: EnvFile) -> None:
        for key, value in values.items():
            envfile.set(key, value)

    with audited("rotate", env.name, keys, f"file {env.file.name}"):
        edit_env(env, change, policy_from(args))
    note(f"rotated in {env.file.name}: {', '.join(map(safe_text, keys))}")
    problem = try_record(project.root, env.name, keys)
    if problem:
        note("warning: " + problem)
    for key in keys:
        text = spec_for(project.specs, key).help
        if text:
            note(f"  {safe_text(key)}: {safe_text(text)}")
    if args.push:
        _push(args, project, env, values)
    else:
        note(f"Vault was not changed; to update it: relay-tui vault push --env {env.name}")
    return 0


def _push(args: argparse.Namespace, project: Any, env: Any, values: dict[str, str]) -> None:
    from relay_tui.core.specs import spec_for
    from relay_tui.core.vault import VaultStore
    from relay_tui.core.vault_sync import settings_for, vault_path_of

    fields = {spec_for(project.specs, k).vault_field or k: v for k, v in values.items()}
    try:
        store = VaultStore(settings_for(project, env))
        path = vault_path_of(project, env, store.settings)
        location = store.locate(path)
        base = store.current_version(location)
        old = store.read(path).data if base else store.read_v1_or_empty(location)
        with audited("push", env.name, sorted(values), f"rotate -> {path}"):
            store.write(path, {**old, **fields}, cas=base)
    except RelayError as exc:
        exc.message = f"the file has the new values, but Vault was NOT updated: {exc.message}"
        exc.hint = (
            f"Vault still holds the old values; once fixed: relay-tui vault push --env {env.name}"
        )
        raise
    note(f"pushed to {path} with check-and-set")
