"""Random relay.toml, notebook and baseline documents: a message and exit 2, never a bug (70)."""

from __future__ import annotations

import contextlib
import json
import tempfile
from pathlib import Path
from typing import Any

import tomli_w
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from relay_tui.errors import RelayError
from relay_tui.notebooks import document as notebook
from relay_tui.project.project import load_project
from relay_tui.scan import baseline as scan_baseline

NAMES = st.sampled_from([
    "project", "environments", "vault", "secrets", "name", "template", "file", "protected",
    "vault_path", "vault_addr", "vault_mount", "addr", "mount", "kind", "required", "rotate_days",
    "development", "production", "JWT_SECRET_KEY", "title", "cells", "type", "env", "text",
    "keys", "items", "entries", "fingerprint", "rule", "path", "output", "value", "x",
])  # fmt: skip
SCALARS = st.one_of(
    st.text(max_size=12), st.integers(-5, 10**6), st.booleans(), st.floats(allow_nan=False)
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(NAMES | st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)
TABLES = st.dictionaries(NAMES, VALUES, max_size=5)
CONFIGS = st.one_of(
    TABLES,
    st.fixed_dictionaries({}, optional={
        "project": TABLES, "vault": TABLES,
        "environments": st.dictionaries(NAMES | st.text(max_size=6), TABLES, max_size=3),
        "secrets": st.dictionaries(NAMES | st.text(max_size=6), TABLES, max_size=3),
    }),
)  # fmt: skip
CELL_TYPES = st.sampled_from(
    ["markdown", "generate-env", "validate", "rotate", "scan", "checklist", "vault-push", "x"]
)
NOTEBOOKS = st.one_of(
    TABLES,
    st.fixed_dictionaries(
        {"title": st.one_of(st.text(max_size=8), SCALARS)},
        optional={"cells": st.lists(TABLES.map(dict) | st.fixed_dictionaries(
            {"type": CELL_TYPES}, optional={"env": VALUES, "keys": VALUES, "items": VALUES,
                                            "text": VALUES, "output": VALUES}), max_size=4)},
    ),
)  # fmt: skip
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def toml_text(document: dict[str, Any]) -> str | None:
    try:
        return tomli_w.dumps(document)
    except (TypeError, ValueError):
        return None


@FUZZ
@given(CONFIGS)
def test_random_relay_toml_is_a_message_or_a_project(document: dict[str, Any]) -> None:
    text = toml_text(document)
    if text is None:
        return
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "relay.toml").write_text(text)
        try:
            project = load_project(root)
            project.specs  # noqa: B018 (reading the specs checks the [secrets] tables)
        except RelayError:
            pass


@FUZZ
@given(NOTEBOOKS)
@example({"title": "0", "cells": [{"type": []}]})  # once a TypeError (exit 70)
def test_random_notebooks_are_a_message_or_a_notebook(document: dict[str, Any]) -> None:
    text = toml_text(document)
    if text is None:
        return
    with contextlib.suppress(RelayError):
        notebook.parse(text)


@FUZZ
@given(VALUES)
def test_random_baselines_are_a_message_or_entries(document: Any) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "baseline.json"
        path.write_text(json.dumps(document))
        with contextlib.suppress(RelayError):
            scan_baseline.load_baseline(path)
