"""Where per-user files live (config, themes, state); RELAY_TUI_HOME moves all of them."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

APP = "relay-tui"


def home_override() -> Path | None:
    """The folder named by RELAY_TUI_HOME, if set."""
    value = os.environ.get("RELAY_TUI_HOME")
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    """relay-tui's config folder (config.toml, themes/)."""
    override = home_override()
    if override:
        return override
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / APP


def state_dir() -> Path:
    """relay-tui's state folder (the audit log)."""
    override = home_override()
    if override:
        return override / "state"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP / "state"
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / APP


def fingerprint_key() -> bytes:
    """The per-user key for fingerprints (created 0600 on first use; per run if it cannot be).

    Created with O_EXCL (never through a link) and fsynced; a file that does not hold 32 bytes
    of hex (an interrupted first run) is not used as a key.
    """
    path = config_dir() / "fingerprint.key"
    found = _read_key(path)
    if found is not None:
        return found
    key = secrets.token_bytes(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key.hex() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
    except FileExistsError:
        return _read_key(path) or key
    except OSError:
        pass
    return key


def _read_key(path: Path) -> bytes | None:
    try:
        found = bytes.fromhex(path.read_text().strip())
    except (OSError, ValueError):
        return None
    return found if len(found) == 32 else None
