"""The one hardened git runner: no repository code runs, no secret reaches git's environment."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from relay_tui.errors import BackendError

# Settings that stop a hostile repository from running code through our git calls. Filter,
# textconv and merge drivers have per-name keys: those the repository's config defines are
# emptied one by one through GIT_CONFIG_KEY_n (an empty command is no command to git; `-c`
# would split a subsection name holding "=" at the wrong place).
HARDENED = (
    "-c", "core.fsmonitor=false",
    "-c", "core.hooksPath=/dev/null",
    "-c", "core.sshCommand=false",
    "-c", "core.pager=cat",
    "-c", "core.askPass=",
    "-c", "diff.external=",
    "-c", "protocol.allow=never",
    "-c", "protocol.file.allow=never",
    "-c", "uploadpack.packObjectsHook=",
    "-c", "credential.helper=",
    "-c", "gpg.program=false",
    "-c", "log.showSignature=false",
)  # fmt: skip
# What git needs from the environment, and the user's own GIT_* settings (the user is trusted);
# everything else (Vault and cloud tokens, AWS_*, the session's values) stays out.
_KEEP = ("PATH", "HOME", "USER", "LOGNAME", "TMPDIR", "SYSTEMROOT", "XDG_CONFIG_HOME")
_FIXED = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_OPTIONAL_LOCKS": "0",
    "GIT_NO_REPLACE_OBJECTS": "1",
    "GIT_NO_LAZY_FETCH": "1",
    "GIT_ATTR_NOSYSTEM": "1",
    "LC_ALL": "C",
}


def git_env(cwd: Path) -> dict[str, str]:
    """A minimal environment for git in `cwd`: no token, no cloud credential, no session value,
    and every driver command of that repository emptied."""
    kept = {
        name: value
        for name, value in os.environ.items()
        if name in _KEEP or (name.startswith("GIT_") and "TOKEN" not in name)
    }
    env = {**kept, **_FIXED}
    exe = git_exe()
    names = _driver_names(exe, cwd, env) if exe else []
    given = env.get("GIT_CONFIG_COUNT", "")
    count = int(given) if given.isdigit() else 0
    for offset, name in enumerate(names):
        env[f"GIT_CONFIG_KEY_{count + offset}"] = name
        env[f"GIT_CONFIG_VALUE_{count + offset}"] = ""
    if names:
        env["GIT_CONFIG_COUNT"] = str(count + len(names))
    return env


def git_exe() -> str | None:
    """The git binary on PATH, or None."""
    return shutil.which("git")


def _driver_names(exe: str, cwd: Path, env: dict[str, str]) -> list[str]:
    """The filter, textconv and merge driver commands the repository's config defines."""
    try:
        done = subprocess.run(
            [exe, *HARDENED, "-C", str(cwd), "config", "--name-only", "-z", "--get-regexp",
             r"^(filter|diff|merge)\..*\.(clean|smudge|process|textconv|command|driver)$"],
            capture_output=True, env=env, timeout=30, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [os.fsdecode(name) for name in done.stdout.split(b"\0") if name]


def git_command(cwd: Path, *args: str) -> list[str]:
    """The argv of a hardened git call in `cwd` (BackendError when git is not installed)."""
    exe = git_exe()
    if exe is None:
        raise BackendError("git is not installed", hint="install git")
    return [exe, *HARDENED, "-C", str(cwd), *args]


def run(
    cwd: Path, *args: str, stdin: bytes = b"", timeout: float = 120
) -> subprocess.CompletedProcess[bytes]:
    """Run hardened git in `cwd`; OSError and a time-out become a BackendError."""
    try:
        return subprocess.run(
            git_command(cwd, *args), input=stdin, capture_output=True, env=git_env(cwd),
            timeout=timeout, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise BackendError(
            f"git {args[0] if args else ''} took longer than {timeout:.0f} s"
        ) from None
    except OSError as exc:
        raise BackendError(f"git could not run ({exc.strerror})") from None
