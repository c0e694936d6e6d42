"""Secret generators: each kind's format and strength, the refusals, and estimate_bits."""

from __future__ import annotations

import base64
import datetime
import ipaddress
import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from hypothesis import given, settings
from hypothesis import strategies as st

from relay_tui.domain.generate import (
    KIND_HELP,
    KINDS,
    SAFE_SYMBOLS,
    estimate_bits,
    generate,
    generate_many,
)
from relay_tui.errors import UsageError

REPO = Path(__file__).resolve().parent.parent.parent
# Characters that need quoting somewhere: a .env file, a POSIX shell, or a URL.
QUOTING = set(" \t\n\"'`$\\#=;&|<>()[]{}*?!%+/,:@^")


def b64len(value: str) -> int:
    """Bytes encoded by an unpadded URL-safe base64 string."""
    return len(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))


def test_kinds_and_help_agree() -> None:
    assert KINDS == (
        "token",
        "hex",
        "password",
        "signing-key",
        "fernet",
        "api-key",
        "rsa",
        "ed25519",
        "ec-p256",
        "tls-cert",
    )
    assert set(KIND_HELP) == set(KINDS)
    assert all(text and "\n" not in text for text in KIND_HELP.values())


def test_default_kind_is_a_32_byte_token() -> None:
    value = generate()
    assert len(value) == 43
    assert b64len(value) == 32


@pytest.mark.parametrize("nbytes", [1, 16, 32, 64, 1024])
def test_token_bytes(nbytes: int) -> None:
    assert b64len(generate("token", nbytes=nbytes)) == nbytes


def test_hex() -> None:
    value = generate("hex")
    assert len(value) == 64
    assert len(bytes.fromhex(value)) == 32
    assert len(generate("hex", nbytes=8)) == 16


def test_signing_key() -> None:
    assert b64len(generate("signing-key")) == 32
    assert b64len(generate("signing-key", nbytes=64)) == 64
    assert estimate_bits(generate("signing-key")) >= 256


def test_fernet_key_works() -> None:
    key = generate("fernet")
    assert len(base64.urlsafe_b64decode(key)) == 32
    box = Fernet(key.encode())
    assert box.decrypt(box.encrypt(b"hello")) == b"hello"
    assert generate("fernet", nbytes=32) != key


def test_api_key() -> None:
    value = generate("api-key", prefix="relay_")
    assert value.startswith("relay_")
    assert b64len(value.removeprefix("relay_")) == 32
    assert b64len(generate("api-key")) == 32
    assert b64len(generate("api-key", prefix="", nbytes=24)) == 24


def test_password_defaults() -> None:
    value = generate("password")
    assert len(value) == 32
    assert set(value) & set(string.ascii_lowercase)
    assert set(value) & set(string.ascii_uppercase)
    assert set(value) & set(string.digits)
    assert set(value) & set(SAFE_SYMBOLS)
    assert set(value) <= set(string.ascii_letters + string.digits + SAFE_SYMBOLS)


def test_safe_symbols_need_no_quoting() -> None:
    assert not set(SAFE_SYMBOLS) & QUOTING


@settings(max_examples=200, deadline=None)
@given(length=st.integers(12, 80), symbols=st.booleans())
def test_password_classes(length: int, symbols: bool) -> None:
    value = generate("password", length=length, symbols=symbols)
    assert len(value) == length
    punct = string.punctuation if symbols else SAFE_SYMBOLS
    for chars in (string.ascii_lowercase, string.ascii_uppercase, string.digits, punct):
        assert set(value) & set(chars)
    assert set(value) <= set(string.ascii_letters + string.digits + punct)
    assert value[0].isalnum()  # never a leading '-' (an option) or '~' (a home folder)


def test_password_symbols_uses_all_punctuation() -> None:
    seen = set("".join(generate_many("password", 200, symbols=True)))
    assert set(string.punctuation) <= seen


def test_rsa() -> None:
    key = load_pem_private_key(generate("rsa").encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    assert key.key_size == 2048
    assert key.public_key().public_numbers().e == 65537


@pytest.mark.slow
def test_rsa_3072() -> None:
    key = load_pem_private_key(generate("rsa", bits=3072).encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    assert key.key_size == 3072


def test_ed25519_and_p256() -> None:
    pem = generate("ed25519")
    assert pem.startswith("-----BEGIN PRIVATE KEY-----\n")  # PKCS8, unencrypted
    assert isinstance(load_pem_private_key(pem.encode(), None), ed25519.Ed25519PrivateKey)
    pem = generate("ec-p256")
    assert pem.startswith("-----BEGIN PRIVATE KEY-----\n")
    key = load_pem_private_key(pem.encode(), None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert isinstance(key.curve, ec.SECP256R1)


def test_tls_cert() -> None:
    value = generate("tls-cert")
    cert_pem, sep, key_pem = value.partition("-----END CERTIFICATE-----\n")
    assert cert_pem.startswith("-----BEGIN CERTIFICATE-----") and sep
    assert key_pem.startswith("-----BEGIN PRIVATE KEY-----")
    cert = x509.load_pem_x509_certificate((cert_pem + sep).encode())
    key = load_pem_private_key(key_pem.encode(), None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert isinstance(key.curve, ec.SECP256R1)
    assert cert.public_key() == key.public_key()
    cn = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    assert [a.value for a in cn] == ["localhost"]
    assert cert.issuer == cert.subject
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["localhost"]
    assert set(san.get_values_for_type(x509.IPAddress)) == {
        ipaddress.ip_address("127.0.0.1"),
        ipaddress.ip_address("::1"),
    }
    basic = cert.extensions.get_extension_for_class(x509.BasicConstraints)
    assert basic.critical and basic.value.ca is False
    now = datetime.datetime.now(datetime.UTC)
    assert cert.not_valid_before_utc <= now < cert.not_valid_after_utc
    life = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert datetime.timedelta(days=365) <= life <= datetime.timedelta(days=365, minutes=2)
    cert.verify_directly_issued_by(cert)
    assert x509.load_pem_x509_certificate(generate("tls-cert").encode()) != cert


def test_tokens_are_unique() -> None:
    values = generate_many("token", 1000)
    assert len(values) == len(set(values)) == 1000
    assert all(b64len(v) == 32 for v in values)


def test_generate_many_other_kinds() -> None:
    assert [len(v) for v in generate_many("hex", 3, nbytes=4)] == [8, 8, 8]
    passwords = generate_many("password", 5, length=20)
    assert len(set(passwords)) == 5 and all(len(p) == 20 for p in passwords)
    assert all(v.startswith("k_") for v in generate_many("api-key", 3, prefix="k_"))


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: generate("signing-key", nbytes=16), ["32 bytes", "256 bits", "got 16"]),
        (lambda: generate("rsa", bits=1024), ["2048", "got 1024", "--bits"]),
        (lambda: generate("api-key", prefix="bad prefix!"), ["prefix", "'bad prefix!'"]),
        (lambda: generate("api-key", prefix="x" * 33), ["prefix", "32"]),
        (lambda: generate("password", length=8), ["12", "got 8", "--length"]),
        (lambda: generate("fernet", nbytes=16), ["32 bytes", "--bytes"]),
        (lambda: generate("token", nbytes=0), ["--bytes", "1024", "got 0"]),
        (lambda: generate("hex", nbytes=1025), ["--bytes", "1024", "got 1025"]),
        (lambda: generate("nope"), ["'nope'", "token", "tls-cert"]),
        (lambda: generate("token", bits=4096), ["--bits", "token"]),
        (lambda: generate("rsa", nbytes=32), ["--bytes", "rsa"]),
        (lambda: generate("rsa", nbytes=0), ["--bytes does not apply to rsa", "--bits"]),
        (lambda: generate("hex", prefix="a_"), ["--prefix", "hex"]),
        (lambda: generate("token", symbols=True), ["--symbols", "token"]),
        (lambda: generate("ed25519", length=20), ["--length", "ed25519", "no options"]),
        (lambda: generate_many("token", 0), ["--count", "got 0"]),
        (lambda: generate_many("token", 1_000_001), ["--count", "1,000,000"]),
        (lambda: generate_many("hex", 2, bits=2048), ["--bits", "hex"]),
        (lambda: generate_many("nope", 2), ["'nope'", "kinds"]),
    ],
)
def test_refusals(call: object, words: list[str]) -> None:
    assert callable(call)
    with pytest.raises(UsageError) as info:
        call()
    text = str(info.value)
    for word in words:
        assert word in text


def test_signing_key_message_says_what_to_do() -> None:
    with pytest.raises(UsageError) as info:
        generate("signing-key", nbytes=16)
    assert info.value.message == (
        "signing-key needs at least 32 bytes (256 bits); got 16. Use --bytes 32 or more."
    )


def test_symbols_false_applies_to_every_kind() -> None:
    assert generate("token", symbols=False)


@pytest.mark.parametrize("value", [secrets.token_urlsafe(32) for _ in range(200)])
def test_estimate_token_urlsafe_32(value: str) -> None:
    assert estimate_bits(value) >= 256


def test_estimate_bits_cases() -> None:
    assert estimate_bits("") == 0
    assert estimate_bits(secrets.token_hex(32)) >= 256
    assert estimate_bits(generate("fernet")) >= 256
    assert estimate_bits("a" * 64) < 100
    assert estimate_bits("change-me-in-production") < 256
    assert estimate_bits("password123") < 80
    assert estimate_bits("ab" * 40) < 100
    assert estimate_bits(generate("password")) > 180
    assert estimate_bits("0" * 64) < 100
    assert estimate_bits("deadbeef" * 8) < 256
    assert estimate_bits("1234") == pytest.approx(4 * 3.3219, abs=0.01)
    assert estimate_bits("é" * 3 + "abcdefgh") > estimate_bits("abc" + "abcdefgh")


@given(st.text(max_size=200))
def test_estimate_bits_is_bounded(value: str) -> None:
    bits = estimate_bits(value)
    assert 0 <= bits <= len(value) * 8


def test_import_does_not_load_cryptography() -> None:
    code = (
        "import sys, relay_tui.domain.generate as g\n"
        "g.generate('password'); g.generate('fernet'); g.generate_many('token', 3)\n"
        "g.estimate_bits('x' * 10)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'cryptography'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[]"
