"""Pane 7, Scan: findings of a real git project, details, triage, and the incident notebook."""

from __future__ import annotations

import json
import os
import random
import string
import threading
from pathlib import Path
from typing import NamedTuple

import pytest

from relay_tui.infra.audit import log_path
from relay_tui.ui.keys_screen import binding_rows
from relay_tui.ui.modals import ConfirmScreen
from relay_tui.ui.panes.notebook_pane import NotebookPane
from relay_tui.ui.panes.scan_pane import ScanPane, TextScreen
from relay_tui.ui.widgets.grid import Grid, Row
from tests.conftest import git
from tests.ui.conftest import DEV_SECRET, PROD_SECRET, MakeApp, screen_text

SETTINGS = "config/settings.py"
HANDOVER = "docs/handover.md"
BASELINE = ".relay/scan-baseline.json"


class Leaks(NamedTuple):
    """The project and the secrets planted in it (built at run time, never in this file)."""

    root: Path
    token: str  # in config/settings.py, committed
    old_token: str  # committed in deploy.sh, then deleted: only in the history
    prod_jwt: str  # production's JWT_SECRET_KEY, pasted into docs/handover.md


def github_token(rng: random.Random) -> str:
    """A made-up GitHub token: the prefix and 36 letters and digits."""
    return "gh" + "p_" + "".join(rng.choices(string.ascii_letters + string.digits, k=36))


@pytest.fixture
def leaks(workbench_project: Path) -> Leaks:
    """The workbench project with secrets planted (see `plant_leaks`)."""
    return plant_leaks(workbench_project)


def plant_leaks(root: Path) -> Leaks:
    """A token in config/settings.py (mode 0640), the production JWT value pasted in a doc, and
    a token that lived in deploy.sh for one commit; everything but the env files committed."""
    rng = random.Random(7)  # the same fingerprints each run (the snapshot shows one)
    token, old_token = github_token(rng), github_token(rng)
    prod_jwt = "".join(rng.choices(string.ascii_letters + string.digits, k=48))
    production = root / ".env.production"
    production.write_text(f"ENVIRONMENT=production\nJWT_SECRET_KEY={prod_jwt}\n")
    os.chmod(production, 0o600)
    (root / "deploy.sh").write_text(f"#!/bin/sh\nexport GH_TOKEN={old_token}\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "deploy script")
    git(root, "rm", "-q", "deploy.sh")
    (root / "config").mkdir()
    settings = root / SETTINGS
    settings.write_text(f'"""Settings."""\n\nDEBUG = False\nGITHUB_TOKEN = "{token}"\n')
    os.chmod(settings, 0o640)
    (root / "docs").mkdir()
    (root / HANDOVER).write_text(f"# Handover\n\nWhat production signs with:\n{prod_jwt}\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "settings and docs")
    return Leaks(root, token, old_token, prod_jwt)


async def wait_idle(pilot) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_scan(pilot) -> ScanPane:
    await wait_idle(pilot)
    await pilot.press("7")
    await wait_idle(pilot)
    pane = pilot.app.query_one(ScanPane)
    assert pilot.app.active_pane is pane
    return pane


def rows(pane: ScanPane) -> list[Row]:
    grid = pane.query_one(Grid)
    return [grid.rows[i] for i in grid.shown]


def row_of(pane: ScanPane, where: str, commit: str = "tree") -> Row | None:
    """The row at `where` (a path, or path:line) in the tree or in a commit (short sha)."""
    for row in rows(pane):
        at = row.cells[1].split(":")[0] == where or row.cells[1] == where
        if at and (row.cells[2] == "tree") == (commit == "tree"):
            return row
    return None


async def highlight(pilot, pane: ScanPane, row: Row) -> None:
    grid = pane.query_one(Grid)
    grid.cursor = next(n for n, i in enumerate(grid.shown) if grid.rows[i].key == row.key)
    await pilot.pause()


async def confirm(pilot) -> None:
    """Answer yes with the keyboard (the dialog focuses No first)."""
    assert isinstance(pilot.app.screen, ConfirmScreen)
    await pilot.press("shift+tab", "enter")
    await wait_idle(pilot)


def said(app) -> str:
    return " ".join(str(n.message) for n in app._notifications)


def assert_no_secret(text: str, leaks: Leaks) -> None:
    for secret in (leaks.token, leaks.old_token, leaks.prod_jwt, PROD_SECRET, DEV_SECRET):
        assert secret not in text
        assert secret[:10] not in text  # the redacted form keeps at most a few characters


async def test_seven_scans_the_tree_and_shows_where_without_the_secret(
    make_app: MakeApp, leaks: Leaks
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_scan(pilot)
        settings = row_of(pane, SETTINGS)
        assert settings is not None and settings.cells[1] == f"{SETTINGS}:4"
        assert settings.cells[4].startswith(leaks.token[:2]) and settings.cells[4].endswith("…")
        known = row_of(pane, HANDOVER)
        assert known is not None and known.cells[1] == f"{HANDOVER}:4"
        assert known.cells[3] == "production JWT_SECRET_KEY"
        assert row_of(pane, "deploy.sh") is None  # only in the history: not a tree finding
        text = screen_text(app)
        assert "Scan" in text and f"{SETTINGS}:4" in text and "tree ·" in text
        assert "finding" in text and "files" in text
        await highlight(pilot, pane, known)
        detail = screen_text(app)
        assert "production JWT_SECRET_KEY" in detail and "fingerprint " in detail
        assert_no_secret(detail, leaks)
        assert_no_secret(repr(pane.shown_findings), leaks)
        assert any(r.cells[0] == "7" and "Scan" in r.cells[1] for r in binding_rows(app))
    entries = [json.loads(line) for line in log_path().read_text().splitlines()]
    scans = [e for e in entries if e["action"] == "scan"]
    assert (
        scans
        and scans[-1]["outcome"] == "found"
        and scans[-1]["detail"].startswith("workbench: tree")
    )
    assert_no_secret(log_path().read_text(), leaks)


async def test_history_finds_the_deleted_token_and_refuses_an_inline_marker(
    make_app: MakeApp, leaks: Leaks
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_scan(pilot)
        await pilot.press("h")
        await wait_idle(pilot)
        old = row_of(pane, "deploy.sh", commit="history")
        first = git(leaks.root, "rev-list", "--max-parents=0", "HEAD").strip()
        assert old is not None and old.cells[2] == first[:7]
        assert pane.shown_findings[old.key].history_only
        committed = row_of(pane, SETTINGS, commit="history")  # in the tree and in a commit
        assert committed is not None and not pane.shown_findings[committed.key].history_only
        assert "tree + history" in screen_text(app)
        await highlight(pilot, pane, old)
        await pilot.press("a")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert "only in the history" in said(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TextScreen)
        steps = screen_text(app)
        assert "filter-repo" in steps and "rotate" in steps.lower()
        assert_no_secret(steps, leaks)
        await pilot.press("escape")
        await pilot.press("h")  # back to the working tree alone
        await wait_idle(pilot)
        assert row_of(pane, "deploy.sh", commit="history") is None


async def test_a_history_scan_does_not_block_and_h_cancels_it(
    make_app: MakeApp, leaks: Leaks, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A history scan held back (as on a big repository): keys still work, h drops it."""
    from relay_tui.scan import scanner as core_scan

    gate = threading.Event()
    real = core_scan.scan

    def slow(root: Path, options: core_scan.ScanOptions, project=None) -> core_scan.ScanReport:
        if options.history:
            gate.wait(30)
        return real(root, options, project)

    monkeypatch.setattr(core_scan, "scan", slow)
    app = make_app()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            pane = await open_scan(pilot)
            before = [r.key for r in rows(pane)]
            await pilot.press("h")
            await pilot.pause()
            assert "scanning the working tree and every commit" in screen_text(app)
            assert pane.scanning is True
            await pilot.press("B")  # the UI answers while the worker waits
            assert pane.show_baselined
            await pilot.press("h")
            await pilot.pause()
            assert pane.scanning is None and pane.note == "history scan cancelled"
            assert "cancelled" in screen_text(app)
            gate.set()
            await wait_idle(pilot)
            assert not pane.history and [r.key for r in rows(pane)] == before
    finally:
        gate.set()


async def test_allow_inline_writes_the_marker_and_the_rescan_drops_it(
    make_app: MakeApp, leaks: Leaks
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_scan(pilot)
        row = row_of(pane, SETTINGS)
        assert row is not None
        await highlight(pilot, pane, row)
        await pilot.press("a")
        await confirm(pilot)
        line = (leaks.root / SETTINGS).read_text().splitlines()[3]
        assert line == f'GITHUB_TOKEN = "{leaks.token}" # relay:allow'
        assert (leaks.root / SETTINGS).stat().st_mode & 0o777 == 0o640
        assert row_of(pane, SETTINGS) is None
        assert row_of(pane, HANDOVER) is not None
        assert not [p for p in (leaks.root / "config").iterdir() if p.name != "settings.py"]


async def test_baseline_hides_the_finding_and_holds_no_secret(
    make_app: MakeApp, leaks: Leaks
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_scan(pilot)
        row = row_of(pane, HANDOVER)
        assert row is not None
        fingerprint = pane.shown_findings[row.key].fingerprint
        await highlight(pilot, pane, row)
        await pilot.press("b")
        await confirm(pilot)
        text = (leaks.root / BASELINE).read_text()
        assert [e["fingerprint"] for e in json.loads(text)["entries"]] == [fingerprint]
        assert_no_secret(text, leaks)
        assert leaks.prod_jwt[:4] not in text
        assert row_of(pane, HANDOVER) is None and row_of(pane, SETTINGS) is not None
        assert "1 baselined hidden" in screen_text(app)
        await pilot.press("B")
        shown = row_of(pane, HANDOVER)
        assert shown is not None and shown.cells[3].startswith("baselined: ")
        # a second entry is merged with the first
        settings = row_of(pane, SETTINGS)
        assert settings is not None
        await highlight(pilot, pane, settings)
        await pilot.press("b")
        await confirm(pilot)
        entries = json.loads((leaks.root / BASELINE).read_text())["entries"]
        assert len(entries) == 2 and fingerprint in {e["fingerprint"] for e in entries}


async def test_read_only_refuses_triage(make_app: MakeApp, leaks: Leaks) -> None:
    app = make_app(read_only=True)
    before = (leaks.root / SETTINGS).read_bytes()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_scan(pilot)
        row = row_of(pane, SETTINGS)
        assert row is not None
        await highlight(pilot, pane, row)
        for key in ("a", "b"):
            app.clear_notifications()
            await pilot.press(key)
            await pilot.pause()
            assert not isinstance(app.screen, ConfirmScreen)
            assert "read-only" in said(app)
    assert (leaks.root / SETTINGS).read_bytes() == before
    assert not (leaks.root / BASELINE).exists()


async def test_i_on_a_known_value_opens_incident_response_on_that_key(
    make_app: MakeApp, leaks: Leaks
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_scan(pilot)
        settings = row_of(pane, SETTINGS)
        assert settings is not None
        await highlight(pilot, pane, settings)
        await pilot.press("i")
        await pilot.pause()
        assert app.active_pane is pane and "known value" in said(app)
        known = row_of(pane, HANDOVER)
        assert known is not None
        await highlight(pilot, pane, known)
        await pilot.press("i")
        await wait_idle(pilot)
        notebook = app.query_one(NotebookPane)
        assert app.active_pane is notebook
        assert notebook.state.title.startswith("Incident response")
        assert app.session.active == "production" and notebook.state.default_env == "production"
        assert notebook.state.preset_keys == ("JWT_SECRET_KEY",)
        assert_no_secret(screen_text(app), leaks)


def test_no_inline_marker_in_a_file_without_comments() -> None:
    from relay_tui.scan.allow import allow_refusal
    from relay_tui.scan.scanner import Finding

    def finding(path: str) -> Finding:
        return Finding("github-token", "GitHub token", path, 3, 1, None, "ghp_…", "f" * 64,
                       None, False)  # fmt: skip

    assert "no comments" in (allow_refusal(finding("config/keys.json")) or "")
    assert allow_refusal(finding("config/settings.py")) is None
