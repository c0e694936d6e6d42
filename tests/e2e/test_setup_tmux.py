"""The guided first-time setup in a real terminal: no .env, keys typed, files checked on disk."""

from __future__ import annotations

import os
import re
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from relay_tui.project.envfile import EnvFile
from tests.e2e.test_workbench_tmux import app_env, footer_of
from tests.e2e.tmuxterm import Term, tmux_available

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not tmux_available(), reason="tmux is not installed"),
]


@pytest.fixture
def term(tmp_path: Path, project: Path) -> Iterator[Term]:
    """relay-tui on a project that has only Relay's template, at 80x24."""
    terminal = Term(tmp_path / "term", 80, 24)
    argv = [sys.executable, "-m", "relay_tui", "--project", str(project)]
    yield terminal.start(argv, app_env())
    terminal.close()


def test_setup_opens_asks_and_writes_dotenv_0600(term: Term, project: Path) -> None:
    screen = term.wait_for("First-time setup")
    assert "Run" in footer_of(screen)
    term.press("R")
    typed: dict[str, str] = {}
    for number in range(12):
        screen = term.wait_until(
            lambda s: "enter saves" in s or "relay.toml describing" in s, "a question"
        )
        if "relay.toml describing" in screen:
            break
        found = re.search(r"value for ([A-Z][A-Z0-9_]*):", screen)
        assert found, screen
        key = found.group(1)
        value = f"typed{number}-abcdefghijklmnopqrstuvwx"
        if key.endswith("_URL"):
            value = f"postgresql://relay:pw{number}-long-enough-pass@db.invalid:5432/relay"
        term.type(value)
        term.press("Enter")
        typed[key] = value
        term.wait_until(lambda s, k=key: f"value for {k}:" not in s, "the next question")
    else:
        raise AssertionError("the setup never offered to write relay.toml")
    assert "STRIPE_SECRET_KEY" in typed
    term.press("BTab", "Enter")  # from "No" back to "Yes"
    term.wait_until(lambda s: (project / "relay.toml").exists(), "relay.toml", timeout=20)
    env = project / ".env"
    assert stat.S_IMODE(os.stat(env).st_mode) == 0o600
    values = EnvFile.load(env).values()
    assert all(values[k] == v for k, v in typed.items())
    raw = term.raw()
    for value in [*typed.values(), values["JWT_SECRET_KEY"]]:
        assert value.encode() not in raw  # typed masked, never drawn
    term.press("C-q")
    assert term.wait_ended() == 0
