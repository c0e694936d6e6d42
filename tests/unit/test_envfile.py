"""The lossless .env model: parsing, round trips, edits that touch only their own lines."""

from __future__ import annotations

import io
import re

import pytest
from dotenv import dotenv_values
from dotenv.parser import parse_stream
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from relay_tui.errors import InvalidValueError, RefusedError
from relay_tui.project.envfile import EnvFile

SAMPLE = (
    "\ufeff# Relay settings\r\n"
    "export JWT_SECRET_KEY=abc123 # rotate every 90 days\r\n"
    'DATABASE_URL="postgresql://u:p@h/db"\r\n'
    "\r\n"
    "NAME='single quoted'\r\n"
    'PEM="line1\\nline2"\r\n'
    "EMPTY=\r\n"
    "TAIL=1"
)


def read_back(text: str) -> dict[str, str | None]:
    return dotenv_values(stream=io.StringIO(text), interpolate=False)


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    return [(x, y) for x, y in zip(a, b, strict=False) if x != y]


class TestParse:
    def test_renders_back_byte_for_byte(self) -> None:
        env = EnvFile.parse(SAMPLE)
        assert env.to_bytes().decode("utf-8") == SAMPLE
        assert env.bom and env.newline == "\r\n"

    @settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
    @given(st.text(st.characters(exclude_categories=("Cs",)), max_size=300))
    def test_any_text_round_trips(self, text: str) -> None:
        assert EnvFile.parse(text).to_bytes().decode("utf-8") == text

    def test_values_match_python_dotenv_without_interpolation(self, monkeypatch) -> None:
        monkeypatch.setenv("VAULT_TOKEN", "operator-token")
        text = "A=${VAULT_TOKEN}\nB='${HOME}'\nC=\"x${VAULT_TOKEN:-d}\"\n"
        env = EnvFile.parse(text)
        assert env.values() == read_back(text)
        assert env.get("A") == "${VAULT_TOKEN}"
        assert "operator-token" not in str(env.values())

    def test_line_numbers_skip_blank_lines_and_comments(self) -> None:
        env = EnvFile.parse("\n\n# c\nA=1\n\n\nB=2\n")
        assert [e.line for e in env.entries if e.key] == [4, 7]

    def test_duplicates_are_reported_with_lines(self) -> None:
        env = EnvFile.parse("A=1\nB=2\nA=3\n")
        assert env.duplicates() == {"A": [1, 3]}
        assert env.get("A") == "3"

    def test_help_text_and_inline_comment(self) -> None:
        env = EnvFile.parse("# first\n# second\nKEY=1 # required\n\n# other\n\nLOOSE=2\n")
        assert env.comments_above("KEY") == ["first", "second"]
        assert env.inline_comment("KEY") == "required"
        assert env.comments_above("LOOSE") == []


class TestProblems:
    def test_unterminated_quote_that_fails_names_the_hidden_keys(self) -> None:
        env = EnvFile.parse('A="oops\nB=2\nC="3"\nD=4\n')
        assert [p.code for p in env.problems] == ["swallowed-keys"]
        assert env.problems[0].keys == ("A", "B", "C")
        assert env.problems[0].line == 1

    def test_unterminated_quote_that_parses_is_still_caught(self) -> None:
        env = EnvFile.parse('A="oops\nB=2\nC="\nD=4\n')
        assert env.problems and env.problems[0].code == "swallowed-keys"
        assert env.problems[0].keys == ("B", "C")

    @pytest.mark.parametrize("line", ["KEY: v", "A B=1", "A='x' junk"])
    def test_unparseable_lines_are_reported_with_their_line(self, line: str) -> None:
        env = EnvFile.parse(f"OK=1\n\n{line}\nLAST=2\n")
        assert [(p.code, p.line) for p in env.problems] == [("parse-error", 3)]
        assert env.get("LAST") == "2"

    def test_problems_block_writes(self) -> None:
        env = EnvFile.parse('A="oops\nB=2\n')
        with pytest.raises(RefusedError, match="line 1"):
            env.ensure_writable()

    def test_multiline_pem_is_not_a_problem(self) -> None:
        pem = 'KEY="-----BEGIN KEY-----\nMIIBkiG9w0=\nabcDEF==\n-----END KEY-----"\nB=1\n'
        assert EnvFile.parse(pem).problems == []


class TestEdits:
    def test_set_changes_only_that_line_and_keeps_layout(self) -> None:
        env = EnvFile.parse(SAMPLE)
        env.set("JWT_SECRET_KEY", "new-value_1")
        after = env.to_bytes().decode("utf-8")
        assert changed_lines(SAMPLE, after) == [
            (
                "export JWT_SECRET_KEY=abc123 # rotate every 90 days\r\n",
                "export JWT_SECRET_KEY=new-value_1 # rotate every 90 days\r\n",
            )
        ]
        assert after.startswith("\ufeff")

    def test_set_keeps_quote_style_when_safe(self) -> None:
        env = EnvFile.parse("A='x'\nB=\"y\"\nC=z\n")
        env.set("A", "plain")
        env.set("B", "plain")
        env.set("C", "two words")
        assert env.render() == 'A=\'plain\'\nB="plain"\nC="two words"\n'

    def test_set_new_key_appends_with_file_newline(self) -> None:
        env = EnvFile.parse("A=1\r\nB=2")
        report = env.set("NEW", "v")
        assert env.render() == "A=1\r\nB=2\r\nNEW=v\r\n"
        assert (report.action, report.line) == ("added", 3)

    def test_set_names_the_occurrence_of_a_duplicate(self) -> None:
        env = EnvFile.parse("A=1\nA=2\n")
        report = env.set("A", "x")
        assert (report.occurrence, report.total, report.line) == (2, 2, 2)
        assert "occurrence 2" in report.describe()
        env.set("A", "first", occurrence=1)
        assert env.render() == "A=first\nA=x\n"

    def test_unset_removes_only_that_binding(self) -> None:
        text = "# head\nA=1\n\n# about B\nB=2\nC=3\n"
        env = EnvFile.parse(text)
        env.unset("C")
        assert env.render() == "# head\nA=1\n\n# about B\nB=2\n"

    def test_bare_key_gets_an_equals_sign(self) -> None:
        env = EnvFile.parse("A\n")
        env.set("A", "1")
        assert env.render() == "A=1\n"

    @pytest.mark.parametrize("key", ["A.B", "1A", "A-B", "B=evil\nC", "", "sp ace"])
    def test_invalid_keys_are_refused(self, key: str) -> None:
        with pytest.raises(InvalidValueError, match="invalid key name"):
            EnvFile.parse("").set(key, "x")

    def test_nul_is_refused(self) -> None:
        with pytest.raises(InvalidValueError, match="NUL"):
            EnvFile.parse("").set("A", "a\x00b")

    def test_injection_through_a_value_stays_one_value(self) -> None:
        env = EnvFile.parse("A=1\n")
        env.set("A", "x\nEVIL=1")
        assert read_back(env.render()) == {"A": "x\nEVIL=1"}


def _refusal_expected(value: str) -> bool:
    bare_ok = (
        value == value.strip()
        and "\n" not in value
        and "\r" not in value
        and not value.startswith(("'", '"'))
        and re.search(r"\s#", value) is None
    )
    return "\x00" in value or (value.endswith("\\") and not bare_ok)


PIECES = st.one_of(
    st.sampled_from([*"\\'\"$#{}\n\r\t =`", " # ", "${HOME}", "\\n", "\u202e", '\\"', "\x0b"]),
    st.characters(exclude_categories=("Cs",)),
)
VALUES = st.lists(PIECES, max_size=20).map("".join)


class TestRoundTripProperty:
    @settings(max_examples=1500, deadline=None)
    @given(value=VALUES, style=st.sampled_from(["A=old\n", "A='old'\n", 'A="old"\n', ""]))
    @example(value="x\r\ny", style="")
    @example(value="${HOME}", style="A='old'\n")
    @example(value=" lead and trail ", style="A=old\n")
    @example(value="ends with \\", style="A=old\n")
    def test_python_dotenv_reads_back_every_written_value(self, value: str, style: str) -> None:
        text = "FIRST=1\n" + style + 'AFTER="q"\n'
        env = EnvFile.parse(text)
        try:
            env.set("A", value)
        except InvalidValueError:
            assert _refusal_expected(value), f"refused a writable value {value!r}"
            return
        assert not _refusal_expected(value) or "\x00" not in value
        rendered = env.render()
        got = read_back(rendered)
        assert got["A"] == value
        assert got["FIRST"] == "1" and got["AFTER"] == "q"
        keys = [b.key for b in parse_stream(io.StringIO(rendered)) if b.key]
        assert sorted(keys) == ["A", "AFTER", "FIRST"]


LINES = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "A=1",
                "B = 2",
                "export C=3 # c",
                "D='x'",
                'E="y\nz"',
                "#c",
                "  # d",
                "",
                "  ",
                "F=",
                "G",
                "A=#x",
                "B= #c",
                "C=a b",
                "export=1",
                "export  X=1",
                "K=v\x85w",
                "M=a\\nb",
                "'Q'=1",
                "bad line",
                "N='open",
                'O="x\\"y"',
                "P='a\\'b'",
                'R=""',
                "S='' # c",
                'T="q"junk',
                "export #c",
                "U=\u2028x",
                "V=\t#t",
                "W=`cmd`",
            ]
        ),
        st.text(st.characters(exclude_categories=("Cs",)), max_size=12),
    ),
    max_size=12,
)


class TestFastParserMatchesPythonDotenv:
    @settings(max_examples=1500, deadline=None)
    @given(LINES, st.sampled_from(["\n", "\r\n", "\r"]), st.booleans())
    def test_same_bindings_as_parse_stream(self, lines: list[str], eol: str, final: bool) -> None:
        from relay_tui.project.envfile import parse_bindings

        text = eol.join(lines) + (eol if final else "")
        bare = text.removeprefix("\ufeff")  # parse_stream drops one leading BOM, as EnvFile does
        assert list(parse_bindings(bare)) == list(parse_stream(io.StringIO(text)))

    @settings(max_examples=500, deadline=None)
    @given(st.text(st.characters(exclude_categories=("Cs",)), max_size=200))
    def test_same_bindings_on_any_text(self, text: str) -> None:
        from relay_tui.project.envfile import parse_bindings

        bare = text.removeprefix("\ufeff")  # parse_stream drops one leading BOM, as EnvFile does
        assert list(parse_bindings(bare)) == list(parse_stream(io.StringIO(text)))


def test_double_bom_does_not_hang_and_round_trips() -> None:
    text = "\ufeff\ufeffA=1\n\ufeffB=2\n"
    assert EnvFile.parse(text).to_bytes().decode("utf-8") == text
