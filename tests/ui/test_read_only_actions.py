"""Every workbench action that would write, in a read-only session: the same refusal as the CLI
(the services' text), no dialog opened, no file changed."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from relay_tui.ui.app import RelayApp
from relay_tui.ui.modals import ConfirmScreen, EditValueScreen, PickScreen
from tests.ui.conftest import MakeApp
from tests.ui.test_env_pane import goto_key
from tests.ui.test_generate_pane import new_value, open_pane
from tests.ui.test_validate_pane import open_validate, select

REFUSAL = "read-only session: nothing was written"
Action = Callable[[Pilot[int]], Awaitable[None]]


async def edit_a_value(pilot: Pilot[int]) -> None:
    await goto_key(pilot, "PORT")
    await pilot.press("e")


async def generate_a_value(pilot: Pilot[int]) -> None:
    await goto_key(pilot, "JWT_SECRET_KEY")
    await pilot.press("g")


async def add_a_key(pilot: Pilot[int]) -> None:
    await pilot.press("a")


async def delete_a_key(pilot: Pilot[int]) -> None:
    await goto_key(pilot, "PORT")
    await pilot.press("d")


async def fix_a_finding(pilot: Pilot[int]) -> None:
    await open_validate(pilot)
    await select(pilot, "insecure-permissions", "development")
    await pilot.press("x")


async def insert_a_generated_value(pilot: Pilot[int]) -> None:
    pane = await open_pane(pilot)
    await new_value(pilot, pane)
    await pilot.press("i")


ACTIONS: dict[str, Action] = {
    "env: e edit": edit_a_value,
    "env: g generate": generate_a_value,
    "env: a add": add_a_key,
    "env: d delete": delete_a_key,
    "validate: x fix": fix_a_finding,
    "generate: i insert": insert_a_generated_value,
}


def files(root: Path) -> dict[str, tuple[str, int]]:
    return {
        str(p.relative_to(root)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mode)
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


@pytest.mark.parametrize("name", list(ACTIONS))
async def test_a_writing_action_is_refused_with_the_one_message(
    make_app: MakeApp, workbench_project: Path, name: str
) -> None:
    os.chmod(workbench_project / ".env", 0o644)  # so that the Validate pane offers a fix
    before = files(workbench_project)
    app: RelayApp = make_app(read_only=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await ACTIONS[name](pilot)
        await pilot.pause()
        assert not isinstance(app.screen, EditValueScreen | ConfirmScreen | PickScreen)
        said = " ".join(str(n.message) for n in app._notifications)
        assert REFUSAL in said, said
    assert files(workbench_project) == before
