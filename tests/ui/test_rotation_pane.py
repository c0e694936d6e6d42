"""Pane 6, Rotation: key ages against cadences per environment, read in a worker, no values."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from textual.widgets import OptionList

from relay_tui.infra.ledger import record
from relay_tui.ui.modals import PickScreen
from relay_tui.ui.panes.rotation_pane import RotationGrid, RotationPane
from relay_tui.ui.session import TEMPLATE
from tests.ui.conftest import DEV_SECRET, PROD_SECRET, MakeApp, screen_text

# Built at run time: these values must never reach the screen.
DEV_VALUES = {
    "OLD_PASSWORD": "old-" + "pw-" + "x7Qm2",
    "NEAR_PASSWORD": "near-" + "pw-" + "k9Lw4",
    "UNDATED_PASSWORD": "undated-" + "pw-" + "r3Tz8",
    "JWT_SECRET_KEY": DEV_SECRET,
}
PROD_VALUES = {"JWT_SECRET_KEY": PROD_SECRET, "DATABASE_PASSWORD": "prod-" + "pw-" + "c5Vn1"}


def days_ago(days: int) -> datetime.date:
    return datetime.datetime.now(datetime.UTC).date() - datetime.timedelta(days=days)


def write_env(path: Path, values: dict[str, str]) -> None:
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()) + "PORT=8000\n")
    os.chmod(path, 0o600)


@pytest.fixture
def dated(workbench_project: Path) -> Path:
    """development: passwords rotated 200 and 170 days ago, one never, the JWT key 10 days ago;
    production: the JWT key 100 days ago, the database password never."""
    write_env(workbench_project / ".env", DEV_VALUES)
    write_env(workbench_project / ".env.production", PROD_VALUES)
    record(workbench_project, "development", ["OLD_PASSWORD"], days_ago(200))
    record(workbench_project, "development", ["NEAR_PASSWORD"], days_ago(170))
    record(workbench_project, "development", ["JWT_SECRET_KEY"], days_ago(10))
    record(workbench_project, "production", ["JWT_SECRET_KEY"], days_ago(100))
    return workbench_project


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_rotation(pilot) -> RotationPane:
    await settle(pilot)
    await pilot.press("6")
    await settle(pilot)
    return pilot.app.query_one(RotationPane)


def shown_rows(pane: RotationPane) -> list[tuple[str, ...]]:
    grid = pane.query_one(RotationGrid)
    return [(r.cells[0], r.cells[2], r.cells[3]) for r in grid.rows]


def assert_no_values(text: str) -> None:
    for value in [*DEV_VALUES.values(), *PROD_VALUES.values()]:
        assert value not in text
        assert value[:12] not in text


@pytest.mark.usefixtures("dated")
async def test_six_shows_each_key_with_its_age_and_state(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_rotation(pilot)
        assert app.active_pane is pane and "Rotation" in screen_text(app)
        assert shown_rows(pane) == [
            ("OLD_PASSWORD", "200/180 d", "overdue"),
            ("NEAR_PASSWORD", "170/180 d", "due"),
            ("UNDATED_PASSWORD", "unknown", "unknown"),
            ("JWT_SECRET_KEY", "10/90 d", "ok"),
        ]
        text = screen_text(app)
        assert "development · dates: ledger · 1 overdue · 1 due · 1 unknown · 1 ok" in text
        for word in ("overdue", "due", "unknown", "ok", "200/180 d", "█", "░"):
            assert word in text
        assert "20 day(s) past its 180-day cadence" in text  # the cursor's row, in the detail
        await pilot.press("down")
        await pilot.pause()
        assert "NEAR_PASSWORD: 170 days old: due in 10 day(s)" in screen_text(app)
        assert app.focused is pane.query_one(RotationGrid)  # arrows work without a mouse
        assert_no_values(screen_text(app))


@pytest.mark.usefixtures("dated")
async def test_the_environment_picker_switches_the_rows(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_rotation(pilot)
        await pilot.press("E")
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)
        options = app.screen.query_one(OptionList)
        for _ in range(len(app.session.env_names()) + 1):
            at = options.highlighted
            if at is not None and options.get_option_at_index(at).id == "production":
                break
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        assert app.session.active == "production"
        assert shown_rows(pane) == [
            ("JWT_SECRET_KEY", "100/90 d", "overdue"),
            ("DATABASE_PASSWORD", "unknown", "unknown"),
        ]
        text = screen_text(app)
        assert "production · dates: ledger · 1 overdue · 0 due · 1 unknown · 0 ok" in text
        assert "OLD_PASSWORD" not in text
        assert_no_values(text)
        app.switch_env(TEMPLATE)
        await settle(pilot)
        assert shown_rows(pane) == []
        assert "the template has no rotation dates" in screen_text(app)


@pytest.mark.usefixtures("dated")
async def test_a_saved_value_restarts_its_age(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_rotation(pilot)
        app.session.stage("development", "UNDATED_PASSWORD", "fresh-" + "pw-" + "q2Wd6")
        app.session.save("development")  # the save notes today's date in the ledger
        app.data_changed("development")
        await settle(pilot)
        assert ("UNDATED_PASSWORD", "0/180 d", "ok") in shown_rows(pane)
        assert "0 unknown" in screen_text(app)
        assert "fresh-pw-" not in screen_text(app)


async def test_a_missing_file_and_a_broken_ledger_are_said(
    make_app: MakeApp, workbench_project: Path
) -> None:
    app = make_app(env="production")
    async with app.run_test(size=(80, 24)) as pilot:
        (workbench_project / ".relay").mkdir()
        (workbench_project / ".relay" / "ledger.toml").write_text("rotated = [\n")
        pane = await open_rotation(pilot)
        assert shown_rows(pane) == []
        assert "production: cannot read rotation dates" in screen_text(app)
        said = [str(n.message) for n in app._notifications if n.severity == "error"]
        assert any("ledger.toml: cannot read it" in m and "fix or remove" in m for m in said)
        (workbench_project / ".env.production").unlink()
        app.session.reload("production")
        await pilot.press("r")
        await settle(pilot)
        assert "production: .env.production does not exist yet" in screen_text(app)


@pytest.mark.usefixtures("dated")
async def test_bars_take_their_colour_from_the_theme(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_rotation(pilot)
        grid = pane.query_one(RotationGrid)
        for name in ("relay-dark", "relay-light"):
            app.theme = name
            await pilot.pause()
            variables = app.get_theme(name).variables  # type: ignore[union-attr]
            for state in ("ok", "due", "overdue", "unknown"):
                colour = grid.get_component_rich_style(f"grid--rotation-{state}").color
                assert colour is not None and colour.triplet is not None
                assert colour.triplet.hex == variables[f"rotation-{state}"], (name, state)
