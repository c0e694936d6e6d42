"""Leak scanner rules: each finds its secrets and skips look-alikes and placeholders."""

from __future__ import annotations

import base64
import random
import re
from collections.abc import Iterator

import pytest

from relay_tui.scan.engine import Matcher
from relay_tui.scan.patterns import (
    RULES,
    accept_secret,
    char_classes,
    is_placeholder,
    shannon_entropy,
)
from relay_tui.scan.regex import load_re2
from tests.unit.scan_samples import ALNUM, false_positives, rand, true_positives

ENGINES = ["re2", "re"]
RULE_IDS = sorted({rule.id for rule in RULES})


@pytest.fixture(params=ENGINES)
def matcher(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Matcher]:
    monkeypatch.setenv("RELAY_TUI_REGEX", request.param)
    found = Matcher()
    expected = request.param if request.param == "re" or load_re2() is not None else "re"
    assert found.engine == expected
    yield found


def test_every_rule_has_true_and_false_positive_samples() -> None:
    rng = random.Random(1)
    assert set(true_positives(rng)) == set(RULE_IDS) == set(false_positives(rng))


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_finds_its_secrets(matcher: Matcher, rule_id: str) -> None:
    for seed in range(5):
        for line, secret in true_positives(random.Random(seed))[rule_id]:
            hits = matcher.scan(("# config\n" + line + "\n").encode())
            assert [(h.rule, h.line) for h in hits] == [(rule_id, 2)], (rule_id, seed)
            assert hits[0].secret == secret and hits[0].label is None


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_skips_look_alikes(matcher: Matcher, rule_id: str) -> None:
    for seed in range(5):
        for line in false_positives(random.Random(seed))[rule_id]:
            hits = matcher.scan(line.encode() + b"\n")
            assert hits == [], (rule_id, line[:12], [h.rule for h in hits])


def test_every_fallback_pattern_is_literal_led() -> None:
    """Python `re` only runs fast when a pattern starts with fixed characters (no big
    alternation, no leading class or \\b): each pattern starts with two literal characters."""
    literal = re._parser.LITERAL  # type: ignore[attr-defined]
    for rule in RULES:
        for pattern in rule.patterns():
            parsed = re._parser.parse(pattern)  # type: ignore[attr-defined]
            assert [op for op, _ in list(parsed)[:2]] == [literal, literal], pattern
        if rule.keyword_led:  # they run over a lowercased copy of the buffer
            assert all(prefix == prefix.lower() for prefix in rule.prefixes)
            body = rule.body.replace("(?P<s>", "(").replace("\\s", "")
            assert not re.search(r"(?<!\\)[A-Z]", body), rule.id


def test_rules_compile_in_both_engines() -> None:
    re2 = load_re2()
    for rule in RULES:
        re.compile(rule.combined())
        if re2 is not None:
            re2.compile(rule.combined())


@pytest.mark.parametrize(
    "value",
    [
        "AKIA" + "IOSFODNN7" + "EXAMPLE",
        "my-example-key-123",
        "${DATABASE_PASSWORD}",
        "$DATABASE_PASSWORD",
        "{{ vault_password }}",
        "<your-key>",
        "xxxxxxxxxxxxxxxx",
        "sk_live_xxxx1234",
        "changeme",
        "change-me-in-production",
        "your_api_key_here",
        "...",
        "abc...",
        "zzzzzzzzzzzzzzzz",
        "secret",
        "%(password)s",
        "0123456789abcdef",
    ],
)
def test_placeholders(value: str) -> None:
    assert is_placeholder(value)


def test_random_values_are_not_placeholders() -> None:
    rng = random.Random(3)
    for _ in range(200):
        assert not is_placeholder(rand(rng, 24))


def test_entropy_and_classes() -> None:
    assert shannon_entropy("") == 0.0 and shannon_entropy("aaaa") == 0.0
    assert shannon_entropy("abcd") == pytest.approx(2.0)
    assert shannon_entropy(rand(random.Random(4), 64)) > 4.5
    assert char_classes("abc") == 1 and char_classes("aB3-") == 4


def test_generic_value_checks() -> None:
    generic = next(rule for rule in RULES if rule.generic)
    rng = random.Random(5)
    assert accept_secret(generic, rand(rng, 20))
    assert not accept_secret(generic, rand(rng, 8))  # too short
    assert not accept_secret(generic, "aaaabbbbaaaabbbb1")  # low entropy
    assert not accept_secret(generic, "settings.database.password")  # a reference
    assert not accept_secret(generic, "load_secret(name)")
    assert not accept_secret(generic, "https://example.test/path")
    assert accept_secret(generic, "https://user:" + rand(rng, 16) + "@db.internal/app")


def test_base64_padding_is_not_code(matcher: Matcher) -> None:
    rng = random.Random(8)
    for size in (16, 32, 40):
        value = base64.b64encode(bytes(rng.randrange(256) for _ in range(size))).decode()
        hits = matcher.scan(f'SESSION_SECRET = "{value}"\n'.encode())
        assert [(h.rule, h.secret) for h in hits] == [("generic-secret", value)]


def test_secret_in_a_generic_assignment_keeps_its_provider_rule(matcher: Matcher) -> None:
    token = "ghp_" + rand(random.Random(6), 36, ALNUM)
    hits = matcher.scan(f'GITHUB_TOKEN = "{token}"\n'.encode())
    assert [(h.rule, h.secret) for h in hits] == [("github-token", token)]


@pytest.mark.parametrize(
    "template",
    [
        'password = "{}"',  # code
        "db:\n  password: {}",  # YAML
        '{{"client_secret": "{}"}}',  # JSON
        "[auth]\napi_key = {}",  # INI
        "export API_TOKEN={}",  # shell / .env
        "JWT_SECRET_KEY='{}'",  # .env quoted
        "auth_key := `{}`",  # Go raw string
    ],
)
def test_generic_rule_formats(matcher: Matcher, template: str) -> None:
    value = rand(random.Random(7), 32, ALNUM + "-_")
    hits = matcher.scan(template.format(value).encode())
    assert [(h.rule, h.secret) for h in hits] == [("generic-secret", value)]
