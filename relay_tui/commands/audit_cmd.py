"""`relay-tui audit`: list the audit log with filters, verify its chain, export it for a review."""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path
from typing import Any

from relay_tui.commands.common import actor_from
from relay_tui.domain.masking import safe_text
from relay_tui.errors import UsageError
from relay_tui.infra import audit
from relay_tui.output import note, out, table
from relay_tui.services.outputs import check_output, write_output


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register `audit`."""
    parser = sub.add_parser("audit", parents=[common], help="the audit log (no values, ever)")
    parser.add_argument("--action", choices=audit.ACTIONS, help="only this action")
    parser.add_argument("--env", metavar="NAME", help="only this environment")
    parser.add_argument("--key", metavar="KEY", help="only entries naming this key")
    parser.add_argument("--since", metavar="YYYY-MM-DD", help="only from this day (UTC)")
    parser.add_argument("--json", action="store_true", help="JSON lines, as stored")
    parser.add_argument("--verify", action="store_true", help="check the chain; exit 1 if broken")
    parser.add_argument(
        "--anchor",
        nargs="?",
        const="",
        metavar="COUNT:HASH",
        help="alone: print the head's hash to keep elsewhere; with --verify: check against it",
    )
    parser.add_argument("--export", choices=("csv", "markdown"), help="for a review")
    parser.add_argument("--output", metavar="FILE", help="with --export: write it to FILE (0600)")
    parser.add_argument("--force", action="store_true", help="with --output: replace FILE")


def run_audit(args: argparse.Namespace) -> int:
    """List, verify or export."""
    if args.anchor == "" and not args.verify:
        out(audit.anchor())
        note("keep this somewhere relay-tui cannot write; `audit --verify --anchor` checks it")
        return 0
    if args.anchor is not None and not args.verify:
        raise UsageError("--anchor COUNT:HASH checks a log: add --verify")
    if args.verify:
        if args.anchor == "":
            raise UsageError("--verify --anchor needs the COUNT:HASH that `audit --anchor` printed")
        problems = audit.verify(anchor=args.anchor)
        for problem in problems:
            where = f"line {problem.line}" if problem.line else "log"
            out(f"{audit.log_path().name}: {where}: {problem.message}")
        count = sum(1 for _ in audit.entries())
        note(
            f"{count} entries; "
            + ("chain intact" if not problems else f"{len(problems)} problem(s)")
        )
        return 1 if problems else 0
    if args.output is not None and not args.export:
        raise UsageError("--output writes an export: add --export csv or --export markdown")
    if args.output is not None:
        actor = actor_from(args, "relay-tui audit")
        check_output(Path(args.output).expanduser(), actor, force=args.force, what="--output")
    chosen = [e for e in audit.entries() if _matches(e, args)]
    if args.json:
        for entry in chosen:
            out(json.dumps(entry, ensure_ascii=True, separators=(",", ":")))
    elif args.export:
        text = _csv(chosen) if args.export == "csv" else _markdown(chosen)
        if args.output is None:
            out(text)
        else:
            path, actor = Path(args.output).expanduser(), actor_from(args, "relay-tui audit")
            write_output(path, (text + "\n").encode(), actor, force=args.force, what="--output")
            note(f"wrote {len(chosen)} entries to {safe_text(str(path))}")
    else:
        rows = [[_cell(e, f) for f in ("time", "user", "action", "env", "keys", "outcome")]
                for e in chosen]  # fmt: skip
        out(table(rows, ["TIME", "USER", "ACTION", "ENV", "KEYS", "OUTCOME"]) if rows else "")
        note(f"{len(chosen)} entries in {audit.log_path()}")
    return 0


def _csv(chosen: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(audit.FIELDS)
    for entry in chosen:
        writer.writerow([_cell(entry, f) for f in audit.FIELDS])
    return buffer.getvalue().rstrip("\n")


def _markdown(chosen: list[dict[str, Any]]) -> str:
    columns = [f for f in audit.FIELDS if f != "prev"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for entry in chosen:
        cells = [_cell(entry, f).replace("|", "\\|") for f in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _matches(entry: dict[str, Any], args: argparse.Namespace) -> bool:
    if args.action and entry.get("action") != args.action:
        return False
    if args.env and entry.get("env") != args.env:
        return False
    if args.key and args.key not in (entry.get("keys") or []):
        return False
    return not args.since or str(entry.get("time", "")) >= args.since


def _cell(entry: dict[str, Any], field: str) -> str:
    value = entry.get(field)
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    return safe_text("" if value is None else str(value))
