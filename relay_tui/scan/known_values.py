"""Known values for the leak scanner: a project's own secret values, from its files and Vault."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relay_tui.domain.defaults import is_default_secret, looks_like_placeholder
from relay_tui.domain.masking import safe_text
from relay_tui.errors import RelayError
from relay_tui.project.envfile import EnvFile
from relay_tui.project.specs import spec_for
from relay_tui.stores.registry import open_in_background

if TYPE_CHECKING:
    from relay_tui.project.project import Environment, Project
    from relay_tui.scan.scanner import ScanOptions

MIN_LENGTH = 8  # shorter values would match everywhere (the matcher ignores them too)
_URL_CREDENTIALS = re.compile(r"://[^/\s:@]*:[^/\s@]+@")


def known_values(
    root: Path, project: Project | None, options: ScanOptions, warnings: list[str]
) -> tuple[dict[str, str], set[str]]:
    """Secret value -> "ENV KEY" label, and the env files' paths relative to `root`.

    Every secret value of the project's environment files; with `options.vault`, also the values
    of environments that have a vault_path when Vault is configured (one read each; a failure is
    a warning, never fatal). Placeholders, template defaults and short values are left out.
    """
    if project is None or not options.known:
        return {}, set()
    known: dict[str, str] = {}
    env_paths: set[str] = set()
    base = os.path.realpath(root)
    for env in project.environments.values():
        relative = os.path.relpath(os.path.realpath(env.file), base)
        if not relative.startswith(".."):
            env_paths.add(relative.replace(os.sep, "/"))
        if env.file.is_file():
            _from_file(project, env, known, warnings)
    if options.vault:
        for env in project.environments.values():
            if env.vault_path:
                _from_vault(project, env, known, warnings)
    return known, env_paths


def _add(known: dict[str, str], project: Project, env: str, key: str, value: Any) -> None:

    if not isinstance(value, str) or len(value.strip()) < MIN_LENGTH:
        return
    spec = spec_for(project.specs, key)
    if not spec.is_secret or value == spec.template_value:
        return
    if is_default_secret(value) or looks_like_placeholder(value):
        return
    if spec.kind == "url" and not _URL_CREDENTIALS.search(value):
        return  # a URL without credentials in it is an address, not a secret
    known.setdefault(value, f"{env} {key}")


def _from_file(
    project: Project, env: Environment, known: dict[str, str], warnings: list[str]
) -> None:

    try:
        values = EnvFile.load(env.file).values()
    except RelayError as exc:
        warnings.append(f"{env.name}: its values were not searched ({exc.message})")
        return
    for key, value in values.items():
        _add(known, project, env.name, key, value)


def _from_vault(
    project: Project, env: Environment, known: dict[str, str], warnings: list[str]
) -> None:
    """Add the values at `env`'s store path; any failure becomes a warning."""
    try:
        opened = open_in_background(project, env)
    except RelayError as exc:
        warnings.append(f"{env.name}: Vault values not searched ({exc.message})")
        return
    if opened is None:
        warnings.append(
            f"{env.name}: Vault values not searched (no Vault address or token configured)"
        )
        return
    store, path = opened
    try:
        data = store.read(path).data
    except Exception as exc:  # unreachable, sealed, forbidden, missing: the scan goes on
        reason = exc.message if isinstance(exc, RelayError) else type(exc).__name__
        warnings.append(f"{env.name}: Vault values not searched ({safe_text(reason)})")
        return
    finally:
        store.close()
    by_field = {s.vault_field: k for k, s in project.specs.items() if s.vault_field}
    for name, value in data.items():
        _add(known, project, env.name, by_field.get(name, name), value)
