"""Well-known default and placeholder secret values (no imports: the startup guard uses it)."""

from __future__ import annotations

import re

DEFAULT_SECRETS = frozenset(
    {
        "change-me-in-production",
        "change-me",
        "changeme",
        "change_me",
        "changethis",
        "change-this",
        "secret",
        "secretkey",
        "secret-key",
        "secret_key",
        "mysecret",
        "supersecret",
        "password",
        "passw0rd",
        "p@ssw0rd",
        "pass",
        "admin",
        "root",
        "toor",
        "default",
        "test",
        "testing",
        "example",
        "dev",
        "development",
        "123456",
        "12345678",
        "letmein",
        "qwerty",
        "postgres",
        "relay",
        "jwt-secret",
        "jwt_secret",
        "your-secret-key",
        "your_secret_key",
        "insecure",
        "notsecret",
    }
)
_DEFAULT_PARTS = re.compile(r"change[-_ ]?me|replace[-_ ]?me|insecure|do[-_ ]?not[-_ ]?use", re.I)
_PLACEHOLDER = re.compile(
    r"^(?:<[^<>]*>|\{\{.*\}\}|x{3,}|\.{3}|\*{3,}|todo|tbd|fixme|your[-_ ].*"
    r"|.*[-_](?:here|placeholder)|placeholder|replace[-_ ]?me|.*\.\.\.)$",
    re.I,
)


def is_default_secret(value: str) -> bool:
    """True for values such as 'change-me-in-production', 'changeme', 'secret', 'password'."""
    folded = value.strip().lower()
    return folded in DEFAULT_SECRETS or _DEFAULT_PARTS.search(folded) is not None


def looks_like_placeholder(value: str) -> bool:
    """True for placeholders such as '<your-key>', 'sk_live_...', 'xxx', 'your-token-here'."""
    return _PLACEHOLDER.match(value.strip()) is not None
