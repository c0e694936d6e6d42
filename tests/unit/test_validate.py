"""Every validation rule, fed the input it exists for; findings never carry values."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from relay_tui.domain.findings import Finding
from relay_tui.infra.ledger import record
from relay_tui.project.project import load_project
from relay_tui.rules.validate import validate

STRONG = "Zt3-kQ9_vW2xR7mN4pL8sD1fG6hJ0cB5yE3uA7iO2Xq"
TEMPLATE = (
    "# Signs JWTs\nJWT_SECRET_KEY=change-me-in-production\n"
    "DATABASE_PASSWORD=\nSTRIPE_SECRET_KEY=sk_live_...\n"
    "# optional\nDEBUG_TOKEN=\n"
)


def run(tmp_path: Path, files: dict[str, str], names: list[str] | None = None) -> list[Finding]:
    (tmp_path / ".env.example").write_text(TEMPLATE)
    for name, text in files.items():
        path = tmp_path / name
        path.write_text(text)
        os.chmod(path, 0o600)
    return validate(load_project(tmp_path), names, git=False).findings


def codes(findings: list[Finding], env: str = "development") -> dict[str, set[str | None]]:
    found: dict[str, set[str | None]] = {}
    for finding in findings:
        if finding.env == env:
            found.setdefault(finding.code, set()).add(finding.key)
    return found


def test_a_good_file_has_no_findings(tmp_path: Path) -> None:
    good = f"JWT_SECRET_KEY={STRONG}\nDATABASE_PASSWORD=Vx8-Lq2." + "Rk5_Tn9~Wm3zPa7c\n"
    good += "STRIPE_SECRET_KEY=sk_test_51Hv7dev\nDEBUG_TOKEN=\n"
    record(tmp_path, "development", ["JWT_SECRET_KEY", "DATABASE_PASSWORD"])  # rotated today
    assert run(tmp_path, {".env": good}) == []


def test_key_rules(tmp_path: Path) -> None:
    text = (
        "JWT_SECRET_KEY=short\nDATABASE_PASSWORD=\nSTRIPE_SECRET_KEY=sk_live_...\n"
        "EXTRA=${VAULT_TOKEN}\n"
    )
    found = codes(run(tmp_path, {".env": text}))
    assert found["weak-secret"] == {"JWT_SECRET_KEY"}
    assert found["empty-value"] == {"DATABASE_PASSWORD"}
    assert found["placeholder-value"] == {"STRIPE_SECRET_KEY"}
    assert found["unknown-key"] == {"EXTRA"}
    assert found["interpolation"] == {"EXTRA"}
    assert "missing-required" not in found or "DEBUG_TOKEN" not in found["missing-required"]


def test_missing_required_but_not_optional(tmp_path: Path) -> None:
    found = codes(run(tmp_path, {".env": f"JWT_SECRET_KEY={STRONG}\n"}))
    assert found["missing-required"] == {"DATABASE_PASSWORD", "STRIPE_SECRET_KEY"}


@pytest.mark.parametrize(("env", "severity"), [("development", "warning"), ("production", "error")])
def test_default_secret_is_an_error_only_where_strict(
    tmp_path: Path, env: str, severity: str
) -> None:
    name = ".env" if env == "development" else ".env.production"
    findings = run(tmp_path, {name: "JWT_SECRET_KEY=changeme\n"})
    hits = [f for f in findings if f.code == "default-secret"]
    assert [(f.env, f.key, f.severity) for f in hits] == [(env, "JWT_SECRET_KEY", severity)]


def test_lint_rules(tmp_path: Path) -> None:
    text = 'A.B=1\nlower_key=1\nBARE\nSPACED = 1\nTRAIL=1  \nDUP=1\nDUP=2\nBROKEN="oops\nHIDDEN=1\n'
    found = codes(run(tmp_path, {".env": text}))
    assert found["invalid-key-name"] == {"A.B"}
    assert found["lowercase-key"] == {"lower_key"}
    assert found["key-without-value"] == {"BARE"}
    assert found["space-around-equals"] == {"SPACED"}
    assert found["trailing-whitespace"] == {"TRAIL"}
    assert found["duplicate-key"] == {"DUP"}
    assert found["parse-error"] == {"BROKEN"}
    assert "HIDDEN" not in found.get("parse-error", set())


def test_a_homoglyph_key_is_an_error_and_marked(tmp_path: Path) -> None:
    findings = run(tmp_path, {".env": "JWT_SECRET_\u041aEY=1\n"})
    hits = [f for f in findings if f.code == "non-ascii-key"]
    assert len(hits) == 1 and hits[0].severity == "error"
    assert "<U+041A>" in hits[0].message


def test_reuse_names_both_places_and_skips_template_values(tmp_path: Path) -> None:
    findings = run(
        tmp_path,
        {
            ".env.staging": f"JWT_SECRET_KEY={STRONG}\nSTRIPE_SECRET_KEY=sk_live_...\n",
            ".env.production": f"SESSION_SECRET={STRONG}\nSTRIPE_SECRET_KEY=sk_live_...\n",
        },
    )
    reused = [f for f in findings if f.code == "reused-secret"]
    assert {(f.env, f.key) for f in reused} == {
        ("staging", "JWT_SECRET_KEY"),
        ("production", "SESSION_SECRET"),
    }
    assert all(f.severity == "error" for f in reused)
    assert all(STRONG not in f.message + f.fix for f in findings)


def test_permissions_and_unreadable_files(tmp_path: Path) -> None:
    findings = run(tmp_path, {".env": f"JWT_SECRET_KEY={STRONG}\n"})
    assert not [f for f in findings if f.code == "insecure-permissions"]
    os.chmod(tmp_path / ".env", 0o644)
    (tmp_path / ".env.staging").write_bytes(b"A=caf\xe9\n")
    project = load_project(tmp_path)
    found = codes(validate(project, git=False).findings)
    assert found["insecure-permissions"] == {None}
    staging = codes(validate(project, git=False).findings, "staging")
    assert staging["unreadable-file"] == {None}


def test_explicit_missing_environment_is_an_error(tmp_path: Path) -> None:
    findings = run(tmp_path, {}, ["staging"])
    assert [(f.code, f.severity) for f in findings] == [("missing-file", "error")]


@pytest.mark.parametrize(
    ("value", "bad"),
    [
        ("abcdefghijklmnopqrstuvwxyz", True),
        ("db.internal:5432/relay", True),
        ("postgresql://relay:Vx8-Lq2.Rk5_Tn9~Wm3z@db.internal:5432/relay", False),
        ("sqlite:///var/lib/relay.db", False),
    ],
)
def test_a_url_key_must_hold_a_url(tmp_path: Path, value: str, bad: bool) -> None:
    (tmp_path / ".env.example").write_text("# Database URL, credentials included.\nDATABASE_URL=\n")
    env = tmp_path / ".env"
    env.write_text(f"DATABASE_URL={value}\n")
    os.chmod(env, 0o600)
    found = codes(validate(load_project(tmp_path), None, git=False).findings)
    assert ("invalid-url" in found) is bad
