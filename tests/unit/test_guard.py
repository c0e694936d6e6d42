"""The startup guard Relay services import: the seed's validation hooks."""

from __future__ import annotations

import subprocess
import sys

import pytest

from relay_tui.guard import ConfigurationError, SecurityError, require_secrets

REQUIRED = ["JWT_SECRET_KEY", "DATABASE_URL"]


def test_missing_secrets_raise_configuration_error_naming_them() -> None:
    with pytest.raises(ConfigurationError) as info:
        require_secrets(REQUIRED, environ={"JWT_SECRET_KEY": "x" * 43, "DATABASE_URL": ""})
    assert str(info.value) == "Missing required secrets: ['DATABASE_URL']"


def test_all_present_passes() -> None:
    require_secrets(REQUIRED, environ={"JWT_SECRET_KEY": "k" * 43, "DATABASE_URL": "postgres://"})


@pytest.mark.parametrize("env_var", ["ENVIRONMENT", "RELAY_ENV"])
def test_default_secret_in_production_raises_security_error(env_var: str) -> None:
    environ = {
        "JWT_SECRET_KEY": "change-me-in-production",
        "DATABASE_URL": "x",
        env_var: "production",
    }
    with pytest.raises(SecurityError) as info:
        require_secrets(REQUIRED, environ=environ)
    assert "JWT_SECRET_KEY" in str(info.value)
    assert "change-me" not in str(info.value)


def test_default_secret_outside_production_is_allowed() -> None:
    environ = {"JWT_SECRET_KEY": "change-me-in-production", "DATABASE_URL": "x"}
    require_secrets(REQUIRED, environ=environ, environment="development")


def test_explicit_environment_wins() -> None:
    environ = {"JWT_SECRET_KEY": "changeme", "DATABASE_URL": "x", "ENVIRONMENT": "development"}
    with pytest.raises(SecurityError):
        require_secrets(REQUIRED, environ=environ, environment="production")


def test_errors_are_relay_errors_with_exit_codes() -> None:
    assert ConfigurationError("x").exit_code == 2
    assert SecurityError("x").exit_code == 4


def test_importing_the_guard_loads_nothing_heavy() -> None:
    code = (
        "import sys, relay_tui.guard\n"
        "heavy = [m for m in ('textual', 'hvac', 'cryptography', 'rich', 'dotenv', 'requests')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
