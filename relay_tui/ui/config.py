"""The user's config file (config.toml): read leniently, written atomically with tomli-w."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from relay_tui import paths
from relay_tui.errors import BackendError, ConfigurationError
from relay_tui.infra import safewrite

MAX_CONFIG_BYTES = 256 * 1024


def config_path() -> Path:
    """Where the user's config lives (config dir / config.toml)."""
    return paths.config_dir() / "config.toml"


def read_config() -> tuple[dict[str, Any], str | None]:
    """The config and a problem message: a missing file is ({}, None), a broken one ({}, why)."""
    try:
        return _read(config_path()), None
    except ValueError as exc:
        return {}, f"{exc}; using the defaults"


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ValueError(f"{path} cannot be read ({exc.strerror or exc})") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ValueError(f"{path} is larger than {MAX_CONFIG_BYTES // 1024} KiB")
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path} is not valid TOML ({exc})") from None


def chosen_theme() -> str | None:
    """The remembered theme name, if the config holds one."""
    theme = read_config()[0].get("theme")
    return theme if isinstance(theme, str) else None


def remember_theme(name: str) -> None:
    """Save `theme = name`, keeping the other keys; raises RelayError if it cannot be saved."""
    try:
        data = _read(config_path())
    except ValueError as exc:  # never overwrite a file the user may be editing by hand
        raise ConfigurationError(
            f"the theme was not saved: {exc}",
            hint="fix or remove the file, then choose the theme again",
        ) from None
    write_config({**data, "theme": name})


def write_config(data: dict[str, Any]) -> None:
    """Replace config.toml with `data` through `safewrite`: atomic, 0600, never through a link."""
    path = config_path()
    # lazy: only a change of theme writes the config file
    import tomli_w

    text = tomli_w.dumps(data).encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise BackendError(
            f"{path} could not be written ({exc.strerror or exc})",
            hint="check that the folder exists and is writable",
        ) from None
    with safewrite.locked(path, follow_links=False) as target:
        safewrite.write(target, text, mode=0o600)
