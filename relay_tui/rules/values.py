"""Secret values as the rules compare them, and the hint that says how to fill one."""

from __future__ import annotations

from urllib.parse import urlsplit

from relay_tui.domain.defaults import is_default_secret, looks_like_placeholder
from relay_tui.project.project import Environment, Project
from relay_tui.project.specs import SecretSpec, spec_for


def url_password(value: str) -> str | None:
    """The password inside a URL value, or None."""
    if "://" not in value or "@" not in value:
        return None
    try:
        return urlsplit(value).password
    except ValueError:
        return None


def comparable_secret(project: Project, key: str | None, value: str | None) -> str | None:
    """The part of a value that must differ between environments, or None to skip it."""
    if key is None or not value or len(value) < 8:
        return None
    spec = spec_for(project.specs, key)
    if not spec.is_secret or value == spec.template_value:
        return None
    if spec.kind == "url":
        value = url_password(value) or ""
    if not value or looks_like_placeholder(value) or is_default_secret(value):
        return None
    return value


def fill_hint(spec: SecretSpec, env: Environment) -> str:
    """The command that gives `spec`'s key a value in `env` (generated when its kind allows)."""
    if spec.generatable:
        return f"relay-tui set {spec.key} --env {env.name} --generate {spec.kind}"
    return f"relay-tui set {spec.key} --env {env.name}   (reads the value from stdin)"
