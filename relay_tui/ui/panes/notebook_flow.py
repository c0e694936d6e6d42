"""Running notebook cells from the workbench: ask what a cell needs, run it off the UI thread."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from relay_tui.domain.masking import safe_text
from relay_tui.errors import RelayError
from relay_tui.notebooks.runner import (
    RunOptions,
    key_choices,
    needs_keys,
    run_cell,
    values_needed,
    writes,
)
from relay_tui.services.changes import require_writable
from relay_tui.services.notebook_changes import record_run
from relay_tui.ui.messages import DataChanged, SwitchEnvironment
from relay_tui.ui.modals import ConfirmScreen, EditValueScreen
from relay_tui.ui.notebook_state import FAILED, OK, RUNNING, Entry
from relay_tui.ui.panes.notebook_modals import ChooseScreen
from relay_tui.ui.session import TEMPLATE

if TYPE_CHECKING:
    from relay_tui.notebooks.runner import CellResult, RunOptions
    from relay_tui.ui.panes.notebook_pane import NotebookPane


class Cancelled(Exception):
    """The person cancelled a question a cell asked."""


async def run_cells(pane: NotebookPane, indexes: list[int]) -> None:
    """Run cells in order, stopping at the first one that fails or is cancelled."""
    state = pane.state
    ran: list[str] = []
    outcome = "ok"
    for index in indexes:
        entry = state.entries[index]
        try:
            result = await run_one(pane, index)
        except Cancelled:
            pane.notify(f"cell {index + 1} not run: cancelled", severity="warning")
            outcome = "cancelled"
            break
        except RelayError as exc:
            pane.fail(exc)
            outcome = "refused"
            break
        ran.append(str(index + 1))
        if result.status != OK:
            outcome = "failed"
            if len(indexes) > 1:
                what = f"cell {index + 1} ({entry.cell.type})"
                pane.notify(f"{what} failed: the run stopped there", severity="error")
            break
    if ran:
        actor = pane.session.actor()
        pane.tell_warnings(
            record_run(actor, state.default_env, state.title, outcome, ", ".join(ran))
        )


async def run_one(pane: NotebookPane, index: int) -> CellResult:
    """Ask for what the cell needs, run it in a thread, and show its result."""
    state, session = pane.state, pane.session
    entry = state.entries[index]
    changed = writes(entry.cell, state.default_env)
    if changed:
        what = f"cell {index + 1} ({entry.cell.type}) would change {', '.join(sorted(changed))}"
        require_writable(session.actor(), what, nothing="nothing was run")
    pane.focus_cell(index)
    options = await ask(pane, entry, _options(pane))
    entry.state = RUNNING
    pane.redraw_cell(index)
    number = index + 1
    result = await asyncio.to_thread(run_cell, number, entry.cell, session.project, options)
    state.finished(index, result)
    targets: list[str | None] = [*sorted(changed)] or [None]
    for env in targets:
        session.files_changed(env)

    if session.active == TEMPLATE and state.default_env in session.project.environments:
        # the setup's new .env becomes the active one
        pane.post_message(SwitchEnvironment(state.default_env))
    pane.redraw_all()
    if changed:
        pane.post_message(DataChanged(None))
    if result.status == FAILED:
        pane.notify(f"cell {number} failed: see the lines under it", severity="error")
    return result


def _options(pane: NotebookPane) -> RunOptions:

    state = pane.state
    return RunOptions(
        state.default_env,
        started=state.start_clock(),
        ticked=state.ticked_for_run(),
        read_only=pane.session.read_only,
    )


async def ask(pane: NotebookPane, entry: Entry, options: RunOptions) -> RunOptions:
    """The keys to choose, the values to type and the confirmations the cell needs."""
    project, cell = pane.session.project, entry.cell
    if needs_keys(cell):
        choices = key_choices(cell, project, options)
        if not choices:
            raise RelayError(f"no keys with a value in {options.env} to choose from")
        picked = await pane.app.push_screen_wait(
            ChooseScreen(
                "Choose the compromised keys",
                [(k, k) for k in choices],
                set(pane.state.preset_keys) & set(choices),
            )
        )
        if not picked:
            raise Cancelled
        options = options._replace(keys=tuple(picked))
    inputs: dict[str, str] = {}
    for key, help_text in values_needed(cell, project, options):
        value = await pane.app.push_screen_wait(
            EditValueScreen(f"value for {safe_text(key)}: {safe_text(help_text)}", "")
        )
        if value is None:
            raise Cancelled
        if not value:
            raise RelayError(f"{safe_text(key)}: an empty value was not used")
        inputs[key] = value
    options = options._replace(inputs=inputs)
    yes = False
    confirm = cell.record.confirm  # e.g. write-config's: "Write relay.toml …?"
    question = confirm(cell, project) if confirm is not None else None
    if question is not None:
        yes = await pane.app.push_screen_wait(ConfirmScreen(question))
    for env in sorted(writes(cell, options.env)):
        if project.environment(env).protected:
            yes = await pane.app.push_screen_wait(
                ConfirmScreen(
                    f"Cell {cell.type} changes the PROTECTED environment {env}.",
                    type_to_confirm=env,
                )
            )
            if not yes:
                raise Cancelled
    return options._replace(yes=yes)
