"""Scan findings as text blocks, JSON and SARIF 2.1.0: pure functions, never a secret."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from relay_tui.domain.masking import safe_text

if TYPE_CHECKING:
    from relay_tui.scan.scanner import Finding, ScanReport

Remedy = Callable[["Finding"], list[str]]
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
FINGERPRINT_KEY = "relayFingerprint/v1"
TOOL = "relay-tui"


def _no_remedy(finding: Finding) -> list[str]:
    return []


def short_sha(commit: str | None) -> str:
    """The first 7 hex digits of a commit, as git shows it."""
    return (commit or "")[:7]


def location(finding: Finding, *, column: bool = True) -> str:
    """`path:line:column` (or less, when the line or column is not known)."""
    where = finding.path
    if finding.line is not None:
        where += f":{finding.line}"
        if column and finding.column is not None:
            where += f":{finding.column}"
    return where


def known_sentence(finding: Finding) -> str | None:
    """For a known value: 'production JWT_SECRET_KEY in commit abc1234, config/settings.py:12'."""
    if not finding.label:
        return None
    where = location(finding, column=False)
    if finding.commit:
        return f"{finding.label} in commit {short_sha(finding.commit)}, {where}"
    return f"{finding.label} in {where}"


def headline(finding: Finding) -> str:
    """`path:line:column  rule  description  redacted  [commit abc1234]`, display-safe."""
    parts = [location(finding), finding.rule, finding.description]
    if finding.redacted:  # an env file found as a whole has no matched text
        parts.append(finding.redacted)
    if finding.commit:
        parts.append(f"[commit {short_sha(finding.commit)}]")
    return safe_text("  ".join(parts))


def text_block(finding: Finding, remedy: Remedy = _no_remedy, baselined: bool = False) -> list[str]:
    """The lines of one finding: its headline, the known-value sentence, then (for a finding in
    history) what to do about it, in order."""
    first = headline(finding) + ("  [baselined]" if baselined else "")
    lines = [first]
    sentence = known_sentence(finding)
    if sentence:
        lines.append("  " + safe_text(sentence))
    if finding.history_only:
        lines.append("  only in history: no longer in the working tree")
    if finding.commit:
        lines += ["  " + safe_text(line) for line in remedy(finding)]
    return lines


def text_report(
    findings: list[Finding], remedy: Remedy = _no_remedy, baselined: Collection[str] = ()
) -> list[str]:
    """Every finding's block, a blank line between blocks."""
    lines: list[str] = []
    for finding in findings:
        if lines:
            lines.append("")
        lines += text_block(finding, remedy, finding.fingerprint in baselined)
    return lines


def cell_line(finding: Finding) -> str:
    """One short line for a notebook cell: where, what (the label for a known value), redacted."""
    what = finding.label or finding.description
    parts = [location(finding, column=False), finding.rule, what]
    if finding.redacted:
        parts.append(finding.redacted)
    if finding.commit:
        parts.append(f"[commit {short_sha(finding.commit)}]")
    return safe_text("  ".join(parts))


def finding_dict(
    finding: Finding, remedy: Remedy = _no_remedy, baselined: bool = False
) -> dict[str, Any]:
    """A finding as a JSON object: every field (none holds the secret) and the remediation."""
    return {
        "rule": finding.rule,
        "description": finding.description,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "commit": finding.commit,
        "redacted": finding.redacted,
        "fingerprint": finding.fingerprint,
        "label": finding.label,
        "history_only": finding.history_only,
        "baselined": baselined,
        "message": known_sentence(finding) or finding.description,
        "remediation": remedy(finding),
    }


def json_report(
    findings: list[Finding],
    remedy: Remedy = _no_remedy,
    baselined: Collection[str] = (),
    report: ScanReport | None = None,
) -> str:
    """The scan as a JSON object: whether it was partial, what it did not read, the findings
    (ASCII only, so no control character reaches a terminal)."""
    data: dict[str, Any] = {
        "partial": bool(report and report.partial),
        "warnings": [safe_text(str(w)) for w in report.warnings] if report else [],
        "submodules_not_scanned": list(report.submodules) if report else [],
        "skipped": dict(sorted(report.skipped.items())) if report else {},
        "findings": [finding_dict(f, remedy, f.fingerprint in baselined) for f in findings],
    }
    return json.dumps(data, indent=2, ensure_ascii=True)


def _rules(findings: list[Finding]) -> list[dict[str, Any]]:
    described: dict[str, str] = {}
    for finding in findings:
        text = finding.description
        if finding.rule == "known-value":
            text = "A secret value of one of the project's environments"
        described.setdefault(finding.rule, text)
    return [
        {"id": rule, "name": rule, "shortDescription": {"text": text}}
        for rule, text in sorted(described.items())
    ]


def _message(finding: Finding) -> str:
    sentence = known_sentence(finding)
    if sentence:
        return f"{sentence} ({finding.redacted})"
    text = finding.description + (f" ({finding.redacted})" if finding.redacted else "")
    if finding.commit:
        text += f" in commit {short_sha(finding.commit)}"
    return text + (", only in history" if finding.history_only else "")


def _result(finding: Finding, index: int, remedy: Remedy, baselined: bool) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": quote(finding.path)}}
    if finding.line is not None and finding.line >= 1:
        region: dict[str, int] = {"startLine": finding.line}
        if finding.column is not None and finding.column >= 1:
            region["startColumn"] = finding.column
        physical["region"] = region
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": "error",
        "message": {"text": _message(finding)},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
    }
    properties: dict[str, Any] = {}
    if finding.commit:
        properties["commit"] = finding.commit
    if finding.label:
        properties["label"] = finding.label
    if finding.history_only:
        properties["historyOnly"] = True
    steps = remedy(finding)
    if steps:
        properties["remediation"] = steps
    if properties:
        result["properties"] = properties
    if baselined:
        result["baselineState"] = "unchanged"
    return result


def sarif_report(
    findings: list[Finding],
    remedy: Remedy = _no_remedy,
    baselined: Collection[str] = (),
    version: str = "",
    report: ScanReport | None = None,
) -> str:
    """SARIF 2.1.0: one run of the relay-tui driver, its rules, one error result per finding."""
    rules = _rules(findings)
    index = {rule["id"]: number for number, rule in enumerate(rules)}
    driver: dict[str, Any] = {"name": TOOL, "rules": rules}
    if version:
        driver["version"] = version
    results = [_result(f, index[f.rule], remedy, f.fingerprint in baselined) for f in findings]
    run: dict[str, Any] = {"tool": {"driver": driver}, "results": results}
    if report is not None:
        notes = [
            {"level": "warning", "message": {"text": safe_text(str(w))}} for w in report.warnings
        ]
        notes += [
            {"level": "note", "message": {"text": f"submodule {safe_text(p)} not scanned"}}
            for p in report.submodules
        ]
        invocation: dict[str, Any] = {"executionSuccessful": True}
        if notes:
            invocation["toolExecutionNotifications"] = notes
        run["invocations"] = [invocation]
        run["properties"] = {
            "partial": report.partial,
            "submodulesNotScanned": list(report.submodules),
        }
    data = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    return json.dumps(data, indent=2, ensure_ascii=True)


def _size(count: int) -> str:
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f} MB"
    if count >= 1_000:
        return f"{count / 1_000:.1f} kB"
    return f"{count} bytes"


def summary_lines(
    report: ScanReport, shown: int, baselined: int, baseline_name: str | None = None
) -> list[str]:
    """What was scanned, what was skipped and why, the engine, the time, what was found."""
    scanned = f"scanned {report.files} file(s)"
    if report.blobs or report.commits:
        scanned += f", {report.blobs} blob(s) in {report.commits} commit(s)"
    lines = [f"{scanned} ({_size(report.bytes)}) with {report.engine} in {report.seconds:.2f} s"]
    skipped = [f"{n} {why}" for why, n in sorted(report.skipped.items()) if n]
    if skipped:
        lines.append("skipped: " + ", ".join(skipped))
    submodules = getattr(report, "submodules", None) or []
    if submodules:
        names = ", ".join(safe_text(p) for p in submodules)
        lines.append(
            f"not scanned: {len(submodules)} submodule(s), {names} (scan each in its own folder)"
        )
    not_utf8 = getattr(report, "not_utf8", 0)
    if isinstance(not_utf8, int) and not_utf8:
        lines.append(f"{not_utf8} file(s) or blob(s) not UTF-8: scanned as bytes")
    lines += ["warning: " + safe_text(str(w)) for w in getattr(report, "warnings", None) or []]
    found = f"{shown} finding(s)" if shown else "no findings"
    extra = []
    if baselined:
        extra.append(
            f"{baselined} hidden by the baseline"
            + (f" {safe_text(baseline_name)}" if baseline_name else "")
        )
    suppressed = getattr(report, "suppressed", None)
    if isinstance(suppressed, int) and suppressed:
        extra.append(f"{suppressed} suppressed by inline allow markers")
    lines.append(found + (f" ({'; '.join(extra)})" if extra else ""))
    return lines
