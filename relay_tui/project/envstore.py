"""Reading and changing an environment's file under every safety rule: the one write path."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from relay_tui.domain.generate import generate
from relay_tui.domain.masking import safe_text
from relay_tui.errors import InputFileError, ReadOnlyError, RefusedError, UsageError
from relay_tui.infra import safewrite
from relay_tui.infra.gitcheck import ensure_not_exposed
from relay_tui.project.envfile import EnvFile
from relay_tui.project.project import Environment, Project
from relay_tui.project.specs import spec_for

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class WritePolicy:
    """What the user allowed for this write."""

    yes: bool = False  # confirmed a write to a protected environment
    read_only: bool = False  # the whole session is read-only
    create: bool = True  # a missing file may be created
    check_git: bool = True


def check_allowed(env: Environment, policy: WritePolicy) -> None:
    """Refuse writes in a read-only session or to a protected environment without --yes."""
    if policy.read_only:
        raise ReadOnlyError(env.name)
    if env.protected and not policy.yes:
        raise RefusedError(
            f"{env.name} is protected; nothing was written",
            hint=f"add --yes to confirm this write to {env.name}",
        )


def load_env(env: Environment) -> EnvFile:
    """Parse an environment's file."""
    return EnvFile.load(env.file)


def edit_env(env: Environment, change: Callable[[EnvFile], T], policy: WritePolicy) -> T:
    """Read, change and write `env`'s file while holding its folder's lock (no lost updates)."""
    check_allowed(env, policy)
    if policy.check_git:
        ensure_not_exposed(env.file)
    with safewrite.locked(env.file) as target:
        if target.real.exists():
            envfile = EnvFile.load(env.file)
            expected = envfile.stamp.digest if envfile.stamp else None
        elif policy.create:
            envfile, expected = EnvFile.parse("", env.file), safewrite.MISSING
        else:
            raise InputFileError(f"{safe_text(str(env.file))}: no such file")
        envfile.ensure_writable()
        result = change(envfile)
        safewrite.write(target, envfile.to_bytes(), expected=expected)
        return result


def save_env(envfile: EnvFile, env: Environment, policy: WritePolicy) -> None:
    """Write a model read earlier, refusing if the file changed on disk since (exit 4)."""
    check_allowed(env, policy)
    envfile.ensure_writable()
    if policy.check_git:
        ensure_not_exposed(env.file)
    expected = envfile.stamp.digest if envfile.stamp else safewrite.MISSING
    with safewrite.locked(env.file) as target:
        safewrite.write(target, envfile.to_bytes(), expected=expected)


def check_destination(path: Path, *, force: bool, what: str) -> None:
    """Before any work: refuse a link, an existing file (unless `force`) or a missing folder."""
    shown = safe_text(str(path))
    if os.path.islink(path):
        raise RefusedError(
            f"{what} {shown} is a symbolic link; relay-tui does not write through links",
            hint="name a regular file",
        )
    if path.exists() and not force:
        raise RefusedError(f"{what} {shown} already exists; nothing was done", hint="add --force")
    if not path.parent.is_dir():
        raise UsageError(
            f"{what} {shown}: the folder {safe_text(str(path.parent))} does not exist;"
            " nothing was done",
            hint="create the folder first, or name another file",
        )


def write_requested(path: Path, data: bytes, *, force: bool, what: str) -> None:
    """Write a file the user asked for (a report, an export, a new notebook), 0600.

    Never through a symbolic link, never over an existing file unless `force`; checked again
    under the folder's lock, so a link put there while the work ran is refused too.
    """
    check_destination(path, force=force, what=what)
    with safewrite.locked(path) as target:
        check_destination(path, force=force, what=what)
        exists = target.real.exists()
        safewrite.write(target, data, expected=None if force and exists else safewrite.MISSING)


def write_new_file(path: Path, data: bytes, *, force: bool, check_git: bool = True) -> None:
    """Write a new secret file (0600); an existing one is replaced only with `force`."""
    if check_git:
        ensure_not_exposed(path)
    with safewrite.locked(path) as target:
        exists = target.real.exists()
        if exists and not force:
            raise RefusedError(
                f"{safe_text(str(path))} already exists; nothing was written",
                hint="add --force to replace it",
            )
        safewrite.write(target, data, expected=None if force else safewrite.MISSING)


def rotate_in_file(
    project: Project,
    env: Environment,
    keys: list[str],
    policy: WritePolicy,
    supplied: dict[str, str],
) -> dict[str, str]:
    """New values for `keys` (generated, or `supplied` for provider keys), written to env's file.

    Returns the new values (for a push). Nothing is written if any key cannot get a value.
    """
    current = EnvFile.load(env.file).values() if env.file.exists() else {}
    missing = [k for k in keys if k not in current]
    if missing:
        raise UsageError(
            f"{', '.join(map(safe_text, missing))} not set in {env.name}: nothing to rotate",
            hint=f"set it first: relay-tui set KEY --env {env.name}",
        )
    values: dict[str, str] = {}
    for key in keys:
        spec = spec_for(project.specs, key)
        if spec.generatable:
            values[key] = generate(spec.kind)
        elif supplied.get(key):
            values[key] = supplied[key]
        else:
            raise UsageError(f"{safe_text(key)} is issued by its provider: give its new value")

    def change(envfile: EnvFile) -> None:
        for key, value in values.items():
            envfile.set(key, value)

    edit_env(env, change, policy)
    return values
