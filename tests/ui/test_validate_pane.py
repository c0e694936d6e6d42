"""Pane 3, Validate: findings from a worker, filters, details, and confirmed fixes."""

from __future__ import annotations

import os
from pathlib import Path

from dotenv import dotenv_values

from relay_tui.ui.modals import ConfirmScreen
from relay_tui.ui.panes.validate_pane import ValidatePane
from relay_tui.ui.widgets.grid import Grid
from tests.ui.conftest import MakeApp, screen_text


async def open_validate(pilot) -> ValidatePane:
    await pilot.app.workers.wait_for_complete()
    await pilot.press("3")
    await pilot.pause()
    return pilot.app.query_one(ValidatePane)


async def select(pilot, code: str, env: str, key: str | None = None) -> None:
    pane = pilot.app.query_one(ValidatePane)
    for _ in range(len(pane.shown_findings)):
        finding = pane.current
        if finding and (finding.code, finding.env) == (code, env) and key in (None, finding.key):
            return
        await pilot.press("down")
    raise AssertionError(f"no {code} finding for {env}")


async def test_findings_arrive_and_can_be_filtered(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = await open_validate(pilot)
        assert "missing-required" in screen_text(app)
        everything = len(pane.shown_findings)
        await pilot.press("f")  # errors only
        assert all(f.severity == "error" for f in pane.shown_findings.values())
        await pilot.press("f", "f", "f")  # back to all
        assert len(pane.shown_findings) == everything
        await pilot.press("slash", *"SESSION")
        await pilot.pause()
        assert pane.shown_findings and all(
            "SESSION" in (f.key or "") + f.message for f in pane.shown_findings.values()
        )


async def test_details_show_the_fix(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_validate(pilot)
        await select(pilot, "missing-required", "development", "SESSION_SECRET")
        await pilot.pause()
        assert "fix:" in screen_text(app) and "x: generate a new value" in screen_text(app)


async def test_generate_fix_is_confirmed_then_saved(
    make_app: MakeApp, workbench_project: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_validate(pilot)
        await select(pilot, "missing-required", "development", "SESSION_SECRET")
        key = "SESSION_SECRET"
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("shift+tab", "enter")  # focus starts on No; Yes is before it
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
    values = dotenv_values(workbench_project / ".env", interpolate=False)
    assert values.get(key), key
    assert os.stat(workbench_project / ".env").st_mode & 0o777 == 0o600


async def test_chmod_fix(make_app: MakeApp, workbench_project: Path) -> None:
    os.chmod(workbench_project / ".env", 0o644)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_validate(pilot)
        await select(pilot, "insecure-permissions", "development")
        await pilot.press("x")
        await pilot.pause()
        await pilot.click("#yes")
        await app.workers.wait_for_complete()
        await pilot.pause()
        codes = {(f.code, f.env) for f in app.session.report.findings}
        assert ("insecure-permissions", "development") not in codes
    assert os.stat(workbench_project / ".env").st_mode & 0o777 == 0o600


async def test_gitignore_fix(make_app: MakeApp, workbench_project: Path) -> None:
    (workbench_project / ".gitignore").write_text(".env\n!.env.example\n")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_validate(pilot)
        await select(pilot, "git-not-ignored", "production")
        await pilot.press("x")
        await pilot.pause()
        await pilot.click("#yes")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert (
        workbench_project / ".gitignore"
    ).read_text() == ".env\n!.env.example\n/.env.production\n"


async def test_read_only_allows_no_fix(make_app: MakeApp, workbench_project: Path) -> None:
    os.chmod(workbench_project / ".env", 0o644)
    app = make_app(read_only=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_validate(pilot)
        await select(pilot, "insecure-permissions", "development")
        await pilot.press("x")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
    assert os.stat(workbench_project / ".env").st_mode & 0o777 == 0o644


async def test_typing_is_not_blocked_while_validating(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.run_validation()
        await pilot.press("down", "down")  # handled while the worker runs
        assert app.query_one("#keys", Grid).cursor == 2
