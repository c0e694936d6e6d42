"""Helpers for the Vault tests: a store on a server, and `relay-tui` run as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from relay_tui.stores.vault.config import resolve
from relay_tui.stores.vault.store import VaultStore
from tests.conftest import REPO

UNICODE = "héllo\nwörld\r\n\ttab ✓"


def store_for(addr: str, token: str, **extra: str) -> VaultStore:
    return VaultStore(
        resolve({"BAO_ADDR": addr, "BAO_TOKEN": token, **extra}, home=Path("/nonexistent"))
    )


def relay(
    bao: object,
    *args: str,
    stdin: str = "",
    extra: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    env = relay_env({**bao.env(), **(extra or {})})  # type: ignore[attr-defined]
    raw = subprocess.run(
        [sys.executable, "-m", "relay_tui", *args],
        input=stdin.encode(),
        capture_output=True,
        env=env,
        timeout=60,
        cwd=cwd or REPO,
    )  # bytes, so that \r\n reaches the test unchanged
    return subprocess.CompletedProcess(
        raw.args, raw.returncode, raw.stdout.decode(), raw.stderr.decode()
    )


def relay_env(extra: dict[str, str]) -> dict[str, str]:
    """This process's environment plus `extra`, with the repo importable."""
    return {**os.environ, **extra, "PYTHONPATH": str(REPO)}
