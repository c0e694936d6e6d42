"""Read each scanner's JSON report as (rule, path, prefix) hits and score them against a manifest.

Scoring: a planted secret counts as found when a hit names its path (relative to the repository
root) and either the hit's rule belongs to the secret's kind (KIND_RULES, matched against the rule
id or type) or the hit's redacted prefix equals the secret's first 4 characters (relay-tui's
`redacted`). Each planted secret lives alone in its file, so path + kind is unambiguous. An AWS
pair counts once (key id or secret key found). Hits on paths that hold no planted secret of the
scored set are "outside": false positives on the low-entropy filler or the .env template.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any, NamedTuple

KIND_RULES = {
    "aws": re.compile(r"aws|akia", re.I),
    "github": re.compile(r"github|\bgh[pousr]?\b|git-?hub", re.I),
    "slack": re.compile(r"slack", re.I),
    "stripe": re.compile(r"stripe", re.I),
    "pem": re.compile(r"private.?key|\bpem\b|\brsa\b|openssh|ssh", re.I),
    "jwt": re.compile(r"generic|jwt|secret|entropy|keyword|password|credential|known", re.I),
}


class Hit(NamedTuple):
    """One finding of a tool, reduced to what scoring needs (never the secret itself)."""

    rule: str
    path: str
    prefix: str | None
    history_only: bool | None = None  # relay-tui says whether it is gone from the tree


def _rel(path: str, root: Path) -> str:
    path = path.replace("\\", "/")
    if os.path.isabs(path):
        path = os.path.relpath(path, root).replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def read_report(tool: str, report: Path, root: Path) -> list[Hit]:
    """Hits from `tool`'s JSON report (gitleaks, betterleaks, kingfisher, detect-secrets, relay)."""
    text = report.read_text() if report.exists() else ""
    if not text.strip():
        return []
    data: Any = json.loads(text)
    if tool.startswith("gitleaks"):
        return [Hit(f["RuleID"], _rel(f["File"], root), None) for f in data or []]
    if tool.startswith("betterleaks"):
        rows = (data.get("findings") or []) if isinstance(data, dict) else data
        return [Hit(f["rule_id"], _rel(f["location"]["path"], root), None) for f in rows]
    if tool.startswith("kingfisher"):
        rows = data.get("findings") or []
        return [Hit(f["rule"]["id"], _rel(f["finding"]["path"], root), None) for f in rows]
    if tool.startswith("detect-secrets"):
        results = data.get("results") or {}
        return [Hit(f["type"], _rel(p, root), None) for p, fs in results.items() for f in fs]
    if tool.startswith("relay"):
        return [
            Hit(f["rule"], _rel(f["path"], root), f.get("redacted") or None, f.get("history_only"))
            for f in data
        ]
    raise ValueError(f"unknown tool {tool}")


def _matches(hit: Hit, secret: dict[str, Any]) -> bool:
    if hit.path != secret["path"]:
        return False
    if KIND_RULES[secret["kind"]].search(hit.rule):
        return True
    prefix = (hit.prefix or "").rstrip("…")
    return len(prefix) >= 4 and prefix[:4] == secret["prefix"]


def score(hits: list[Hit], secrets: list[dict[str, Any]]) -> dict[str, Any]:
    """Recall over `secrets` (by kind, history-only), misses, and the hits outside them."""
    found: list[dict[str, Any]] = []
    via: dict[str, Counter[str]] = {}
    flags: Counter[str] = Counter()  # relay-tui only: is history_only right for the found secrets?
    for s in secrets:
        matched = [h for h in hits if _matches(h, s)]
        if matched:
            found.append(s)
            via.setdefault(s["kind"], Counter()).update({h.rule for h in matched})
            said = {h.history_only for h in matched} - {None}
            if said:
                flags["right" if said == {s["history_only"]} else "wrong"] += 1
    planted = {s["path"] for s in secrets}
    outside = [h for h in hits if h.path not in planted]
    kinds = Counter(s["kind"] for s in secrets)
    got = Counter(s["kind"] for s in found)
    hist = [s for s in secrets if s["history_only"]]
    missed = [s for s in secrets if s not in found]
    return {
        "found": len(found),
        "of": len(secrets),
        "history_only_found": sum(s["history_only"] for s in found),
        "history_only_of": len(hist),
        "by_kind": {k: f"{got[k]}/{n}" for k, n in kinds.items()},
        "via_rules": {k: dict(c) for k, c in via.items()},
        "missed": [
            {k: s[k] for k in ("id", "kind", "path", "history_only", "where")} for s in missed
        ],
        "history_only_flag": dict(flags),
        "findings": len(hits),
        "outside": len(outside),
        "outside_rules": dict(Counter(f"{h.rule} {h.path}" for h in outside).most_common(15)),
    }


def false_positives(hits: list[Hit]) -> dict[str, Any]:
    """Every hit on the clean corpus is a false positive: count them by rule and by file name."""
    return {
        "findings": len(hits),
        "by_rule": dict(Counter(h.rule for h in hits).most_common()),
        "by_file": dict(Counter(h.path.rsplit("/", 1)[-1] for h in hits).most_common()),
    }
