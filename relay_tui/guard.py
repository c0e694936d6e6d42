"""The startup check Relay services import: required secrets set, no default secret in production.

Importing this module loads neither textual, hvac nor cryptography.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from relay_tui.domain.defaults import is_default_secret
from relay_tui.errors import ConfigurationError, SecurityError

__all__ = ["ConfigurationError", "SecurityError", "require_secrets"]

ENVIRONMENT_VARIABLES = ("ENVIRONMENT", "RELAY_ENV", "APP_ENV")


def require_secrets(
    required: Iterable[str],
    *,
    environ: Mapping[str, str] | None = None,
    environment: str | None = None,
) -> None:
    """Raise ConfigurationError if a required secret is missing or empty.

    In production (`environment`, or the ENVIRONMENT / RELAY_ENV / APP_ENV variable, is
    "production" or "prod"), also raise SecurityError when a required secret still holds a
    well-known default such as "change-me-in-production". Messages name keys, never values.
    """
    env = os.environ if environ is None else environ
    names = list(required)
    missing = [name for name in names if not env.get(name)]
    if missing:
        raise ConfigurationError(f"Missing required secrets: {missing}")
    if environment is None:
        environment = next((env[v] for v in ENVIRONMENT_VARIABLES if env.get(v)), "")
    if environment.strip().lower() in ("production", "prod"):
        defaults = [name for name in names if is_default_secret(env[name])]
        if defaults:
            raise SecurityError(f"Default secret detected in production: {defaults}")
