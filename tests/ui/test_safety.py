"""DESIGN section 5 in the workbench: literal text, no leaks on crash, copy, screenshots."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from relay_tui.ui.launch import scrub_environment
from relay_tui.ui.widgets.grid import Grid
from tests.conftest import REPO
from tests.ui.conftest import DEV_SECRET, MakeApp, screen_text
from tests.ui.test_env_pane import goto_key

INJECTION = {
    "A": "[/]",
    "B": "[@click=app.quit]x",
    "C": "[link=http://x]y",
    "D": "esc\x1b[2Jhere",
    "E": "osc\x1b]52;c;aGVsbG8=\x07end",
    "F": "bell\x07ring",
    "G": "bidi\u202eevil",
}
SHOWN = {
    "A": "[/]",
    "B": "[@click=app.quit]x",
    "C": "[link=http://x]y",
    "D": "esc\\e[2Jhere",
    "E": "osc\\e]52;c;aGVsbG8=\\x07end",
    "F": "bell\\x07ring",
    "G": "bidi\\u202eevil",
}


@pytest.fixture
def injection_project(workbench_project: Path) -> Path:
    lines = [f'{k}="{v}"' if k in "ABC" else f"{k}='{v}'" for k, v in INJECTION.items()]
    (workbench_project / ".env").write_text("\n".join(lines) + "\n")
    return workbench_project


async def test_hostile_values_show_literally_and_do_nothing(
    make_app: MakeApp, injection_project: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        for key, shown in SHOWN.items():
            await goto_key(pilot, key)
            await pilot.press("r")
            await pilot.pause()
            text = screen_text(app)
            assert shown in text, (key, text)
            assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
        await pilot.click("#keys", offset=(20, 3))  # clicking a rendered [@click] does nothing
        await pilot.pause()
        assert app.is_running


async def test_hostile_key_names_and_file_names_are_plain(
    make_app: MakeApp, workbench_project: Path
) -> None:
    (workbench_project / ".env").write_text("GOOD=1\n[bold]=x\n")  # an invalid key name
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert "[bold]" in text and "invalid-key-name" in text
        assert app.is_running


def test_a_crash_prints_no_value_and_exits_non_zero(workbench_project: Path) -> None:
    """A real process: a local variable and the exception message hold the secret."""
    script = f"""
import relay_tui.ui.panes.env_pane as pane
def boom(self, *args):
    secret_local = {DEV_SECRET!r}
    raise RuntimeError("value was " + secret_local)
pane.EnvPane.action_reveal = boom
from relay_tui.ui.app import RelayApp
from relay_tui.ui.session import Session
from pathlib import Path
app = RelayApp(Session.open(Path({str(workbench_project)!r})))
async def drive():
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await pilot.pause()
import asyncio
try:
    asyncio.run(drive())
except RuntimeError:
    pass
import sys
from relay_tui.ui.crash import summary
sys.exit(app.return_code or 0)
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.returncode == 70  # the documented exit code of an internal error
    assert DEV_SECRET not in result.stdout + result.stderr
    assert "secret_local" not in result.stdout + result.stderr


def test_crash_summary_names_the_place_not_the_message() -> None:
    from relay_tui.ui.crash import summary

    try:
        secret = "hunter2-SUPERSECRET"
        raise ValueError(f"bad {secret}")
    except ValueError as exc:
        text = summary(exc)
    assert "ValueError" in text and "test_safety.py" in text and "hunter2" not in text


async def test_screenshots_are_disabled(make_app: MakeApp, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_screenshot()
        app.deliver_screenshot()
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert titles and not [t for t in titles if "creenshot" in t]
    assert list((tmp_path / "cwd").iterdir()) == []


def test_risky_textual_variables_are_removed() -> None:
    environ = {"TEXTUAL": "devtools", "TEXTUAL_SCREENSHOT": "1", "TEXTUAL_PRESS": "q", "X": "1"}
    assert sorted(scrub_environment(environ)) == ["TEXTUAL", "TEXTUAL_PRESS", "TEXTUAL_SCREENSHOT"]
    assert environ == {"X": "1"}


async def test_copy_only_on_request_warns_over_ssh_and_clears(
    make_app: MakeApp, monkeypatch
) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 1 10.0.0.2 22")
    copied: list[str] = []
    timers: list[tuple[float, object]] = []
    app = make_app()
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=(80, 24)) as pilot:
        await goto_key(pilot, "JWT_SECRET_KEY")
        await pilot.press("r", "down", "up")
        await pilot.pause()
        assert copied == []  # revealing and moving never copy
        # The clearing timer is captured, not scheduled: no wall-clock race on a loaded machine.
        real_set_timer = app.set_timer

        def capture(delay: float, callback: object = None, **kwargs: object) -> object:
            if callback == app.clear_clipboard:
                timers.append((delay, callback))
                return None
            return real_set_timer(delay, callback, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(app, "set_timer", capture)
        await pilot.press("c")
        await pilot.pause()
        assert copied == [DEV_SECRET]
        assert any("SSH" in str(n.message) for n in app._notifications)
        assert [delay for delay, _ in timers] == [30.0]
        timers[0][1]()  # type: ignore[operator]
        assert copied[-1] == ""


async def test_grid_cells_are_never_markup(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        grid = app.query_one("#keys", Grid)
        grid.show_instead(grid.rows[0].key, 1, "[@click=app.quit]q[/]")
        await pilot.pause()
        assert "[@click=app.quit]q[/]"[:8] in screen_text(app)
        assert app.is_running
