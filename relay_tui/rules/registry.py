"""Every validation rule, registered once: the modules that hold them, in the order they run.

Adding a rule: its code in `domain.findings.Code`, a module under `rules/checks/` with its check
and its `RULES` (one `Rule` per code), and that module in `RULE_MODULES` below.
`tests/unit/test_rules_registry.py` fails when a code has no rule or a check emits an
unregistered code.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType

from relay_tui.domain.findings import Code
from relay_tui.rules.checks import certs, git, keys, lint, loading, permissions, reuse, rotation
from relay_tui.rules.rule import Check, Rule

# The order the checks run in, and so the order of findings that sort alike (same severity,
# environment and line): each environment's file, its lint, its keys, ... git last.
RULE_MODULES: tuple[ModuleType, ...] = (
    loading,
    lint,
    keys,
    permissions,
    certs,
    rotation,
    reuse,
    git,
)

_RULES: dict[Code, Rule] = {}


def register(rule: Rule) -> None:
    """Add `rule`; its check runs after those registered before it. One rule per code."""
    if rule.code in _RULES:
        raise ValueError(f"{rule.code}: a rule is registered for this code already")
    _RULES[rule.code] = rule


def unregister(code: Code) -> Rule:
    """Remove the rule of `code` (for a test's temporary rule) and return it."""
    return _RULES.pop(code)


def rules() -> tuple[Rule, ...]:
    """Every registered rule, in registration order."""
    return tuple(_RULES.values())


def rule_for(code: Code) -> Rule | None:
    """The rule of `code`, or None when none is registered."""
    return _RULES.get(code)


def badges(codes: Iterable[Code]) -> list[str]:
    """The badges of these findings' codes: each once, in order, then the counted ones."""
    plain: dict[str, None] = {}
    counted: dict[str, int] = {}
    for code in codes:
        rule = _RULES.get(code)
        if rule is None or not rule.badge:
            continue
        if "{count}" in rule.badge:
            counted[rule.badge] = counted.get(rule.badge, 0) + 1
        else:
            plain.setdefault(rule.badge)
    return [*plain, *(badge.format(count=n) for badge, n in counted.items())]


def checks() -> tuple[Check, ...]:
    """The checks to run, each once (rules of one pass share theirs), in registration order."""
    return tuple(dict.fromkeys(rule.check for rule in _RULES.values()))


for _module in RULE_MODULES:
    for _rule in _module.RULES:
        register(_rule)
