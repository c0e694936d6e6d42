"""`relay-tui vault ...`: status, list, get, put, push, pull, diff, history on Vault/OpenBao."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from relay_tui.commands.common import (
    actor_from,
    project_from,
    read_stdin_text,
    refuse_terminal,
    tell,
)
from relay_tui.domain.masking import mask, safe_text
from relay_tui.errors import UsageError
from relay_tui.output import note, out, table
from relay_tui.project.envfile import EnvFile
from relay_tui.services.changes import require_writable
from relay_tui.services.reveals import record_reveal
from relay_tui.services.store_changes import pull_plan, push_plan, put_fields
from relay_tui.stores.plans import make_plan
from relay_tui.stores.vault.config import settings_for, vault_path_of
from relay_tui.stores.vault.status import read_status
from relay_tui.stores.vault.store import VaultStore

if TYPE_CHECKING:
    from relay_tui.services.changes import Outcome
    from relay_tui.stores.plans import Plan


def run_vault(args: argparse.Namespace) -> int:
    """Dispatch one vault verb."""
    handler = globals()[f"_{args.verb}"]
    return int(handler(args))


def _store(args: argparse.Namespace) -> VaultStore:

    settings = settings_for(project_from(args), None, getattr(args, "vault_addr", None))
    if not settings.tls.verify:
        note("warning: TLS certificates are NOT verified (VAULT_SKIP_VERIFY)")
    return VaultStore(settings)


def _status(args: argparse.Namespace) -> int:

    store = _store(args)
    rows = read_status(store)
    for label, value in rows:
        out(f"{label:<15} {safe_text(value)}")
    return 0


def _list(args: argparse.Namespace) -> int:
    store = _store(args)
    keys = store.list_keys(
        args.path or store.settings.mount, recursive=args.recursive, depth=args.depth
    )
    if args.json:
        out(json.dumps(keys, ensure_ascii=True))
    else:
        for key in keys:
            out(safe_text(key))
    return 0


def _revealed(args: argparse.Namespace, fields: list[str], where: str) -> Outcome:

    return record_reveal(actor_from(args, "relay-tui vault get"), None, fields, where)


def _get(args: argparse.Namespace) -> int:
    store = _store(args)
    secret = store.read(args.path, args.version)
    if args.field is not None:
        if args.field not in secret.data:
            raise UsageError(
                f"{secret.location.full} has no field {safe_text(args.field)!r}",
                hint="fields: " + safe_text(", ".join(sorted(secret.data))),
            )
        refuse_terminal(f"the value of {safe_text(args.field)}", args.reveal)
        value = secret.data[args.field]
        sys.stdout.write(value if isinstance(value, str) else json.dumps(value))
        tell(_revealed(args, [args.field], secret.location.full))
        return 0
    shown = {
        k: (v if args.reveal else mask(v if isinstance(v, str) else "x"))
        for k, v in sorted(secret.data.items())
    }
    if args.reveal:
        tell(_revealed(args, list(shown), secret.location.full))
    if args.json:
        out(
            json.dumps(
                {"path": secret.location.full, "version": secret.version, "data": shown},
                ensure_ascii=True,
            )
        )
    else:
        version = f" (version {secret.version})" if secret.version else ""
        out(f"{safe_text(secret.location.full)}{version}")
        out(table([[k, str(v)] for k, v in shown.items()], ["FIELD", "VALUE"]))
    return 0


def _put(args: argparse.Namespace) -> int:
    data: dict[str, str] = {}
    stdin_used = False
    for pair in args.pairs:
        key, sep, source = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"expected KEY=- or KEY=@FILE, got {safe_text(key)!r}")
        if source == "-":
            if stdin_used:
                raise UsageError("only one KEY=- can read stdin")
            stdin_used = True
            data[key] = read_stdin_text(f"the value for {key}")
        elif source.startswith("@"):
            try:
                data[key] = Path(source[1:]).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise UsageError(f"cannot read {safe_text(source[1:])}: {exc}") from None
        else:
            raise UsageError(
                f"the value of {safe_text(key)} was given on the command line; values are never "
                "taken from argv (they would show in `ps` and shell history)",
                hint=f"use {safe_text(key)}=- to read it from stdin, or {safe_text(key)}=@FILE",
            )

    actor = actor_from(args, "relay-tui vault put")
    _version, outcome = put_fields(_store(args), args.path, data, actor)
    tell(outcome)
    return 0


def _history(args: argparse.Namespace) -> int:
    store = _store(args)
    versions = store.history(args.path)
    if args.json:
        out(json.dumps([v._asdict() for v in versions], ensure_ascii=True))
        return 0
    rows = [
        [
            str(v.version),
            v.created,
            "destroyed" if v.destroyed else (f"deleted {v.deleted}" if v.deleted else "live"),
        ]
        for v in versions
    ]
    out(table(rows, ["VERSION", "CREATED", "STATE"]))
    return 0


def _sync(args: argparse.Namespace, direction: str) -> int:

    project = project_from(args)
    env = project.environment(args.env)
    if direction != "diff" and not args.dry_run:  # refused before Vault is asked anything
        require_writable(actor_from(args, f"relay-tui vault {direction}"), env.name)
    store = VaultStore(settings_for(project, env, getattr(args, "vault_addr", None)))
    envfile = EnvFile.load(env.file) if env.file.exists() else EnvFile.parse("", env.file)
    plan = make_plan(store, project, env, envfile, vault_path_of(project, env, store.settings))
    _print_plan(plan, args.json, direction == "pull" and not args.dry_run)
    if direction == "diff":
        return 0 if plan.in_sync else 1
    if plan.in_sync:
        note(f"{env.name} and {safe_text(plan.location.full)} are in sync; nothing to {direction}")
        return 0
    if args.dry_run:
        note(f"--dry-run: nothing was written; run again without it to {direction}")
        return 0

    actor = actor_from(args, f"relay-tui vault {direction}")
    if direction == "push":
        _version, outcome = push_plan(store, plan, env, actor, prune=args.prune)
    else:
        outcome = pull_plan(plan, env, envfile, actor, prune=args.prune)
    tell(outcome)
    return 0


def _push(args: argparse.Namespace) -> int:
    return _sync(args, "push")


def _pull(args: argparse.Namespace) -> int:
    return _sync(args, "pull")


def _diff(args: argparse.Namespace) -> int:
    return _sync(args, "diff")


def _print_plan(plan: Plan, as_json: bool, pulling: bool) -> None:
    groups = {
        "only in the file": plan.only_local,
        "only in Vault": plan.only_store,
        "changed": plan.changed,
        "unchanged": plan.unchanged,
    }
    if as_json:
        out(
            json.dumps(
                {
                    "env": plan.env,
                    "path": plan.location.full,
                    "version": plan.base_version,
                    **{k.replace(" ", "_"): v for k, v in groups.items()},
                    "converted_from_json": plan.converted,
                },
                ensure_ascii=True,
            )
        )
        return
    out(f"{plan.env} <-> {safe_text(plan.location.full)} (Vault version {plan.base_version})")
    for label, keys in groups.items():
        if keys and label != "unchanged":
            out(f"  {label}: {safe_text(', '.join(keys))}")
    out(f"  unchanged: {len(plan.unchanged)}")
    if plan.converted:
        how = "written as JSON text" if pulling else "compared as JSON text"
        note(f"non-string values in Vault, {how}: " + ", ".join(plan.converted))
