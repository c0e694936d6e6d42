"""The environment matrix: for each key and environment, set / missing / placeholder / ... ."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import NamedTuple

from relay_tui.domain.defaults import is_default_secret, looks_like_placeholder
from relay_tui.project.project import Project
from relay_tui.project.specs import spec_for
from relay_tui.rules.values import comparable_secret, url_password

STATES = ("set", "missing", "empty", "placeholder", "default", "reused")


class Matrix(NamedTuple):
    """Keys down the side, columns across (environments, then Vault); cells hold a state only."""

    keys: list[str]
    columns: list[str]
    cells: dict[tuple[str, str], str]

    def state(self, key: str, column: str) -> str:
        """The state of one cell ("missing" when the column lacks the key)."""
        return self.cells.get((key, column), "missing")


def build_matrix(project: Project, columns: dict[str, dict[str, str | None]]) -> Matrix:
    """Classify every key of every column; values are compared in memory and never kept."""
    template_keys = project.template.keys() if project.template else []
    keys = list(dict.fromkeys([*template_keys, *(k for v in columns.values() for k in v)]))
    fp_key = secrets.token_bytes(32)
    owners: dict[bytes, set[str]] = {}
    cells: dict[tuple[str, str], str] = {}
    reuse_candidates: dict[tuple[str, str], bytes] = {}
    for column, values in columns.items():
        for key, value in values.items():
            state = _state(project, key, value)
            cells[key, column] = state
            secret = comparable_secret(project, key, value) if state == "set" else None
            if secret is not None:
                mac = hmac.new(fp_key, secret.encode("utf-8", "surrogatepass"), hashlib.sha256)
                owners.setdefault(mac.digest(), set()).add(column)
                reuse_candidates[key, column] = mac.digest()
    for cell, found in reuse_candidates.items():
        if len(owners[found]) > 1:
            cells[cell] = "reused"
    return Matrix(keys, list(columns), cells)


def _state(project: Project, key: str, value: str | None) -> str:
    if value is None or value == "":
        return "empty"
    spec = spec_for(project.specs, key)
    if not spec.is_secret:
        return "set"  # like validate: only secrets can be placeholders or known defaults
    if spec.kind == "url":
        value = url_password(value) or ""
        if not value:
            return "set"
    if is_default_secret(value):
        return "default"
    if value == spec.template_value and spec.is_secret:
        return "placeholder"
    if looks_like_placeholder(value):
        return "placeholder"
    return "set"
