"""Messages up, attributes down: panes post typed messages, never call the app for work."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

from relay_tui.ui.messages import (
    CopyRequested,
    IncidentRequested,
    SwitchEnvironment,
    VaultStateChanged,
    VaultValuesRead,
)
from relay_tui.ui.modals import ConfirmScreen, EditValueScreen
from relay_tui.ui.panes.env_pane import EnvPane
from relay_tui.ui.panes.generate_pane import GeneratePane
from relay_tui.ui.panes.notebook_pane import NotebookPane
from relay_tui.ui.panes.validate_pane import ValidatePane
from relay_tui.ui.widgets.grid import Grid
from tests.ui.conftest import DEV_SECRET, MakeApp, screen_text

UI = Path(__file__).resolve().parents[2] / "relay_tui" / "ui"
CHECKED = [UI / "panes", UI / "widgets"]
APP = "relay_tui.ui.app"
# Textual's plumbing on `self.app`, not work of the workbench's own.
PLUMBING = {
    "push_screen",
    "push_screen_wait",
    "call_from_thread",
    "call_later",
    "notify",
    "focused",
}


def _imported(node: ast.AST) -> list[str]:
    if isinstance(node, ast.ImportFrom):
        return [node.module or ""]
    return [alias.name for alias in node.names] if isinstance(node, ast.Import) else []


def app_uses(source: str) -> list[tuple[int, str]]:
    """Where `source` reaches into the app for work: (line, what) for each place."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if APP in _imported(node):
            found.append((node.lineno, f"imports {APP}"))
        elif isinstance(node, ast.Attribute) and node.attr == "relay":
            found.append((node.lineno, ".relay"))
        elif isinstance(node, ast.Attribute) and node.attr == "app":
            parent = parents.get(node)
            used = parent.attr if isinstance(parent, ast.Attribute) else None
            if used not in PLUMBING:
                found.append((node.lineno, f".app.{used}" if used else ".app handed on"))
    return sorted(found)


def test_the_check_finds_a_pane_calling_the_app() -> None:
    """The reader behind the next test, on made-up pane code."""
    source = """
from relay_tui.ui.app import RelayApp
class P:
    def go(self):
        self.relay.data_changed(None)
        self.app.switch_env("x")
        helper(self.app)
        self.app.push_screen(None)
        self.app.call_from_thread(print)
        if self.app.focused is None:
            self.notify("fine")
"""
    assert app_uses(source) == [
        (2, "imports relay_tui.ui.app"),
        (5, ".relay"),
        (6, ".app.switch_env"),
        (7, ".app handed on"),
    ]


def test_no_pane_or_widget_calls_the_app_for_work() -> None:
    modules = sorted(path for folder in CHECKED for path in folder.rglob("*.py"))
    assert len(modules) > 10
    problems = [
        f"{path.relative_to(UI.parent.parent)}:{line}: {what}"
        for path in modules
        for line, what in app_uses(path.read_text())
    ]
    assert problems == [], "post a message from relay_tui/ui/messages.py instead:\n" + "\n".join(
        problems
    )


def test_secret_messages_never_show_their_values() -> None:
    value = "cp-" + "S3cr3t" * 4
    copy = CopyRequested(value, "development JWT_SECRET_KEY", "development", ("JWT_SECRET_KEY",))
    read = VaultValuesRead("production", {"JWT_SECRET_KEY": value})
    for message in (copy, read):
        assert value not in repr(message) and value not in str(message)
    assert "JWT_SECRET_KEY" in repr(copy)  # what is copied is named, its value is not


async def until(pilot, condition: Callable[[], bool], rounds: int = 50) -> None:
    """Let the app process its messages until `condition` holds (bounded by rounds, not time)."""
    for _ in range(rounds):
        if condition():
            return
        await pilot.pause()
    assert condition()


async def settle(pilot) -> None:
    """Let the first frame's work (validation, the Vault label) finish."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()


async def test_a_save_in_the_env_pane_reaches_the_other_panes(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("2")  # the Generate pane builds its plan when it is shown
        await pilot.press("3")
        await until(pilot, lambda: app.session.report is not None)
        generate, validate = app.query_one(GeneratePane), app.query_one(ValidatePane)
        assert not generate.plan_stale and not generate.is_active and validate.is_active
        await pilot.press("1")
        assert app.query_one(EnvPane).is_active and not validate.is_active
        report = app.session.report
        keys = app.query_one("#keys", Grid)
        keys.focus()
        for _ in range(len(keys.rows)):
            if keys.current is not None and keys.current.key == "PORT":
                break
            await pilot.press("down")
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EditValueScreen))
        await pilot.press("ctrl+u", *"9090", "enter", "s")
        await until(pilot, lambda: generate.plan_stale)  # DataChanged went round every pane
        await until(pilot, lambda: app.session.report is not report)  # and validated again
        assert app.session.values("development")["PORT"] == "9090"
        assert "UNSAVED" not in screen_text(app)


async def test_vault_messages_update_the_header_and_the_matrix(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        pane = app.query_one(EnvPane)
        label = "https://vault.example:8200 (root ns)"
        pane.post_message(VaultStateChanged(label))
        await until(pilot, lambda: app.vault_label == label)
        assert f"vault: {label}" in screen_text(app)
        pane.post_message(VaultValuesRead("production", {"JWT_SECRET_KEY": DEV_SECRET}))
        await until(pilot, lambda: "production" in pane.vault_values)
        assert app.vault_label == label  # the values leave the label alone
        await pilot.press("m")
        await pilot.pause()
        grid = app.query_one("#keys", Grid)
        assert [c.title for c in grid.columns][-1] == "VAULT:PRODU"
        states = {r.key: r.cells[1:] for r in grid.rows}
        assert states["JWT_SECRET_KEY"][-1] == "reused"  # the same value as development's
        assert DEV_SECRET not in screen_text(app)


async def test_switch_and_copy_requests_are_answered_by_the_app(
    make_app: MakeApp, monkeypatch
) -> None:
    app = make_app()
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await pilot.pause()
        generate = app.query_one(GeneratePane)
        generate.post_message(SwitchEnvironment("production"))
        await until(pilot, lambda: app.session.active == "production")
        assert "env: production (PROTECTED)" in screen_text(app)
        assert app.query_one("#envs", Grid).current.key == "production"  # the Env pane too
        generate.post_message(CopyRequested(DEV_SECRET, "a test value"))
        await until(pilot, lambda: copied == [DEV_SECRET])
        said = " ".join(str(n.message) for n in app._notifications)
        assert "copied a test value; cleared in 30 s." in said and DEV_SECRET not in said


async def test_an_incident_request_asks_before_replacing_an_unsaved_notebook(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await until(pilot, lambda: bool(app.query(NotebookPane)))
        notebook = app.query_one(NotebookPane)
        notebook.state.dirty = True  # as after an edit
        await pilot.press("1")
        app.query_one(EnvPane).post_message(IncidentRequested("production", "JWT_SECRET_KEY"))
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "unsaved changes" in screen_text(app)
        await pilot.press("shift+tab", "enter")  # focus starts on No; Yes is before it
        await until(pilot, lambda: notebook.state.title.startswith("Incident response"))
        await until(pilot, lambda: app.session.active == "production")
        assert app.active_pane is notebook and notebook.state.default_env == "production"
        assert notebook.state.preset_keys == ("JWT_SECRET_KEY",)
