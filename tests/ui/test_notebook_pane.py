"""Pane 5, Notebook: the guided first-time setup, cell states, editing, ticking, saving."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from relay_tui.project.envfile import EnvFile
from relay_tui.ui.app import RelayApp
from relay_tui.ui.modals import ConfirmScreen, EditValueScreen, PickScreen
from relay_tui.ui.panes.notebook_cell import CellView
from relay_tui.ui.panes.notebook_modals import ChooseScreen, EditCellScreen
from relay_tui.ui.panes.notebook_pane import NotebookPane
from relay_tui.ui.session import Session
from tests.ui.conftest import DEV_SECRET, MakeApp, screen_text


def fresh_app(project: Path, *, read_only: bool = False) -> RelayApp:
    """The workbench on a project that has only its template (no .env yet)."""
    return RelayApp(Session.open(project, read_only=read_only))


def states(app: RelayApp) -> list[str]:
    return [view.entry.state for view in app.query(CellView)]


async def wait_idle(pilot, app: RelayApp) -> None:
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def answer_values(pilot, app: RelayApp, limit: int = 20) -> dict[str, str]:
    """Type a made-up value into every value dialog that comes up; returns key -> value."""
    typed: dict[str, str] = {}
    for number in range(limit):
        await wait_for_screen(pilot, app)
        screen = app.screen
        if not isinstance(screen, EditValueScreen):
            return typed
        key = screen.title_text.removeprefix("value for ").split(":")[0]
        value = f"typed-{number}-" + "q" * 24
        if key.endswith("_URL"):
            value = f"postgresql://relay:typed{number}pw-long-enough@db.example.invalid:5432/relay"
        screen.query_one("#value").value = value
        typed[key] = value
        await pilot.press("enter")
    raise AssertionError("too many value dialogs")


async def wait_for_screen(pilot, app: RelayApp) -> None:
    for _ in range(40):
        await pilot.pause(0.05)
        if app.screen is not app.screen_stack[0]:
            return
        if not any(w.is_running for w in app.workers):
            return


async def open_notebook(pilot, app: RelayApp, name: str) -> NotebookPane:
    await pilot.press("5")
    await wait_idle(pilot, app)
    pane = app.query_one(NotebookPane)
    pane.open_notebook(name)
    await wait_idle(pilot, app)
    return pane


class TestGuidedSetup:
    async def test_opens_by_itself_without_a_dotenv(self, project: Path) -> None:
        app = fresh_app(project)
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_idle(pilot, app)
            assert app.active_pane.id == "pane-notebook"
            text = screen_text(app)
            assert "First-time setup" in text and "first-time setup" in text.lower()

    async def test_not_with_a_dotenv_nor_read_only(self, make_app: MakeApp, project: Path) -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_idle(pilot, app)
            assert app.active_pane.id == "pane-env"
        for name in (".env", ".env.production"):
            (project / name).unlink()
        app = fresh_app(project, read_only=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_idle(pilot, app)
            assert app.active_pane.id == "pane-env"

    async def test_run_all_writes_a_checked_dotenv(self, project: Path) -> None:
        app = fresh_app(project)
        async with app.run_test(size=(100, 40)) as pilot:
            await wait_idle(pilot, app)
            await pilot.press("R")
            typed = await answer_values(pilot, app)
            assert "STRIPE_SECRET_KEY" in typed  # a provider key is asked for, with its help
            await wait_for_screen(pilot, app)
            assert isinstance(app.screen, ConfirmScreen)  # the offer to write relay.toml
            await pilot.click("#yes")
            await wait_idle(pilot, app)
            env = project / ".env"
            assert stat.S_IMODE(os.stat(env).st_mode) == 0o600
            values = EnvFile.load(env).values()
            assert all(values[k] == v for k, v in typed.items())
            assert len(values["JWT_SECRET_KEY"]) >= 43  # generated
            assert (project / "relay.toml").is_file()
            assert states(app)[-1] == "ok", states(app)
            assert app.session.active == "development"  # the new .env is now an environment
            text = screen_text(app)
            assert not any(v in text for v in [*typed.values(), values["JWT_SECRET_KEY"]])

            await pilot.press("s")  # saved with its results: still no value in the file
            await wait_idle(pilot, app)
            saved = (project / "notebooks" / "first-time-setup.toml").read_text()
            assert "[cells.output]" in saved or "output" in saved
            generated = ["JWT_SECRET_KEY", "SESSION_SECRET", "DATABASE_PASSWORD", "API_KEY_SALT"]
            for value in [*typed.values(), *(values[k] for k in generated)]:
                assert value not in saved


class TestCells:
    async def test_states_and_stale(self, make_app: MakeApp, project: Path) -> None:
        (project / "notebooks").mkdir()
        (project / "notebooks" / "check.toml").write_text(
            'title = "check"\n[[cells]]\ntype = "validate"\n'
            '[[cells]]\ntype = "generate"\nkey = "JWT_SECRET_KEY"\n'
        )
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await open_notebook(pilot, app, "check")
            assert states(app) == ["not run", "not run"]
            await pilot.press("r")
            await wait_idle(pilot, app)
            assert states(app)[0] in ("ok", "failed")
            await pilot.press("down", "r")
            await wait_idle(pilot, app)
            assert states(app) == ["stale", "ok"]  # the generate changed what validate read
            assert EnvFile.load(project / ".env").values()["JWT_SECRET_KEY"] != DEV_SECRET

    async def test_read_only_refuses_a_cell_that_writes(self, make_app: MakeApp) -> None:
        app = make_app(read_only=True)
        async with app.run_test(size=(100, 30)) as pilot:
            await open_notebook(pilot, app, "rotate-what-is-due")
            await pilot.press("R")
            await wait_idle(pilot, app)
            said = " ".join(str(n.message) for n in app._notifications)
            assert "read-only session" in said and "nothing was run" in said
            assert states(app)[1:] == ["not run", "not run"]

    async def test_add_edit_move_delete(self, make_app: MakeApp) -> None:
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            pane = await open_notebook(pilot, app, "rotate-what-is-due")
            count = len(pane.state.entries)
            await pilot.press("a")
            await wait_for_screen(pilot, app)
            assert isinstance(app.screen, PickScreen)
            app.screen.dismiss("set")
            await wait_for_screen(pilot, app)
            assert isinstance(app.screen, EditCellScreen)
            area = app.screen.query_one("TextArea")
            area.text = 'type = "set"\nkey = "API_KEY_SALT"\nvalue = "oops"\n'
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, EditCellScreen)  # refused: a value cannot be saved
            assert "cannot be saved" in screen_text(app)
            area.text = 'type = "set"\nkey = "API_KEY_SALT"\nhelp = "any long random text"\n'
            await pilot.press("ctrl+s")
            await wait_idle(pilot, app)
            assert len(pane.state.entries) == count + 1
            assert pane.state.entries[1].cell.params["key"] == "API_KEY_SALT"
            await pilot.press("K")  # move it up
            await wait_idle(pilot, app)
            assert pane.state.entries[0].cell.params.get("key") == "API_KEY_SALT"
            await pilot.press("D")
            await wait_for_screen(pilot, app)
            await pilot.click("#yes")
            await wait_idle(pilot, app)
            assert len(pane.state.entries) == count and pane.state.dirty

    async def test_set_asks_and_keeps_the_value_out_of_the_result(
        self, make_app: MakeApp, project: Path
    ) -> None:
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            pane = await open_notebook(pilot, app, "rotate-what-is-due")
            from relay_tui.notebooks.document import Cell

            pane.state.insert(0, Cell("set", {"key": "API_KEY_SALT", "help": "any text"}))
            pane.redraw_all(rebuild=True)
            await wait_idle(pilot, app)
            pane.focus_cell(0)
            await pilot.press("r")
            typed = await answer_values(pilot, app)
            await wait_idle(pilot, app)
            assert list(typed) == ["API_KEY_SALT"]
            assert EnvFile.load(project / ".env").values()["API_KEY_SALT"] == typed["API_KEY_SALT"]
            assert states(app)[0] == "ok"
            assert typed["API_KEY_SALT"] not in screen_text(app)
            assert DEV_SECRET not in screen_text(app)


class TestIncident:
    async def test_choose_rotate_tick_and_report(self, make_app: MakeApp, project: Path) -> None:
        app = make_app()
        before = EnvFile.load(project / ".env").values()["JWT_SECRET_KEY"]
        async with app.run_test(size=(100, 40)) as pilot:
            pane = await open_notebook(pilot, app, "incident-response")
            rotate = next(i for i, e in enumerate(pane.state.entries) if e.cell.type == "rotate")
            pane.state.entries[rotate] = type(pane.state.entries[rotate])(
                pane.state.entries[rotate].cell._replace(
                    params={**pane.state.entries[rotate].cell.params, "push": False}
                )
            )
            pane.redraw_all(rebuild=True)
            await wait_idle(pilot, app)
            pane.focus_cell(rotate)
            await pilot.press("r")
            await wait_for_screen(pilot, app)
            assert isinstance(app.screen, ChooseScreen)
            app.screen.dismiss(["JWT_SECRET_KEY"])
            await wait_idle(pilot, app)
            after = EnvFile.load(project / ".env").values()["JWT_SECRET_KEY"]
            assert after != before and states(app)[rotate] == "ok"
            assert "logged out" in screen_text(app) or "invalidates" in screen_text(app)

            checklist = next(
                i for i, e in enumerate(pane.state.entries) if e.cell.type == "checklist"
            )
            pane.focus_cell(checklist)
            await pilot.press("t")
            await wait_for_screen(pilot, app)
            assert isinstance(app.screen, ChooseScreen)
            app.screen.dismiss(["0", "1"])
            await wait_idle(pilot, app)
            assert len(pane.state.entries[checklist].ticked) == 2
            assert "[x] 1." in screen_text(app) and "UTC" in screen_text(app)
            await pilot.press("x")
            await wait_idle(pilot, app)
            reports = list((project / "notebooks" / "reports").glob("*.md"))
            assert len(reports) == 1
            report = reports[0].read_text()
            assert "JWT_SECRET_KEY" in report and after not in report and before not in report

    async def test_open_incident_ticks_the_leaked_key(self, make_app: MakeApp) -> None:
        app = make_app()
        async with app.run_test(size=(100, 40)) as pilot:
            pane = await open_notebook(pilot, app, "rotate-what-is-due")
            pane.open_incident("production", ["JWT_SECRET_KEY"])
            await wait_idle(pilot, app)
            assert app.session.active == "production" and pane.state.default_env == "production"
            assert pane.state.title.startswith("Incident response")
            rotate = next(i for i, e in enumerate(pane.state.entries) if e.cell.type == "rotate")
            pane.focus_cell(rotate)
            await pilot.press("r")
            await wait_for_screen(pilot, app)
            assert isinstance(app.screen, ChooseScreen)
            assert app.screen.query_one("SelectionList").selected == ["JWT_SECRET_KEY"]
            await pilot.press("escape")
            await wait_idle(pilot, app)
            assert states(app)[rotate] == "not run"  # cancelled: nothing rotated
