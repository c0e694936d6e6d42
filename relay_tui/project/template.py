"""Fill a template (--generate-env): generate what can be, keep placeholders for the rest."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from relay_tui.domain.defaults import looks_like_placeholder
from relay_tui.domain.dotenv_codec import KEY_RE
from relay_tui.domain.generate import generate
from relay_tui.errors import RelayError
from relay_tui.project.envfile import EnvFile
from relay_tui.project.specs import SecretSpec, spec_for


@dataclass
class FillResult:
    """The filled file and what happened to each key (names only, never values)."""

    envfile: EnvFile
    generated: list[str] = field(default_factory=list)
    needs_value: list[SecretSpec] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


ENVIRONMENT_KEYS = ("ENVIRONMENT", "APP_ENV", "RELAY_ENV")


def fill_template(
    template: EnvFile, specs: dict[str, SecretSpec], environment: str | None = None
) -> FillResult:
    """A copy of `template` with new values for generatable keys; comments and order kept.

    URLs and provider keys keep their placeholder and are listed as needing a value, unless a
    URL's template value is already usable (no credentials to fill in). With `environment`,
    an ENVIRONMENT key is set to its name.
    """
    filled = EnvFile.parse(template.render())
    filled.bom, filled.newline = template.bom, template.newline
    filled.ensure_writable()
    result = FillResult(filled)
    for key in filled.keys():
        spec = spec_for(specs, key)
        if spec.generatable and KEY_RE.match(key):
            filled.set(key, generate(spec.kind))
            result.generated.append(key)
        elif key in ENVIRONMENT_KEYS and environment and not spec.is_secret:
            filled.set(key, environment)
            result.kept.append(key)
        elif spec.is_secret and not _usable_url(spec):
            result.needs_value.append(spec)
            _as_data(filled, key)
        else:
            result.kept.append(key)
            _as_data(filled, key)
    return result


def _as_data(filled: EnvFile, key: str) -> None:
    r"""Write a template value again so that a shell sourcing the file runs none of it
    (`A=$(cmd)`, `A=x&cmd`, `A="\`cmd\`"` become quoted); python-dotenv reads the same value."""
    value = filled.get(key)
    if value is None or not KEY_RE.match(key):
        return
    with contextlib.suppress(RelayError):  # a line it cannot rewrite stays as the template has it
        filled.set(key, value)


def _usable_url(spec: SecretSpec) -> bool:
    value = spec.template_value or ""
    if spec.kind != "url" or not value or "@" in value or "<" in value or "..." in value:
        return False
    return not looks_like_placeholder(value)
