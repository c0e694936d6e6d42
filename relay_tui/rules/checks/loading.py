"""The rules about an environment's file itself: missing, or not readable as text."""

from __future__ import annotations

from collections.abc import Iterator

from relay_tui.domain.findings import Code, Finding, Severity
from relay_tui.rules.rule import Rule, Run


def check_files(run: Run) -> Iterator[Finding]:
    """`missing-file` and `unreadable-file` for each checked environment."""
    for env in run.selected:
        file = run.rel(env)
        failed = run.unreadable.get(env.name)
        if failed is not None:
            yield UNREADABLE.finding(env.name, None, failed.message, failed.hint or "", file)
        elif not env.file.exists():
            yield MISSING.finding(
                env.name,
                None,
                f"{file} does not exist",
                f"create it: relay-tui generate --generate-env --env {env.name}",
                file,
                strict=run.explicit,
            )


UNREADABLE = Rule(
    Code.UNREADABLE_FILE,
    Severity.ERROR,
    "an environment's file is not a readable UTF-8 text file",
    check_files,
    badge="unreadable",
)
MISSING = Rule(
    Code.MISSING_FILE,
    Severity.ERROR,
    "an environment's file is absent (an error when named with --env)",
    check_files,
    lenient=Severity.WARNING,
)
RULES = (UNREADABLE, MISSING)
