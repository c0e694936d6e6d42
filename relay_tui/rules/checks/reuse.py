"""The rule that one secret value is not shared between environments (compared by fingerprint)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterator

from relay_tui.domain.findings import Code, Finding, FixKind, Severity
from relay_tui.domain.masking import safe_text
from relay_tui.project.specs import spec_for
from relay_tui.rules.rule import Rule, Run, is_strict
from relay_tui.rules.values import comparable_secret, fill_hint


def check_reuse(run: Run) -> Iterator[Finding]:
    """`reused-secret` for each checked key whose secret another environment's file holds."""
    project = run.project
    fp_key = secrets.token_bytes(32)  # per run: fingerprints only group values, never leave
    owners: dict[bytes, list[tuple[str, str, int]]] = {}
    for name, envfile in run.loaded.items():
        for entry in envfile.entries:
            secret = comparable_secret(project, entry.key, entry.value)
            if secret is None or entry.key is None:
                continue
            digest = hmac.new(fp_key, secret.encode("utf-8", "surrogatepass"), hashlib.sha256)
            owners.setdefault(digest.digest(), []).append((name, entry.key, entry.line))
    chosen = {e.name: e for e in run.selected}
    for places in owners.values():
        envs = {name for name, _, _ in places}
        if len(envs) < 2:
            continue
        strict = any(is_strict(project.environment(n)) for n in envs)
        for name, key, line in places:
            if name not in chosen:
                continue
            elsewhere = ", ".join(f"{k} in {n}" for n, k, _ in places if n != name)
            spec = spec_for(project.specs, key)
            yield REUSED_SECRET.finding(
                name,
                safe_text(key),
                f"{safe_text(key)} has the same secret as {safe_text(elsewhere)}",
                fill_hint(spec, chosen[name]),
                run.rel(chosen[name]),
                line,
                strict=strict,
            )


REUSED_SECRET = Rule(
    Code.REUSED_SECRET,
    Severity.ERROR,
    "the same secret value in two environments (an error when one is production or protected)",
    check_reuse,
    fix=FixKind.GENERATE,
    lenient=Severity.WARNING,
)
RULES = (REUSED_SECRET,)
