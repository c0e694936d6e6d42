"""relay.toml read from disk and checked for shape: the project and the trust check use it."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from relay_tui.errors import ConfigurationError
from relay_tui.infra.bounded_read import read_limited

CONFIG_NAME = "relay.toml"
_TOP_LEVEL = {"project", "environments", "vault", "secrets"}


def read_config(path: Path) -> dict[str, Any]:
    """relay.toml's tables, checked for shape; {} when there is no file."""
    if not path.exists():
        return {}

    try:
        config = tomllib.loads(read_limited(path, CONFIG_NAME).decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(
            f"{CONFIG_NAME}: not valid TOML ({exc})", hint="fix the line it names"
        ) from None
    except UnicodeDecodeError:
        raise ConfigurationError(f"{CONFIG_NAME}: not UTF-8") from None
    except RecursionError:
        raise ConfigurationError(f"{CONFIG_NAME}: nested too deeply") from None
    unknown = set(config) - _TOP_LEVEL
    if unknown:
        raise ConfigurationError(
            f"{CONFIG_NAME}: unknown table(s) {', '.join(sorted(unknown))}",
            hint="known tables: " + ", ".join(sorted(_TOP_LEVEL)),
        )
    for table in _TOP_LEVEL & set(config):
        if not isinstance(config[table], dict):
            raise ConfigurationError(f"{CONFIG_NAME}: [{table}] must be a table")
    for table, field in (("vault", "addr"), ("vault", "mount"), ("project", "name"),
                         ("project", "template")):  # fmt: skip
        value = config.get(table, {}).get(field)
        if value is not None and (not isinstance(value, str) or "\0" in value):
            raise ConfigurationError(
                f"{CONFIG_NAME}: [{table}] {field} must be a string", hint=f'{field} = "..."'
            )
    return config
