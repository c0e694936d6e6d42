"""The scan baseline: fingerprints of accepted findings, with rule and path, never a secret."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relay_tui.domain.masking import safe_text
from relay_tui.errors import BackendError, InputFileError
from relay_tui.infra import safewrite
from relay_tui.infra.bounded_read import read_limited

if TYPE_CHECKING:
    from relay_tui.scan.scanner import Finding

VERSION = 1
DEFAULT_NAME = ".relay/scan-baseline.json"
_HEX = frozenset("0123456789abcdef")
_FIX = "fix it, or delete it and run `relay-tui scan --update-baseline` to write a new one"


def default_path(root: Path) -> Path:
    """The project's own baseline, `.relay/scan-baseline.json` (used when it exists)."""
    return root / DEFAULT_NAME


def load_baseline(path: Path) -> set[str]:
    """The fingerprints in a baseline file; a missing file is empty, a broken one an error."""
    return {entry["fingerprint"] for entry in read_entries(path)}


def read_entries(path: Path) -> list[dict[str, str]]:
    """The entries ({fingerprint, rule, path}) of a baseline file; a missing file has none."""
    shown = safe_text(str(path))

    if not os.path.lexists(path):
        return []
    raw = read_limited(path, "baselines")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise InputFileError(f"the baseline {shown} is not JSON", hint=_FIX) from None
    except RecursionError:
        raise InputFileError(f"the baseline {shown} is nested too deeply", hint=_FIX) from None
    return _entries(data, shown)


def _entries(data: Any, shown: str) -> list[dict[str, str]]:
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise InputFileError(
            f'the baseline {shown} is not a relay-tui scan baseline (no "entries" list)', hint=_FIX
        )
    if data.get("version") != VERSION:
        raise InputFileError(
            f"the baseline {shown} has version {safe_text(str(data.get('version')))}; "
            f"this relay-tui reads version {VERSION}",
            hint=_FIX,
        )
    entries = []
    for number, entry in enumerate(data["entries"], start=1):
        fingerprint = entry.get("fingerprint") if isinstance(entry, dict) else None
        if not _is_fingerprint(fingerprint):
            raise InputFileError(
                f"the baseline {shown}: entry {number} has no valid fingerprint "
                "(64 lowercase hex digits)",
                hint=_FIX,
            )
        entries.append(
            {
                "fingerprint": str(fingerprint),
                "rule": str(entry.get("rule", "")),
                "path": str(entry.get("path", "")),
            }
        )
    return entries


def _is_fingerprint(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 64 and set(value) <= _HEX


def baseline_bytes(entries: Iterable[dict[str, str]]) -> bytes:
    """The file's text: entries sorted by path, rule and fingerprint, one of each fingerprint."""
    unique = {e["fingerprint"]: e for e in entries}
    ordered = sorted(unique.values(), key=lambda e: (e["path"], e["rule"], e["fingerprint"]))
    data = {
        "version": VERSION,
        "tool": "relay-tui",
        "about": "fingerprints of accepted scan findings; no secret and no part of one",
        "entries": [_clean(e) for e in ordered],
    }
    return (json.dumps(data, indent=2, ensure_ascii=True) + "\n").encode("ascii")


def _clean(entry: dict[str, str]) -> dict[str, str]:
    return {"fingerprint": entry["fingerprint"], "rule": entry["rule"], "path": entry["path"]}


def entry_of(finding: Finding) -> dict[str, str]:
    """A finding as a baseline entry: its fingerprint, rule and path only."""
    return {"fingerprint": finding.fingerprint, "rule": finding.rule, "path": finding.path}


def write_baseline(path: Path, findings: list[Finding]) -> None:
    """Write a baseline holding exactly these findings (atomic; replaces the file's entries)."""
    _write(path, baseline_bytes(entry_of(f) for f in findings))


def add_to_baseline(path: Path, findings: list[Finding]) -> int:
    """Merge findings into the baseline (keeping what is there); returns how many were new."""
    _make_folder(path)
    with safewrite.locked(path) as target:
        before = safewrite.current_digest(target)
        entries = read_entries(path)
        known = {e["fingerprint"] for e in entries}
        new = [entry_of(f) for f in findings if f.fingerprint not in known]
        if new:
            safewrite.write(target, baseline_bytes([*entries, *new]), expected=before)
    return len({e["fingerprint"] for e in new})


def split_baselined(
    findings: list[Finding], fingerprints: set[str]
) -> tuple[list[Finding], list[Finding]]:
    """(findings not in the baseline, findings the baseline accepts)."""
    kept = [f for f in findings if f.fingerprint not in fingerprints]
    hidden = [f for f in findings if f.fingerprint in fingerprints]
    return kept, hidden


def _write(path: Path, data: bytes) -> None:

    _make_folder(path)
    with safewrite.locked(path) as target:
        safewrite.write(target, data)


def _make_folder(path: Path) -> None:

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackendError(
            f"cannot create {safe_text(str(path.parent))} for the baseline: {exc.strerror}"
        ) from None
