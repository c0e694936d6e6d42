"""Run a notebook headless: each cell calls the core; results are lines with key names only."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from relay_tui.core.audit import try_record as audit
from relay_tui.core.envstore import WritePolicy
from relay_tui.core.masking import safe_text
from relay_tui.core.notebook import Cell, Notebook
from relay_tui.core.project import Environment, Project
from relay_tui.errors import RelayError


class CellResult(NamedTuple):
    """What one cell did: 'ok', 'failed' or 'not run', and what it says (never a value)."""

    number: int
    type: str
    status: str
    lines: list[str]


class RunOptions(NamedTuple):
    """How to run: the default environment, --yes, --keep-going, values given with --set."""

    env: str
    yes: bool = False
    keep_going: bool = False
    inputs: dict[str, str] = {}  # noqa: RUF012 (a NamedTuple default, never mutated)


class NeedsPerson(RelayError):
    """A cell that needs a person's answer was run headless."""


def run_notebook(notebook: Notebook, project: Project, options: RunOptions) -> list[CellResult]:
    """Run the cells in order; stop at the first failure unless keep_going."""
    results: list[CellResult] = []
    failed = False
    for number, cell in enumerate(notebook.cells, start=1):
        if failed and not options.keep_going:
            results.append(CellResult(number, cell.type, "not run", []))
            continue
        try:
            lines = RUNNERS[cell.type](cell, project, options)
        except RelayError as exc:
            failed = True
            lines = [exc.message, *([f"hint: {exc.hint}"] if exc.hint else [])]
            results.append(CellResult(number, cell.type, "failed", lines))
            continue
        except CellFailed as exc:
            failed = True
            results.append(CellResult(number, cell.type, "failed", exc.lines))
            continue
        results.append(CellResult(number, cell.type, "ok", lines))
    audit("notebook", options.env, [], "failed" if failed else "ok", notebook.title)
    return results


class CellFailed(Exception):
    """A cell ran and its result is a failure (e.g. validation errors)."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("cell failed")
        self.lines = lines


def _env(cell: Cell, project: Project, options: RunOptions) -> Environment:
    return project.environment(str(cell.params.get("env") or options.env))


def _policy(options: RunOptions) -> WritePolicy:
    return WritePolicy(yes=options.yes)


def _markdown(cell: Cell, project: Project, options: RunOptions) -> list[str]:
    return str(cell.params.get("text", "")).splitlines()


def _generate_env(cell: Cell, project: Project, options: RunOptions) -> list[str]:
    from relay_tui.core.envstore import check_allowed, write_new_file
    from relay_tui.core.rotation import try_record
    from relay_tui.core.template import fill_template

    env = _env(cell, project, options)
    if env.file.exists():
        return [f"{env.file.name} exists: left as it is"]
    if project.template is None:
        raise RelayError(f"no template in {project.root.name} to generate {env.file.name} from")
    check_allowed(env, _policy(options))
    result = fill_template(project.template, project.specs, env.name)
    write_new_file(env.file, result.envfile.to_bytes(), force=False)
    try_record(project.root, env.name, list(result.generated))
    audit("generate", env.name, list(result.generated), "ok", "notebook")
    lines = [f"wrote {env.file.name} (0600): {len(result.generated)} generated"]
    lines += [f"needs a value: {s.key} ({s.help or s.kind})" for s in result.needs_value]
    return lines


def _generate(cell: Cell, project: Project, options: RunOptions) -> list[str]:
    return _rotate(Cell("rotate", {**cell.params, "keys": [cell.params.get("key")]}), project,
                   options, action="generate")  # fmt: skip


def _set(cell: Cell, project: Project, options: RunOptions) -> list[str]:
    from relay_tui.core.envstore import edit_env
    from relay_tui.core.rotation import try_record

    env, key = _env(cell, project, options), str(cell.params.get("key", ""))
    value = options.inputs.get(key)
    if value is None:
        help_text = cell.params.get("help") or "a value"
        raise NeedsPerson(
            f"{safe_text(key)} needs a person: {safe_text(str(help_text))}",
            hint=f"headless, give it with --set {safe_text(key)}=@FILE",
        )
    edit_env(env, lambda envfile: envfile.set(key, value), _policy(options))
    try_record(project.root, env.name, [key])
    audit("set", env.name, [key], "ok", "notebook")
    return [f"set {safe_text(key)} in {env.file.name}"]


def _validate(cell: Cell, project: Project, options: RunOptions) -> list[str]:
    from relay_tui.core.validate import validate

    env = _env(cell, project, options)
    report = validate(project, [env.name])
    lines = [f"{f.severity}: {f.code}: {f.message}" for f in report.findings]
    lines.append(f"{report.errors} error(s), {report.warnings} warning(s)")
    if report.errors:
        raise CellFailed(lines)
    return lines


def _diff(cell: Cell, project: Project, options: RunOptions) -> list[str]:
    from relay_tui.core.compare import compare_values
    from relay_tui.core.envfile import EnvFile
    from relay_tui.paths import fingerprint_key

    a, b = _env(cell, project, options), project.environment(str(cell.params.get("other", "")))
    rows = compare_values(EnvFile.load(a.file).values(), EnvFile.load(b.file).values(),
                          a.name, b.name, fingerprint_key())  # fmt: skip
    drift = [r for r in rows if r.drift]
    lines = [f"{safe_text(r.key)}: {r.status}" for r in drift]
    lines.append(f"{len(drift)} key(s) missing on one side or sharing a value")
    if drift:
        raise CellFailed(lines)
    return lines


def _vault(direction: str) -> Callable[[Cell, Project, RunOptions], list[str]]:
    def run(cell: Cell, project: Project, options: RunOptions) -> list[str]:
        from relay_tui.core.envfile import EnvFile
        from relay_tui.core.vault import VaultStore
        from relay_tui.core.vault_sync import apply_pull, apply_push, make_plan, settings_for

        env = _env(cell, project, options)
        store = VaultStore(settings_for(project, env))
        envfile = EnvFile.load(env.file) if env.file.exists() else EnvFile.parse("", env.file)
        plan = make_plan(store, project, env, envfile)
        keys = sorted(plan.only_local + plan.only_vault + plan.changed)
        if plan.in_sync:
            return [f"{env.name} and {plan.location.full} are in sync"]
        if direction == "push":
            apply_push(store, plan, env, _policy(options))
        else:
            apply_pull(plan, env, envfile, _policy(options))
        audit(direction, env.name, keys, "ok", "notebook")
        return [f"{direction}: {', '.join(map(safe_text, keys))} ({plan.location.full})"]

    return run


def _rotate(cell: Cell, project: Project, options: RunOptions, action: str = "rotate") -> list[str]:
    from relay_tui.core.rotation import rotate_in_file, try_record

    env = _env(cell, project, options)
    wanted = cell.params.get("keys") or []
    keys = _due_keys(project, env) if wanted == "due" else [str(k) for k in wanted]
    if not keys:
        return [f"nothing is due for rotation in {env.name}"]
    values = rotate_in_file(project, env, keys, _policy(options), options.inputs)
    try_record(project.root, env.name, keys)
    audit(action, env.name, keys, "ok", "notebook")
    lines = [f"{action}: {', '.join(map(safe_text, keys))} in {env.file.name}"]
    if cell.params.get("push"):
        from relay_tui.core.vault_sync import push_values

        try:
            path = push_values(project, env, values)
        except RelayError as exc:
            raise CellFailed([*lines, f"the file has the new values; Vault was NOT updated: "
                              f"{exc.message}"]) from None  # fmt: skip
        audit("push", env.name, keys, "ok", "notebook")
        lines.append(f"pushed to {path}")
    return lines


def _due_keys(project: Project, env: Environment) -> list[str]:
    """Keys of `env` whose rotation is overdue or due within 14 days (by the ledger)."""
    from relay_tui.core.envfile import EnvFile
    from relay_tui.core.rotation import dates_for, rotation_findings

    if not env.file.exists():
        return []
    dates = dates_for(project, env)
    found = rotation_findings(EnvFile.load(env.file), env.name, "", project.specs, dates)
    return [f.key for f in found if f.key and f.code in ("rotation-overdue", "rotation-due")]


def _scan(cell: Cell, project: Project, options: RunOptions) -> list[str]:
    raise RelayError("the leak scanner is not part of this version yet; this cell cannot run")


def _checklist(cell: Cell, project: Project, options: RunOptions) -> list[str]:
    items = [str(i.get("text", i)) if isinstance(i, dict) else str(i) for i in
             cell.params.get("items") or []]  # fmt: skip
    raise NeedsPerson(
        "a checklist needs a person to tick it: " + "; ".join(map(safe_text, items)),
        hint="open the notebook in the workbench",
    )


RUNNERS: dict[str, Callable[[Cell, Project, RunOptions], list[str]]] = {
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
}
