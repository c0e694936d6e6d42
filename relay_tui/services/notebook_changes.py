"""Notebook files and runs: a new notebook, a saved one, a report, the audit line of a run."""

from __future__ import annotations

from pathlib import Path

from relay_tui.domain.masking import safe_text
from relay_tui.errors import RefusedError, UsageError
from relay_tui.infra import safewrite
from relay_tui.infra.trust import inside
from relay_tui.project.envstore import write_new_file, write_requested
from relay_tui.services.changes import Actor, Outcome, audit_only, require_writable


def _folder(root: Path, folder: Path) -> None:
    """The notebooks folder must stay inside the project (a link out of it is refused)."""
    if not inside(root, folder):
        raise RefusedError(
            f"{safe_text(str(folder))} leads out of the project; nothing was written",
            hint="make notebooks/ a folder of the project, not a link",
        )
    folder.mkdir(parents=True, exist_ok=True)


def new_notebook(root: Path, name: str, text: str, actor: Actor) -> Outcome:
    """Write notebooks/NAME.toml, a new file (never over one, never through a link)."""
    require_writable(actor, f"notebooks/{name}.toml")
    if not name.replace("-", "").replace("_", "").isalnum():
        raise UsageError(f"{safe_text(name)!r}: use letters, digits, '-' and '_'")
    target = root / "notebooks" / f"{name}.toml"
    _folder(root, target.parent)
    write_requested(target, text.encode(), force=False, what="notebook")
    return Outcome(
        changed=[str(target.relative_to(root))], summary=f"wrote {target.relative_to(root)}"
    )


def save_notebook(root: Path, path: Path, text: str, actor: Actor) -> Outcome:
    """Write a notebook's cells and last results (never a value) to `path` in the project."""
    require_writable(actor, path.name)
    _folder(root, path.parent)
    with safewrite.locked(path) as target:
        safewrite.write(target, text.encode("utf-8"), expected=safewrite.current_digest(target))
    return Outcome(changed=[path.name])


def write_report(root: Path, path: Path, text: str, actor: Actor) -> Outcome:
    """Write a run's timeline (markdown) under the project's notebooks/reports/."""
    require_writable(actor, path.name)
    _folder(root, path.parent)
    write_new_file(path, text.encode("utf-8"), force=True, check_git=False)
    return Outcome(changed=[path.name])


def record_run(
    actor: Actor, env: str | None, title: str, result: str, cells: str = ""
) -> list[str]:
    """The audit line of a notebook run (ok, failed, refused, cancelled); its warnings."""
    detail = f"{title}, cell(s) {cells}" if cells else title
    return audit_only(actor, "notebook", env, [], result, detail)
