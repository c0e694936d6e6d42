"""The cell runners of notebooks: each calls the core and says what it did by key name only."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from relay_tui.domain.masking import safe_text
from relay_tui.errors import RelayError
from relay_tui.notebooks.document import Cell
from relay_tui.project.project import Environment, Project

if TYPE_CHECKING:
    from relay_tui.notebooks.runner import RunOptions
    from relay_tui.project.specs import SecretSpec
    from relay_tui.services.changes import Actor

Runner = Callable[[int, Cell, Project, "RunOptions"], list[str]]
SET_HINT = "headless, give each with --set KEY=@FILE (or one of them with --set KEY=@- on stdin)"


class NeedsPerson(RelayError):
    """A cell needs a person's answer (a value, a choice, a tick) and none was given."""

    def __init__(self, message: str, *, hint: str | None = None, lines: Sequence[str] = ()) -> None:
        super().__init__(message, hint=hint)
        self.lines = list(lines)


class CellFailed(Exception):
    """A cell ran and its result is a failure (e.g. validation errors)."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("cell failed")
        self.lines = lines


def invalidates(spec: SecretSpec) -> str:
    """What giving this key a new value breaks, by its kind (shown after a rotation)."""
    if spec.kind == "signing-key":
        return (
            "every token and session signed with the old key stops verifying: users are logged out"
        )
    if spec.kind == "password":
        return "connections with the old password fail until the database user is changed"
    if spec.kind in ("api-key", "token"):
        return "clients holding the old key are refused"
    if spec.kind == "provider":
        return "the old key still works until you revoke it at the provider"
    if spec.kind == "fernet":
        return "data encrypted with the old key cannot be read with the new one: re-encrypt it"
    return "whatever used the old value"


def cell_env(cell: Cell, project: Project, options: RunOptions) -> Environment:
    """The environment a cell acts on: its own `env`, else the run's default."""
    return project.environment(str(cell.params.get("env") or options.env))


def secret_keys(project: Project, env: Environment) -> list[str]:
    """The env's keys that have a value and are secrets (what a person may choose to rotate)."""
    from relay_tui.project.envfile import EnvFile
    from relay_tui.project.specs import spec_for

    if not env.file.exists():
        return []
    values = EnvFile.load(env.file).values()
    return [k for k, v in values.items() if v and spec_for(project.specs, k).is_secret]


def cell_keys(cell: Cell, project: Project, env: Environment, options: RunOptions) -> list[str]:
    """The keys a rotate cell acts on: its list, the due keys, or those a person chose."""
    wanted = cell.params.get("keys") or []
    if wanted == "due":
        return _due_keys(project, env)
    if wanted == "ask":
        return list(dict.fromkeys(options.keys))
    return list(dict.fromkeys(str(k) for k in wanted))


def _actor(options: RunOptions) -> Actor:
    """A cell as the services see it: the notebook, with the run's --read-only and --yes."""
    from relay_tui.services.changes import Actor

    return Actor("notebook", read_only=options.read_only, yes=options.yes)


def _markdown(number: int, cell: Cell, project: Project, options: RunOptions) -> list[str]:
    return str(cell.params.get("text", "")).strip("\n").splitlines()


def _generate_env(number: int, cell: Cell, project: Project, options: RunOptions) -> list[str]:
    from relay_tui.project.template import fill_template
    from relay_tui.services.env_values import write_generated

    env = cell_env(cell, project, options)
    if env.file.exists():
        return [f"{env.file.name} exists: left as it is"]
    if project.template is None:
        raise RelayError(f"no template in {project.root.name} to generate {env.file.name} from")
    result = fill_template(project.template, project.specs, env.name)
    data = result.envfile.to_bytes()
    outcome = write_generated(project, data, list(result.generated), _actor(options), env=env)
    lines = [f"wrote {env.file.name} (0600): {len(result.generated)} generated"]
    lines += [f"needs a value: {s.key} ({s.help or s.kind})" for s in result.needs_value]
    return lines + outcome.warnings


def _generate(number: int, cell: Cell, project: Project, options: RunOptions) -> list[str]:
    rotate = Cell("rotate", {**cell.params, "keys": [cell.params.get("key")]})
    return _rotate(number, rotate, project, options, action="generate")


def _set(number: int, cell: Cell, project: Project, options: RunOptions) -> list[str]:
    from relay_tui.services.env_values import set_value

    env, key = cell_env(cell, project, options), str(cell.params.get("key", ""))
    value = options.inputs.get(key)
    if value is None:
        help_text = cell.params.get("help") or "a value"
        raise NeedsPerson(
            f"{safe_text(key)} needs a person: {safe_text(str(help_text))}",
            hint=f"headless, give it with --set {safe_text(key)}=@FILE (or =@- on stdin)",
        )
    outcome = set_value(project, env, key, value, _actor(options))
    return [f"set {safe_text(key)} in {env.file.name}", *outcome.warnings]


def _validate(number: int, cell: Cell, project: Project, options: RunOptions) -> list[str]:
    from relay_tui.rules.validate import validate

    env = cell_env(cell, project, options)
    report = validate(project, [env.name])
    lines = [f"{f.severity}: {f.code}: {f.message}" for f in report.findings]
    lines.append(f"{report.errors} error(s), {report.warnings} warning(s)")
    if report.errors:
        raise CellFailed(lines)
    return lines


def _diff(number: int, cell: Cell, project: Project, options: RunOptions) -> list[str]:
    from relay_tui.domain.compare import compare_values
    from relay_tui.paths import fingerprint_key
    from relay_tui.project.envfile import EnvFile

    a = cell_env(cell, project, options)
    b = project.environment(str(cell.params.get("other", "")))
    old, new = EnvFile.load(a.file).values(), EnvFile.load(b.file).values()
    rows = compare_values(old, new, a.name, b.name, fingerprint_key())
    drift = [r for r in rows if r.drift]
    lines = [f"{safe_text(r.key)}: {r.status}" for r in drift]
    lines.append(f"{len(drift)} key(s) missing on one side or sharing a value")
    if drift:
        raise CellFailed(lines)
    return lines


def _vault(direction: str) -> Runner:
    def run(number: int, cell: Cell, project: Project, options: RunOptions) -> list[str]:
        from relay_tui.project.envfile import EnvFile
        from relay_tui.services.vault_changes import pull_plan, push_plan
        from relay_tui.stores.vault.store import VaultStore
        from relay_tui.stores.vault.sync import make_plan, settings_for

        env = cell_env(cell, project, options)
        store = VaultStore(settings_for(project, env))
        envfile = EnvFile.load(env.file) if env.file.exists() else EnvFile.parse("", env.file)
        plan = make_plan(store, project, env, envfile)
        if plan.in_sync:
            return [f"{env.name} and {plan.location.full} are in sync"]
        if direction == "push":
            outcome = push_plan(store, plan, env, _actor(options))[1]
        else:
            outcome = pull_plan(plan, env, envfile, _actor(options))
        keys = ", ".join(map(safe_text, outcome.changed))
        lines = [f"{direction}: {keys} ({plan.location.full})"]
        return lines + [f"warning: {safe_text(w)}" for w in outcome.warnings]

    return run


def _rotate(
    number: int, cell: Cell, project: Project, options: RunOptions, action: str = "rotate"
) -> list[str]:
    from relay_tui.project.specs import spec_for
    from relay_tui.services.env_values import rotate_keys

    env = cell_env(cell, project, options)
    if cell.params.get("keys") == "ask" and not options.keys:
        choices = ", ".join(map(safe_text, secret_keys(project, env))) or "none"
        raise NeedsPerson(
            f"choose the compromised keys of {env.name} (secrets with a value: {choices})",
            hint="headless, name them with --keys KEY,KEY",
        )
    keys = cell_keys(cell, project, env, options)
    if not keys:
        return [f"nothing is due for rotation in {env.name}"]
    specs = {key: spec_for(project.specs, key) for key in keys}
    manual = [s for s in specs.values() if not s.generatable and not options.inputs.get(s.key)]
    if manual:
        raise NeedsPerson(
            f"{', '.join(safe_text(s.key) for s in manual)}: issued by a provider, so a person "
            "gives the new value",
            lines=[f"{safe_text(s.key)}: {safe_text(s.help or s.kind)}" for s in manual],
            hint=SET_HINT,
        )
    actor = _actor(options)
    values, outcome = rotate_keys(project, env, keys, dict(options.inputs), actor, action=action)
    lines = [f"{action}: {', '.join(map(safe_text, keys))} in {env.file.name}"]
    lines += outcome.warnings
    if action == "rotate":
        lines += [f"{safe_text(k)} invalidates: {invalidates(s)}" for k, s in specs.items()]
    if cell.params.get("push"):
        from relay_tui.services.vault_changes import push_rotated

        try:
            pushed = push_rotated(project, env, values, actor)
        except RelayError as exc:
            lines.append(f"the file has the new values; Vault was NOT updated: {exc.message}")
            lines += [f"hint: {exc.hint}"] if exc.hint else []
            lines.append(f"once fixed: relay-tui vault push --env {env.name}")
            raise CellFailed(lines) from None
        lines += [pushed.summary.replace(" with check-and-set", ""), *pushed.warnings]
    return lines


def _due_keys(project: Project, env: Environment) -> list[str]:
    """Keys of `env` whose rotation is overdue or due within 14 days (by the ledger)."""
    from relay_tui.project.envfile import EnvFile
    from relay_tui.rules.rotation import dates_for, rotation_findings

    if not env.file.exists():
        return []
    dates = dates_for(project, env)
    found = rotation_findings(EnvFile.load(env.file), env.name, "", project.specs, dates)
    return [f.key for f in found if f.key and f.code in ("rotation-overdue", "rotation-due")]


def _scan(number: int, cell: Cell, project: Project, options: RunOptions) -> list[str]:
    from relay_tui.scan.baseline import default_path, load_baseline, split_baselined
    from relay_tui.scan.report import cell_line
    from relay_tui.scan.scanner import ScanOptions
    from relay_tui.services.scan_changes import scan_recorded

    history, where = cell.params.get("history", False), str(cell.params.get("path") or ".")
    if not isinstance(history, bool):
        raise RelayError(f"cell {number}: history must be true or false")
    root = (project.root / where).resolve()
    if not root.is_dir() or not root.is_relative_to(project.root.resolve()):
        raise RelayError(f"cell {number}: {safe_text(where)} is not a folder of the project")
    known = load_baseline(default_path(project.root))
    report, outcome = scan_recorded(root, ScanOptions(history=history), project, known,
                                    _actor(options))  # fmt: skip
    found, hidden = split_baselined(report.findings, known)
    lines = [cell_line(f) for f in found] + outcome.warnings
    total = f"{len(found)} finding(s) in {report.files} file(s)"
    if history:
        total += f" and {report.commits} commit(s)"
    lines.append(total + (f"; {len(hidden)} accepted by the baseline" if hidden else ""))
    if found:
        raise CellFailed(lines)
    return lines


def _checklist(number: int, cell: Cell, project: Project, options: RunOptions) -> list[str]:
    from relay_tui.notebooks.checklist import checklist_items, item_line

    now = datetime.datetime.now(datetime.UTC)
    items = checklist_items(cell, options.started or now)
    ticks = [options.ticked.get((number, index)) for index in range(len(items))]
    lines = [item_line(item, tick, now) for item, tick in zip(items, ticks, strict=True)]
    still_open = sum(1 for tick in ticks if tick is None)
    if still_open:
        raise NeedsPerson(
            f"the checklist needs a person to tick {still_open} of {len(items)} item(s)",
            lines=lines,
            hint="tick them in the workbench's Notebook pane",
        )
    return [*lines, f"every item is done ({len(items)})"]


def _explain(number: int, cell: Cell, project: Project, options: RunOptions) -> list[str]:
    from relay_tui.notebooks import setup_steps

    return setup_steps.explain(project, cell_env(cell, project, options))


def _fill_missing(number: int, cell: Cell, project: Project, options: RunOptions) -> list[str]:
    from relay_tui.notebooks import setup_steps

    env = cell_env(cell, project, options)
    needed = setup_steps.values_needed(project, env)
    given = {key: options.inputs[key] for key, _ in needed if key in options.inputs}
    lines = []
    if given:
        warnings: list[str] = []
        written = setup_steps.fill(project, env, given, _actor(options), warnings)
        lines.append(f"filled in {env.file.name}: {', '.join(map(safe_text, written))}")
        lines += warnings
    missing = [(key, text) for key, text in needed if key not in given]
    if missing:
        raise NeedsPerson(
            f"{len(missing)} key(s) of {env.name} need a value from a person: "
            + ", ".join(safe_text(key) for key, _ in missing),
            lines=[*lines, *(f"{safe_text(k)}: {safe_text(t or 'a value')}" for k, t in missing)],
            hint=SET_HINT,
        )
    return lines or [f"every key of {env.file.name} that a person gives has a value"]


def _gitignore(number: int, cell: Cell, project: Project, options: RunOptions) -> list[str]:
    from relay_tui.notebooks import setup_steps
    from relay_tui.project.project import load_project
    from relay_tui.services.changes import require_writable

    require_writable(_actor(options), ".gitignore")
    added = setup_steps.ignore_env_files(load_project(project.root))  # sees files made by now
    if not added:
        return ["git already ignores every environment file"]
    return [f"added to .gitignore: {safe_text(line)}" for line in added]


def _vault_check(number: int, cell: Cell, project: Project, options: RunOptions) -> list[str]:
    from relay_tui.notebooks import setup_steps

    return setup_steps.vault_check(project, cell_env(cell, project, options))


def _write_config(number: int, cell: Cell, project: Project, options: RunOptions) -> list[str]:
    from relay_tui.notebooks import setup_steps
    from relay_tui.project.project import CONFIG_NAME, load_project

    if (project.root / CONFIG_NAME).exists():
        return [f"{CONFIG_NAME} exists: left as it is"]
    if not options.yes:
        return [
            f"not written: run with --yes to write {CONFIG_NAME} (or accept it in the workbench)"
        ]
    from relay_tui.services.changes import require_writable

    require_writable(_actor(options), CONFIG_NAME)
    path = setup_steps.write_project_config(load_project(project.root))  # sees files made by now
    return [f"wrote {path.name}: what this setup learned (names and kinds, no value)"]


RUNNERS: dict[str, Runner] = {
    "markdown": _markdown,
    "generate-env": _generate_env,
    "generate": _generate,
    "set": _set,
    "validate": _validate,
    "diff": _diff,
    "vault-push": _vault("push"),
    "vault-pull": _vault("pull"),
    "rotate": _rotate,
    "scan": _scan,
    "checklist": _checklist,
    "explain": _explain,
    "fill-missing": _fill_missing,
    "gitignore": _gitignore,
    "vault-check": _vault_check,
    "write-config": _write_config,
}
