"""A real terminal for end-to-end tests: a private tmux server, keys in, screen text out.

Each `Term` runs one command in its own tmux server (`tmux -L <unique socket> -f /dev/null`), so
no user configuration or other session is touched, and killing its only session stops it. The
command runs under `env -i` with exactly the variables given, through a small sh wrapper that:

- waits until every byte the pane receives is being recorded (`pipe-pane` into `raw.log`), so a
  check can cover what reached the terminal, not only what is left on the screen;
- keeps stderr on the terminal (Textual draws on it);
- after the program ends, writes its exit code to `exit-code` and `stty -a` to `stty-after`,
  prints `ENDED_MARK`, and stays alive so the screen it left behind can still be captured.

tmux is told to accept OSC 52 (`set-clipboard on`): a clipboard sequence that reached the
terminal would show up as a tmux paste buffer (`buffers()`).
"""

from __future__ import annotations

import itertools
import os
import shlex
import shutil
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

POLL_SECONDS = 0.02
ENDED_MARK = "<<relay-e2e: program ended>>"
_COUNTER = itertools.count()


def tmux_available() -> bool:
    """Whether the tmux binary is on PATH."""
    return shutil.which("tmux") is not None


class Term:
    """One command in a width x height tmux pane; `close()` kills the session."""

    def __init__(self, workdir: Path, width: int = 80, height: int = 24) -> None:
        unique = f"relay-e2e-{os.getpid()}-{next(_COUNTER)}"
        self.socket = unique
        self.name = unique
        self.workdir = workdir
        self.width, self.height = width, height
        self.raw_log = workdir / "raw.log"
        self.exit_file = workdir / "exit-code"
        self.stty_file = workdir / "stty-after"
        self.started = False
        self.socket_path = ""
        self.last_screen = ""

    # ----- tmux ---------------------------------------------------------------------------
    def tmux(self, *args: str, check: bool = True) -> str:
        """Run one tmux command against this terminal's private server; returns stdout."""
        env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}
        result = subprocess.run(
            ["tmux", "-L", self.socket, "-f", os.devnull, *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=10,
            check=False,
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args[:1])} failed: {result.stderr.strip()}")
        return result.stdout

    def start(self, argv: Sequence[str], env: Mapping[str, str], cwd: Path | None = None) -> Term:
        """Start `argv` under `env -i` with exactly `env`; returns once recording is on."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        go = self.workdir / "go"
        command = shlex.join(["env", "-i", *(f"{k}={v}" for k, v in env.items()), *argv])
        script = "\n".join(
            [
                f"cd {shlex.quote(str(cwd or self.workdir))}",
                f"while [ ! -e {shlex.quote(str(go))} ]; do sleep 0.01; done",
                command,
                f'echo "$?" > {shlex.quote(str(self.exit_file))}',
                f"stty -a > {shlex.quote(str(self.stty_file))} 2>&1",
                f"printf '\\n%s\\n' {shlex.quote(ENDED_MARK)}",
                "exec sleep 3600",
                "",
            ]
        )
        wrapper = self.workdir / "run.sh"
        wrapper.write_text(script)
        size = ["-x", str(self.width), "-y", str(self.height)]
        self.tmux("new-session", "-d", "-s", self.name, *size, "sh", str(wrapper))
        self.started = True
        self.socket_path = self.tmux("display-message", "-p", "#{socket_path}").strip()
        self.tmux("set-option", "-g", "set-clipboard", "on")
        self.tmux("pipe-pane", "-o", "-t", self.name, f"cat >> {shlex.quote(str(self.raw_log))}")
        go.touch()
        return self

    def close(self) -> None:
        """Kill the session (and with it this private server and the program)."""
        if self.started:
            self.tmux("kill-session", "-t", self.name, check=False)
            self.started = False
            if self.socket_path:  # the exiting server leaves its socket file behind
                Path(self.socket_path).unlink(missing_ok=True)

    # ----- reading ------------------------------------------------------------------------
    def screen(self) -> str:
        """The visible screen as text, one line per row (trailing blanks trimmed by tmux)."""
        self.last_screen = self.tmux("capture-pane", "-p", "-t", self.name)
        return self.last_screen

    def lines(self) -> list[str]:
        """The visible rows."""
        return self.screen().split("\n")

    def history(self) -> str:
        """Everything the pane holds, scrollback included."""
        return self.tmux("capture-pane", "-p", "-S", "-", "-E", "-", "-t", self.name)

    def raw(self) -> bytes:
        """Every byte the program wrote to the terminal so far."""
        return self.raw_log.read_bytes() if self.raw_log.exists() else b""

    def flag(self, name: str) -> str:
        """A tmux format of the pane, e.g. `alternate_on` or `cursor_flag`."""
        return self.tmux("display-message", "-p", "-t", self.name, f"#{{{name}}}").strip()

    def buffers(self) -> list[str]:
        """tmux paste buffers (an OSC 52 that reached the terminal creates one)."""
        return [line for line in self.tmux("list-buffers").splitlines() if line]

    def exit_code(self) -> int | None:
        """The program's exit code once it has ended, else None."""
        try:
            text = self.exit_file.read_text().strip()
        except FileNotFoundError:
            return None
        return int(text) if text else None

    # ----- waiting ------------------------------------------------------------------------
    def wait_until(self, check: Callable[[str], bool], what: str, timeout: float = 15.0) -> str:
        """Poll the screen every 20 ms until `check(screen)`; fail showing the last screen."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if check(screen):
                return screen
            code = self.exit_code()
            if code is not None and ENDED_MARK in screen:  # the screen will not change any more
                raise AssertionError(
                    f"the program ended (exit code {code}) before {what}; last screen:\n{screen}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out after {timeout:.0f} s waiting for {what}; last screen:\n{screen}"
                )
            time.sleep(POLL_SECONDS)

    def wait_for(self, *texts: str, timeout: float = 15.0) -> str:
        """Wait until every one of `texts` is on the screen."""
        return self.wait_until(
            lambda s: all(t in s for t in texts), " and ".join(map(repr, texts)), timeout
        )

    def wait_gone(self, *texts: str, timeout: float = 15.0) -> str:
        """Wait until none of `texts` is on the screen."""
        return self.wait_until(
            lambda s: not any(t in s for t in texts),
            "no " + " or ".join(map(repr, texts)),
            timeout,
        )

    def wait_ended(self, timeout: float = 15.0) -> int:
        """Wait for the program to end; returns its exit code."""
        self.wait_for(ENDED_MARK, timeout=timeout)
        code = self.exit_code()
        assert code is not None
        return code

    # ----- typing -------------------------------------------------------------------------
    def press(self, *keys: str) -> None:
        """Send tmux key names (`r`, `Enter`, `Escape`, `C-u`, `Down`, ...)."""
        self.tmux("send-keys", "-t", self.name, *keys)

    def type(self, text: str) -> None:
        """Send `text` literally."""
        self.tmux("send-keys", "-t", self.name, "-l", "--", text)
