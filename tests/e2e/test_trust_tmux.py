"""The workbench in a real terminal with a repository's relay.toml naming a Vault address:
it asks once before any request, and a server's error text reaches the screen redacted."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from relay_tui.infra import trust
from tests.e2e.test_workbench_tmux import Start, relay
from tests.e2e.tmuxterm import Term, tmux_available
from tests.integration.test_untrusted_repo import FakeVault, Leaky, token

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not tmux_available(), reason="tmux is not installed"),
]


def serve(handler: type[FakeVault]) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    seen: list[tuple[str, str]] = []
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), type("Handler", (handler,), {"seen": seen})
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[tuple[str, str]]]]:
    yield from serve(FakeVault)


@pytest.fixture
def leaky() -> Iterator[tuple[str, list[tuple[str, str]]]]:
    yield from serve(Leaky)


def with_token(term_start: Start, argv: list[str]) -> Term:
    """Start the workbench, 120 columns wide, with VAULT_TOKEN set (through `env`)."""
    return term_start(["env", f"VAULT_TOKEN={token()}", *argv], width=120)


@pytest.fixture(autouse=True)
def dot_env(project: Path) -> None:
    """A development file, so the workbench opens on the keys (not the first-time setup)."""
    (project / ".env").write_text("PORT=8000\n")
    (project / ".env").chmod(0o600)


def test_the_workbench_asks_before_any_request_and_not_now_keeps_vault_off(
    start: Start, project: Path, recorder: tuple[str, list[tuple[str, str]]]
) -> None:
    addr, seen = recorder
    (project / "relay.toml").write_text(f'[vault]\naddr = "{addr}"\n')
    term = with_token(start, relay(project))
    screen = term.wait_for("is not trusted", f"Vault address {addr} ([vault])", "Not now")
    assert "KEY" not in screen, "the question comes before the workbench"
    term.press("Escape")
    term.wait_for("not trusted (run relay-tui trust)")
    term.press("4")  # the Vault pane: it must not connect either
    term.wait_for("not trusted")
    term.press("R")
    term.wait_for("not trusted")
    assert seen == [], "no request reached the address relay.toml names"
    assert not trust.is_trusted(project)


def test_trusting_in_the_modal_records_the_content_once(
    start: Start, project: Path, recorder: tuple[str, list[tuple[str, str]]]
) -> None:
    addr, seen = recorder
    (project / "relay.toml").write_text(f'[vault]\naddr = "{addr}"\n')
    term = with_token(start, relay(project))
    term.wait_for("is not trusted", "Not now")
    assert seen == []
    term.press("t")
    term.wait_for(f"vault: {addr}")
    assert trust.is_trusted(project)
    term.press("C-q")
    term.wait_ended()
    again = with_token(start, relay(project))
    again.wait_for("KEY", f"vault: {addr}")
    assert "is not trusted" not in again.history(), "asked once: the same content is not asked"


def test_an_outside_env_file_not_trusted_stops_with_the_reason(
    start: Start, project: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere.env"
    outside.write_text("PORT=1\n")
    (project / "relay.toml").write_text(f'[environments.development]\nfile = "{outside}"\n')
    term = start(relay(project))
    term.wait_for("path outside the project", "where.env ([environments.development])")
    term.press("Escape")
    assert term.wait_ended() == 4
    assert "relay-tui trust" in term.history()


def test_server_error_text_in_notifications_is_redacted(
    start: Start, project: Path, leaky: tuple[str, list[tuple[str, str]]]
) -> None:
    addr, seen = leaky
    term = start(["env", f"VAULT_TOKEN={token()}", f"VAULT_ADDR={addr}", *relay(project)])
    term.wait_for("KEY")
    term.press("4")
    term.wait_for("[redacted]")
    assert seen, "the user's own address is trusted: the pane did ask the server"
    shown = term.raw().decode("utf-8", "replace") + term.history()
    assert token() not in shown
    assert "hunter22" not in shown and "s." + "A" * 24 not in shown


def test_a_read_only_workbench_does_not_ask_and_stays_untrusted(
    start: Start, project: Path, recorder: tuple[str, list[tuple[str, str]]]
) -> None:
    addr, seen = recorder
    (project / "relay.toml").write_text(f'[vault]\naddr = "{addr}"\n')
    term = with_token(start, [*relay(project), "--read-only"])
    term.wait_for("KEY", "not trusted (run relay-tui trust)")
    assert "is not trusted. It asks for" not in term.history(), "trusting would write a record"
    assert seen == [] and not trust.is_trusted(project)
