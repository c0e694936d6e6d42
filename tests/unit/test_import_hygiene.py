"""The headless core and CLI never import Textual (nor hvac or cryptography unless they need to)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CHECK = """
import importlib, pkgutil, sys
import relay_tui
HEADLESS = ("domain", "infra", "project", "stores", "rules", "scan", "services", "notebooks")
for info in pkgutil.walk_packages(relay_tui.__path__, "relay_tui."):
    if info.name.split(".")[1] in HEADLESS:
        importlib.import_module(info.name)
import relay_tui.cli, relay_tui.guard, relay_tui.commands.check_cmd, relay_tui.commands.keys_cmd
import relay_tui.commands.deploy_cmd, relay_tui.commands.generate_cmd
print(",".join(sorted(m for m in sys.modules if m.split(".")[0] in {MODS})))
"""


def _loaded(mods: set[str]) -> str:
    code = CHECK.replace("{MODS}", repr(mods))
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_core_and_cli_never_import_textual_or_the_ui() -> None:
    assert _loaded({"textual", "rich"}) == ""
    code = "import sys, relay_tui.rules.validate; print('relay_tui.ui' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_core_does_not_load_hvac_or_cryptography_on_import() -> None:
    assert _loaded({"hvac", "requests", "cryptography"}) == ""


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--no-git"],
        ["generate"],
        ["diff", "development", "production"],
        ["audit"],
        ["notebook", "list"],
    ],
)
def test_headless_commands_load_no_textual_no_hvac(tmp_path, args: list[str]) -> None:
    (tmp_path / ".env.example").write_text("A=1\n")
    (tmp_path / ".env").write_text("A=1\n")
    (tmp_path / ".env.production").write_text("A=2\n")
    code = (
        "import sys, runpy\n"
        f"sys.argv = ['relay-tui', '--project', {str(tmp_path)!r}, *{args!r}]\n"
        "from relay_tui.cli import main\n"
        "main(sys.argv[1:])\n"
        "bad = [m for m in ('textual', 'hvac', 'rich', 'cryptography') if m in sys.modules]\n"
        "sys.stderr.write('LOADED=' + ','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stderr.strip().endswith("LOADED="), result.stderr[-300:]
