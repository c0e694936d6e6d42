"""Pane 4 (Vault) driven by the pilot against a real OpenBao server, a hung and a closed port."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest
from textual.pilot import Pilot

from relay_tui.domain.masking import MASK
from relay_tui.infra.trust import trust
from relay_tui.stores.vault.browse import search_paths
from relay_tui.ui.app import RelayApp
from relay_tui.ui.modals import ConfirmScreen, TableScreen
from relay_tui.ui.panes import vault_paths
from relay_tui.ui.panes.vault_pane import VaultPane
from relay_tui.ui.session import Session
from tests.conftest import git
from tests.vault.helpers import store_for

_numbers = itertools.count(1)
SIZE = (80, 24)


@pytest.fixture
def prefix() -> str:
    """A Vault folder of this test's own on the module's shared server."""
    return f"pane{next(_numbers)}-{int(time.time() * 1000) % 100000}"


def make_project(root: Path, prefix: str) -> Path:
    """staging (its own Vault path) and a protected production, in a git repo ignoring .env*."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "relay.toml").write_text(
        f'[environments.staging]\nfile = ".env.staging"\nvault_path = "{prefix}/staging"\n'
        f'[environments.production]\nfile = ".env.production"\n'
        f'vault_path = "{prefix}/production"\nprotected = true\n'
    )
    git(root, "init", "-q")
    (root / ".gitignore").write_text(".env*\n")
    (root / ".env.staging").write_text("API_KEY=local-api\nSHARED=same\n")
    (root / ".env.production").write_text("API_KEY=prod-api\n")
    return root


def use_server(monkeypatch: pytest.MonkeyPatch, bao: object, token: str | None = None) -> None:
    for name, value in bao.env(token).items():  # type: ignore[attr-defined]
        if name.startswith("BAO_"):
            monkeypatch.setenv(name, value)


def screen_text(app: RelayApp) -> str:
    """What the terminal shows now, as plain text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def notes(app: RelayApp) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


def vault_pane(app: RelayApp) -> VaultPane:
    return app.query_one(VaultPane)


async def settle(pilot: Pilot[int], rounds: int = 4) -> None:
    """Let workers finish and their messages (and the work they start) be handled."""
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def open_vault(pilot: Pilot[int]) -> VaultPane:
    await pilot.press("4")
    await settle(pilot)
    return vault_pane(pilot.app)  # type: ignore[arg-type]


async def open_path(pilot: Pilot[int], pane: VaultPane, path: str) -> None:
    """Expand the folders down to `path` with the keyboard, then press enter on it."""
    parts = path.split("/")
    for depth in range(1, len(parts)):
        folder = "/".join(parts[:depth]) + "/"
        node = pane.paths.nodes[folder]
        if not node.is_expanded:
            pane.paths.move_cursor(node)
            await pilot.press("space")
            await settle(pilot)
    pane.paths.move_cursor(pane.paths.nodes[path])
    await pilot.press("enter")
    await settle(pilot)


# ----- connection ------------------------------------------------------------------------------
async def test_without_vault_it_says_how_to_connect(tmp_path: Path, prefix: str) -> None:
    app = RelayApp(Session.open(make_project(tmp_path / "p", prefix)))
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_vault(pilot)
        shown = screen_text(app)
        for name in ("BAO_ADDR", "VAULT_ADDR", "BAO_TOKEN", "vault-token", "relay.toml"):
            assert name in shown
        assert app.vault_label == "not configured" and pane.conn is None
        assert not [n for n in app._notifications if n.severity == "error"]


async def test_app_start_does_not_connect(
    tmp_path: Path, prefix: str, bao, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_server(monkeypatch, bao)
    app = RelayApp(Session.open(make_project(tmp_path / "p", prefix)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not app.query(VaultPane)  # pane 4 (and its connection) is built when first shown
        assert app.vault_label == f"{bao.addr} (not connected)"


async def test_status_shows_address_and_token_source_never_the_token(
    tmp_path: Path, prefix: str, bao, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_server(monkeypatch, bao)
    app = RelayApp(Session.open(make_project(tmp_path / "p", prefix)))
    async with app.run_test(size=SIZE) as pilot:
        await open_vault(pilot)
        shown = screen_text(app)
        assert bao.addr in shown and "from BAO_ADDR" in shown
        assert "token: from BAO_TOKEN" in shown and "namespace: root" in shown
        assert "TLS: none (plain http)" in shown
        assert bao.root_token not in shown and bao.root_token not in app.vault_label
        assert app.vault_label == f"{bao.addr} (root ns)"


async def test_hung_server_does_not_freeze_the_screen(
    tmp_path: Path, prefix: str, hung_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BAO_ADDR", hung_server)
    monkeypatch.setenv("BAO_TOKEN", "t")
    monkeypatch.setenv("BAO_CLIENT_TIMEOUT", "3")  # pilot key presses take ~0.5 s here
    app = RelayApp(Session.open(make_project(tmp_path / "p", prefix)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        assert app.vault_label == "connecting…" and "connecting…" in screen_text(app)
        await pilot.press("1")
        # the key was handled while the server still had not answered
        assert app.active_pane.id == "pane-env"
        assert any(w.is_running for w in app.workers if w.group == "vault-connect")
        await settle(pilot)
        await pilot.press("4")
        await pilot.pause()
        shown = screen_text(app)
        assert "did not answer in time" in shown and hung_server in shown
        assert app.vault_label == "unreachable"


async def test_unreachable_server_says_so_with_its_address(
    tmp_path: Path, prefix: str, refused_addr: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VAULT_ADDR", refused_addr)
    app = RelayApp(Session.open(make_project(tmp_path / "p", prefix)))
    async with app.run_test(size=SIZE) as pilot:
        await open_vault(pilot)
        shown = screen_text(app)
        assert "connection refused" in shown and refused_addr in shown
        assert "VAULT_ADDR" in shown and "R tries again" in shown
        assert app.vault_label == "unreachable"


# ----- browsing --------------------------------------------------------------------------------
async def test_tree_lists_mounts_and_expands_folders_lazily(
    tmp_path: Path, prefix: str, bao, monkeypatch: pytest.MonkeyPatch
) -> None:
    bao.kv2_put(f"{prefix}/app/db", {"password": "p"})
    bao.kv2_put(f"{prefix}/app/api", {"key": "k"})
    use_server(monkeypatch, bao)
    app = RelayApp(Session.open(make_project(tmp_path / "p", prefix)))
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_vault(pilot)
        tree = pane.paths
        assert {"secret/", "kv1/"} <= {path for path, _label in tree.mounts}
        assert f"{prefix}/" in tree.listings["secret/"]
        folder = f"secret/{prefix}/"
        assert folder not in tree.listings  # nothing below is listed before it opens
        tree.move_cursor(tree.nodes[folder])
        await pilot.press("space")
        await settle(pilot)
        assert tree.listings[folder] == ["app/"]
        assert f"secret/{prefix}/app/db" not in tree.nodes
        await open_path(pilot, pane, f"secret/{prefix}/app/db")
        assert tree.listings[f"secret/{prefix}/app/"] == ["api", "db"]


async def test_filter_finds_a_path_below_the_visible_level(
    tmp_path: Path, prefix: str, bao, monkeypatch: pytest.MonkeyPatch
) -> None:
    bao.kv2_put(f"{prefix}/team/app/needle-{prefix}", {"x": "1"})
    use_server(monkeypatch, bao)
    app = RelayApp(Session.open(make_project(tmp_path / "p", prefix)))
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_vault(pilot)
        await pilot.press("slash", *f"needle-{prefix}")
        await pilot.pause(vault_paths.SEARCH_DELAY + 0.2)
        await settle(pilot)
        target = f"secret/{prefix}/team/app/needle-{prefix}"
        assert target in pane.paths.nodes
        assert f"needle-{prefix}" in screen_text(app)
        assert "1 path(s) match" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert pane.paths.needle == "" and "secret/" in pane.paths.nodes


async def test_fields_are_masked_until_revealed(
    tmp_path: Path, prefix: str, bao, monkeypatch: pytest.MonkeyPatch
) -> None:
    value = f"v-{prefix[-5:]}"
    bao.kv2_put(f"{prefix}/app/db", {"password": value, "[b]odd[/b]": "x"})
    bao.kv2_put(f"{prefix}/app/db", {"password": value, "[b]odd[/b]": "y"})
    use_server(monkeypatch, bao)
    monkeypatch.setattr(vault_paths, "REVEAL_SECONDS", 0.5)
    app = RelayApp(Session.open(make_project(tmp_path / "p", prefix)))
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_vault(pilot)
        await open_path(pilot, pane, f"secret/{prefix}/app/db")
        shown = screen_text(app)
        assert "password" in shown and MASK in shown and "version 2" in shown
        assert "[b]odd[/b]" in shown  # a field name is text, never markup
        assert value not in shown
        pane.fields.focus()
        await pilot.press("down")  # "[b]odd[/b]" sorts first
        await pilot.press("r")
        assert value in screen_text(app)
        await pilot.pause(0.8)
        assert value not in screen_text(app)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, TableScreen)
        assert [row.key for row in app.screen.rows] == ["2", "1"]


async def test_a_token_that_may_not_list_gets_a_message_not_a_crash(
    tmp_path: Path, prefix: str, bao, restricted_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_server(monkeypatch, bao, restricted_token)
    app = RelayApp(Session.open(make_project(tmp_path / "p", prefix)))
    async with app.run_test(size=SIZE) as pilot:
        await open_vault(pilot)
        assert "could not list" in screen_text(app)
        assert "do not allow it to list" in notes(app)
        assert restricted_token not in screen_text(app) + notes(app)


# ----- diff, push, pull ------------------------------------------------------------------------
async def test_diff_push_and_pull_show_the_plan_and_ask_first(
    tmp_path: Path, prefix: str, bao, monkeypatch: pytest.MonkeyPatch
) -> None:
    bao.kv2_put(f"{prefix}/staging", {"SHARED": "same", "ONLY_VAULT": "remote-only-value"})
    use_server(monkeypatch, bao)
    root = make_project(tmp_path / "p", prefix)
    app = RelayApp(Session.open(root))
    store = store_for(bao.addr, bao.root_token)
    async with app.run_test(size=SIZE) as pilot:
        await open_vault(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, TableScreen)
        states = {row.key: row.cells[1] for row in app.screen.rows}
        assert states == {"API_KEY": "only in the file", "ONLY_VAULT": "only in Vault",
                          "SHARED": "same"}  # fmt: skip
        assert "remote-only-value" not in screen_text(app)
        assert app.vault_values["staging"]["ONLY_VAULT"] == "remote-only-value"
        await pilot.press("escape")

        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        shown = screen_text(app)
        assert "new in Vault: API_KEY" in shown and "version 1" in shown
        assert "local-api" not in shown
        await pilot.click("#yes")
        await settle(pilot)
        assert store.read(f"secret/{prefix}/staging").data == {
            "API_KEY": "local-api", "SHARED": "same", "ONLY_VAULT": "remote-only-value"
        }  # fmt: skip
        assert "pushed staging" in notes(app)

        bao.kv2_put(f"{prefix}/staging", {"API_KEY": "rotated", "SHARED": "same", "NEW": "n"})
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "replaced in the file: API_KEY" in screen_text(app)
        await pilot.click("#yes")
        await settle(pilot)
        text = (root / ".env.staging").read_text()
        assert "API_KEY=rotated" in text and "NEW=n" in text
        assert app.session.values("staging")["NEW"] == "n"  # the session was reloaded


async def test_a_change_after_the_plan_is_refused(
    tmp_path: Path, prefix: str, bao, monkeypatch: pytest.MonkeyPatch
) -> None:
    bao.kv2_put(f"{prefix}/staging", {"SHARED": "same"})
    use_server(monkeypatch, bao)
    app = RelayApp(Session.open(make_project(tmp_path / "p", prefix)))
    async with app.run_test(size=SIZE) as pilot:
        await open_vault(pilot)
        await pilot.press("p")
        await settle(pilot)
        bao.kv2_put(f"{prefix}/staging", {"SHARED": "other writer"})
        await pilot.click("#yes")
        await settle(pilot)
        assert "changed since the plan: diff again" in notes(app)
        data = store_for(bao.addr, bao.root_token).read(f"secret/{prefix}/staging").data
        assert data == {"SHARED": "other writer"}


async def test_read_only_session_refuses_push_and_pull(
    tmp_path: Path, prefix: str, bao, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_server(monkeypatch, bao)
    app = RelayApp(Session.open(make_project(tmp_path / "p", prefix), read_only=True))
    async with app.run_test(size=SIZE) as pilot:
        await open_vault(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert "read-only session" in notes(app)
        status, _ = bao.api("GET", f"secret/data/{prefix}/staging")
        assert status == 404


async def test_protected_environment_needs_its_name_typed(
    tmp_path: Path, prefix: str, bao, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_server(monkeypatch, bao)
    app = RelayApp(Session.open(make_project(tmp_path / "p", prefix), env="production"))
    async with app.run_test(size=SIZE) as pilot:
        await open_vault(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen) and "PROTECTED" in screen_text(app)
        await pilot.click("#yes")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # not typed: still asking
        status, _ = bao.api("GET", f"secret/data/{prefix}/production")
        assert status == 404
        await pilot.click("#typed")
        await pilot.press(*"production", "enter")
        await settle(pilot)
        data = store_for(bao.addr, bao.root_token).read(f"secret/{prefix}/production").data
        assert data == {"API_KEY": "prod-api"}


async def test_an_environment_on_another_server_reconnects_when_it_becomes_active(
    tmp_path: Path, prefix: str, bao, refused_addr: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BAO_TOKEN", bao.root_token)
    root = make_project(tmp_path / "p", prefix)
    (root / "relay.toml").write_text(
        f'[environments.staging]\nvault_path = "{prefix}/staging"\nvault_addr = "{bao.addr}"\n'
        f'[environments.production]\nvault_path = "{prefix}/production"\n'
        f'vault_addr = "{refused_addr}"\n'
    )
    trust(root)  # the addresses come from the repository: the user trusts them first
    app = RelayApp(Session.open(root))
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_vault(pilot)
        assert app.vault_label == f"{bao.addr} (root ns)" and pane.conn is not None
        assert "(from relay.toml)" in screen_text(app)
        app.switch_env("production")
        await settle(pilot)
        assert refused_addr in screen_text(app) and app.vault_label == "unreachable"


def test_search_is_bounded_reuses_listings_and_stops_when_cancelled() -> None:
    folders = {"m/": ["a/", "x"], "m/a/": ["b/"], "m/a/b/": ["c/", "needle"],
               "m/a/b/c/": ["needle2"]}  # fmt: skip
    listed: list[str] = []

    def list_folder(folder: str) -> list[str]:
        listed.append(folder)
        return folders[folder]

    shallow = search_paths(list_folder, ["m"], "NEEDLE", depth=3)
    assert shallow.matches == ["m/a/b/needle"] and "m/a/b/c/" not in listed
    deep = search_paths(list_folder, ["m/"], "needle", known={"m/": folders["m/"]})
    assert deep.matches == ["m/a/b/needle", "m/a/b/c/needle2"]
    assert search_paths(list_folder, ["m"], "m").matches == []  # the mount itself never matches
    assert search_paths(list_folder, ["m"], "needle", limit=2).truncated
    listed.clear()
    stopped = search_paths(list_folder, ["m"], "needle", cancelled=lambda: True)
    assert stopped.cancelled and listed == []
