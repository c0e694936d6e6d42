"""The `start` fixture: a real terminal (tmux) per call, every one killed after the test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_workbench_tmux import Start, app_env
from tests.e2e.tmuxterm import Term


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Start]:
    """`start(argv, width=80, height=24)`: a Term running argv; every one is killed afterwards."""
    terms: list[Term] = []

    def run(argv: list[str], *, width: int = 80, height: int = 24) -> Term:
        term = Term(tmp_path / f"term-{len(terms)}", width, height)
        terms.append(term)
        return term.start(argv, app_env())

    yield run
    for term in terms:
        term.close()
