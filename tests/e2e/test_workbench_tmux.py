"""The workbench in a real terminal (tmux): keys in, `capture-pane` and the files on disk checked.

Every test starts `python -m relay_tui ui --project DIR` in its own 80x24 tmux server with a clean
environment (HOME and RELAY_TUI_HOME in a temp folder, TERM=xterm-256color, no NO_COLOR) and
records every byte the app writes to the terminal, so "never shown" means never sent, not only
gone from the final screen. Values here are test data.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.e2e.tmuxterm import Term, tmux_available

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not tmux_available(), reason="tmux is not installed"),
]

MASK = "••••••••"
JWT = "jwt-Hq7ZpX2vLw9Kd4RtYb6NmC3sFg8JeA5u"
SESSION = "ses-Xw9kP2"
DB_PASSWORD = "pw-Lm4Qz8Rv"
NOTE_LINE = "note-Tq3Wy6"
PROD_JWT = "prod-jwt-Zr8Nc2Vb5Xm1Lk7Jh4Gf"
# The development file: comments, blank lines, export, inline comments, both quotes, multi-line.
DEV_ENV = (
    "# Relay, local development\n"
    "ENVIRONMENT=development\n"
    "HOST=127.0.0.1\n"
    "export PORT=8000  # the API\n"
    "\n"
    f"JWT_SECRET_KEY={JWT}\n"
    f'SESSION_SECRET="{SESSION}"    # quoted\n'
    f"DATABASE_URL='postgresql://relay:{DB_PASSWORD}@localhost:5432/relay'\n"
    f'PRIVATE_NOTE="first line\n{NOTE_LINE}"\n'
    "LOG_LEVEL=info\n"
)
DEV_KEYS = [
    "ENVIRONMENT",
    "HOST",
    "PORT",
    "JWT_SECRET_KEY",
    "SESSION_SECRET",
    "DATABASE_URL",
    "PRIVATE_NOTE",
    "LOG_LEVEL",
]
PROD_ENV = f"ENVIRONMENT=production\nJWT_SECRET_KEY={PROD_JWT}\nPORT=443\n"
PROD_KEYS = ["ENVIRONMENT", "JWT_SECRET_KEY", "PORT"]
SECRETS = (JWT, SESSION, DB_PASSWORD, NOTE_LINE, PROD_JWT)

# Hostile values (a key name cannot hold these characters, so they sit in values) and how the
# app must show them once revealed: literally, with control and bidi characters escaped.
INJECTION = {
    "A": ("[/]", "[/]"),
    "B": ("[@click=app.quit]x", "[@click=app.quit]x"),
    "C": ("[link=http://x]y", "[link=http://x]y"),
    "D": ("esc\x1b[2Jhere", "esc\\e[2Jhere"),
    "E": ("osc\x1b]52;c;aGVsbG8=\x07end", "osc\\e]52;c;aGVsbG8=\\x07end"),
    "F": ("bell\x07ring", "bell\\x07ring"),
    "G": ("bidi\u202eevil", "bidi\\u202eevil"),
    "H": ("st\x1b]52;c;aGVsbG8=\x1b\\end", "st\\e]52;c;aGVsbG8=\\e\\end"),  # ST-terminated
}
# Byte sequences that would mean a hostile value reached the terminal raw.
RAW_PAYLOADS = (b"\x1b[2Jhere", b"\x1b]52;", b"bell\x07", "\u202e".encode())

Start = Callable[..., Term]


# ----- fixtures and helpers ------------------------------------------------------------------
def app_env() -> dict[str, str]:
    """The app's whole environment; HOME and RELAY_TUI_HOME are the temp ones of conftest."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ["HOME"],
        "RELAY_TUI_HOME": os.environ["RELAY_TUI_HOME"],
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(REPO),
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def write_secret(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o600)


@pytest.fixture
def e2e_project(project: Path) -> Path:
    """The `project` fixture (Relay's template, a git repo) plus .env and .env.production."""
    write_secret(project / ".env", DEV_ENV)
    write_secret(project / ".env.production", PROD_ENV)
    return project


def relay(project: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "relay_tui", "ui", "--project", str(project), *args]


def wait_ready(term: Term, first_key: str = "ENVIRONMENT") -> str:
    """Wait until the keys grid, the detail of the first key, the validation and the footer."""
    term.wait_for("KEY", "VALUE", MASK, f" {first_key} · ")
    term.wait_gone("checking…")
    return term.wait_until(lambda s: "Reveal" in footer_of(s), "the footer")


def footer_of(screen: str) -> str:
    """The last row of the 24-row screen."""
    lines = screen.split("\n")
    return lines[23] if len(lines) > 23 else ""


def detail_line(screen: str, key: str) -> str:
    """The first line of the detail box under the grid (it starts with the key's name)."""
    return next((line for line in screen.split("\n") if line.startswith(f" {key} ")), "")


def goto(term: Term, keys: list[str], key: str) -> str:
    """Put the cursor on `key` (its index in `keys`) and wait for its detail line."""
    term.press("Home", *["Down"] * keys.index(key))
    return term.wait_until(lambda s: bool(detail_line(s, key)), f"the cursor on {key}")


def row_of(screen: str, key: str) -> str:
    """The keys-grid row of `key` (below the grid's `KEY  VALUE` title)."""
    lines = screen.split("\n")
    top = next((n for n, line in enumerate(lines) if line.startswith("KEY ")), len(lines))
    return next((line for line in lines[top + 1 :] if line.startswith(key + " ")), "")


def field_shows(screen: str, text: str) -> bool:
    """Whether a one-line input box on the screen holds exactly `text` (or that placeholder)."""
    return re.search(rf"▊  {re.escape(text)} +▎", screen) is not None


def clear_field(term: Term, placeholder: str) -> None:
    """ctrl+u in the focused input, then wait until it is empty (its placeholder shows).

    Textual runs ctrl+u as a binding after the key has bubbled up, so letters typed in the same
    burst could land before it: the next keys go only once the field is empty.
    """
    term.press("C-u")
    term.wait_until(lambda s: field_shows(s, placeholder), f"an empty field ({placeholder})")


def type_value(term: Term, text: str, masked: bool) -> None:
    """Type `text` into the focused (empty) input and wait until all of it is in."""
    term.type(text[:-1])
    shown = "•" * (len(text) - 1) if masked else text[:-1]
    term.wait_until(lambda s: field_shows(s, shown), f"{len(text) - 1} characters typed")
    term.type(text[-1])
    shown = "•" * len(text) if masked else text
    term.wait_until(lambda s: field_shows(s, shown), f"{len(text)} characters typed")


def wait_file_changes(path: Path, before: bytes, timeout: float = 10.0) -> bytes:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = path.read_bytes()
        if now != before:
            return now
        time.sleep(0.02)
    raise AssertionError(f"{path.name} did not change within {timeout:.0f} s")


def assert_only_line_changed(before: bytes, after: bytes, old_line: bytes, new_line: bytes) -> None:
    """`after` is `before` with exactly the one line `old_line` replaced by `new_line`."""
    old, new = before.split(b"\n"), after.split(b"\n")
    assert before.count(old_line + b"\n") == 1
    index = old.index(old_line)
    assert new == [*old[:index], new_line, *old[index + 1 :]]


# ----- 1. the first screen -------------------------------------------------------------------
def test_first_screen_at_80x24_shows_header_envs_masked_keys_and_footer(
    start: Start, e2e_project: Path
) -> None:
    term = start(relay(e2e_project))
    screen = wait_ready(term)
    lines = screen.split("\n")
    assert len(lines) >= 24
    header = lines[0]
    assert "relay" in header and "env: development" in header and "Env files" in header
    assert "vault:" in header
    for env, file in (("development", ".env"), ("production", ".env.production")):
        assert any(env in line and file in line for line in lines[1:6]), screen
    assert any("template" in line and ".env.example" in line for line in lines[1:7]), screen
    assert "protected" in screen  # production's badge
    for key in DEV_KEYS:  # every key of the file has its row, its value masked
        assert MASK in row_of(screen, key), (key, screen)
    footer = footer_of(screen)
    for label in ("Reveal", "Edit", "Save"):
        assert label in footer, screen
    assert not any(secret in screen for secret in SECRETS)
    assert not any(secret.encode() in term.raw() for secret in SECRETS)
    assert term.flag("alternate_on") == "1"


def test_footer_at_80_columns_shows_how_to_get_help_and_quit(
    start: Start, e2e_project: Path
) -> None:
    term = start(relay(e2e_project))
    footer = footer_of(wait_ready(term))
    assert "Keys" in footer and "Quit" in footer, footer


def test_opening_the_workbench_writes_no_per_user_file(start: Start, e2e_project: Path) -> None:
    home = Path(os.environ["RELAY_TUI_HOME"])
    before = sorted(home.rglob("*")) if home.exists() else []
    term = start(relay(e2e_project, "--read-only"))
    wait_ready(term)
    time.sleep(0.3)
    after = sorted(home.rglob("*")) if home.exists() else []
    assert after == before, [str(p.relative_to(home)) for p in after]


# ----- 2. reveal -----------------------------------------------------------------------------
def test_a_value_appears_only_after_reveal_and_goes_when_the_cursor_moves(
    start: Start, e2e_project: Path
) -> None:
    term = start(relay(e2e_project))
    wait_ready(term)
    screen = goto(term, DEV_KEYS, "JWT_SECRET_KEY")
    assert JWT[:9] not in screen and MASK in row_of(screen, "JWT_SECRET_KEY")
    assert JWT.encode() not in term.raw()

    term.press("r")
    screen = term.wait_for(JWT)  # the whole value, in the detail line under the grid
    assert row_of(screen, "JWT_SECRET_KEY").split()[1] == JWT[:9] + "…"  # the cell is cut
    assert "revealed" in detail_line(screen, "JWT_SECRET_KEY")

    term.press("Down")
    screen = term.wait_gone(JWT[:9])
    assert MASK in row_of(screen, "JWT_SECRET_KEY")
    assert detail_line(screen, "SESSION_SECRET")

    term.press("r")  # the next one, then r again hides it
    term.wait_for(SESSION)
    term.press("r")
    screen = term.wait_gone(SESSION)
    assert MASK in row_of(screen, "SESSION_SECRET")
    raw = term.raw()
    for never in (DB_PASSWORD, NOTE_LINE, PROD_JWT):  # never revealed: never sent
        assert never.encode() not in raw
    assert term.exit_code() is None


def test_the_cursor_row_stays_visible_when_moving_past_the_bottom(
    start: Start, project: Path
) -> None:
    keys = [f"KEY_{i:03d}" for i in range(60)]
    write_secret(project / ".env", "".join(f"{k}=v{n}\n" for n, k in enumerate(keys)))
    term = start(relay(project))
    screen = wait_ready(term, first_key=keys[0])
    hidden = next(k for k in keys if not row_of(screen, k))  # the first key below the fold
    term.press(*["Down"] * keys.index(hidden))
    screen = term.wait_until(lambda s: bool(detail_line(s, hidden)), f"the cursor on {hidden}")
    time.sleep(0.2)
    screen = term.screen()
    assert row_of(screen, hidden), screen


# ----- 3. edit and save ----------------------------------------------------------------------
def test_an_edit_is_saved_with_mode_0600_and_only_its_line_changed(
    start: Start, e2e_project: Path
) -> None:
    path = e2e_project / ".env"
    before = path.read_bytes()
    names_before = sorted(os.listdir(e2e_project))
    new_value = "new-Session-Val-42"
    term = start(relay(e2e_project))
    wait_ready(term)
    goto(term, DEV_KEYS, "SESSION_SECRET")
    term.press("e")
    term.wait_for("development: SESSION_SECRET", "enter saves")
    clear_field(term, "value")
    type_value(term, new_value, masked=True)
    term.press("Enter")
    screen = term.wait_for("edited, not saved")
    assert "edited, not saved" in row_of(screen, "SESSION_SECRET")
    assert path.read_bytes() == before  # nothing written before s

    term.press("s")
    term.wait_for("saved 1 change")
    after = wait_file_changes(path, before)
    old_line = f'SESSION_SECRET="{SESSION}"    # quoted'.encode()
    new_line = f'SESSION_SECRET="{new_value}"    # quoted'.encode()  # its quotes kept
    assert_only_line_changed(before, after, old_line, new_line)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # no temp file left behind; .relay/ holds the rotation ledger: the key's name and a date
    assert sorted(os.listdir(e2e_project)) == sorted([*names_before, ".relay"])
    ledger = (e2e_project / ".relay" / "ledger.toml").read_text()
    assert "SESSION_SECRET" in ledger and new_value not in ledger
    assert new_value.encode() not in term.raw()  # the new value was never on the terminal
    assert term.exit_code() is None


def test_saving_a_protected_environment_needs_its_name_typed(
    start: Start, e2e_project: Path
) -> None:
    path = e2e_project / ".env.production"
    before = path.read_bytes()
    term = start(relay(e2e_project, "--env", "production"))
    wait_ready(term)
    assert "env: production" in term.screen().split("\n")[0]
    goto(term, PROD_KEYS, "PORT")
    term.press("e")
    term.wait_for("production: PORT", "enter saves")
    clear_field(term, "value")
    type_value(term, "8443", masked=True)
    term.press("Enter")
    term.wait_for("edited, not saved")
    term.press("s")
    term.wait_for("PROTECTED", "type production to confirm")
    type_value(term, "prod", masked=False)
    term.press("Enter")
    term.wait_for("type production exactly to confirm")
    assert path.read_bytes() == before
    clear_field(term, "production")
    type_value(term, "production", masked=False)
    term.press("Enter")
    term.wait_for("saved 1 change")
    after = wait_file_changes(path, before)
    assert_only_line_changed(before, after, b"PORT=443", b"PORT=8443")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_unsaved_edit_marks_its_environment(start: Start, e2e_project: Path) -> None:
    term = start(relay(e2e_project))
    wait_ready(term)
    goto(term, DEV_KEYS, "LOG_LEVEL")
    term.press("e")
    term.wait_for("development: LOG_LEVEL", "enter saves")
    clear_field(term, "value")
    type_value(term, "debug", masked=True)
    term.press("Enter")
    screen = term.wait_for("edited, not saved")
    time.sleep(0.3)
    screen = term.screen()
    env_row = next(line for line in screen.split("\n") if ".env " in line)
    assert "UNSAVED" in env_row, screen


# ----- 4. hostile text -----------------------------------------------------------------------
@pytest.fixture
def injection_project(project: Path) -> Path:
    write_secret(project / ".env", "".join(f"{k}={v}\n" for k, (v, _) in INJECTION.items()))
    return project


def test_hostile_values_render_literally_and_the_app_neither_crashes_nor_acts(
    start: Start, injection_project: Path
) -> None:
    keys = list(INJECTION)
    term = start(relay(injection_project))
    wait_ready(term, first_key="A")
    for key, (_, shown) in INJECTION.items():
        goto(term, keys, key)
        term.press("r")
        screen = term.wait_until(
            lambda s, k=key, t=shown: t in s and "revealed" in detail_line(s, k),
            f"{key} revealed as {shown!r}",
        )
        assert row_of(screen, key).split()[1] == (shown if len(shown) <= 10 else shown[:9] + "…")
    term.press("Home")  # still running and answering keys
    screen = term.wait_until(lambda s: bool(detail_line(s, "A")), "the cursor back on A")
    assert "env: development" in screen.split("\n")[0]
    assert term.exit_code() is None
    assert term.flag("alternate_on") == "1"
    raw = term.raw()
    for payload in RAW_PAYLOADS:
        assert payload not in raw, payload
    assert term.buffers() == []  # no OSC 52 reached the terminal's clipboard


def test_showing_a_hostile_value_in_the_edit_box_keeps_it_literal(
    start: Start, injection_project: Path
) -> None:
    term = start(relay(injection_project))
    wait_ready(term, first_key="A")
    goto(term, list(INJECTION), "H")
    term.press("e")
    term.wait_for("development: H", "enter saves")
    term.wait_until(lambda s: "▊  •" in s, "the masked value in the edit box")
    term.press("C-r")  # shows the value escaped below the field, which stays masked
    screen = term.wait_until(lambda s: INJECTION["H"][1] in s, "the value shown below the box")
    assert "▊  •" in screen
    time.sleep(0.2)  # let the rest of that frame reach the recording
    assert term.buffers() == []  # no clipboard write reached the terminal
    assert b"\x1b]52;" not in term.raw()
    assert INJECTION["H"][1] in screen, screen


# ----- 5. a crash ----------------------------------------------------------------------------
# A wrapper that makes one part of relay_tui raise an exception whose message and locals hold
# values, then runs the real CLI entry point.
CRASH_WRAPPER = """
import sys
from pathlib import Path

where = sys.argv.pop(1)
if where == "mount":
    from relay_tui.ui.session import Session

    def key_rows(self, name):
        secret_local = self.values(name)["JWT_SECRET_KEY"]
        raise RuntimeError("cannot show " + secret_local)

    Session.key_rows = key_rows
elif where == "key":
    from relay_tui.ui.panes.env_pane import EnvPane

    def action_reveal(self):
        secret_local = self.session.values(self.session.active)["JWT_SECRET_KEY"]
        raise RuntimeError("cannot show " + secret_local)

    EnvPane.action_reveal = action_reveal
elif where == "worker":
    import relay_tui.rules.validate as validate_module

    def validate(project, *args, **kwargs):
        secret_local = (Path(project.root) / ".env").read_text()
        raise RuntimeError("cannot check " + secret_local)

    validate_module.validate = validate
from relay_tui.cli import main

sys.exit(main(sys.argv[1:]))
"""


def start_crashing(start: Start, project: Path, where: str, tmp_path: Path) -> Term:
    wrapper = tmp_path / "crashing_relay.py"
    wrapper.write_text(CRASH_WRAPPER)
    argv = [sys.executable, str(wrapper), where, "ui", "--project", str(project)]
    return start(argv)


@pytest.mark.parametrize("where", ["key", "mount", "worker"])
def test_a_crash_shows_no_value_restores_the_terminal_and_exits_non_zero(
    start: Start, e2e_project: Path, tmp_path: Path, where: str
) -> None:
    term = start_crashing(start, e2e_project, where, tmp_path)
    if where == "key":
        wait_ready(term)
        goto(term, DEV_KEYS, "JWT_SECRET_KEY")
        term.press("r")
    code = term.wait_ended()
    screen = term.wait_for("relay-tui stopped on an internal error")
    assert code != 0
    assert "No values or local variables were printed" in screen
    if where != "worker":  # the worker case is checked by its own test below
        assert "RuntimeError at " in screen
    history, raw = term.history(), term.raw()
    for secret in SECRETS:
        assert secret not in history and secret.encode() not in raw, secret
    for word in ("secret_local", "cannot show", "cannot check", "Traceback"):
        assert word not in history and word.encode() not in raw, word
    # The terminal is back to normal: main screen, cursor shown, no mouse, cooked tty.
    assert term.flag("alternate_on") == "0"
    assert term.flag("cursor_flag") == "1"
    assert term.flag("mouse_any_flag") == "0"
    tty = term.stty_file.read_text().split()
    assert "icanon" in tty and "echo" in tty, tty


def test_a_crash_exits_with_the_documented_internal_error_code(
    start: Start, e2e_project: Path, tmp_path: Path
) -> None:
    term = start_crashing(start, e2e_project, "mount", tmp_path)
    assert term.wait_ended() == 70


def test_a_crash_in_a_worker_names_the_original_error_and_its_place(
    start: Start, e2e_project: Path, tmp_path: Path
) -> None:
    term = start_crashing(start, e2e_project, "worker", tmp_path)
    term.wait_ended()
    screen = term.wait_for("relay-tui stopped on an internal error")
    assert "RuntimeError at " in screen and "unknown place" not in screen, screen


# ----- 6. read-only --------------------------------------------------------------------------
def test_read_only_session_refuses_edits_and_says_so_in_the_header(
    start: Start, e2e_project: Path
) -> None:
    path = e2e_project / ".env"
    before = path.read_bytes()
    term = start(relay(e2e_project, "--read-only"))
    screen = wait_ready(term)
    assert "READ-ONLY" in screen.split("\n")[0]
    goto(term, DEV_KEYS, "SESSION_SECRET")
    term.press("e")
    screen = term.wait_for("read-only session")
    assert "enter saves" not in screen  # no edit box opened
    term.press("d")
    term.wait_for("read-only session")
    assert "delete SESSION_SECRET" not in term.screen()
    term.press("s")
    term.wait_for("nothing to save")
    assert path.read_bytes() == before
    assert term.exit_code() is None
