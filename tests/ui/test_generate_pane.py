"""Generate pane: kinds and options, a masked value, reveal, copy, insert, the generate-env plan."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select

from relay_tui.domain.generate import KINDS
from relay_tui.domain.masking import MASK
from relay_tui.ui.app import RelayApp
from relay_tui.ui.modals import ConfirmScreen, PickScreen
from relay_tui.ui.panes import generate_pane
from relay_tui.ui.panes.generate_form import KeyNameScreen
from relay_tui.ui.panes.generate_pane import NEW_KEY, GeneratePane
from relay_tui.ui.session import TEMPLATE, Session
from relay_tui.ui.widgets.grid import Grid
from tests.ui.conftest import MakeApp, screen_text

SIZE = (80, 24)


async def settle(pilot: Pilot[int]) -> None:
    """Let workers (generation, the plan, validation) finish and the screen catch up."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_pane(pilot: Pilot[int]) -> GeneratePane:
    await pilot.press("2")
    await settle(pilot)
    return pilot.app.query_one(GeneratePane)


async def new_value(pilot: Pilot[int], pane: GeneratePane) -> str:
    await pilot.press("n")
    await settle(pilot)
    assert pane.generated is not None
    return pane.generated


def notes(app: RelayApp) -> list[str]:
    return [n.message for n in app._notifications]


def plan(app: RelayApp) -> dict[str, str]:
    return {row.key: row.cells[1] for row in app.query_one("#gen-plan", Grid).rows}


# ----- switching and choosing a kind --------------------------------------------------------
async def test_key_2_opens_the_pane_with_the_kind_and_its_options(project: Path) -> None:
    app = RelayApp(Session.open(project))
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot)
        assert app.active_pane is pane
        assert app.focused is app.query_one("#gen-kind", Select)
        text = screen_text(app)
        assert "kind" in text and "token" in text and "bytes" in text
        assert "Generate" in text.splitlines()[0]
        assert not app.query_one("#opt-length").display  # password only


async def test_the_kind_is_chosen_with_the_keyboard_and_generates_one(project: Path) -> None:
    app = RelayApp(Session.open(project))
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot)
        await pilot.press("t", "down", "down", "enter")  # token, hex, password
        await settle(pilot)
        assert pane.kind == "password" and pane.generated_kind == "password"
        assert app.query_one("#opt-length").display and not app.query_one("#opt-nbytes").display


async def test_every_kind_generates_and_stays_masked(project: Path) -> None:
    app = RelayApp(Session.open(project))
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot)
        select = app.query_one("#gen-kind", Select)
        assert [value for _, value in select._options] == list(KINDS)
        for kind in KINDS:
            select.value = kind  # a new kind generates one at once; n makes another
            await pilot.press("n")
            await settle(pilot)
            assert pane.generated_kind == kind and pane.generated
            text = screen_text(app)
            assert MASK in text and pane.generated not in text
            assert "security" in text or "bits (estimated)" in text


# ----- generating, revealing, copying ---------------------------------------------------------
async def test_a_new_value_is_shown_masked_with_its_strength(project: Path) -> None:
    app = RelayApp(Session.open(project))
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot)
        assert "press n" in screen_text(app)
        value = await new_value(pilot, pane)
        text = screen_text(app)
        assert value not in text and MASK in text
        assert "bits (estimated)" in text and "32–63 chars" in text
        assert await new_value(pilot, pane) != value


async def test_reveal_shows_the_value_then_hides_it(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generate_pane, "REVEAL_SECONDS", 1.0)
    app = RelayApp(Session.open(project))
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot)
        value = await new_value(pilot, pane)
        await pilot.press("r")
        await pilot.pause()
        assert value in screen_text(app)
        await pilot.pause(1.5)
        assert not pane.revealed and value not in screen_text(app)


async def test_a_new_value_or_leaving_the_pane_hides_the_revealed_one(project: Path) -> None:
    app = RelayApp(Session.open(project))
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot)
        first = await new_value(pilot, pane)
        await pilot.press("r")
        second = await new_value(pilot, pane)
        text = screen_text(app)
        assert not pane.revealed and first not in text and second not in text
        await pilot.press("r")
        assert pane.revealed
        await pilot.press("1")
        await pilot.pause()
        assert not pane.revealed
        await pilot.press("2")
        await pilot.pause()
        assert second not in screen_text(app)


async def test_copy_happens_only_on_c(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = RelayApp(Session.open(project))
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot)
        await pilot.press("c")
        assert copied == [] and any("press n" in n for n in notes(app))
        await new_value(pilot, pane)
        await pilot.press("r", "r", "n")
        await settle(pilot)
        assert copied == []
        value = pane.generated or ""
        await pilot.press("c")
        assert copied == [value]
        assert any("copied generated token" in n for n in notes(app))


# ----- bad options ----------------------------------------------------------------------------
async def test_a_bad_option_shows_the_core_message_and_keeps_running(project: Path) -> None:
    app = RelayApp(Session.open(project))
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot)
        app.query_one("#gen-kind", Select).value = "password"
        await settle(pilot)
        kept = pane.generated
        app.query_one("#in-length", Input).focus()
        await pilot.press("5", "enter")
        await settle(pilot)
        assert any("password length must be between 12 and 4096; got 5" in n for n in notes(app))
        assert pane.generated == kept and app.is_running
        app.query_one("#gen-kind", Select).value = "api-key"
        await settle(pilot)
        app.query_one("#in-prefix", Input).focus()
        await pilot.press(*"[x y", "enter")
        await settle(pilot)
        assert any("prefix '[x y' is not allowed" in n for n in notes(app))


# ----- inserting into a key -------------------------------------------------------------------
async def pick(pilot: Pilot[int], key: str) -> None:
    """Press i and choose `key` in the picker."""
    await pilot.press("i")
    await pilot.pause()
    assert isinstance(pilot.app.screen, PickScreen)
    options = pilot.app.screen.query_one(OptionList)
    options.highlighted = options.get_option_index(key)
    await pilot.press("enter")
    await pilot.pause()


async def test_insert_stages_the_value_into_a_key(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot)
        value = await new_value(pilot, pane)
        await pick(pilot, "SESSION_SECRET")  # in the template, not in .env
        assert app.session.values("development")["SESSION_SECRET"] == value
        assert app.session.state("development").dirty
        assert any("press s in Env files to save" in n for n in notes(app))
        assert value not in screen_text(app)


async def test_insert_into_a_set_key_asks_first(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot)
        value = await new_value(pilot, pane)
        before = app.session.values("development")["JWT_SECRET_KEY"]
        await pick(pilot, "JWT_SECRET_KEY")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        assert app.session.values("development")["JWT_SECRET_KEY"] == before
        await pick(pilot, "JWT_SECRET_KEY")
        await pilot.click("#yes")
        await pilot.pause()
        assert app.session.values("development")["JWT_SECRET_KEY"] == value


async def test_insert_into_a_new_key_checks_its_name(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot)
        value = await new_value(pilot, pane)
        await pick(pilot, NEW_KEY)
        assert isinstance(app.screen, KeyNameScreen)
        await pilot.press("1", "x", "enter")
        assert isinstance(app.screen, KeyNameScreen)
        assert any("is not a key name" in n for n in notes(app))
        app.screen.query_one(Input).value = "WEBHOOK_TOKEN"
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.values("development")["WEBHOOK_TOKEN"] == value


@pytest.mark.parametrize("read_only", [True, False], ids=["read-only-session", "template"])
async def test_insert_is_refused_where_nothing_may_be_written(
    make_app: MakeApp, read_only: bool
) -> None:
    app = make_app(read_only=read_only)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_pane(pilot)
        if not read_only:
            app.switch_env(TEMPLATE)
            await settle(pilot)
        await new_value(pilot, pane)
        before = {name: app.session.values(name) for name in app.session.env_names()}
        await pilot.press("i")
        await pilot.pause()
        assert not isinstance(app.screen, PickScreen)
        why = "read-only session" if read_only else "the template is read-only"
        assert any(why in n for n in notes(app))
        assert {name: app.session.values(name) for name in app.session.env_names()} == before


# ----- the generate-env plan ------------------------------------------------------------------
async def test_plan_for_a_new_env_from_relays_template(project: Path) -> None:
    app = RelayApp(Session.open(project))
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot)
        rows = plan(app)
        template = app.session.project.template
        assert template is not None and list(rows) == template.keys()
        assert rows["STRIPE_SECRET_KEY"].startswith("needs a value: Stripe secret API key")
        assert rows["SENDGRID_API_KEY"].startswith("needs a value (optional)")
        assert rows["DATABASE_URL"].startswith("needs a value")
        assert rows["JWT_SECRET_KEY"] == "generated (signing-key)"
        assert rows["DATA_ENCRYPTION_KEY"] == "generated (fernet)"
        assert rows["ENVIRONMENT"] == "set to development"
        assert rows["PORT"] == "default from the template"
        assert rows["REDIS_URL"] == "url value from the template"
        text = screen_text(app)
        assert "generate-env → .env (new file)" in text and "need a value" in text


async def test_plan_keeps_what_the_env_file_already_sets(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot)
        rows = plan(app)
        assert rows["JWT_SECRET_KEY"] == "kept (set in .env)"
        assert rows["PORT"] == "kept (set in .env)"
        assert rows["SESSION_SECRET"] == "generated (signing-key)"
        assert rows["STRIPE_SECRET_KEY"].startswith("needs a value")
        assert ".env (exists, set keys kept)" in screen_text(app)
        app.session.stage("development", "STRIPE_SECRET_KEY", "sk_test_" + "a" * 24)
        app.data_changed("development")
        await settle(pilot)
        assert plan(app)["STRIPE_SECRET_KEY"] == "kept (set in .env)"


async def test_plan_follows_the_active_environment(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot)
        app.switch_env("production")
        await settle(pilot)
        assert plan(app)["PORT"] == "default from the template"
        assert "generate-env → .env.production" in screen_text(app)


async def test_plan_text_from_the_template_is_never_markup(project: Path) -> None:
    (project / ".env.example").write_text(
        "# Issued by [bold]Stripe[/] [@click=app.quit]x\x1b]52;c;AAAA\x07\nSTRIPE_SECRET_KEY=\n"
    )
    app = RelayApp(Session.open(project))
    async with app.run_test(size=(120, 24)) as pilot:
        await open_pane(pilot)
        text = screen_text(app)
        assert "Issued by [bold]Stripe[/] [@click=app.quit]x\\e]52;c;AAAA\\x07" in text
        assert app.is_running
