"""A lossless .env model: parsed by python-dotenv (no interpolation), edited key by key."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from dotenv.parser import Binding, Original, Position, Reader, decode_escapes, parse_binding
from dotenv.parser import _double_quote_escapes as _DOUBLE_ESCAPES
from dotenv.parser import _single_quote_escapes as _SINGLE_ESCAPES

from relay_tui.domain.dotenv_codec import check_key, check_value, encode_value, verify_roundtrip
from relay_tui.domain.dotenv_lines import rewrite_value, split_binding
from relay_tui.domain.findings import Code
from relay_tui.domain.masking import safe_text
from relay_tui.errors import InputFileError, RefusedError, UsageError
from relay_tui.infra.bounded_read import read_env_bytes

BOM = "\ufeff"
_LEAD = re.compile(r"(?:[^\S\r\n]*(?:\r\n|\n|\r))*")
_NEWLINES = re.compile(r"\r\n|\n|\r")
_KEYLIKE_LINE = re.compile(r"[ \t]*(?:export[ \t]+)?([A-Z_][A-Z0-9_]*)[ \t]*=(?!=+[ \t]*$)")
# The common statements (comments, KEY=value with simple quoting) in one regex; everything else
# goes to python-dotenv's own parse_binding at that offset, so bindings are exactly dotenv's.
_FAST = re.compile(
    r"""\s*+(?:\#[^\r\n]*|(?:export[^\S\r\n]+)?+([A-Za-z_][A-Za-z0-9_]*)[^\S\r\n]*+=[^\S\r\n]*+
    (?:(?>'((?:\\'|[^'])*)')[^\S\r\n]*+(?:\#[^\r\n]*)?
      |(?>"((?:\\"|[^"])*)")[^\S\r\n]*+(?:\#[^\r\n]*)?
      |([^\s'"\#][^\r\n]*)
      |(?=[\r\n]|\Z)))(?:\r\n|\n|\r|\Z)""",
    re.VERBOSE,
)
_UNQUOTED_COMMENT = re.compile(r"\s+#.*")
_PLAIN_KEY = re.compile(r"[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*[=:]")


class Entry:
    """One statement of the file: a binding, a comment, an unparseable line, or trailing space.

    `lead` is the whole blank lines before the statement, `body` the statement with its line
    ending, `line` the 1-based line where `body` starts.
    """

    __slots__ = ("body", "error", "key", "lead", "line", "value")

    def __init__(
        self, lead: str, body: str, line: int, key: str | None, value: str | None, error: bool
    ) -> None:
        self.lead, self.body, self.line = lead, body, line
        self.key, self.value, self.error = key, value, error

    def __repr__(self) -> str:
        return f"Entry(line={self.line}, key={self.key!r}, error={self.error})"

    @property
    def end_line(self) -> int:
        """The last line this statement covers."""
        return self.line + max(len(_NEWLINES.findall(self.body.rstrip("\r\n"))), 0)

    @property
    def is_comment(self) -> bool:
        return self.key is None and not self.error and self.body.lstrip().startswith("#")

    def comment_text(self) -> str:
        """The text of a comment statement, without '#'."""
        return self.body.strip().lstrip("#").strip()


class ParseProblem(NamedTuple):
    """A statement python-dotenv cannot read, or keys an unterminated quote swallowed."""

    code: Code  # PARSE_ERROR or SWALLOWED_KEYS
    line: int
    message: str
    keys: tuple[str, ...] = ()


class EditReport(NamedTuple):
    """What an edit did: which key, which line, which occurrence of how many."""

    key: str
    action: str  # "changed", "added", "removed", "unchanged"
    line: int
    occurrence: int = 1
    total: int = 1

    def describe(self) -> str:
        """A one-line description that never includes the value."""
        text = f"{self.action} {self.key} (line {self.line})"
        if self.total > 1:
            text += (
                f"; {self.key} appears {self.total} times, this was occurrence {self.occurrence}"
                " (choose another with --occurrence N)"
            )
        return text


class FileStamp(NamedTuple):
    """What a file held when it was read, to refuse clobbering a later change."""

    digest: str
    size: int


class EnvFile:
    """A parsed .env file that renders back to the same bytes unless edited."""

    def __init__(
        self,
        entries: list[Entry],
        path: Path | None = None,
        bom: bool = False,
        newline: str = "\n",
        stamp: FileStamp | None = None,
        problems: list[ParseProblem] | None = None,
    ) -> None:
        self.entries = entries
        self.path = path
        self.bom = bom
        self.newline = newline
        self.stamp = stamp
        self.problems: list[ParseProblem] = problems if problems is not None else []
        self._index: dict[str, list[int]] | None = None

    # ----- reading -------------------------------------------------------------------------
    @classmethod
    def parse(cls, text: str, path: Path | None = None) -> EnvFile:
        """Parse `text` losslessly; problems are collected, never dropped."""
        bom = text.startswith(BOM)
        if bom:
            text = text[1:]
        entries: list[Entry] = []
        problems: list[ParseProblem] = []
        for binding in parse_bindings(text):
            original = binding.original.string
            line = binding.original.line
            lead = ""
            if original[:1] in (" ", "\t", "\r", "\n"):
                match = _LEAD.match(original)
                lead = match.group(0) if match else ""
                if lead:
                    line += len(_NEWLINES.findall(lead))
                    original = original[len(lead) :]
            entry = Entry(lead, original, line, binding.key, binding.value, binding.error)
            entries.append(entry)
            if binding.error or "\n" in original.rstrip("\r\n") or "\r" in original.rstrip("\r\n"):
                problem = _problem_for(entry)
                if problem:
                    problems.append(problem)
        return cls(entries, path, bom, _dominant_newline(text), None, problems)

    @classmethod
    def load(cls, path: Path) -> EnvFile:
        """Read and parse `path`, refusing directories, FIFOs, binary and non-UTF-8 files."""
        data = read_env_bytes(path)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise InputFileError(
                f"{safe_text(str(path))}: not UTF-8 (invalid byte at line {line}, "
                f"offset {exc.start})",
                hint=f"convert it, for example: iconv -f latin1 -t utf-8 {path} > {path}.utf8",
            ) from None
        env = cls.parse(text, path)
        env.stamp = FileStamp(hashlib.sha256(data).hexdigest(), len(data))
        return env

    # ----- queries -------------------------------------------------------------------------
    @property
    def index(self) -> dict[str, list[int]]:
        """Key -> positions of its bindings in `entries`, in file order."""
        if self._index is None:
            index: dict[str, list[int]] = {}
            for position, entry in enumerate(self.entries):
                if entry.key is not None:
                    index.setdefault(entry.key, []).append(position)
            self._index = index
        return self._index

    def keys(self) -> list[str]:
        """Keys in file order, each once."""
        return list(self.index)

    def values(self) -> dict[str, str | None]:
        """Key -> value as python-dotenv reads it with interpolation off (last one wins)."""
        return {e.key: e.value for e in self.entries if e.key is not None}

    def get(self, key: str) -> str | None:
        """The effective value of `key` (its last occurrence), or None."""
        positions = self.index.get(key)
        return self.entries[positions[-1]].value if positions else None

    def bindings(self, key: str) -> list[Entry]:
        """Every binding of `key`, in file order."""
        return [self.entries[p] for p in self.index.get(key, [])]

    def duplicates(self) -> dict[str, list[int]]:
        """Keys defined more than once -> the lines defining them."""
        return {
            key: [self.entries[p].line for p in positions]
            for key, positions in self.index.items()
            if len(positions) > 1
        }

    def comments_above(self, key: str) -> list[str]:
        """The comment lines directly above the first binding of `key` (help text)."""
        positions = self.index.get(key)
        if not positions or self.entries[positions[0]].lead:
            return []
        texts: list[str] = []
        position = positions[0] - 1
        while position >= 0:
            entry = self.entries[position]
            if not entry.is_comment:
                break
            texts.append(entry.comment_text())
            if entry.lead:
                break
            position -= 1
        texts.reverse()
        return texts

    def inline_comment(self, key: str) -> str:
        """The inline comment after the first binding of `key`, without '#'."""
        positions = self.index.get(key)
        if not positions:
            return ""
        parts = split_binding(self.entries[positions[0]].body)
        tail = parts[3].strip() if parts else ""
        return tail.lstrip("#").strip() if tail.startswith("#") else ""

    # ----- editing -------------------------------------------------------------------------
    def ensure_writable(self) -> None:
        """Refuse to write a file whose parse problems would lose keys on save."""
        if self.problems:
            where = safe_text(str(self.path)) if self.path else "this file"
            lines = ", ".join(str(p.line) for p in self.problems[:5])
            raise RefusedError(
                f"{where} has lines python-dotenv cannot read (line {lines}); "
                "saving could lose keys, so nothing was written",
                hint="fix those lines first (see `relay-tui validate`)",
            )

    def set(self, key: str, value: str, occurrence: int | None = None) -> EditReport:
        """Set `key` to `value`, changing only that binding's lines (or appending a new line)."""
        check_key(key)
        check_value(key, value)
        positions = self.index.get(key, [])
        if not positions:
            body = f"{key}={encode_value(value)}{self.newline}"
            verify_roundtrip(key, value, body)
            self._append(Entry("", body, 0, key, value, False))
            return EditReport(key, "added", self.entries[-1].line)
        number, position = _pick(key, positions, occurrence)
        entry = self.entries[position]
        body = rewrite_value(entry.body, value, self.newline)
        verify_roundtrip(key, value, body)
        action = "unchanged" if body == entry.body else "changed"
        entry.body, entry.value = body, value
        return EditReport(key, action, entry.line, number, len(positions))

    def unset(self, key: str, occurrence: int | None = None) -> EditReport:
        """Remove one binding of `key` (the effective one unless `occurrence` says otherwise)."""
        positions = self.index.get(key, [])
        if not positions:
            raise UsageError(
                f"{safe_text(key)} is not in {safe_text(str(self.path or 'the file'))}"
            )
        number, position = _pick(key, positions, occurrence)
        entry = self.entries.pop(position)
        if entry.lead and position < len(self.entries):
            self.entries[position].lead = entry.lead + self.entries[position].lead
        elif entry.lead:
            self.entries.append(Entry(entry.lead, "", entry.line, None, None, False))
        self._index = None
        return EditReport(key, "removed", entry.line, number, len(positions))

    def render(self) -> str:
        """The file's text (without BOM)."""
        return "".join([e.lead + e.body for e in self.entries])

    def to_bytes(self) -> bytes:
        """The file's bytes, BOM included when the file had one."""
        return ((BOM if self.bom else "") + self.render()).encode("utf-8")

    def _append(self, entry: Entry) -> None:
        if self.entries:
            last = self.entries[-1]
            if last.body and not last.body.endswith(("\n", "\r")):
                last.body += self.newline
            if last.key is None and not last.error and not last.body:
                # Trailing blank lines stay where they are; the new line goes after them.
                entry.lead, last.lead = last.lead, ""
                self.entries.pop()
        line_count = sum(len(_NEWLINES.findall(e.lead + e.body)) for e in self.entries)
        entry.line = line_count + 1 + len(_NEWLINES.findall(entry.lead))
        self.entries.append(entry)
        if self._index is not None and entry.key is not None:
            self._index.setdefault(entry.key, []).append(len(self.entries) - 1)


def _pick(key: str, positions: list[int], occurrence: int | None) -> tuple[int, int]:
    if occurrence is None:
        return len(positions), positions[-1]
    if not 1 <= occurrence <= len(positions):
        raise UsageError(
            f"{key} has {len(positions)} occurrence(s); --occurrence must be 1 to {len(positions)}"
        )
    return occurrence, positions[occurrence - 1]


def parse_bindings(text: str) -> Iterator[Binding]:
    """The bindings python-dotenv's parse_stream yields for `text` (BOM-less), only faster."""
    match, size, position, line = _FAST.match, len(text), 0, 1
    reader: Reader | None = None
    while position < size:
        found = match(text, position)
        if found is not None and found.end() > position:
            original = found.group(0)
            key, single, double, bare = found.groups()
            if key is None:
                value = None
            elif bare is not None:  # as dotenv's parse_unquoted_value
                value = _UNQUOTED_COMMENT.sub("", bare).rstrip()
            elif single is not None:
                value = decode_escapes(_SINGLE_ESCAPES, single) if "\\" in single else single
            elif double is not None:
                value = decode_escapes(_DOUBLE_ESCAPES, double) if "\\" in double else double
            else:
                value = ""
            yield Binding(key, value, Original(original, line), False)
            position = found.end()
            line += original.count("\n") + original.count("\r") - original.count("\r\n")
            continue
        if reader is None:
            reader = Reader(io.StringIO(""))
            reader.string = text  # set directly: Reader would strip a leading BOM itself
        reader.position = Position(position, line)
        binding = parse_binding(reader)
        if reader.position.chars <= position:
            raise InputFileError(f"cannot parse beyond offset {position}")
        yield binding
        position, line = reader.position.chars, reader.position.line


def _dominant_newline(text: str) -> str:
    sample = text[:65536]
    crlf = sample.count("\r\n")
    lf = sample.count("\n") - crlf
    cr = sample.count("\r") - crlf
    if crlf > lf and crlf >= cr:
        return "\r\n"
    if cr > lf:
        return "\r"
    return "\n"


def _problem_for(entry: Entry) -> ParseProblem | None:
    lines = _NEWLINES.split(entry.body.rstrip("\r\n"))
    first = _PLAIN_KEY.match(lines[0])
    first_key = first.group(1) if first else None
    hidden = tuple(m.group(1) for ln in lines[1:] if (m := _KEYLIKE_LINE.match(ln)))
    if entry.error:
        what = f"the line for {first_key}" if first_key else "this line"
        if hidden:
            return ParseProblem(
                Code.SWALLOWED_KEYS,
                entry.line,
                f"line {entry.line}: {what} cannot be parsed (an unterminated quote?); it runs "
                f"over {len(lines)} lines and hides {', '.join(hidden)}",
                (*((first_key,) if first_key else ()), *hidden),
            )
        unclosed = first is not None and lines[0][first.end() :].lstrip()[:1] in ("'", '"')
        reason = "opens a quote that never closes" if unclosed else "is not KEY=VALUE"
        return ParseProblem(
            Code.PARSE_ERROR,
            entry.line,
            f"line {entry.line}: {what} {reason}; python-dotenv skips it",
            (first_key,) if first_key else (),
        )
    if hidden and entry.key is not None:
        return ParseProblem(
            Code.SWALLOWED_KEYS,
            entry.line,
            f"line {entry.line}: the quoted value of {entry.key} runs over {len(lines)} lines "
            f"and swallows {', '.join(hidden)} (an unterminated quote?)",
            hidden,
        )
    return None
