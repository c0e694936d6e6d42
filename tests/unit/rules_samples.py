"""A messy project for the validation rules: nearly every finding code, in five environments."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from relay_tui.infra.ledger import record
from tests.conftest import git

TEMPLATE = (
    "# Signs JWTs\nJWT_SECRET_KEY=change-me-in-production\n"
    "DATABASE_URL=postgres://app:<password>@db:5432/app\nDATABASE_PASSWORD=\n"
    "STRIPE_SECRET_KEY=sk_live_...\n# optional\nDEBUG_TOKEN= \n# optional\nTLS_CERT_PATH=\n"
)
CONFIG = (
    '[environments.development]\nfile = ".env"\n'
    '[environments.production]\nfile = ".env.production"\n'
    '[environments.staging]\nfile = ".env.staging"\nvault_path = "relay/staging"\n'
    '[environments.qa]\nfile = ".env.qa"\n'
    '[environments.ghost]\nfile = ".env.ghost"\n'
)


def strong(seed: str) -> str:
    """A high-entropy test value, built at run time (never a literal that looks like a secret)."""
    return "Zt3-kQ9_vW2xR7mN4pL8" + seed + "sD1fG6hJ0cB5yE3uA7iO2Xq"


def certificate(days_left: float) -> str:
    """A self-signed PEM certificate whose notAfter is `days_left` days from now."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "relay.test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=400))
        .not_valid_after(now + datetime.timedelta(days=days_left))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def messy_project(root: Path, monkeypatch: pytest.MonkeyPatch | None = None) -> Path:
    """Write the project into `root` (a git repository); with `monkeypatch`, broken Vault
    settings too, so staging's rotation dates come from the ledger (`rotation-source`)."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q")
    (root / ".env.example").write_text(TEMPLATE)
    (root / "relay.toml").write_text(CONFIG)
    (root / "expired.pem").write_text(certificate(-1))
    (root / "soon.pem").write_text(certificate(10))
    (root / "broken.pem").write_text("not a certificate\n")
    shared = strong("Ab")
    files = {
        ".env": (
            "JWT_SECRET_KEY=short\nDATABASE_URL=not a url\nDATABASE_PASSWORD=\n"
            "EXTRA=${VAULT_TOKEN}\nlower_key=1\nBAD-NAME=1\nNOVALUE\nSPACED = v\n"
            "TRAIL=x  \nDUP=1\nDUP=2\nJWT_SECRET_K\u0415Y=x\nTLS_CERT_PATH=expired.pem\n"
            "CLIENT_CERT_PATH=soon.pem\nCA_CERT_PATH=broken.pem\n"
        ),
        ".env.production": (
            f"JWT_SECRET_KEY=changeme\nDATABASE_URL=postgres://app:{shared}@db/app\n"
            "DATABASE_PASSWORD=secret\nSTRIPE_SECRET_KEY=sk_live_...\n"
            'COLON: v\nBROKEN="oops\nNEXT=2\nMORE="3"\nLAST=4\n'
        ),
        ".env.staging": (
            f"JWT_SECRET_KEY={strong('Cd')}\nDATABASE_PASSWORD={shared}\n"
            f"STRIPE_SECRET_KEY=sk_test_{strong('Ef')}\nDATABASE_URL=postgres://db/app\n"
        ),
    }
    for name, text in files.items():
        (root / name).write_text(text)
        os.chmod(root / name, 0o600)
    os.chmod(root / ".env.production", 0o644)
    (root / ".env.qa").write_bytes(b"A=\xff\xfe\n")
    git(root, "add", ".env.staging")
    git(root, "commit", "-qm", "staging")
    today = datetime.datetime.now(datetime.UTC).date()
    record(root, "staging", ["JWT_SECRET_KEY"], today - datetime.timedelta(days=400))
    record(root, "staging", ["DATABASE_PASSWORD"], today - datetime.timedelta(days=170))
    if monkeypatch is not None:
        monkeypatch.setenv("VAULT_ADDR", "http://127.0.0.1:9")
        monkeypatch.setenv("VAULT_TOKEN", "t")
        monkeypatch.setenv("VAULT_SKIP_VERIFY", "perhaps")
    return root
