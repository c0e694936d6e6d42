"""The leak scanner's known values from Vault, on a real OpenBao: labelled hits, failures warned."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest

from relay_tui.project.project import load_project
from relay_tui.scan.scanner import ScanOptions, scan
from tests.conftest import git


def vault_project(root: Path, path: str) -> Path:
    """A git project whose production environment lives at secret/`path` (no local file)."""
    root.mkdir(parents=True)
    git(root, "init", "-q")
    (root / ".gitignore").write_text(".env*\n")
    (root / "relay.toml").write_text(
        '[vault]\nmount = "secret"\n'
        f'[environments.production]\nfile = ".env.production"\nvault_path = "{path}"\n'
        '[secrets.JWT_SECRET_KEY]\nvault_field = "jwt_secret"\nkind = "signing-key"\n'
    )
    return root


def test_vault_values_are_known_values_with_their_key(
    bao: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jwt, password = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    bao.kv2_put("scan/prod", {"jwt_secret": jwt, "DATABASE_PASSWORD": password, "PORT": "8000"})
    root = vault_project(tmp_path / "p", "scan/prod")
    (root / "settings.py").write_text(f"JWT = '{jwt}'\n\nDB = '{password}'\n")
    monkeypatch.setenv("BAO_ADDR", bao.addr)
    monkeypatch.setenv("BAO_TOKEN", bao.root_token)
    project = load_project(root)
    without = scan(root, ScanOptions(), project)
    assert not any(f.label for f in without.findings)  # Vault is read only when asked
    report = scan(root, ScanOptions(vault=True), project)
    assert report.warnings == []
    labelled = [(f.path, f.line, f.label) for f in report.findings if f.label]
    assert labelled == [
        ("settings.py", 1, "production JWT_SECRET_KEY"),
        ("settings.py", 3, "production DATABASE_PASSWORD"),
    ]
    assert jwt not in repr(report.findings) and password not in repr(report.findings)


def test_unreachable_vault_is_a_warning_not_a_failure(
    refused_addr: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = vault_project(tmp_path / "p", "scan/prod")
    (root / "app.py").write_text("print('hello')\n")
    monkeypatch.setenv("BAO_ADDR", refused_addr)
    monkeypatch.setenv("BAO_TOKEN", "root-not-a-real-token")
    report = scan(root, ScanOptions(vault=True), load_project(root))
    assert report.findings == []
    assert len(report.warnings) == 1
    assert report.warnings[0].startswith("production: Vault values not searched")
    assert "root-not-a-real-token" not in report.warnings[0]


def test_no_vault_configured_is_a_warning(tmp_path: Path) -> None:
    root = vault_project(tmp_path / "p", "scan/prod")
    report = scan(root, ScanOptions(vault=True), load_project(root))
    assert report.warnings == [
        "production: Vault values not searched (no Vault address or token configured)"
    ]
