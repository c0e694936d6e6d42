"""Leak scanner engine: markers, known values, positions, odd bytes, streams, both engines."""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable

import pytest

from relay_tui.scan.engine import Hit, Matcher, redact, scan_stream, secret_hash
from relay_tui.scan.regex import load_re2
from tests.unit.scan_samples import ALNUM, B64URL, pem, rand, true_positives

MakeMatcher = Callable[..., Matcher]


@pytest.fixture(params=["re2", "re"])
def make(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> MakeMatcher:
    """A Matcher factory for one engine (RELAY_TUI_REGEX is read when a Matcher is made)."""
    monkeypatch.setenv("RELAY_TUI_REGEX", request.param)
    expected = request.param if request.param == "re" or load_re2() is not None else "re"

    def build(known: dict[str, str] | None = None, **kwargs: bool) -> Matcher:
        matcher = Matcher(known, **kwargs)
        assert matcher.engine == expected
        return matcher

    return build


def token(seed: int = 0) -> str:
    return "ghp_" + rand(random.Random(seed), 36)


def rules(hits: list[Hit]) -> list[str]:
    return [hit.rule for hit in hits]


def test_env_variable_forces_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELAY_TUI_REGEX", "re")
    assert Matcher().engine == "re"
    monkeypatch.delenv("RELAY_TUI_REGEX")
    assert Matcher().engine == ("re2" if load_re2() is not None else "re")


@pytest.mark.parametrize(
    "marker",
    ["# relay:allow", "// gitleaks:allow", "# pragma: allowlist secret", "  <!-- relay:allow -->"],
)
def test_inline_markers_suppress_their_line(make: MakeMatcher, marker: str) -> None:
    data = f'a = "{token(1)}"{marker}\nb = "{token(2)}"\n'.encode()
    hits = make().scan(data)
    assert [(h.line, h.secret) for h in hits] == [(2, token(2))]
    assert len(make(honour_markers=False).scan(data)) == 2


@pytest.mark.parametrize(
    "marker_line",
    ["# pragma: allowlist nextline secret", "  // pragma: allowlist nextline secret  "],
)
def test_nextline_marker_alone_on_its_line(make: MakeMatcher, marker_line: str) -> None:
    data = f'{marker_line}\na = "{token(1)}"\nb = "{token(2)}"\n'.encode()
    assert [h.line for h in make().scan(data)] == [3]
    assert [h.line for h in make(honour_markers=False).scan(data)] == [2, 3]


def test_nextline_marker_after_code_does_not_count(make: MakeMatcher) -> None:
    data = f'x = 1  # pragma: allowlist nextline secret\na = "{token(1)}"\n'.encode()
    assert [h.line for h in make().scan(data)] == [2]


def test_marker_two_lines_up_does_not_count(make: MakeMatcher) -> None:
    data = f'# pragma: allowlist nextline secret\n\na = "{token(1)}"\n'.encode()
    assert [h.line for h in make().scan(data)] == [3]


def test_marker_on_the_end_line_of_a_key_block(make: MakeMatcher) -> None:
    block = pem(random.Random(2))
    assert rules(make().scan(f"{block}  # relay:allow\n".encode())) == []
    assert rules(make().scan(f"{block}\n".encode())) == ["private-key"]


def test_known_values_with_labels(make: MakeMatcher) -> None:
    rng = random.Random(3)
    jwt_secret, db_password = rand(rng, 43, B64URL), rand(rng, 16)
    known = {jwt_secret: "production JWT_SECRET_KEY", db_password: "staging DB_PASSWORD"}
    data = f"JWT_SECRET_KEY = '{jwt_secret}'\n# {db_password} pasted in a comment\n".encode()
    hits = make(known).scan(data)
    assert [(h.rule, h.line, h.column, h.label) for h in hits] == [
        ("known-value", 1, 19, "production JWT_SECRET_KEY"),
        ("known-value", 2, 3, "staging DB_PASSWORD"),
    ]
    assert hits[0].description == "production JWT_SECRET_KEY (known value)"
    assert hits[0].secret == jwt_secret


def test_known_value_edge_cases(make: MakeMatcher) -> None:
    rng = random.Random(4)
    long_value = rand(rng, 3000, ALNUM + "-_+/")
    meta = "a.b*c+d?(e)[f]{g}|h\\i^$" + rand(rng, 6)
    unicode_value = "pässwörd-" + rand(rng, 10)
    known = {
        long_value: "prod LONG",
        meta: "prod META",
        unicode_value: "prod UNICODE",
        "short": "prod SHORT",  # under 8 characters: ignored
        "changeme": "dev DEFAULT",  # a placeholder: ignored
    }
    matcher = make(known)
    assert matcher.known_count == 3
    data = f"x {long_value} y\n{meta}\nshort changeme abcXaYb {unicode_value}\n".encode()
    hits = matcher.scan(data)
    assert [(h.label, h.line, h.secret) for h in hits] == [
        ("prod LONG", 1, long_value),
        ("prod META", 2, meta),
        ("prod UNICODE", 3, unicode_value),
    ]
    assert hits[2].column == len("short changeme abcXaYb ") + 1


def test_five_thousand_known_values(make: MakeMatcher) -> None:
    rng = random.Random(5)
    known = {rand(rng, 32, B64URL): f"env{i} KEY{i}" for i in range(5000)}
    known["a-b-c-d-e-f-" + rand(rng, 3)] = "env SHORT_WORDS"  # no 4-character word in it
    picked = list(known)[::1000] + list(known)[-1:]
    filler = "\n".join(f"line {i} of ordinary text, value = {i * 7}" for i in range(20000))
    data = (filler + "\n" + "\n".join(f"leak: {v}" for v in picked) + "\n").encode()
    matcher = make(known)
    started = time.perf_counter()
    hits = matcher.scan(data)
    assert time.perf_counter() - started < 5
    assert [h.label for h in hits] == [known[v] for v in picked]
    assert [h.line for h in hits] == list(range(20001, 20001 + len(picked)))


def test_known_value_wins_over_the_generic_rule(make: MakeMatcher) -> None:
    value = rand(random.Random(6), 40, ALNUM)
    hits = make({value: "production SECRET_KEY"}).scan(f'SECRET_KEY = "{value}"\n'.encode())
    assert [(h.rule, h.label) for h in hits] == [("known-value", "production SECRET_KEY")]


def test_line_and_column_numbers(make: MakeMatcher) -> None:
    data = f"first\r\n\nnaïve café = 1; t = '{token(7)}'\n\n\t{token(8)}".encode()
    hits = make().scan(data)
    assert [(h.line, h.column) for h in hits] == [(3, 22), (5, 2)]
    same_line = f"é {token(1)} é {token(2)} ü {token(3)}".encode()
    assert [h.column for h in make().scan(same_line)] == [3, 46, 89]


def test_non_utf8_bytes_do_not_crash(make: MakeMatcher) -> None:
    data = b"\xff\xfe\x00garbage\x80\x81\n" + f"k = {token(9)}\n".encode() + b"\xc3(\xa0\xa1"
    data += f" {token(10)}\xe9".encode("latin-1")
    hits = make().scan(data)
    assert [(h.line, h.secret) for h in hits] == [(2, token(9)), (3, token(10))]
    assert hits[1].column == 6  # the two broken sequences count as replacement characters
    assert make().scan(bytes(range(256)) * 50) == []


def test_empty_and_secret_at_the_very_end(make: MakeMatcher) -> None:
    assert make().scan(b"") == []
    assert rules(make().scan(token(11).encode())) == ["github-token"]


def test_both_engines_agree_on_a_mixed_document(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(12)
    lines = [f"filler line {i} with password_hint = none" for i in range(300)]
    for samples in true_positives(rng).values():
        for line, _secret in samples:
            lines.insert(rng.randrange(len(lines)), line)
    data = "\n".join(lines).encode()
    results = {}
    for engine in ("re2", "re"):
        monkeypatch.setenv("RELAY_TUI_REGEX", engine)
        results[engine] = Matcher().scan(data)
    assert results["re2"] == results["re"]
    assert len(results["re"]) == sum(len(s) for s in true_positives(random.Random(12)).values())


def _document(seed: int) -> tuple[bytes, int]:
    """About 60 KB of text with secrets of every rule scattered in it."""
    rng = random.Random(seed)
    lines = [f"row {i}: the quick brown fox {rand(rng, 6)} é" for i in range(1500)]
    count = 0
    for samples in true_positives(rng).values():
        for line, _secret in samples:
            lines.insert(rng.randrange(len(lines)), line)
            count += 1
    return "\n".join(lines).encode(), count


@pytest.mark.parametrize("size", [1, 97, 1000, 4096, 10_000])
def test_stream_matches_a_whole_scan(make: MakeMatcher, size: int) -> None:
    data, count = _document(size)
    matcher = make()
    whole = matcher.scan(data)
    assert len(whole) == count
    chunks = [data[i : i + size] for i in range(0, len(data), size)]
    assert list(matcher.scan_stream(chunks, overlap=4096)) == whole


def test_secret_straddling_a_chunk_boundary(make: MakeMatcher) -> None:
    secret = token(13)
    head = "".join(f"line {i}\n" for i in range(1000)).encode()
    data = head + f"t = {secret}\nafter\n".encode()
    cut = len(head) + 10  # in the middle of the token
    chunks = [data[:cut], data[cut:]]
    hits = list(make().scan_stream(chunks, overlap=256))
    assert [(h.line, h.column, h.secret) for h in hits] == [(1001, 5, secret)]
    assert list(scan_stream(chunks, 256, make())) == hits


def test_key_block_straddling_chunks(make: MakeMatcher) -> None:
    block = pem(random.Random(14), "EC ", 20)
    data = ("x\n" * 3000 + block + "\ny\n").encode()
    chunks = [data[i : i + 500] for i in range(0, len(data), 500)]
    hits = list(make().scan_stream(chunks))
    assert [(h.rule, h.line, h.secret) for h in hits] == [("private-key", 3001, block)]


def test_stream_of_one_long_line_keeps_columns(make: MakeMatcher) -> None:
    secret = token(15)
    data = ("a" * 20_000 + " " + secret + " " + "b" * 20_000).encode()
    chunks = [data[i : i + 3000] for i in range(0, len(data), 3000)]
    hits = list(make().scan_stream(chunks, overlap=1024))
    assert [(h.line, h.column, h.secret) for h in hits] == [(1, 20_002, secret)]


def test_redact_and_hash() -> None:
    secret = token(16)
    assert redact(secret) == "ghp_…"
    assert redact("abcdefgh") == "ab…" and redact("ab") == "…"
    assert secret_hash(secret) == hashlib.sha256(secret.encode()).hexdigest()
