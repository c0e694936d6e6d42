"""SVG snapshots of each pane at 80x24 and 120x40, and of the Env files pane in each theme."""

from __future__ import annotations

from pathlib import Path

import pytest

from relay_tui.ui.app import RelayApp
from relay_tui.ui.session import Session

PANES = {"env": "1", "generate": "2", "validate": "3", "vault": "4"}
SIZES = [(80, 24), (120, 40)]
THEMES = ["relay-dark", "relay-light", "relay-ansi"]


async def settle(pilot) -> None:
    """Wait for the validation worker so the picture does not depend on timing."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("pane", list(PANES))
def test_pane(snap_compare, workbench_project: Path, pane: str, size: tuple[int, int]) -> None:
    app = RelayApp(Session.open(workbench_project))

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press(PANES[pane])
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("theme", THEMES)
def test_theme(snap_compare, workbench_project: Path, theme: str) -> None:
    app = RelayApp(Session.open(workbench_project), theme=theme)
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)


def test_read_only_badge(snap_compare, workbench_project: Path) -> None:
    app = RelayApp(Session.open(workbench_project, read_only=True, env="production"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)


def test_rotation_pane(snap_compare, workbench_project: Path) -> None:
    """Pane 6 with one key in each state (dates relative to today, so the ages stay the same)."""
    import datetime

    from relay_tui.infra.ledger import record

    with (workbench_project / ".env").open("a") as env:
        env.write("DATABASE_PASSWORD=snapshot-pw-1\nSMTP_PASSWORD=snapshot-pw-2\n")
        env.write("ADMIN_PASSWORD=snapshot-pw-3\n")
    today = datetime.datetime.now(datetime.UTC).date()
    for key, days in (("DATABASE_PASSWORD", 200), ("SMTP_PASSWORD", 170), ("JWT_SECRET_KEY", 10)):
        record(workbench_project, "development", [key], today - datetime.timedelta(days=days))
    app = RelayApp(Session.open(workbench_project))

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_first_time_setup(snap_compare, project: Path) -> None:
    """Pane 5 as it opens by itself on a project with only a template (no clock on screen)."""
    app = RelayApp(Session.open(project))

    async def run_before(pilot) -> None:
        await settle(pilot)
        app.clear_notifications()
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_scan_pane(snap_compare, workbench_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pane 7 after the working-tree scan of a project with two leaks (the time made constant)."""
    from relay_tui.scan import scanner as core_scan
    from tests.ui.test_scan_pane import plant_leaks

    plant_leaks(workbench_project)
    real = core_scan.scan

    def timed(root: Path, options: core_scan.ScanOptions, project=None) -> core_scan.ScanReport:
        report = real(root, options, project)
        report.seconds = 0.01
        return report

    monkeypatch.setattr(core_scan, "scan", timed)
    app = RelayApp(Session.open(workbench_project))

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
