"""`relay-tui notebook run|list|new`: runbooks of core operations, headless."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from relay_tui.commands.common import project_from
from relay_tui.core.masking import safe_text
from relay_tui.errors import UsageError
from relay_tui.output import note, out

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
    run.add_argument("--yes", action="store_true", help="confirm writes to protected envs")
    run.add_argument("--set", action="append", default=[], metavar="KEY=@FILE",
                     help="a value a cell asks for, read from FILE")  # fmt: skip
    verbs.add_parser("list", parents=[common], help="the built-in notebooks")
    new = verbs.add_parser("new", parents=[common], help="write notebooks/NAME.toml to edit")
    new.add_argument("name", metavar="NAME")


def run_notebook_cmd(args: argparse.Namespace) -> int:
    """Dispatch one verb."""
    from relay_tui.core import notebook

    if args.verb == "list":
        for name in notebook.builtin_names():
            out(f"{name}  ({notebook.load(notebook.BUILTIN_DIR / f'{name}.toml').title})")
        return 0
    project = project_from(args)
    if args.verb == "new":
        return _new(project.root, args.name, args.read_only)
    from relay_tui.core.notebook_run import RunOptions, run_notebook

    book = notebook.load(notebook.find(args.name, project.root))
    options = RunOptions(args.env, args.yes, args.keep_going, _inputs(args.set))
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
    return 1 if failed else 0


def _inputs(pairs: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, source = pair.partition("=")
        if not sep or not source.startswith("@"):
            raise UsageError(
                f"--set {safe_text(key)}=...: give a file, KEY=@FILE (values never go in argv)"
            )
        try:
            values[key] = Path(source[1:]).read_text(encoding="utf-8").rstrip("\r\n")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read {safe_text(source[1:])}: {exc}") from None
    return values


def _new(root: Path, name: str, read_only: bool) -> int:
    from relay_tui.core.envstore import write_new_file

    if read_only:
        raise UsageError("read-only session: nothing was written")
    if not name.replace("-", "").replace("_", "").isalnum():
        raise UsageError(f"{safe_text(name)!r}: use letters, digits, '-' and '_'")
    target = root / "notebooks" / f"{name}.toml"
    target.parent.mkdir(exist_ok=True)
    write_new_file(target, STARTER.format(name=name).encode(), force=False, check_git=False)
    note(f"wrote {target.relative_to(root)}: edit it, then relay-tui notebook run {name}")
    return 0
