"""Workbench fixtures: a Relay project with development and production files, and the app."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from relay_tui.ui.app import RelayApp
from relay_tui.ui.session import Session

DEV_SECRET = "dev-jwt-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFG"
PROD_SECRET = "prod-jwt-9876543210zyxwvutsrqponmlkjihgfedcba-QWERTY"


@pytest.fixture
def workbench_project(project: Path) -> Path:
    """The `project` fixture plus .env (development) and .env.production, both 0600."""
    files = {
        ".env": f"# local\nENVIRONMENT=development\nJWT_SECRET_KEY={DEV_SECRET}\nPORT=8000\n",
        ".env.production": f"ENVIRONMENT=production\nJWT_SECRET_KEY={PROD_SECRET}\n",
    }
    for name, text in files.items():
        path = project / name
        path.write_text(text)
        os.chmod(path, 0o600)
    return project


MakeApp = Callable[..., RelayApp]


@pytest.fixture
def make_app(workbench_project: Path) -> MakeApp:
    """`make_app(read_only=False, env=None, root=None)`: a RelayApp on the project."""

    def make(
        *, read_only: bool = False, env: str | None = None, root: Path | None = None
    ) -> RelayApp:
        session = Session.open(root or workbench_project, read_only=read_only, env=env)
        return RelayApp(session)

    return make


def screen_text(app: RelayApp) -> str:
    """Everything on the screen now, as plain text (from an SVG export's text runs)."""
    import html
    import re

    svg = app.export_screenshot()
    runs = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return html.unescape("".join(runs)).replace("\xa0", " ")
