"""Regex backends of the leak scanner: google-re2 when installed, literal-led Python `re` passes."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from typing import Any, Protocol

from relay_tui.domain.defaults import is_default_secret, looks_like_placeholder
from relay_tui.scan.patterns import Rule

MIN_KNOWN_LENGTH = 8
_FIND_LIMIT = 128  # up to this many known values (re engine), bytes.find per value is fastest


class RuleSearcher(Protocol):
    """Finds raw rule matches: (rule index, secret start, secret end), before any filtering."""

    name: str

    def find(self, data: bytes) -> Iterator[tuple[int, int, int]]:
        """Raw matches of every rule in `data`."""
        ...


def load_re2() -> Any | None:
    """The google-re2 module, or None when it is not installed."""
    try:
        return importlib.import_module("re2")
    except ImportError:
        return None


def _re2_options(re2: Any) -> Any:
    options = re2.Options()
    options.encoding = re2.Options.Encoding.LATIN1  # bytes in, byte offsets out
    options.max_mem = 256 << 20
    return options


class Re2Searcher:
    """RE2 in three steps: one combined DFA pass (no captures) finds candidate lines; a `Set`
    says which rules match on those lines; only those rules then run there, with captures."""

    name = "re2"

    def __init__(self, rules: list[Rule], re2: Any, literals: bytes | None = None) -> None:
        """Compile the combined pattern, the set and one regex per rule; `literals` (an
        alternation of escaped known values) becomes one more pattern, index len(rules)."""
        options = _re2_options(re2)
        patterns = [rule.combined().encode("ascii") for rule in rules]
        self._groups = [1 if rule.grouped else 0 for rule in rules]
        self._set = re2.Set.SearchSet(options)
        for pattern in patterns:
            self._set.Add(pattern)
        self._set.Compile()
        self._always: tuple[int, ...] = ()  # the known values run on every region (no Set entry)
        if literals:
            self._always = (len(patterns),)
            patterns.append(literals)
            self._groups.append(0)
        self._regexes = [re2.compile(pattern, options) for pattern in patterns]
        scout = _re2_options(re2)
        scout.never_capture = True
        self._scout = re2.compile(b"|".join(b"(?:" + p + b")" for p in patterns), scout)

    def find(self, data: bytes) -> Iterator[tuple[int, int, int]]:
        """Raw matches of the rules present on the lines the combined pass flagged."""
        for start, end in self._regions(data):
            for index in (*sorted(self._set.Match(data[start:end]) or ()), *self._always):
                group = self._groups[index]
                for match in self._regexes[index].finditer(data, start, end):
                    first, last = match.span(group)
                    yield index, first, last

    def _regions(self, data: bytes) -> Iterator[tuple[int, int]]:
        """Whole lines around each combined match, overlapping ones merged."""
        size = len(data)
        region_start = region_end = -1
        for match in self._scout.finditer(data):
            start, end = match.span()
            if start >= region_end:
                if region_end >= 0:
                    yield region_start, region_end
                region_start = data.rfind(b"\n", 0, start) + 1
            line_end = data.find(b"\n", end)  # the region keeps the newline: RE2 sees no `$`
            region_end = max(region_end, size if line_end < 0 else line_end + 1)  # at endpos
        if region_end >= 0:
            yield region_start, region_end


class ReSearcher:
    """Python `re`: one pass per literal-led pattern; keyword rules run over a lowercased copy."""

    name = "re"

    def __init__(self, rules: list[Rule]) -> None:
        """Compile one pattern per rule prefix."""
        self._passes: list[tuple[int, re.Pattern[bytes], int, bool]] = []
        for index, rule in enumerate(rules):
            group = 1 if rule.grouped else 0
            for pattern in rule.patterns():
                compiled = re.compile(pattern.encode("ascii"))
                self._passes.append((index, compiled, group, rule.keyword_led))
        self._lowered = any(rule.keyword_led for rule in rules)

    def find(self, data: bytes) -> Iterator[tuple[int, int, int]]:
        """Raw matches: spans found in the lowercased copy are the same in the original."""
        lowered = data.lower() if self._lowered else data
        for index, compiled, group, keyword_led in self._passes:
            for match in compiled.finditer(lowered if keyword_led else data):
                start, end = match.span(group)
                yield index, start, end


def make_searcher(rules: list[Rule], choice: str, known: KnownValues) -> RuleSearcher:
    """RE2 when it imports (unless `choice` is "re"), else the Python `re` fallback. With RE2 the
    known values join the same passes (index len(rules)); with `re` KnownValues.find does them."""
    if choice != "re":
        re2 = load_re2()
        if re2 is not None:
            known.searched_by_regex = True
            return Re2Searcher(rules, re2, known.alternation())
    return ReSearcher(rules)


_SPECIAL = re.compile(rb"[^A-Za-z0-9]")


def _template_placeholder(value: str) -> bool:

    return is_default_secret(value) or looks_like_placeholder(value)


def _escape_bytes(value: bytes) -> bytes:
    """Escape every byte that is not a letter or digit as \\xHH (valid for RE2 Latin-1 and re)."""
    return _SPECIAL.sub(lambda m: b"\\x%02x" % m[0][0], value)


class KnownValues:
    """The project's own secret values (value -> label), searched for literally."""

    def __init__(self, known: dict[str, str]) -> None:
        """Keep values of 8+ characters that are not the template's kind of placeholder.

        Only the project's own placeholder rules apply here: a real value that happens to hold
        `12345678` or the word `example` is still the project's secret.
        """
        self.labels: dict[bytes, str] = {}
        for value, label in known.items():
            if len(value) >= MIN_KNOWN_LENGTH and not _template_placeholder(value):
                self.labels[value.encode("utf-8")] = label
        self._values = sorted(self.labels, key=lambda v: (-len(v), v))
        self.searched_by_regex = False  # set when the RE2 searcher includes them
        self._anchors: dict[bytes, list[bytes]] | None = None

    def __len__(self) -> int:
        return len(self.labels)

    def alternation(self) -> bytes | None:
        """One alternation of the escaped values, longest first (None without values)."""
        return b"|".join(_escape_bytes(v) for v in self._values) or None

    def find(self, data: bytes) -> Iterator[tuple[int, int, str]]:
        """(start, end, label) of every occurrence: bytes.find per value for a few values;
        for many, a set of the buffer's alphanumeric words meets each value's anchor word."""
        if self.searched_by_regex or not self._values:
            return
        values = self._values
        if len(values) > _FIND_LIMIT:
            values = self._candidates(data)
        for value in values:
            start = data.find(value)
            while start >= 0:
                yield start, start + len(value), self.labels[value]
                start = data.find(value, start + 1)

    def _candidates(self, data: bytes) -> list[bytes]:
        if self._anchors is None:
            self._anchors = {}
            for value in self._values:  # b"" collects values without a 4-character word
                self._anchors.setdefault(_anchor(value), []).append(value)
        words = set(_WORDS.findall(data))
        words.add(b"")
        found = [v for anchor in words & self._anchors.keys() for v in self._anchors[anchor]]
        return sorted(found, key=lambda v: (-len(v), v))


_WORDS = re.compile(rb"[A-Za-z0-9]{4,}")
_RUN = re.compile(rb"[A-Za-z0-9]+")


def _anchor(value: bytes) -> bytes:
    """The value's longest alphanumeric run that is whole in any text holding the value: an
    inner run when there is one (edge runs may be glued to neighbouring letters)."""
    runs = [m for m in _RUN.finditer(value) if m.end() - m.start() >= 4]
    inner = [m for m in runs if m.start() > 0 and m.end() < len(value)]
    best = max(inner or runs, key=lambda m: m.end() - m.start(), default=None)
    return b"" if best is None else best.group()
