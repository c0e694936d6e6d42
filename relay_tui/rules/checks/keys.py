"""The rules about each key of a file: required, known, empty, interpolated, and secret values."""

from __future__ import annotations

import re
from collections.abc import Iterator

from relay_tui.domain.defaults import is_default_secret, looks_like_placeholder
from relay_tui.domain.findings import Code, Finding, FixKind, Severity
from relay_tui.domain.generate import estimate_bits
from relay_tui.domain.masking import safe_text
from relay_tui.project.specs import SecretSpec, spec_for
from relay_tui.rules.rule import Rule, Run, Target, is_strict
from relay_tui.rules.values import fill_hint, url_password

_WEAK_BITS = {"signing-key": 256.0, "fernet": 256.0, "password": 80.0}
_MIN_BITS_OTHER = 128.0
_URL_SHAPE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S")
_NOT_MEASURED = ("provider", "url", "rsa", "ed25519", "ec-p256", "tls-cert")


def check_keys(run: Run) -> Iterator[Finding]:
    """One pass over each checked file's keys, against the template's specs."""
    for target in run.targets():
        yield from _key_findings(run, target)


def _key_findings(run: Run, target: Target) -> list[Finding]:
    found: list[Finding] = []
    add = found.append
    env, file, envfile = target.env, target.file, target.envfile
    strict = is_strict(env)
    specs = run.project.specs
    values = envfile.values()
    lines = {e.key: e.line for e in envfile.entries if e.key is not None}
    for key, spec in specs.items():
        if spec.required and key not in values:
            add(
                MISSING_REQUIRED.finding(
                    env.name, key, f"{key} is required but missing", fill_hint(spec, env), file
                )
            )
    template_keys = set(run.project.template.keys()) if run.project.template else None
    for key, value in values.items():
        line = lines.get(key)
        shown = safe_text(key)
        spec = spec_for(specs, key)
        if template_keys is not None and key not in template_keys:
            add(
                UNKNOWN_KEY.finding(
                    env.name,
                    shown,
                    f"{shown} is not in the template",
                    "add it to the template or remove it",
                    file,
                    line,
                )
            )
        if value is None:
            continue
        if value == "":
            if spec.required:
                add(
                    EMPTY_VALUE.finding(
                        env.name, shown, f"{shown} is empty", fill_hint(spec, env), file, line
                    )
                )
            continue
        if "${" in value:
            message = (
                f"{shown} contains '${{': relay-tui reads it literally, python-dotenv's "
                "load_dotenv would expand it"
            )
            add(
                INTERPOLATION.finding(
                    env.name, shown, message, "write the value out in full", file, line
                )
            )
        if spec.is_secret:
            problem = _secret_problem(spec, value, strict)
            if problem is not None:
                rule, serious, message = problem
                hint = fill_hint(spec, env)
                add(rule.finding(env.name, shown, message, hint, file, line, strict=serious))
    return found


def _secret_problem(spec: SecretSpec, value: str, strict: bool) -> tuple[Rule, bool, str] | None:
    """The first problem of a secret's value: (its rule, whether it is serious, the message)."""
    key = safe_text(spec.key)
    part, what = value, "value"
    if spec.kind == "url":
        part, what = url_password(value) or "", "password inside the URL"
    if part and is_default_secret(part):
        return DEFAULT_SECRET, strict, f"{key} has a well-known default {what}"
    same_as_template = spec.kind != "url" and value == spec.template_value
    if same_as_template or (part and looks_like_placeholder(part)):
        return PLACEHOLDER, spec.required or strict, f"{key} still holds a placeholder {what}"
    if spec.kind == "url" and not _URL_SHAPE.match(value):
        return INVALID_URL, spec.required or strict, f"{key} is not a URL (scheme://host/...)"
    if spec.kind in _NOT_MEASURED:
        return None
    need = _WEAK_BITS.get(spec.kind, _MIN_BITS_OTHER)
    bits = estimate_bits(value)
    if bits < need:
        message = f"{key} has about {bits:.0f} bits of entropy; a {spec.kind} needs {need:.0f}"
        return WEAK_SECRET, strict, message
    return None


MISSING_REQUIRED = Rule(
    Code.MISSING_REQUIRED,
    Severity.ERROR,
    "a required key (every template key unless marked `# optional`) is absent",
    check_keys,
    fix=FixKind.GENERATE,
    badge="missing {count}",
)
UNKNOWN_KEY = Rule(Code.UNKNOWN_KEY, Severity.WARNING, "a key not in the template", check_keys)
EMPTY_VALUE = Rule(
    Code.EMPTY_VALUE, Severity.ERROR, "a required key is empty", check_keys, fix=FixKind.GENERATE
)
INTERPOLATION = Rule(
    Code.INTERPOLATION,
    Severity.WARNING,
    "the value holds `${`: read literally here, expanded by python-dotenv's default loader",
    check_keys,
)
DEFAULT_SECRET = Rule(
    Code.DEFAULT_SECRET,
    Severity.ERROR,
    "a well-known default (`changeme`, `secret`...; an error in production or a protected env)",
    check_keys,
    fix=FixKind.GENERATE,
    lenient=Severity.WARNING,
)
PLACEHOLDER = Rule(
    Code.PLACEHOLDER_VALUE,
    Severity.ERROR,
    "still the template's placeholder (an error for a required key, in production or protected)",
    check_keys,
    fix=FixKind.GENERATE,
    lenient=Severity.WARNING,
)
INVALID_URL = Rule(
    Code.INVALID_URL,
    Severity.ERROR,
    "a URL key whose value is not scheme://... (an error for a required key, in production or "
    "protected)",
    check_keys,
    lenient=Severity.WARNING,
)
WEAK_SECRET = Rule(
    Code.WEAK_SECRET,
    Severity.ERROR,
    "too little entropy: a signing key under 256 bits, a password under 80 (an error in "
    "production or a protected env)",
    check_keys,
    fix=FixKind.GENERATE,
    lenient=Severity.WARNING,
)
RULES = (
    MISSING_REQUIRED,
    UNKNOWN_KEY,
    EMPTY_VALUE,
    INTERPOLATION,
    DEFAULT_SECRET,
    PLACEHOLDER,
    INVALID_URL,
    WEAK_SECRET,
)
