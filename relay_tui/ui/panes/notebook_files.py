"""Saving, opening and reporting the workbench's notebook: files under the project's notebooks/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from relay_tui.domain.masking import safe_text
from relay_tui.errors import RelayError, UsageError
from relay_tui.notebooks.document import BUILTIN_DIR, builtin_names, dumps, load
from relay_tui.notebooks.report import timeline_markdown
from relay_tui.notebooks.runner import RunOptions
from relay_tui.services.notebook_changes import save_notebook as save
from relay_tui.services.notebook_changes import write_report

if TYPE_CHECKING:
    from relay_tui.ui.notebook_state import NotebookState
    from relay_tui.ui.session import Session


def save_notebook(state: NotebookState, session: Session) -> str:
    """Write the notebook (cells and last results) to its file; returns where, relative."""
    root = session.project.root
    path = state.path
    if path is None or path.parent == BUILTIN_DIR:
        stem = path.stem if path is not None else _slug(state.title)
        path = root / "notebooks" / f"{stem}.toml"
    text = dumps(state.notebook(), state.results(), avoid=_values(session))
    save(root, path, text, session.actor())
    state.path, state.dirty = path, False
    return _shown(path, root)


def export_report(state: NotebookState, session: Session) -> str:
    """Write the timeline of this session's run as markdown in notebooks/reports/."""
    if state.started is None:
        raise UsageError("nothing has run yet: run a cell first, then export the timeline")
    root = session.project.root
    stem = state.path.stem if state.path is not None else _slug(state.title)
    path = root / "notebooks" / "reports" / f"{stem}-{state.started:%Y%m%d-%H%M%S}.md"
    options = RunOptions(state.default_env, started=state.started, ticked=state.ticked_for_run())
    results = [r for _, r in sorted(state.results().items())]
    text = timeline_markdown(state.notebook(), results, options)
    write_report(root, path, text, session.actor())
    return _shown(path, root)


def notebook_choices(root: Path) -> list[tuple[str, str]]:
    """The project's notebooks, then the built-in ones, as (name or path, label)."""
    choices: list[tuple[str, str]] = []
    for path in sorted((root / "notebooks").glob("*.toml")):
        try:
            title = load(path).title
        except RelayError:
            title = "cannot be read"
        choices.append((str(path), f"{path.stem}: {title} (project)"))
    for name in builtin_names():
        title = load(BUILTIN_DIR / f"{name}.toml").title
        choices.append((name, f"{name}: {title} (built in)"))
    return choices


def _values(session: Session) -> set[str]:
    """Every value the session has read, so a save can prove none of them is in the file."""
    found: set[str] = set()
    for name in [*session.project.environments, *session.states]:
        for key, value in session.values(name).items():
            if value and session.spec(key).is_secret:
                found.add(value)
    return found


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "notebook"


def _shown(path: Path, root: Path) -> str:
    try:
        return safe_text(str(path.relative_to(root)))
    except ValueError:
        return safe_text(str(path))
