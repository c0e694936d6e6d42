"""What each key is (kind, required, cadence, help): from relay.toml, the template, or its name."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, NamedTuple

from relay_tui.domain.generate import KINDS
from relay_tui.errors import ConfigurationError
from relay_tui.project.envfile import EnvFile

GENERATED_KINDS = KINDS
SPEC_KINDS = (*GENERATED_KINDS, "provider", "url", "plain")
DEFAULT_ROTATE_DAYS = {"signing-key": 90, "password": 180, "fernet": 90}
_PROVIDER_PREFIXES = (
    "sk_live_", "sk_test_", "rk_live_", "pk_live_", "whsec_", "ghp_", "gho_", "ghs_", "ghu_",
    "github_pat_", "glpat-", "xoxb-", "xoxp-", "xapp-", "akia", "sg.", "sk-", "ak_", "hvs.",
)  # fmt: skip
_PROVIDER_NAMES = re.compile(
    r"^(STRIPE|AWS|GITHUB|GITLAB|SLACK|SENDGRID|TWILIO|OPENAI|ANTHROPIC|GOOGLE|GCP|AZURE|MAILGUN"
    r"|POSTMARK|PAYPAL|NPM|PYPI|SENTRY|DATADOG|CLOUDFLARE|DISCORD|TELEGRAM|SHOPIFY|HEROKU)_"
)
_NAME_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(^|_)(URL|URI|DSN)$"), "url"),
    (re.compile(r"^JWT_SECRET|(^|_)(SECRET_KEY|SIGNING_KEY|HMAC_KEY|SESSION_SECRET)$"),
     "signing-key"),
    (re.compile(r"(^|_)(ENCRYPTION_KEY|FERNET_KEY)$"), "fernet"),
    (re.compile(r"(^|_)PRIVATE_KEY$"), "ed25519"),
    (re.compile(r"(^|_)(PASSWORD|PASSWD|PASS|PWD)$"), "password"),
    (re.compile(r"(^|_)(API_KEY|APIKEY|ACCESS_KEY|TOKEN|ACCESS_TOKEN)$"), "api-key"),
    (re.compile(r"(^|_)(SALT|PEPPER)$"), "hex"),
    (re.compile(r"(^|_)(SECRET|KEY)$"), "token"),
)  # fmt: skip
_MARKER = re.compile(r"\b(required|optional)\b|\bkind\s*[:=]\s*([a-z0-9-]+)", re.I)
_RULE = re.compile(r"[-=#*_~]{3,}")  # a section divider such as "--- Database ---"
_MARKER_TEXT = re.compile(
    r"(?:#\s*)?\b(?:required|optional)\b|(?:#\s*)?\bkind\s*[:=]\s*[a-z0-9-]+", re.I
)
_SPEC_FIELDS = {"kind", "required", "rotate_days", "help", "vault_field"}


class SecretSpec(NamedTuple):
    """What one key is, and where that knowledge came from."""

    key: str
    kind: str
    required: bool
    rotate_days: int | None = None
    help: str = ""
    vault_field: str | None = None
    template_value: str | None = None
    source: str = "inferred"  # "relay.toml", "template" or "inferred"

    @property
    def is_secret(self) -> bool:
        """Plain settings (PORT, LOG_LEVEL) are not secrets; everything else is."""
        return self.kind != "plain"

    @property
    def generatable(self) -> bool:
        """Whether `generate --generate-env` can make a value for it."""
        return self.kind in GENERATED_KINDS


@lru_cache(maxsize=65536)
def infer_kind(key: str, template_value: str | None = None) -> str:
    """Guess a key's kind from its name and its template value (DESIGN section 3)."""
    upper = key.upper()
    value = (template_value or "").strip().lower()
    kind = "plain"
    for pattern, candidate in _NAME_RULES:
        if pattern.search(upper):
            kind = candidate
            break
    if kind not in ("url", "plain") and (
        value.startswith(_PROVIDER_PREFIXES) or _PROVIDER_NAMES.match(upper)
    ):
        return "provider"
    return kind


def build_specs(template: EnvFile | None, config: dict[str, Any]) -> dict[str, SecretSpec]:
    """Specs for every key of the template and of relay.toml's [secrets], in template order."""
    specs: dict[str, SecretSpec] = {}
    if template is not None:
        for key in template.keys():
            specs[key] = _from_template(template, key)
    for key, table in config.items():
        if not isinstance(table, dict):
            raise ConfigurationError(f"relay.toml: [secrets.{key}] must be a table")
        unknown = set(table) - _SPEC_FIELDS
        if unknown:
            raise ConfigurationError(
                f"relay.toml: [secrets.{key}] has unknown field(s) {', '.join(sorted(unknown))}",
                hint="known fields: " + ", ".join(sorted(_SPEC_FIELDS)),
            )
        base = specs.get(key) or SecretSpec(key, infer_kind(key), required=False)
        kind = table.get("kind", base.kind)
        if kind not in SPEC_KINDS:
            raise ConfigurationError(
                f"relay.toml: [secrets.{key}] kind = {kind!r} is not a kind",
                hint="kinds: " + ", ".join(SPEC_KINDS),
            )
        required = table.get("required", base.required)
        rotate = table.get("rotate_days", DEFAULT_ROTATE_DAYS.get(kind))
        if not isinstance(required, bool):
            raise ConfigurationError(f"relay.toml: [secrets.{key}] required must be true or false")
        if rotate is not None and (not isinstance(rotate, int) or rotate <= 0):
            raise ConfigurationError(
                f"relay.toml: [secrets.{key}] rotate_days must be a positive whole number"
            )
        specs[key] = SecretSpec(
            key,
            kind,
            required,
            rotate,
            str(table.get("help", base.help)),
            table.get("vault_field", base.vault_field),
            base.template_value,
            "relay.toml",
        )
    return specs


def spec_for(specs: dict[str, SecretSpec], key: str) -> SecretSpec:
    """The spec of `key`, inferred from its name when neither relay.toml nor the template has it."""
    found = specs.get(key)
    if found is not None:
        return found
    kind = infer_kind(key)
    return SecretSpec(key, kind, False, DEFAULT_ROTATE_DAYS.get(kind))


def _from_template(template: EnvFile, key: str) -> SecretSpec:
    value = template.get(key)
    above = template.comments_above(key)
    inline = template.inline_comment(key)
    required, kind = True, infer_kind(key, value)
    for text in (*above, inline):
        for match in _MARKER.finditer(text):
            if match.group(1):
                required = match.group(1).lower() == "required"
            elif match.group(2) in SPEC_KINDS:
                kind = match.group(2)
    help_lines = [_strip_markers(t) for t in above if not _RULE.search(t)]
    help_text = " ".join(t for t in help_lines if t) or _strip_markers(inline)
    return SecretSpec(
        key, kind, required, DEFAULT_ROTATE_DAYS.get(kind), help_text, None, value, "template"
    )


def _strip_markers(text: str) -> str:
    cleaned = re.sub(r"\s{2,}", " ", _MARKER_TEXT.sub("", text)).strip()
    return cleaned.rstrip("#").strip()
