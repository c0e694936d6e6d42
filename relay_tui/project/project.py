"""A Project: its root folder, relay.toml, template, environments and the specs of its keys."""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from relay_tui.domain.masking import safe_text
from relay_tui.errors import ConfigurationError, UsageError
from relay_tui.infra.relay_toml import CONFIG_NAME as CONFIG_NAME  # re-exported
from relay_tui.infra.relay_toml import read_config
from relay_tui.infra.trust import check_path
from relay_tui.project.envfile import EnvFile
from relay_tui.project.specs import build_specs

if TYPE_CHECKING:  # loaded when first used: `vault get` needs relay.toml, not the .env parser
    from relay_tui.project.envfile import EnvFile
    from relay_tui.project.specs import SecretSpec

TEMPLATE_NAMES = (".env.example", ".env.sample", ".env.template", ".env.dist")
_NOT_ENV_SUFFIXES = (
    ".example", ".sample", ".template", ".dist", ".defaults", ".bak", ".orig", ".old", ".swp",
    ".tmp", "~", ".keys", ".vault", ".lock",
)  # fmt: skip
ENV_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}\Z", re.I)
_ENV_FIELDS = {"file", "protected", "store", "vault_path", "vault_addr", "vault_mount"}


class Environment(NamedTuple):
    """One environment: its name, its file and whether writes to it need confirmation."""

    name: str
    file: Path
    protected: bool
    configured: bool = False
    vault_path: str | None = None
    vault_addr: str | None = None
    vault_mount: str | None = None
    store: str | None = None  # the kind of secret store; None: Vault when vault_path is set

    @property
    def exists(self) -> bool:
        return self.file.exists()


class Project:
    """A folder laid out like Relay: a template, env files, and optionally relay.toml."""

    def __init__(
        self,
        root: Path,
        name: str,
        template_path: Path | None,
        environments: dict[str, Environment],
        config: dict[str, Any] | None = None,
    ) -> None:
        self.root = root
        self.name = name
        self.template_path = template_path
        self.environments = environments
        self.config: dict[str, Any] = config if config is not None else {}

    @cached_property
    def template(self) -> EnvFile | None:
        """The parsed template, or None when the project has none."""
        return EnvFile.load(self.template_path) if self.template_path else None

    @cached_property
    def specs(self) -> dict[str, SecretSpec]:
        """What each key is, from relay.toml, the template's comments and names."""
        return build_specs(self.template, self.config.get("secrets", {}))

    def environment(self, name: str) -> Environment:
        """The environment called `name`; an unconfigured name maps to `.env.NAME` by convention."""
        found = self.environments.get(name)
        if found is not None:
            return found
        if not ENV_NAME.match(name):
            raise UsageError(
                f"{safe_text(name)!r} is not an environment name (letters, digits, '.', '_', '-')"
            )
        if "environments" in self.config:
            known = ", ".join(sorted(self.environments)) or "none"
            raise UsageError(
                f"no environment {name!r} in {CONFIG_NAME} (known: {known})",
                hint=f"add [environments.{name}] to {CONFIG_NAME}",
            )
        file = self.root / (".env" if name == "development" else f".env.{name}")
        return Environment(name, file, protected=name == "production")


def load_project(root: Path) -> Project:
    """Read the project at `root` (never a parent folder): relay.toml if present, else inferred."""
    root = root.resolve()
    if not root.is_dir():
        raise UsageError(f"{safe_text(str(root))}: not a folder", hint="pass --project DIR")
    config = read_config(root / CONFIG_NAME)
    project_table = config.get("project", {})
    template_name = project_table.get("template")
    if template_name is not None:
        template_path: Path | None = root / str(template_name)
        if template_path is None or not template_path.is_file():
            raise ConfigurationError(
                f"{CONFIG_NAME}: template {safe_text(str(template_name))!r} does not exist"
            )
    else:
        template_path = next((root / n for n in TEMPLATE_NAMES if (root / n).is_file()), None)
    environments = (
        _configured_environments(root, config["environments"])
        if "environments" in config
        else _inferred_environments(root)
    )
    _check_paths(root, template_path, environments)
    name = str(project_table.get("name") or root.name)
    return Project(root, name, template_path, environments, config)


def _check_paths(
    root: Path, template_path: Path | None, environments: dict[str, Environment]
) -> None:
    """A path that leaves the project needs trust; a start-up file in the home is refused."""
    if template_path is not None:
        check_path(root, template_path, "the template")
    for env in environments.values():
        check_path(root, env.file, f"environment {env.name}'s file")


def _configured_environments(root: Path, tables: dict[str, Any]) -> dict[str, Environment]:
    environments: dict[str, Environment] = {}
    for name, table in tables.items():
        where = f"{CONFIG_NAME}: [environments.{name}]"
        if not isinstance(table, dict):
            raise ConfigurationError(f"{where} must be a table")
        if not ENV_NAME.match(name):
            raise ConfigurationError(f"{where}: the name must be letters, digits, '.', '_', '-'")
        unknown = set(table) - _ENV_FIELDS
        if unknown:
            raise ConfigurationError(
                f"{where} has unknown field(s) {', '.join(sorted(unknown))}",
                hint="known fields: " + ", ".join(sorted(_ENV_FIELDS)),
            )
        file = table.get("file", ".env" if name == "development" else f".env.{name}")
        protected = table.get("protected", name == "production")
        if not isinstance(file, str) or not file or "\0" in file:
            raise ConfigurationError(f"{where}: file must be a path")
        if not isinstance(protected, bool):
            raise ConfigurationError(f"{where}: protected must be true or false")
        optional = {k: table.get(k) for k in ("vault_path", "vault_addr", "vault_mount", "store")}
        for key, value in optional.items():
            if value is not None and not isinstance(value, str):
                raise ConfigurationError(f"{where}: {key} must be a string")
        environments[name] = Environment(
            name,
            root / file,
            protected,
            True,
            **optional,
        )
    return environments


def _inferred_environments(root: Path) -> dict[str, Environment]:
    environments: dict[str, Environment] = {}
    for path in sorted(root.glob(".env*")):
        name = path.name
        if name in TEMPLATE_NAMES or name.endswith(_NOT_ENV_SUFFIXES) or ".relay-tmp-" in name:
            continue
        if name == ".env":
            env_name = "development"
        elif name.startswith(".env."):
            env_name = name[len(".env.") :]
        else:
            continue
        if env_name in environments or not ENV_NAME.match(env_name):
            continue
        if not path.is_dir():  # a folder named .env is usually a virtualenv
            environments[env_name] = Environment(env_name, path, env_name == "production")
    return environments
