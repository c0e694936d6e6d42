"""The rule about who may read an environment's file."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator

from relay_tui.domain.findings import Code, Finding, FixKind, Severity
from relay_tui.rules.rule import Rule, Run, is_strict


def check_permissions(run: Run) -> Iterator[Finding]:
    """`insecure-permissions` for each checked file that group or others may read or write."""
    for target in run.targets():
        try:
            mode = stat.S_IMODE(os.stat(target.env.file).st_mode)
        except OSError:
            continue
        if mode & 0o077:
            file = target.file
            yield INSECURE_PERMISSIONS.finding(
                target.env.name,
                None,
                f"{file} is readable or writable by others (mode {mode:04o})",
                f"chmod 600 {file}",
                file,
                strict=is_strict(target.env),
            )


INSECURE_PERMISSIONS = Rule(
    Code.INSECURE_PERMISSIONS,
    Severity.ERROR,
    "a secret file group or others may read or write (an error in production or a protected env)",
    check_permissions,
    fix=FixKind.CHMOD,
    badge="loose-perms",
    lenient=Severity.WARNING,
)
RULES = (INSECURE_PERMISSIONS,)
