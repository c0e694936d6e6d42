"""The guided setup's headless steps: explain, ask, fill, ignore, describe, vault check."""

from __future__ import annotations

import stat
import subprocess
import tomllib
from pathlib import Path

import pytest

from relay_tui.errors import RelayError, UsageError
from relay_tui.infra.ledger import read_ledger
from relay_tui.notebooks import setup_steps
from relay_tui.project.envfile import EnvFile
from relay_tui.project.project import Project, load_project
from relay_tui.project.template import fill_template
from relay_tui.services.changes import Actor
from tests.conftest import git

PROVIDER_EXAMPLE = "sk_" + "live_..."  # built here: no provider-looking text in a tracked file


def template_text() -> str:
    return (
        "# App template.\n"
        "\n"
        "# --- Runtime ---\n"
        "# Which deployment this is.\n"
        "ENVIRONMENT=development\n"
        "# Port the server listens on.  # optional\n"
        "PORT=8123\n"
        "# Signs session tokens; at least 256 bits.\n"
        "JWT_SECRET_KEY=change-me-in-production\n"
        "# PostgreSQL connection URL, credentials included.\n"
        "DATABASE_URL=postgresql://app:<password>@db.internal:5432/app\n"
        "# Redis for caching.  # optional\n"
        "REDIS_URL=redis://cache.internal:6379/0\n"
        "# Stripe secret API key, from the Stripe dashboard.\n"
        f"STRIPE_SECRET_KEY={PROVIDER_EXAMPLE}\n"
        "# Mail provider key.  # optional\n"
        "SENDGRID_API_KEY=<sendgrid-key>\n"
        "\n"
        "SMTP_HOST=\n"
    )


TEMPLATE_VALUES = [
    "8123",
    "change-me-in-production",
    "postgresql://app:<password>@db.internal:5432/app",
    "<password>",
    "redis://cache.internal:6379/0",
    PROVIDER_EXAMPLE,
    "<sendgrid-key>",
]
NEEDED = ["DATABASE_URL", "STRIPE_SECRET_KEY", "SENDGRID_API_KEY", "SMTP_HOST"]


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder with the template only, outside any git repository."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / ".env.example").write_text(template_text())
    return folder


def generate_env(project: Project) -> Path:
    """What the setup's generate-env cell does first: a .env filled from the template."""
    assert project.template is not None
    env = project.environment("development")
    result = fill_template(project.template, project.specs, env.name)
    env.file.write_bytes(result.envfile.to_bytes())
    env.file.chmod(0o600)
    return env.file


class TestExplain:
    def test_every_key_once_with_kind_marker_and_help(self, root: Path) -> None:
        project = load_project(root)
        lines = setup_steps.explain(project, project.environment("development"))
        keys = [line.split(":", 1)[0] for line in lines]
        assert project.template is not None
        assert keys == project.template.keys()
        by_key = dict(zip(keys, lines, strict=True))
        assert by_key["JWT_SECRET_KEY"] == (
            "JWT_SECRET_KEY: signing-key, required, generated: Signs session tokens; at least "
            "256 bits."
        )
        assert by_key["STRIPE_SECRET_KEY"] == (
            "STRIPE_SECRET_KEY: provider, required, you give it: Stripe secret API key, from the "
            "Stripe dashboard."
        )
        assert by_key["DATABASE_URL"].startswith("DATABASE_URL: url, required, you give it: ")
        assert by_key["PORT"].startswith("PORT: plain, optional, template value kept: Port")
        assert by_key["SENDGRID_API_KEY"].startswith("SENDGRID_API_KEY: provider, optional")
        assert by_key["SMTP_HOST"] == "SMTP_HOST: plain, required, you give it"

    def test_no_template_value_is_shown(self, root: Path) -> None:
        project = load_project(root)
        text = "\n".join(setup_steps.explain(project, project.environment("development")))
        for value in TEMPLATE_VALUES:
            assert value not in text
        assert "postgresql://" not in text and "sk_" not in text

    def test_no_template_is_an_error(self, tmp_path: Path) -> None:
        project = load_project(tmp_path)
        with pytest.raises(RelayError, match="no template"):
            setup_steps.explain(project, project.environment("development"))


class TestValuesNeeded:
    def test_from_the_template_before_the_file_exists(self, root: Path) -> None:
        project = load_project(root)
        needed = setup_steps.values_needed(project, project.environment("development"))
        assert [key for key, _ in needed] == NEEDED
        helps = dict(needed)
        assert helps["DATABASE_URL"] == "PostgreSQL connection URL, credentials included."
        assert helps["STRIPE_SECRET_KEY"] == "Stripe secret API key, from the Stripe dashboard."
        assert helps["SMTP_HOST"] == "plain"  # no comment: the kind stands in

    def test_from_the_generated_file(self, root: Path) -> None:
        project = load_project(root)
        generate_env(project)
        project = load_project(root)
        env = project.environment("development")
        assert [key for key, _ in setup_steps.values_needed(project, env)] == NEEDED

    def test_real_values_are_not_asked_for_again_placeholders_are(self, root: Path) -> None:
        project = load_project(root)
        path = generate_env(project)
        envfile = EnvFile.load(path)
        envfile.set("STRIPE_SECRET_KEY", "sk_" + "test_" + "Qm7uV2cX9rB4nT6wZ1kH8jLp")
        envfile.set("DATABASE_URL", "postgresql://app:Zq8-unit-pass-91@db.internal/app")
        envfile.set("SENDGRID_API_KEY", "your-key-here")
        envfile.unset("SMTP_HOST")  # a required key missing from the file is still asked for
        path.write_bytes(envfile.to_bytes())
        env = project.environment("development")
        needed = setup_steps.values_needed(load_project(root), env)
        assert [key for key, _ in needed] == ["SENDGRID_API_KEY", "SMTP_HOST"]


class TestFill:
    def test_writes_0600_records_the_ledger_and_keeps_the_rest(self, root: Path) -> None:
        project = load_project(root)
        env = project.environment("development")
        values = {
            "STRIPE_SECRET_KEY": "sk_" + "test_" + "Yb2kWq9rT5vXz81mNs0Lp4aD",
            "DATABASE_URL": "postgresql://app:Hj3-fill-77q@db.internal/app",
        }
        written = setup_steps.fill(project, env, values, Actor("tests"))
        assert written == ["STRIPE_SECRET_KEY", "DATABASE_URL"]
        assert stat.S_IMODE(env.file.stat().st_mode) == 0o600
        assert EnvFile.load(env.file).values() == values
        assert sorted(read_ledger(root)["development"]) == sorted(values)
        ledger_text = (root / ".relay" / "ledger.toml").read_text()
        assert all(value not in ledger_text for value in values.values())

    def test_into_the_generated_file(self, root: Path) -> None:
        project = load_project(root)
        path = generate_env(project)
        before = EnvFile.load(path).values()
        env = load_project(root).environment("development")
        setup_steps.fill(load_project(root), env, {"SMTP_HOST": "mail.internal"}, Actor("tests"))
        after = EnvFile.load(path).values()
        assert after == {**before, "SMTP_HOST": "mail.internal"}
        assert [k for k, _ in setup_steps.values_needed(load_project(root), env)] == NEEDED[:3]

    def test_refuses_keys_not_asked_for_naming_them(self, root: Path) -> None:
        project = load_project(root)
        path = generate_env(project)
        before = path.read_bytes()
        env = project.environment("development")
        secret_value = "Kp9-never-" + "shown-3311"
        with pytest.raises(UsageError, match="NOT_A_KEY, ALSO_NOT") as refused:
            setup_steps.fill(
                project,
                env,
                {"SMTP_HOST": "mail.internal", "NOT_A_KEY": secret_value, "ALSO_NOT": "x"},
                Actor("tests"),
            )
        assert secret_value not in str(refused.value)
        assert "nothing was written" in refused.value.message
        assert path.read_bytes() == before
        assert not (root / ".relay").exists()

    def test_a_key_of_the_file_may_be_given(self, root: Path) -> None:
        project = load_project(root)
        path = generate_env(project)
        env = project.environment("development")
        assert setup_steps.fill(project, env, {"PORT": "9000"}, Actor("tests")) == ["PORT"]
        assert EnvFile.load(path).get("PORT") == "9000"

    def test_refuses_an_empty_value(self, root: Path) -> None:
        project = load_project(root)
        env = project.environment("development")
        with pytest.raises(UsageError, match="SMTP_HOST: the value given is empty"):
            setup_steps.fill(
                project,
                env,
                {"DATABASE_URL": "postgresql://h/db", "SMTP_HOST": "  "},
                Actor("tests"),
            )
        assert not env.file.exists()

    def test_a_protected_environment_needs_yes(self, root: Path) -> None:
        project = load_project(root)
        env = project.environment("production")
        with pytest.raises(RelayError, match="protected"):
            setup_steps.fill(project, env, {"SMTP_HOST": "mail.internal"}, Actor("tests"))
        assert not env.file.exists()


def check_ignore(root: Path, name: str) -> int:
    return subprocess.run(
        ["git", "-C", str(root), "check-ignore", "-q", name], capture_output=True, check=False
    ).returncode


class TestIgnoreEnvFiles:
    def test_in_a_repository_once_and_git_agrees(self, root: Path) -> None:
        git(root, "init", "-q")
        (root / ".env.staging").write_text("A=1\n")
        (root / ".gitignore").write_text("node_modules/")  # no final newline
        project = load_project(root)
        assert setup_steps.ignore_env_files(project) == ["/.env.staging", "/.env"]
        assert setup_steps.ignore_env_files(load_project(root)) == []
        lines = (root / ".gitignore").read_text().splitlines()
        assert lines == ["node_modules/", "/.env.staging", "/.env"]
        assert check_ignore(root, ".env") == 0
        assert check_ignore(root, ".env.staging") == 0
        assert check_ignore(root, ".env.example") == 1  # the template stays committable
        assert check_ignore(root, ".relay/ledger.toml") == 1  # names and dates only
        env = project.environment("development")
        setup_steps.fill(project, env, {"SMTP_HOST": "mail.internal"}, Actor("tests"))
        assert env.file.exists()  # the git check of the write passes now

    def test_in_a_subfolder_of_a_repository(
        self, root: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(root.parent.parent))
        git(root.parent, "init", "-q")
        project = load_project(root)
        assert setup_steps.ignore_env_files(project) == ["/shop/.env"]
        assert (root.parent / ".gitignore").read_text() == "/shop/.env\n"
        assert check_ignore(root, ".env") == 0

    def test_already_ignored_adds_nothing(self, root: Path) -> None:
        git(root, "init", "-q")
        (root / ".gitignore").write_text(".env\n.env.*\n!.env.example\n")
        (root / ".env.production").write_text("A=1\n")
        assert setup_steps.ignore_env_files(load_project(root)) == []
        assert (root / ".gitignore").read_text() == ".env\n.env.*\n!.env.example\n"

    def test_a_tracked_env_file_is_refused(self, root: Path) -> None:
        git(root, "init", "-q")
        (root / ".env").write_text("A=1\n")
        git(root, "add", ".env")
        with pytest.raises(RelayError, match="tracked by git"):
            setup_steps.ignore_env_files(load_project(root))

    def test_outside_a_repository_the_project_gitignore_gets_them(self, root: Path) -> None:
        (root / ".env.staging").write_text("A=1\n")
        assert setup_steps.ignore_env_files(load_project(root)) == ["/.env.staging", "/.env"]
        assert setup_steps.ignore_env_files(load_project(root)) == []
        gitignore = root / ".gitignore"
        assert gitignore.read_text() == "/.env.staging\n/.env\n"
        assert stat.S_IMODE(gitignore.stat().st_mode) == 0o644
        git(root, "init", "-q")  # a repository created later honours them
        assert check_ignore(root, ".env") == 0 and check_ignore(root, ".env.staging") == 0

    def test_outside_a_repository_existing_patterns_count(self, root: Path) -> None:
        (root / ".env.staging").write_text("A=1\n")
        (root / ".gitignore").write_text(".env*\n!.env.staging\n")
        assert setup_steps.ignore_env_files(load_project(root)) == ["/.env.staging"]


class TestProjectConfig:
    def test_round_trip_through_load_project(
        self, root: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("VAULT_MOUNT", "kv/")
        generate_env(load_project(root))
        (root / ".env.production").write_text("PORT=1\n")
        (root / ".env.qa.eu").write_text("PORT=2\n")
        before = load_project(root)
        path = setup_steps.write_project_config(before)
        assert path == root / "relay.toml"
        text = path.read_text()
        assert text.startswith("# Written by relay-tui's setup")
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
        data = tomllib.loads(text)
        assert data["project"] == {"name": "shop", "template": ".env.example"}
        assert data["vault"] == {"mount": "kv"}
        assert data["environments"]["production"] == {"file": ".env.production", "protected": True}
        assert data["environments"]["development"] == {"file": ".env"}
        jwt = {"kind": "signing-key", "required": True, "rotate_days": 90}
        assert data["secrets"]["JWT_SECRET_KEY"] == jwt
        assert data["secrets"]["SENDGRID_API_KEY"] == {"kind": "provider", "required": False}
        assert "PORT" not in data["secrets"] and "SMTP_HOST" not in data["secrets"]
        after = load_project(root)
        assert after.config == data
        assert after.name == before.name and after.template_path == before.template_path
        assert {n: (e.file, e.protected) for n, e in after.environments.items()} == {
            n: (e.file, e.protected) for n, e in before.environments.items()
        }
        assert {k: s._replace(source="") for k, s in after.specs.items()} == {
            k: s._replace(source="") for k, s in before.specs.items()
        }

    def test_names_kinds_and_numbers_only(self, root: Path) -> None:
        project = load_project(root)
        env_file = generate_env(project)
        values = EnvFile.load(env_file).values()
        secrets = [v for k, v in values.items() if v and project.specs[k].is_secret]
        assert len(secrets) == 5
        text = setup_steps.write_project_config(load_project(root)).read_text()
        for value in [*TEMPLATE_VALUES, *secrets]:
            assert value not in text

    def test_refuses_to_overwrite(self, root: Path) -> None:
        (root / "relay.toml").write_text("[project]\nname = 'mine'\n")
        with pytest.raises(UsageError, match="already exists") as refused:
            setup_steps.write_project_config(load_project(root))
        assert refused.value.hint
        assert (root / "relay.toml").read_text() == "[project]\nname = 'mine'\n"

    def test_no_environments_writes_no_table(self, root: Path) -> None:
        setup_steps.write_project_config(load_project(root))
        assert "environments" not in tomllib.loads((root / "relay.toml").read_text())
        (root / ".env.staging").write_text("A=1\n")
        assert list(load_project(root).environments) == ["staging"]  # still inferred

    def test_describe_keeps_what_relay_toml_knows(self, root: Path) -> None:
        (root / "relay.toml").write_text(
            '[vault]\nmount = "secret"\n'
            '[environments.staging]\nfile = ".env.staging"\nvault_path = "shop/staging"\n'
            '[environments.production]\nfile = "prod.env"\nprotected = false\n'
            '[secrets.PORT]\nkind = "plain"\nrequired = false\n'
        )
        described = setup_steps.describe_project(load_project(root))
        assert described["environments"] == {
            "staging": {"file": ".env.staging", "vault_path": "shop/staging"},
            "production": {"file": "prod.env", "protected": False},
        }
        assert described["vault"] == {"mount": "secret"}
        assert described["secrets"]["PORT"] == {"kind": "plain", "required": False}


class TestVaultCheckSkipped:
    def test_without_vault_variables(self, root: Path) -> None:
        project = load_project(root)
        lines = setup_steps.vault_check(project, project.environment("development"))
        assert lines == ["Vault variables are not set (VAULT_ADDR, VAULT_TOKEN): skipped"]

    def test_with_an_address_but_no_token(
        self, root: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("VAULT_ADDR", "http://127.0.0.1:1")
        project = load_project(root)
        assert setup_steps.vault_check(project, project.environment("development")) == [
            setup_steps.SKIPPED
        ]
