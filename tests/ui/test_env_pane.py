"""Pane 1, Env files: masking, reveal, edits and saves through the safe writer, diff, matrix."""

from __future__ import annotations

import os
from pathlib import Path

from relay_tui.ui.modals import ConfirmScreen, EditValueScreen, PickScreen, TableScreen
from relay_tui.ui.panes.env_pane import EnvPane
from relay_tui.ui.widgets.grid import Grid
from tests.ui.conftest import DEV_SECRET, PROD_SECRET, MakeApp, screen_text


async def goto_key(pilot, key: str) -> None:
    grid = pilot.app.query_one("#keys", Grid)
    for _ in range(len(grid.rows)):
        if grid.current and grid.current.key == key:
            return
        await pilot.press("down")
    raise AssertionError(f"{key} not in the keys grid")


class TestMasking:
    async def test_values_are_masked_until_revealed(self, make_app: MakeApp) -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert DEV_SECRET not in screen_text(app) and "JWT_SECRET_KEY" in screen_text(app)
            await goto_key(pilot, "JWT_SECRET_KEY")
            await pilot.press("r")
            await pilot.pause()
            assert DEV_SECRET[:40] in screen_text(app)
            await pilot.press("down")  # leaving the row hides it again
            await pilot.pause()
            assert DEV_SECRET[:40] not in screen_text(app)

    async def test_reveal_times_out(self, make_app: MakeApp, monkeypatch) -> None:
        monkeypatch.setattr("relay_tui.ui.panes.env_pane.REVEAL_SECONDS", 0.2)
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await goto_key(pilot, "JWT_SECRET_KEY")
            await pilot.press("r")
            await pilot.pause()
            assert DEV_SECRET[:40] in screen_text(app)
            for _ in range(200):  # a generous bound: a loaded machine may run the timer late
                await pilot.pause(0.05)
                if DEV_SECRET[:40] not in screen_text(app):
                    break
            assert DEV_SECRET[:40] not in screen_text(app)

    async def test_mask_hides_the_length(self, make_app: MakeApp) -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            grid = app.query_one("#keys", Grid)
            masks = {row.cells[1] for row in grid.rows if row.key in ("JWT_SECRET_KEY", "PORT")}
            assert masks == {"••••••••"}

    async def test_a_key_with_non_ascii_letters_is_marked(
        self, make_app: MakeApp, workbench_project: Path
    ) -> None:
        env = workbench_project / ".env"
        env.write_text(env.read_text() + "JWT_SECRET_\u041aEY=x\n")  # a Cyrillic Ka
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            grid = app.query_one("#keys", Grid)
            row = next(r for r in grid.rows if not r.key.isascii())
            assert row.cells[0] == "JWT_SECRET_<U+041A>EY" and row.styles[0] == "error"
            assert "JWT_SECRET_<U+041A>EY" in screen_text(app)


class TestEditing:
    async def test_edit_and_save_changes_only_that_line(
        self, make_app: MakeApp, workbench_project: Path
    ) -> None:
        env_file = workbench_project / ".env"
        before = env_file.read_text()
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await goto_key(pilot, "PORT")
            await pilot.press("e")
            await pilot.pause()
            assert isinstance(app.screen, EditValueScreen)
            await pilot.press("ctrl+u", *"9090", "enter")
            await pilot.pause()
            assert "edited, not saved" in screen_text(app)
            assert env_file.read_text() == before  # nothing written before s
            await pilot.press("s")
            await pilot.pause()
        assert env_file.read_text() == before.replace("PORT=8000", "PORT=9090")
        assert os.stat(env_file).st_mode & 0o777 == 0o600

    async def test_copy_and_cut_are_disabled_in_the_secret_field(
        self, make_app: MakeApp, monkeypatch
    ) -> None:
        copied: list[str] = []
        app = make_app()
        monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
        async with app.run_test(size=(80, 24)) as pilot:
            await goto_key(pilot, "JWT_SECRET_KEY")
            await pilot.press("e")
            await pilot.pause()
            await pilot.press("ctrl+shift+a", "ctrl+c", "ctrl+x")
            await pilot.pause()
            assert copied == []
            assert DEV_SECRET not in screen_text(app)  # the field is a password field

    async def test_protected_env_needs_its_name_typed(
        self, make_app: MakeApp, workbench_project: Path
    ) -> None:
        prod = workbench_project / ".env.production"
        before = prod.read_text()
        app = make_app(env="production")
        async with app.run_test(size=(80, 24)) as pilot:
            await goto_key(pilot, "ENVIRONMENT")
            await pilot.press("e", "ctrl+u", *"prod2", "enter", "s")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press(*"staging", "enter")  # the wrong name does nothing
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen) and prod.read_text() == before
            await pilot.press("ctrl+u", *"production", "enter")
            await pilot.pause()
        assert prod.read_text() == before.replace("ENVIRONMENT=production", "ENVIRONMENT=prod2")

    async def test_read_only_session_refuses_every_write(
        self, make_app: MakeApp, workbench_project: Path
    ) -> None:
        before = (workbench_project / ".env").read_bytes()
        app = make_app(read_only=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert "READ-ONLY" in screen_text(app)
            await goto_key(pilot, "PORT")
            for key in ("e", "g", "a", "d"):
                await pilot.press(key)
                await pilot.pause()
                assert not isinstance(app.screen, EditValueScreen | ConfirmScreen)
        assert (workbench_project / ".env").read_bytes() == before

    async def test_file_changed_on_disk_is_a_conflict_not_a_clobber(
        self, make_app: MakeApp, workbench_project: Path
    ) -> None:
        env_file = workbench_project / ".env"
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await goto_key(pilot, "PORT")
            await pilot.press("e", "ctrl+u", *"7000", "enter")
            env_file.write_text(env_file.read_text() + "ADDED_ELSEWHERE=1\n")
            await pilot.press("s")
            await pilot.pause()
            assert isinstance(app.screen, PickScreen)  # rebase / discard / keep
            assert "PORT=8000" in env_file.read_text()  # not clobbered
            await pilot.press("enter")  # rebase: re-read, re-apply the edit
            await pilot.pause()
            await pilot.press("s")
            await pilot.pause()
        text = env_file.read_text()
        assert "PORT=7000" in text and "ADDED_ELSEWHERE=1" in text

    async def test_generate_fills_a_secret_of_the_keys_kind(self, make_app: MakeApp) -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await goto_key(pilot, "JWT_SECRET_KEY")
            await pilot.press("g")
            await pilot.pause()
            value = app.session.values("development")["JWT_SECRET_KEY"]
            assert value and value != DEV_SECRET and len(value) >= 43
            assert value not in screen_text(app)


class TestViews:
    async def test_diff_shows_statuses_never_values(self, make_app: MakeApp) -> None:
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("D")
            await pilot.pause()
            await pilot.press("enter")  # the first choice: production
            await pilot.pause()
            assert isinstance(app.screen, TableScreen)
            text = screen_text(app)
            assert "missing in production" in text and "PORT" in text
            assert DEV_SECRET not in text and PROD_SECRET not in text

    async def test_matrix_has_a_column_per_environment(self, make_app: MakeApp) -> None:
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("m")
            await pilot.pause()
            grid = app.query_one("#keys", Grid)
            assert [c.title for c in grid.columns] == ["KEY", "DEVELOPMENT", "PRODUCTION"]
            states = {r.key: r.cells[1:] for r in grid.rows}
            assert states["PORT"] == ("set", "missing")
            assert states["SESSION_SECRET"] == ("missing", "missing")
            styles = {r.key: r.styles[1:] for r in grid.rows}  # the themes' cell-* colours
            assert styles["PORT"] == ("cell-set", "cell-missing")

    async def test_switching_env_from_anywhere(self, make_app: MakeApp) -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("3", "E")
            await pilot.pause()
            await pilot.press("down", "enter")
            await pilot.pause()
            assert app.session.active == "production"
            assert "env: production (PROTECTED)" in screen_text(app)
            assert app.query_one("#header").has_class("protected")

    async def test_filter_narrows_the_keys(self, make_app: MakeApp) -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("slash", *"jwt")
            await pilot.pause()
            grid = app.query_one("#keys", Grid)
            assert [grid.rows[i].key for i in grid.shown] == ["JWT_SECRET_KEY"]
            assert isinstance(app.query_one(EnvPane), EnvPane)
