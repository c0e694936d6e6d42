"""Projects and specs: environments found from files or relay.toml, kinds inferred from names."""

from __future__ import annotations

from pathlib import Path

import pytest

from relay_tui.errors import ConfigurationError, UsageError
from relay_tui.project.envfile import EnvFile
from relay_tui.project.project import load_project
from relay_tui.project.specs import build_specs, infer_kind
from tests.conftest import TEMPLATE


@pytest.mark.parametrize(
    ("key", "value", "kind"),
    [
        ("JWT_SECRET_KEY", "change-me", "signing-key"),
        ("SESSION_SECRET", "", "signing-key"),
        ("DATABASE_PASSWORD", "", "password"),
        ("INTERNAL_API_KEY", "", "api-key"),
        ("GITLAB_TOKEN", "", "provider"),
        ("STRIPE_SECRET_KEY", "sk_live_...", "provider"),
        ("PAYMENT_KEY", "sk_live_...", "provider"),
        ("DATABASE_URL", "postgresql://u:p@h/d", "url"),
        ("SENTRY_DSN", "", "url"),
        ("DATA_ENCRYPTION_KEY", "", "fernet"),
        ("API_KEY_SALT", "", "hex"),
        ("PORT", "8000", "plain"),
        ("LOG_LEVEL", "info", "plain"),
    ],
)
def test_kinds_are_inferred_from_names_and_values(key: str, value: str, kind: str) -> None:
    assert infer_kind(key, value) == kind


def test_relay_template_specs() -> None:
    specs = build_specs(EnvFile.load(TEMPLATE), {})
    jwt = specs["JWT_SECRET_KEY"]
    assert (jwt.kind, jwt.required, jwt.rotate_days) == ("signing-key", True, 90)
    assert "256 bits" in jwt.help
    assert specs["DATABASE_PASSWORD"].rotate_days == 180
    assert specs["LOG_LEVEL"].required is False
    assert specs["STRIPE_SECRET_KEY"].kind == "provider"
    assert not specs["STRIPE_SECRET_KEY"].generatable


def test_relay_toml_overrides_and_is_validated(tmp_path: Path) -> None:
    (tmp_path / ".env.example").write_text("TOKEN_X=\n")
    (tmp_path / "relay.toml").write_text(
        '[environments.dev]\nfile = "local.env"\n[environments.prod]\nfile = "p.env"\n'
        'protected = true\n[secrets.TOKEN_X]\nkind = "hex"\nrequired = false\n'
    )
    project = load_project(tmp_path)
    assert set(project.environments) == {"dev", "prod"}
    assert project.environments["prod"].protected
    assert project.specs["TOKEN_X"].kind == "hex"
    with pytest.raises(UsageError, match="known: dev, prod"):
        project.environment("staging")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[project\n", "not valid TOML"),
        ("[nonsense]\n", "unknown table"),
        ("[environments.x]\nfile = 3\n", "file must be a path"),
        ('[environments.x]\nprotected = "yes"\n', "protected must be true or false"),
        ("[environments.x]\nbogus = 1\n", "unknown field"),
        ('[secrets.A]\nkind = "rot13"\n', "is not a kind"),
        ("[secrets.A]\nrotate_days = -1\n", "positive"),
    ],
)
def test_bad_relay_toml_gives_clear_errors(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "relay.toml").write_text(text)
    with pytest.raises(ConfigurationError, match=message):
        load_project(tmp_path).specs  # noqa: B018


def test_environments_are_inferred_from_files(tmp_path: Path) -> None:
    for name in (".env", ".env.staging", ".env.production", ".env.example", ".env.bak",
                 ".env.relay-tmp-abc", ".env.local"):  # fmt: skip
        (tmp_path / name).write_text("A=1\n")
    project = load_project(tmp_path)
    assert sorted(project.environments) == ["development", "local", "production", "staging"]
    assert project.environments["production"].protected
    assert not project.environments["staging"].protected
    assert project.environment("qa").file == tmp_path / ".env.qa"
    assert project.template_path == tmp_path / ".env.example"
