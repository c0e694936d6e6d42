"""`relay-tui notebook run|list|new`: runbooks of core operations, headless."""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relay_tui.commands.common import actor_from, project_from
from relay_tui.domain.masking import safe_text
from relay_tui.errors import RefusedError, UsageError
from relay_tui.notebooks import document as notebook
from relay_tui.notebooks.report import timeline_markdown
from relay_tui.notebooks.runner import RunOptions, run_notebook
from relay_tui.output import note, out
from relay_tui.services.notebook_changes import new_notebook
from relay_tui.services.outputs import check_output, write_output

if TYPE_CHECKING:
    from relay_tui.services.changes import Actor

STARTER = """title = "{name}"

[[cells]]
type = "markdown"
text = "What this runbook is for."

[[cells]]
type = "validate"
"""


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register `notebook` and its verbs."""
    parser = sub.add_parser("notebook", parents=[common], help="run, list or start notebooks")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    run = verbs.add_parser("run", parents=[common], help="run a notebook's cells in order")
    run.add_argument("name", metavar="FILE|NAME")
    run.add_argument("--env", default="development", metavar="NAME", help="default environment")
    run.add_argument("--keep-going", action="store_true", help="run every cell after a failure")
    run.add_argument(
        "--yes", action="store_true", help="confirm writes to protected envs and writing relay.toml"
    )
    run.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=@FILE",
        help="a value a cell asks for, read from FILE (@-: stdin, once)",
    )
    run.add_argument(
        "--keys", metavar="KEY,KEY", default="", help='the keys chosen for cells with keys = "ask"'
    )
    run.add_argument(
        "--report",
        metavar="FILE.md",
        type=Path,
        help="write the run's timeline as markdown (even if cells fail)",
    )
    verbs.add_parser("list", parents=[common], help="the built-in notebooks")
    new = verbs.add_parser("new", parents=[common], help="write notebooks/NAME.toml to edit")
    new.add_argument("name", metavar="NAME")


def run_notebook_cmd(args: argparse.Namespace) -> int:
    """Dispatch one verb."""
    if args.verb == "list":
        for name in notebook.builtin_names():
            out(f"{name}  ({notebook.load(notebook.BUILTIN_DIR / f'{name}.toml').title})")
        return 0
    project = project_from(args)
    if args.verb == "new":
        return _new(project.root, args.name, actor_from(args, "relay-tui notebook new"))

    book = notebook.load(notebook.find(args.name, project.root))
    report: Path | None = args.report
    if report is not None and report.exists():
        raise RefusedError(
            f"{safe_text(str(report))} already exists; nothing was run",
            hint="name a new file for --report (a report is never overwritten)",
        )
    actor = actor_from(args, "relay-tui notebook run")
    if report is not None:
        check_output(report, actor, force=False, what="--report")
    options = RunOptions(
        args.env,
        yes=args.yes,
        keep_going=args.keep_going,
        inputs=_inputs(args.set),
        keys=_keys(args.keys),
        started=datetime.datetime.now(datetime.UTC),
        read_only=args.read_only,
    )
    results = run_notebook(book, project, options)
    out(f"# {safe_text(book.title)}")
    for result in results:
        out(f"[{result.number}] {result.type}: {result.status}")
        for line in result.lines:
            out(f"    {safe_text(line)}")
    failed = [r for r in results if r.status == "failed"]
    not_run = sum(1 for r in results if r.status == "not run")
    summary = f"{len(failed)} of {len(results)} cell(s) failed" if failed else "every cell ran"
    note(summary + (f", {not_run} not run (--keep-going runs them)" if not_run else ""))
    if report is not None:
        _write_report(report, timeline_markdown(book, results, options), actor)
    return 1 if failed else 0


def _write_report(path: Path, text: str, actor: Actor) -> None:

    try:
        write_output(path, text.encode("utf-8"), actor, force=False, what="--report")
    except OSError as exc:
        raise UsageError(f"cannot write the report {safe_text(str(path))}: {exc}") from None
    note(f"wrote the timeline to {safe_text(str(path))}")


def _keys(text: str) -> tuple[str, ...]:
    keys = tuple(dict.fromkeys(k.strip() for k in text.split(",") if k.strip()))
    if text and not keys:
        raise UsageError("--keys: name at least one key, as KEY,KEY")
    return keys


def _inputs(pairs: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    from_stdin = [pair.partition("=")[0] for pair in pairs if pair.partition("=")[2] == "@-"]
    if len(from_stdin) > 1:
        raise UsageError(
            f"--set {', '.join(map(safe_text, from_stdin))}: only one key can read stdin (@-)",
            hint="give the others as KEY=@FILE",
        )
    for pair in pairs:
        key, sep, source = pair.partition("=")
        if not sep or not key or not source.startswith("@") or source == "@":
            raise UsageError(
                f"--set {safe_text(key)}=...: give a file, KEY=@FILE or KEY=@- for stdin "
                "(values never go in argv)"
            )
        if key in values:
            raise UsageError(f"--set {safe_text(key)} is given twice")
        values[key] = _read_value(source[1:])
    return values


def _read_value(source: str) -> str:
    try:
        if source == "-":
            if sys.stdin is None or sys.stdin.isatty():
                raise UsageError("--set KEY=@-: pipe the value on stdin (it is a terminal)")
            raw = sys.stdin.buffer.read().decode("utf-8")
        else:
            raw = Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        where = "stdin" if source == "-" else safe_text(source)
        raise UsageError(f"cannot read {where}: {exc}") from None
    return raw.rstrip("\r\n")


def _new(root: Path, name: str, actor: Actor) -> int:

    outcome = new_notebook(root, name, STARTER.format(name=name), actor)
    note(f"{outcome.summary}: edit it, then relay-tui notebook run {name}")
    return 0
