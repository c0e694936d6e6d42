"""Every `relay-tui` command the README shows is one the command line accepts, flags included."""

from __future__ import annotations

import re
import shlex

import pytest

from relay_tui.cli import build_parser
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```(?:sh|bash)\n(.*?)^```", README, flags=re.M | re.S)


def readme_commands() -> list[str]:
    """The `relay-tui ...` part of each shell line in the README (after a pipe, before `|`)."""
    found = []
    for block in BLOCKS:
        for line in block.splitlines():
            start = line.find("relay-tui ")
            if start < 0 or line.lstrip().startswith("printf '#!"):
                continue
            command = line[start:]
            words = shlex.split(command, comments=True)
            for stop in ("|", "&&", ";"):
                if stop in words:
                    words = words[: words.index(stop)]
            found.append(shlex.join(words))
    return found


COMMANDS = readme_commands()


def test_the_readme_shows_commands() -> None:
    assert len(COMMANDS) > 40, COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_each_readme_command_parses(command: str) -> None:
    argv = shlex.split(command)[1:]
    try:
        build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse's error: the README shows a flag that does not exist
        raise AssertionError(f"the README shows `{command}`, which relay-tui refuses") from exc
