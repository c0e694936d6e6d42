"""Leak scanner pattern engine: every rule and the known secret values over a bytes buffer."""

from __future__ import annotations

import bisect
import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from relay_tui.scan.patterns import RULES, Rule, accept_secret, trim_value
from relay_tui.scan.regex import KnownValues, RuleSearcher, make_searcher

__all__ = ["Hit", "Matcher", "redact", "scan_stream", "secret_hash"]

_NEAR = 200  # bytes around a match searched for a rule's `near` words
_WORD = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
_WORD_B64 = _WORD | frozenset(b"/+=-_")
_ALLOW = (b"relay:allow", b"gitleaks:allow", b"pragma: allowlist secret")
_NEXTLINE = re.compile(
    rb"[ \t]*[+\- ]?[ \t]*(?:#|//|/\*|--|<!--|;|%|'|\*|rem\b)?[ \t]*"
    rb"pragma: allowlist nextline secret[ \t]*(?:\*/|-->)?[ \t]*\r?",
    re.I,
)
_KNOWN, _SPECIFIC, _GENERIC = 0, 1, 2


class Hit(NamedTuple):
    """One match: where it is and what it is. `secret` stays in memory only."""

    rule: str
    description: str
    line: int
    column: int
    secret: str
    label: str | None


class _Candidate(NamedTuple):
    start: int
    end: int
    priority: int
    rule: Rule | None  # None for a known value
    label: str | None


def redact(secret: str) -> str:
    """The first 4 characters then "…" (fewer characters when the secret is short)."""
    shown = min(4, len(secret) // 3)
    return secret[:shown] + "…"


def secret_hash(secret: str) -> str:
    """SHA-256 hex digest of the secret (for fingerprints and baselines)."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _engine_choice() -> str:
    forced = os.environ.get("RELAY_TUI_REGEX", "").strip().lower()
    return forced or "auto"


class Matcher:
    """Scans bytes for every rule and for the project's own secret values."""

    def __init__(self, known: dict[str, str] | None = None, *, honour_markers: bool = True) -> None:
        """`known` maps secret values to labels; values shorter than 8 characters are ignored."""
        self.rules: list[Rule] = list(RULES)
        self.honour_markers = honour_markers
        self._known = KnownValues(known or {})
        self._searcher: RuleSearcher = make_searcher(self.rules, _engine_choice(), self._known)
        self.engine: str = self._searcher.name

    @property
    def known_count(self) -> int:
        """How many known values are searched for."""
        return len(self._known)

    def scan(self, data: bytes) -> list[Hit]:
        """Every rule and known value over `data`, with placeholders and allow markers applied."""
        return [hit for _start, _end, hit in self.scan_spans(data)]

    def scan_spans(self, data: bytes) -> list[tuple[int, int, Hit]]:
        """Like scan(), with each hit's byte offsets (start, end) in `data`."""
        candidates = [
            _Candidate(start, end, _KNOWN, None, label)
            for start, end, label in self._known.find(data)
        ]
        candidates.extend(self._rule_candidates(data))
        if not candidates:
            return []
        return self._hits(data, _resolve_overlaps(candidates))

    def scan_stream(self, chunks: Iterable[bytes], overlap: int = 4096) -> Iterator[Hit]:
        """Scan a stream in overlapping windows; a secret split across chunks is still found."""
        return _stream(self, chunks, overlap)

    def _rule_candidates(self, data: bytes) -> Iterator[_Candidate]:
        size, known_index = len(data), len(self.rules)
        for index, start, end in self._searcher.find(data):
            if index == known_index:
                label = self._known.labels.get(data[start:end], "known value")
                yield _Candidate(start, end, _KNOWN, None, label)
                continue
            rule = self.rules[index]
            if rule.generic:
                end = start + len(trim_value(data[start:end]))
            if rule.boundary and not _bounded(data, start, end, size, rule.keyword_led):
                continue
            if rule.near and not _is_near(data, start, end, rule.near):
                continue
            secret = data[start:end].decode("utf-8", "replace")
            if accept_secret(rule, secret):
                priority = _GENERIC if rule.generic else _SPECIFIC
                yield _Candidate(start, end, priority, rule, None)

    def _hits(self, data: bytes, candidates: list[_Candidate]) -> list[tuple[int, int, Hit]]:
        hits: list[tuple[int, int, Hit]] = []
        line, counted_to = 1, 0
        column_at = (-1, 0, 0)  # line start, offset, column: several hits on one long line
        for cand in candidates:
            line += data.count(b"\n", counted_to, cand.start)
            counted_to = cand.start
            line_start = data.rfind(b"\n", 0, cand.start) + 1
            if self.honour_markers and _allowed(data, line_start, cand.start, cand.end):
                continue
            start_line, offset, column = column_at
            if start_line != line_start:
                offset, column = line_start, 1
            column += len(data[offset : cand.start].decode("utf-8", "replace"))
            column_at = (line_start, cand.start, column)
            secret = data[cand.start : cand.end].decode("utf-8", "replace")
            if cand.rule is None:
                label = cand.label or "known value"
                hit = Hit("known-value", f"{label} (known value)", line, column, secret, label)
            else:
                hit = Hit(cand.rule.id, cand.rule.description, line, column, secret, None)
            hits.append((cand.start, cand.end, hit))
        return hits


def _bounded(data: bytes, start: int, end: int, size: int, keyword_led: bool) -> bool:
    """The secret is not glued to letters or digits. A keyword-led value starts after its
    separator, so only its end is checked, against base64 and base64url characters too."""
    if keyword_led:
        return not (end < size and data[end] in _WORD_B64)
    if start > 0 and data[start - 1] in _WORD:
        return False
    return not (end < size and data[end] in _WORD)


def _is_near(data: bytes, start: int, end: int, words: tuple[str, ...]) -> bool:
    """One of `words` occurs within _NEAR bytes before or after the match (not inside it)."""
    before, after = data[max(0, start - _NEAR) : start].lower(), data[end : end + _NEAR].lower()
    return any(word.encode() in before or word.encode() in after for word in words)


def _resolve_overlaps(candidates: list[_Candidate]) -> list[_Candidate]:
    """Sorted, de-duplicated candidates; one overlapping a higher-priority one is dropped."""
    unique = sorted(set(candidates), key=lambda c: (c.start, c.priority, -c.end))
    kept: list[_Candidate] = []
    for level in (_KNOWN, _SPECIFIC, _GENERIC):
        starts = [c.start for c in kept]
        max_end: list[int] = []
        for cand in kept:
            max_end.append(max(cand.end, max_end[-1]) if max_end else cand.end)
        for cand in unique:
            if cand.priority != level:
                continue
            index = bisect.bisect_left(starts, cand.end)
            if index and max_end[index - 1] > cand.start:
                continue  # overlaps something found by a higher-priority rule
            kept.append(cand)
        kept.sort(key=lambda c: (c.start, c.end))
    return _drop_contained(kept)


def _drop_contained(cands: list[_Candidate]) -> list[_Candidate]:
    """Drop a candidate lying inside another one of the same rule (e.g. nested known values)."""
    result: list[_Candidate] = []
    for cand in cands:
        if result and result[-1].rule is cand.rule and cand.end <= result[-1].end:
            continue
        result.append(cand)
    return result


def _allowed(data: bytes, line_start: int, start: int, end: int) -> bool:
    """An inline allow marker on the match's first or last line, or a nextline marker above."""
    line_end = data.find(b"\n", end)
    if line_end < 0:
        line_end = len(data)
    first_end = data.find(b"\n", start)
    first_end = line_end if first_end < 0 else first_end
    first = data[line_start:first_end]
    last = data[data.rfind(b"\n", 0, end) + 1 : line_end]
    if any(marker in first or marker in last for marker in _ALLOW):
        return True
    if line_start == 0:
        return False
    previous = data[data.rfind(b"\n", 0, line_start - 1) + 1 : line_start - 1]
    return _NEXTLINE.fullmatch(previous) is not None


def scan_stream(
    chunks: Iterable[bytes], overlap: int = 4096, matcher: Matcher | None = None
) -> Iterator[Hit]:
    """Scan a stream of chunks with overlapping windows (a new Matcher unless one is given)."""
    return _stream(matcher or Matcher(), chunks, overlap)


def _stream(matcher: Matcher, chunks: Iterable[bytes], overlap: int) -> Iterator[Hit]:
    """Windows of at least 2 x overlap bytes; each keeps the previous window's last `overlap`
    bytes (from a line start when possible). A hit counts only when it is away from a cut edge
    (`margin` bytes of context on both sides), so secrets up to overlap - 2 x margin bytes long
    are found whole exactly once, with line and column numbers of the whole stream."""
    overlap = max(overlap, 64)
    margin = min(256, overlap // 4)
    buf, base, lines_before, col_shift, scan_at = b"", 0, 0, 0, 2 * overlap
    seen: set[tuple[str, int, int, str]] = set()
    iterator = iter(chunks)
    while True:
        chunk = next(iterator, None)
        final = chunk is None
        if chunk is not None:
            buf += chunk
            if len(buf) < scan_at:
                continue
        for start, end, hit in matcher.scan_spans(buf):
            if (base and start < margin) or (not final and end > len(buf) - margin):
                continue
            line = lines_before + hit.line
            column = hit.column + col_shift if hit.line == 1 else hit.column
            key = (hit.rule, line, column, hit.secret)
            if key not in seen:
                seen.add(key)
                yield hit._replace(line=line, column=column)
        if final:
            return
        cut = _cut_point(buf, len(buf) - overlap, overlap)
        removed = buf[:cut]
        last_newline = removed.rfind(b"\n")
        tail = removed[last_newline + 1 :].decode("utf-8", "replace")
        col_shift = len(tail) if last_newline >= 0 else col_shift + len(tail)
        lines_before += removed.count(b"\n")
        buf, base = buf[cut:], base + cut
        scan_at = len(buf) + overlap


def _cut_point(buf: bytes, target: int, overlap: int) -> int:
    """Where to cut: the start of the line before the one holding `target`, if not too far."""
    newline = buf.rfind(b"\n", 0, target)
    if newline >= 0:
        previous = buf.rfind(b"\n", 0, newline)
        cut = (previous if previous >= 0 else newline) + 1
        if target - cut <= 2 * overlap:
            return cut
        return newline + 1 if target - newline <= 2 * overlap else target
    return target
