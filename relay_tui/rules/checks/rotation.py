"""The rotation rules: a key past its cadence, due soon, with no date, and where dates came from."""

from __future__ import annotations

from collections.abc import Iterator

from relay_tui.domain.findings import Code, Finding, Severity
from relay_tui.rules.rotation import DUE_WITHIN_DAYS, dates_with_source, rotation_findings
from relay_tui.rules.rule import Rule, Run


def check_rotation(run: Run) -> Iterator[Finding]:
    """Each checked file's rotation ages (from Vault's metadata when it has a vault_path)."""
    project = run.project
    for target in run.targets():
        env, file = target.env, target.file
        dates, source = dates_with_source(project, env, run.ledger)
        if source.startswith("ledger ("):
            why = source.removeprefix("ledger (").removesuffix(")")
            yield SOURCE.finding(
                env.name,
                None,
                f"rotation dates of {env.name} came from the ledger; {why}",
                "check the Vault address and token: relay-tui vault status",
                file,
            )
        yield from rotation_findings(target.envfile, env.name, file, project.specs, dates)


_CADENCE = "a key with a cadence (signing and Fernet keys 90 days, passwords 180, or rotate_days)"
SOURCE = Rule(
    Code.ROTATION_SOURCE,
    Severity.INFO,
    "rotation dates came from the ledger because Vault could not be read",
    check_rotation,
)
OVERDUE = Rule(Code.ROTATION_OVERDUE, Severity.WARNING, f"{_CADENCE} is past it", check_rotation)
DUE = Rule(
    Code.ROTATION_DUE,
    Severity.INFO,
    f"{_CADENCE} is due within {DUE_WITHIN_DAYS} days",
    check_rotation,
)
UNKNOWN = Rule(
    Code.ROTATION_UNKNOWN, Severity.INFO, f"{_CADENCE} has no date on record", check_rotation
)
RULES = (SOURCE, OVERDUE, DUE, UNKNOWN)
