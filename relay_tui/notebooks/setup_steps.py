"""The guided first-time setup's steps, headless: explain, ask, fill, ignore, check, describe."""

from __future__ import annotations

import contextlib
import fnmatch
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relay_tui.domain.defaults import is_default_secret, looks_like_placeholder
from relay_tui.domain.masking import safe_text
from relay_tui.errors import ConfigurationError, RelayError, UsageError
from relay_tui.infra import safewrite
from relay_tui.infra.file_fixes import ignore_in_git
from relay_tui.infra.gitcheck import git_states
from relay_tui.project.envfile import EnvFile
from relay_tui.project.project import CONFIG_NAME, Environment, Project
from relay_tui.project.specs import spec_for
from relay_tui.project.template import ENVIRONMENT_KEYS
from relay_tui.rules.validate import url_password
from relay_tui.services.env_values import set_values
from relay_tui.stores.vault.config import settings_for, vault_path_of
from relay_tui.stores.vault.status import read_status
from relay_tui.stores.vault.store import VaultStore

if TYPE_CHECKING:
    from relay_tui.project.envfile import EnvFile
    from relay_tui.project.specs import SecretSpec
    from relay_tui.services.changes import Actor
    from relay_tui.stores.vault.store import VaultStore

SKIPPED = "Vault variables are not set (VAULT_ADDR, VAULT_TOKEN): skipped"
HEADER = "# Written by relay-tui's setup from what it found in this project; edit it freely.\n"


# ----- explain and ask ------------------------------------------------------------------------
def explain(project: Project, env: Environment) -> list[str]:
    """One line per template key: its kind, required or optional, who gives it, and its help.

    Key names, kinds and the template's comments only: never a value, not even the template's
    example values. `env` is the environment being set up (its name fills ENVIRONMENT).
    """
    template = _template_of(project)
    lines: list[str] = []
    for key in template.keys():
        spec = spec_for(project.specs, key)
        if spec.generatable:
            source = "generated"
        elif _needs_person(spec, spec.template_value):
            source = "you give it"
        elif key in ENVIRONMENT_KEYS and not spec.is_secret:
            source = "set to the environment's name"
        elif spec.template_value:
            source = "template value kept"
        else:
            source = "left empty"
        required = "required" if spec.required else "optional"
        line = f"{safe_text(key)}: {spec.kind}, {required}, {source}"
        lines.append(line + (f": {safe_text(spec.help)}" if spec.help else ""))
    return lines


def values_needed(project: Project, env: Environment) -> list[tuple[str, str]]:
    """(key, help) for each key a person must give, in file order (template order before the
    file exists; then the file's keys, followed by required template keys it lacks).

    A key is needed when it has no usable value (missing, empty, a placeholder, a well-known
    default, the template's example) and cannot be generated, and it is a provider key, a URL
    with credentials, or marked required. The help falls back to the kind.
    """
    specs = project.specs
    if env.file.exists():
        current = EnvFile.load(env.file).values()
        missing = [k for k, s in specs.items() if s.required and k not in current]
        candidates = [*((k, v) for k, v in current.items()), *((k, None) for k in missing)]
    elif project.template is not None:
        candidates = [(k, spec_for(specs, k).template_value) for k in project.template.keys()]
    else:
        candidates = []
    needed: list[tuple[str, str]] = []
    for key, value in candidates:
        spec = spec_for(specs, key)
        if _needs_person(spec, value):
            needed.append((key, spec.help or spec.kind))
    return needed


def _needs_person(spec: SecretSpec, value: str | None) -> bool:
    if spec.generatable or _usable(spec, value):
        return False
    if spec.required or spec.kind == "provider":
        return True
    return spec.kind == "url" and "@" in ((value or "") + (spec.template_value or ""))


def _usable(spec: SecretSpec, value: str | None) -> bool:
    """Whether `value` can stay as it is (validate's placeholder and default rules)."""
    if not value or not value.strip() or looks_like_placeholder(value):
        return False
    if not spec.is_secret:
        return True
    if spec.kind == "url":
        if "<" in value or "..." in value:
            return False
        if value == spec.template_value and "@" in value:
            return False  # the template's credentials are an example
        password = url_password(value)
        return not (password and (looks_like_placeholder(password) or is_default_secret(password)))
    return not is_default_secret(value) and value != spec.template_value


def fill(
    project: Project,
    env: Environment,
    values: dict[str, str],
    actor: Actor,
    warnings: list[str] | None = None,
) -> list[str]:
    """Write the values a person gave into env's file in one atomic edit; returns the keys.

    Only keys that values_needed lists or that the file already has are accepted, and no empty
    value: otherwise nothing is written (UsageError naming the keys). The write is the set
    service's: audited, and dated in the rotation ledger (a ledger that cannot be written is a
    warning, added to `warnings`; it does not undo the write).
    """
    if not values:
        return []
    allowed = {key for key, _ in values_needed(project, env)}
    if env.file.exists():
        allowed.update(EnvFile.load(env.file).keys())
    unknown = [key for key in values if key not in allowed]
    if unknown:
        raise UsageError(
            f"{', '.join(map(safe_text, unknown))}: not asked for and not in {env.file.name}; "
            "nothing was written",
            hint="give only the keys the setup asks for (or add the key to the template)",
        )
    empty = [key for key, value in values.items() if not value.strip()]
    if empty:
        raise UsageError(
            f"{', '.join(map(safe_text, empty))}: the value given is empty; nothing was written",
            hint="give a value, or leave the key out and set it later",
        )

    outcome = set_values(project, env, values, actor)
    if warnings is not None:
        warnings += outcome.warnings
    return list(values)


# ----- git ----------------------------------------------------------------------------------
def ignore_env_files(project: Project) -> list[str]:
    """Make git ignore every environment file of the project; returns the .gitignore lines added.

    Covers each environment's file (not the template), and `.env` (development) even before it
    exists, so that the setup may write it. Inside a repository the line goes to its top
    .gitignore through fixes.ignore_in_git (a tracked file is refused there, exit 4); outside
    one, to the project's .gitignore, since a repository may be created later. A line is never
    added twice. `.relay/` is deliberately not ignored: its rotation ledger holds key names and
    dates only, no value, and a team may well share it.
    """
    added: list[str] = []
    for path in _env_files(project):
        state = git_states(path.parent, [path.name])[path.name]
        if state.state == "no-repo":
            line = _ignore_outside_git(project.root, path)
            added += [line] if line else []
        else:
            result = ignore_in_git(path)
            added += [result[1]] if result else []
    return added


def _env_files(project: Project) -> list[Path]:
    envs = list(project.environments.values())
    if "development" not in project.environments:
        # relay.toml may name its environments without development: then there is none
        with contextlib.suppress(RelayError):
            envs.append(project.environment("development"))
    template = project.template_path.resolve() if project.template_path else None
    files: list[Path] = []
    for env in envs:
        path = env.file.parent.resolve() / env.file.name
        if path != template and path not in files:
            files.append(path)
    return files


def _ignore_outside_git(root: Path, path: Path) -> str | None:
    """Add `/relative/path` to root/.gitignore unless a line there covers it already."""
    try:
        relative = path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return None  # outside the project: no .gitignore of the project can name it
    gitignore = root / ".gitignore"
    line = "/" + relative
    with safewrite.locked(gitignore) as target:
        existed = target.real.exists()
        old = target.real.read_bytes() if existed else b""
        if _covered(old.decode("utf-8", "replace"), relative):
            return None
        expected = safewrite.current_digest(target)
        sep = b"" if not old or old.endswith(b"\n") else b"\n"
        safewrite.write(target, old + sep + line.encode("utf-8") + b"\n", expected=expected)
    if not existed:
        os.chmod(gitignore, 0o644)  # a .gitignore is shared, not secret
    return line


def _covered(text: str, relative: str) -> bool:
    """Whether a .gitignore line matches `relative` (git's rules, roughly; the last match wins)."""
    name, covered = relative.rsplit("/", 1)[-1], False
    for raw in text.splitlines():
        pattern = raw.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negated = pattern.startswith("!")
        pattern = pattern.removeprefix("!").rstrip("/")
        anchored = "/" in pattern
        pattern = pattern.lstrip("/")
        if fnmatch.fnmatchcase(relative if anchored else name, pattern):
            covered = not negated
    return covered


# ----- Vault --------------------------------------------------------------------------------
def vault_check(project: Project, env: Environment) -> list[str]:
    """Check the Vault connection: server, seal, token, and env's path (key count only).

    Without an address (BAO_ADDR / VAULT_ADDR / relay.toml) or a token, the check is skipped.
    A failure raises the Vault layer's RelayError, which names the server and what to do.
    """
    settings = settings_for(project, env)
    if settings.addr_source == "default" or not settings.token:
        return [SKIPPED]
    store = VaultStore(settings)
    try:
        rows = dict(read_status(store))
        lines = [
            f"server: {rows['address']}, version {rows['server version']}",
            f"namespace: {rows['namespace']}; TLS: {rows['TLS']}",
            f"sealed: {rows['sealed']}",
        ]
        if "token TTL" in rows:
            lines.append(
                f"token: valid ({rows['token']}; TTL {rows['token TTL']}; "
                f"policies: {rows['policies']})"
            )
            lines.append(_path_line(store, project, env))
        else:  # sealed, or the lookup failed: ask again so the Vault layer's error is raised
            lines += _token_by_use(store, project, env)
        return lines
    finally:
        store.close()


def _token_by_use(store: VaultStore, project: Project, env: Environment) -> list[str]:
    """Look the token up again, raising the Vault layer's error; a token that may not look
    itself up still counts as valid when it can read env's path."""
    source = store.settings.token_source
    try:
        store.call("GET", "/v1/auth/token/lookup-self", action="look up the token")
    except RelayError as exc:
        failure = exc
    else:
        return [f"token: valid (from {source})", _path_line(store, project, env)]
    if not env.vault_path:
        raise failure
    try:
        path_line = _path_line(store, project, env)
    except RelayError:
        raise failure from None
    return [f"token: valid (from {source}; it may not look itself up)", path_line]


def _path_line(store: VaultStore, project: Project, env: Environment) -> str:

    if not env.vault_path:
        return f"vault path: none for {env.name} in {CONFIG_NAME} (vault_path): not checked"
    path = vault_path_of(project, env, store.settings)
    location = store.locate(path)
    count = len(store.current(location).data)
    shown = safe_text(location.full)
    if not count:
        return f"vault path {shown}: does not exist yet (a push creates it)"
    return f"vault path {shown}: exists, {count} key(s)"


# ----- relay.toml ---------------------------------------------------------------------------
def describe_project(project: Project) -> dict[str, Any]:
    """What the setup learned, as relay.toml's tables (DESIGN section 3).

    Names, paths, kinds and numbers only, never a value. A table with nothing to say is left
    out ([environments] in particular: an empty one would stop the inference of env files).
    """
    described: dict[str, Any] = {"project": {"name": project.name}}
    if project.template_path is not None:
        described["project"]["template"] = _relative(project, project.template_path)
    environments: dict[str, Any] = {}
    for name, env in project.environments.items():
        table: dict[str, Any] = {"file": _relative(project, env.file)}
        if env.protected or name == "production":  # production is protected by default
            table["protected"] = env.protected
        for field in ("vault_path", "vault_addr", "vault_mount"):
            if getattr(env, field):
                table[field] = getattr(env, field)
        environments[name] = table
    if environments:
        described["environments"] = environments
    configured = project.config.get("vault", {})
    vault = {k: str(configured[k]) for k in ("mount", "addr") if configured.get(k)}
    mount = os.environ.get("VAULT_MOUNT", "").strip().strip("/")
    if mount and "mount" not in vault:
        vault["mount"] = mount
    if vault:
        described["vault"] = vault
    secrets: dict[str, Any] = {}
    for key, spec in project.specs.items():
        if not spec.is_secret and spec.source != "relay.toml":
            continue
        entry: dict[str, Any] = {"kind": spec.kind, "required": spec.required}
        if spec.rotate_days is not None:
            entry["rotate_days"] = spec.rotate_days
        if spec.vault_field:
            entry["vault_field"] = spec.vault_field
        secrets[key] = entry
    if secrets:
        described["secrets"] = secrets
    return described


def write_project_config(project: Project) -> Path:
    """Write relay.toml at the project root from describe_project, atomically; never replaces one.

    The file is 0644: it holds names and settings, no secret.
    """
    # lazy: only a save needs the TOML writer
    import tomli_w

    path = project.root / CONFIG_NAME
    refusal = UsageError(
        f"{CONFIG_NAME} already exists in {safe_text(project.root.name)}; nothing was written",
        hint=f"edit {CONFIG_NAME} by hand, or move it away and run the setup again",
    )
    if path.exists() or path.is_symlink():
        raise refusal
    text = HEADER + tomli_w.dumps(describe_project(project))
    with safewrite.locked(path) as target:
        if target.real.exists():
            raise refusal
        safewrite.write(target, text.encode("utf-8"), expected=safewrite.MISSING)
    os.chmod(path, 0o644)
    return path


def _template_of(project: Project) -> EnvFile:
    if project.template is None:
        raise ConfigurationError(
            f"{safe_text(project.root.name)} has no template (.env.example): nothing to explain",
            hint="add a .env.example that lists the keys, with a comment above each",
        )
    return project.template


def _relative(project: Project, path: Path) -> str:
    try:
        return path.relative_to(project.root).as_posix()
    except ValueError:
        return Path(os.path.relpath(path, project.root)).as_posix()
