"""Leak scanner rules: provider token patterns, the generic keyword rule, placeholder filters."""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass

from relay_tui.domain.defaults import is_default_secret, looks_like_placeholder

# Separator between a keyword-led name and its value: `=`, `:`, `:=`, `=>`, quotes and blanks.
_ASSIGN = r"[a-z0-9_.\-]{0,40}[\"']?[ \t]{0,4}(?:=|:=|:|=>)[ \t]{0,4}[\"'`]?"


@dataclass(frozen=True)
class Rule:
    """One detection rule; every match starts with one of `prefixes` (literal-led patterns)."""

    id: str
    description: str
    prefixes: tuple[str, ...]  # literals every match starts with (lowercase if keyword_led)
    body: str  # regex after the prefix; a (?P<s>...) group marks the secret, else the whole match
    keyword_led: bool = False  # prefixes are keywords, matched case-insensitively
    near: tuple[str, ...] = ()  # one of these words (lowercase) must occur near the match
    boundary: bool = True  # the secret may not be glued to letters or digits on either side
    min_length: int = 0  # of the secret
    min_entropy: float = 0.0  # Shannon entropy (bits per character) of the secret's body
    min_classes: int = 0  # how many of lower/upper/digit/other the body mixes
    generic: bool = False  # low priority; values that are code references are dropped

    def patterns(self) -> list[str]:
        """Literal-led patterns for the Python `re` fallback, one fast pass each: prefixes that
        share their first two characters go in one pattern led by their common literal."""
        groups: dict[str, list[str]] = {}
        for prefix in self.prefixes:
            groups.setdefault(prefix[:2], []).append(prefix)
        result = []
        for members in groups.values():
            lead = _common_prefix(members)
            rests = sorted({m[len(lead) :] for m in members}, key=lambda r: (-len(r), r))
            alternation = "|".join(re.escape(rest) for rest in rests)
            middle = f"(?:{alternation})" if len(members) > 1 else re.escape(rests[0])
            result.append(re.escape(lead) + middle + self.body)
        return result

    def combined(self) -> str:
        """All prefixes in one pattern (for RE2, which has no per-pattern cost)."""
        alternation = "|".join(re.escape(prefix) for prefix in self.prefixes)
        flags = "(?i)" if self.keyword_led else ""
        return f"{flags}(?:{alternation}){self.body}"

    @property
    def grouped(self) -> bool:
        """True when the secret is the (?P<s>...) group rather than the whole match."""
        return "(?P<s>" in self.body


def _common_prefix(words: list[str]) -> str:
    """The longest string every word starts with."""
    first, last = min(words), max(words)
    size = 0
    while size < len(first) and first[size] == last[size]:
        size += 1
    return first[:size]


def _assigned(value: str) -> str:
    """Body of a keyword-led rule: the rest of the name, an assignment, then the secret value."""
    return _ASSIGN + f"(?P<s>{value})"


_ALNUM = "[A-Za-z0-9]"
_B64URL = "[A-Za-z0-9_\\-]"

RULES: list[Rule] = [
    Rule(
        "aws-access-key-id",
        "AWS access key id",
        ("AKIA", "ASIA", "ABIA", "ACCA"),
        "[A-Z0-9]{16}",
        min_classes=2,
    ),
    Rule(
        "aws-secret-access-key",
        "AWS secret access key",
        ("aws", "secret_access_key", "secretaccesskey", "secret-access-key"),
        _assigned("[a-z0-9/+]{40}"),
        keyword_led=True,
        min_entropy=3.5,
        min_classes=3,
    ),
    Rule(
        "github-token",
        "GitHub token",
        ("ghp_", "gho_", "ghs_", "ghu_", "ghr_"),
        _ALNUM + "{36}",
        min_entropy=3.0,
    ),
    Rule(
        "github-token",
        "GitHub fine-grained token",
        ("github_pat_",),
        "[A-Za-z0-9_]{36,255}",
        min_entropy=3.0,
    ),
    Rule(
        "gitlab-token",
        "GitLab token",
        ("glpat-", "gldt-", "glrt-", "glptt-", "glft-", "gloas-", "glsoat-", "glcbt-"),
        _B64URL + "{20,255}",
        min_entropy=3.0,
    ),
    Rule(
        "slack-token",
        "Slack token",
        ("xoxa-", "xoxb-", "xoxo-", "xoxp-", "xoxr-", "xoxs-"),
        "[0-9A-Za-z\\-]{10,255}",
        min_entropy=2.5,
    ),
    Rule(
        "slack-webhook",
        "Slack incoming webhook",
        ("hooks.slack.com/services/",),
        "T[A-Z0-9]{6,12}/B[A-Z0-9]{6,12}/" + _ALNUM + "{20,32}",
    ),
    Rule(
        "stripe-live-key",
        "Stripe live key",
        ("sk_live_", "rk_live_"),
        _ALNUM + "{20,247}",
        min_entropy=3.0,
    ),
    Rule(
        "stripe-webhook-secret",
        "Stripe webhook signing secret",
        ("whsec_",),
        _ALNUM + "{24,64}",
        min_entropy=3.0,
    ),
    Rule(
        "anthropic-api-key",
        "Anthropic API key",
        ("sk-ant-",),
        _B64URL + "{32,255}",
        min_entropy=3.5,
    ),
    Rule(
        "openai-api-key",
        "OpenAI API key",
        ("sk-proj-", "sk-svcacct-", "sk-admin-"),
        _B64URL + "{32,255}",
        min_entropy=3.5,
    ),
    Rule(
        "openai-api-key",
        "OpenAI API key",
        ("sk-",),
        _ALNUM + "{32,128}",
        min_entropy=3.5,
        min_classes=2,
    ),
    Rule("google-api-key", "Google API key", ("AIza",), _B64URL + "{35}", min_entropy=3.0),
    Rule(
        "twilio-api-key",
        "Twilio API key",
        ("SK",),
        "[0-9a-fA-F]{32}",
        min_entropy=3.0,
        min_classes=2,
    ),
    Rule(
        "twilio-account-sid",
        "Twilio account SID",
        ("AC",),
        "[0-9a-f]{32}",
        near=("twilio",),
        min_entropy=3.0,
        min_classes=2,
    ),
    Rule(
        "sendgrid-api-key",
        "SendGrid API key",
        ("SG.",),
        _B64URL + "{22}\\." + _B64URL + "{43}",
        min_entropy=3.5,
    ),
    Rule("npm-token", "npm access token", ("npm_",), _ALNUM + "{36}", min_entropy=3.0),
    Rule(
        "pypi-token",
        "PyPI upload token",
        ("pypi-AgEIcHlwaS5vcmc", "pypi-AgENdGVzdC5weXBpLm9yZw"),
        _B64URL + "{50,}",
    ),
    Rule(
        "vault-token",
        "Vault token",
        ("hvs.", "hvb."),
        _B64URL + "{24,}",
        min_entropy=3.0,
    ),
    Rule(
        "vault-token",
        "Vault token (legacy)",
        ("s.",),
        _ALNUM + "{24}",
        near=("vault", "openbao"),
        min_entropy=3.0,
        min_classes=2,
    ),
    Rule(
        "private-key",
        "Private key",
        ("-----BEGIN ",),
        "[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----"
        "[A-Za-z0-9+/=\\s:,.\\\\\\-]{64,}?"
        "-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----",
    ),
    Rule(
        "jwt",
        "JSON Web Token",
        ("eyJ",),
        _B64URL + "{10,}\\.eyJ" + _B64URL + "{10,}\\." + _B64URL + "{16,}",
    ),
    Rule(
        "generic-secret",
        "Secret assigned in code or config",
        (
            "password",
            "passwd",
            "passphrase",
            "pwd",
            "secret",
            "token",
            "api_key",
            "apikey",
            "api-key",
            "access_key",
            "private_key",
            "credential",
            "auth_key",
        ),
        _assigned("[^\\s\"'`(\\[{,;\\\\]{12,300}") + "(?:[\\s\"'`,;\\\\]|$)",
        keyword_led=True,
        min_length=12,
        min_entropy=3.8,
        min_classes=2,
        generic=True,
    ),
]

RULES_BY_ID: dict[str, Rule] = {}
for _rule in RULES:
    RULES_BY_ID.setdefault(_rule.id, _rule)

_SEQUENCE = "0123456789abcdefghijklmnopqrstuvwxyz0123456789"
_SEQUENCES = _SEQUENCE + " " + _SEQUENCE[::-1]


def _cased(*words: str) -> str:
    """Words as written in lower, UPPER or Title case (case-insensitive search would hit random
    text: a long base64 secret holds some `xXxX` or `dEmO` every few thousand samples)."""
    return "|".join(f"{w}|{w.upper()}|{w.title()}" for w in words)


_PLACEHOLDER_PARTS = re.compile(
    _cased("example", "dummy", "placeholder", "redacted", "qwerty")
    + r"|xxxx|XXXX|\*\*\*|\.\.\.|\$\{|\$\(|\{\{|\}\}|%\(|^\$[A-Za-z_]|^%[A-Za-z_]\w*%$|<[\w .\-]*>"
    + r"|^(?i:your)[-_.]|[-_.](?i:here)$|^\[.*\]$"
)
# Code: calls, indexing, dotted names, paths, URLs without credentials, YAML aliases, operators.
_REFERENCE = re.compile(
    r"^[A-Za-z_][\w.]*[(\[]|^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$|^(?:/|\./|\.\./|~/)[\w./-]*$"
    r"|^[a-z][a-z0-9+.\-]*://(?![^/]*@)|^\*[\w-]+$|\|\||&&|\?\?|[=!]=|=>|\?\.",
)


def shannon_entropy(text: str) -> float:
    """Shannon entropy of `text` in bits per character (0.0 for an empty string)."""
    if not text:
        return 0.0
    total = len(text)
    return -sum(n / total * math.log2(n / total) for n in Counter(text).values())


def char_classes(text: str) -> int:
    """How many of lowercase, uppercase, digits and other characters `text` mixes."""
    lower = any(c.islower() for c in text)
    upper = any(c.isupper() for c in text)
    digit = any(c.isdigit() for c in text)
    other = any(not c.isalnum() for c in text)
    return lower + upper + digit + other


def is_placeholder(value: str) -> bool:
    """True for values that are examples or templates, never real secrets."""
    stripped = value.strip()
    if len(set(stripped)) <= 1:
        return True
    if _PLACEHOLDER_PARTS.search(stripped) or _has_sequence(stripped.lower()):
        return True
    return is_default_secret(stripped) or looks_like_placeholder(stripped)


def _has_sequence(value: str, size: int = 8) -> bool:
    """True when `value` holds a run like `01234567`, `abcdefgh` or `zyxwvuts`."""
    if len(value) < size:
        return value in _SEQUENCES and len(value) >= 4
    return any(value[i : i + size] in _SEQUENCES for i in range(len(value) - size + 1))


def secret_body(rule: Rule, secret: str) -> str:
    """The part of `secret` after its rule's fixed prefix (the random part)."""
    if rule.keyword_led:
        return secret
    for prefix in rule.prefixes:
        if secret.startswith(prefix):
            return secret[len(prefix) :]
    return secret


@functools.lru_cache(maxsize=4096)  # history repeats the same candidates in many blob versions
def accept_secret(rule: Rule, secret: str) -> bool:
    """Apply the rule's value checks: placeholders, length, entropy, character mix, references."""
    if len(secret) < rule.min_length:
        return False
    body = secret_body(rule, secret)
    if is_placeholder(secret) or is_placeholder(body):
        return False
    unpadded = secret.rstrip("=")  # base64 padding is not an `==` operator
    if rule.generic and (_REFERENCE.search(unpadded) or _looks_like_words(unpadded)):
        return False
    if rule.min_classes and char_classes(body) < rule.min_classes:
        return False
    return not (rule.min_entropy and shannon_entropy(body) < _threshold(rule, body))


def _looks_like_words(value: str) -> bool:
    """Names, phrases and made-up test values (`hash_password_with_salt`, `snapshot-pw-1`,
    `my-db-password-2024`) rather than generated secrets."""
    if _CAMEL_CASE.fullmatch(value) or _COMMON_WORDS.search(value):
        return True
    parts = [part for part in _SEPARATORS.split(value) if part]
    return len(parts) >= 2 and all(_WORDISH.fullmatch(part) for part in parts)


_COMMON_WORDS = re.compile(
    _cased("password", "passwd", "secret", "token", "admin", "sample", "local", "test", "demo")
)
_CAMEL_CASE = re.compile(r"[a-z]*(?:[A-Z][a-z]{2,})+")
_SEPARATORS = re.compile(r"[-_.~:/@ ]+")
_WORDISH = re.compile(r"[a-z]+|[A-Z]+|[0-9]+|[A-Z][a-z]+")
_HEX = frozenset("0123456789abcdefABCDEF")


def _threshold(rule: Rule, body: str) -> float:
    """Entropy a body must reach. Short values cannot reach a high entropy: the threshold stays
    below what random text of that length usually has (hex values have 4 bits at most)."""
    bits = math.log2(max(len(body), 2))
    if not rule.generic:
        return min(rule.min_entropy, bits - 0.5)
    cap = 3.0 if set(body) <= _HEX else rule.min_entropy
    return min(cap, bits - 1.0)


def trim_value(value: bytes) -> bytes:
    """Drop trailing punctuation that closes the surrounding code (`,`, `;`, `)` ...)."""
    return value.rstrip(b",;)}]")
