"""Secrets for the scan bench repo, built at run time from a seeded RNG: tokens and PEM keys."""

from __future__ import annotations

import base64
import binascii
import random
import string
import struct
from typing import Any

from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

# Provider prefixes are put together at run time: this file holds nothing that looks like a secret.
AWS_ID, GH, SLACK, STRIPE = "AK" + "IA", "gh" + "p_", "xo" + "xb-", "sk" + "_live_"
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
ALNUM = string.ascii_letters + string.digits
SMALL_PRIMES = [p for p in range(3, 2000) if all(p % d for d in range(2, int(p**0.5) + 1))]


def _probable_prime(n: int, rng: random.Random, rounds: int = 32) -> bool:
    if any(n % p == 0 for p in SMALL_PRIMES):
        return n in SMALL_PRIMES
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for _ in range(rounds):
        x = pow(rng.randrange(2, n - 2), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(rng: random.Random, bits: int) -> int:
    while True:
        n = rng.getrandbits(bits) | (3 << (bits - 2)) | 1
        if _probable_prime(n, rng):
            return n


def rsa_key(rng: random.Random, bits: int = 2048) -> rsa.RSAPrivateKey:
    """An RSA key whose primes come from `rng` (same seed, same key)."""
    e = 65537
    while True:
        p, q = _prime(rng, bits // 2), _prime(rng, bits // 2)
        if p != q and (p - 1) % e and (q - 1) % e:
            break
    d = pow(e, -1, (p - 1) * (q - 1))
    numbers = rsa.RSAPrivateNumbers(
        p,
        q,
        d,
        rsa.rsa_crt_dmp1(d, p),
        rsa.rsa_crt_dmq1(d, q),
        rsa.rsa_crt_iqmp(p, q),
        rsa.RSAPublicNumbers(e, p * q),
    )
    return numbers.private_key()


def _ssh_string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def openssh_ed25519(rng: random.Random, comment: str) -> str:
    """An unencrypted OpenSSH-format Ed25519 private key (check ints from `rng`, not urandom)."""
    seed = rng.randbytes(32)
    key = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
    pub = key.public_key().public_bytes(ser.Encoding.Raw, ser.PublicFormat.Raw)
    kind = _ssh_string(b"ssh-ed25519")
    check = rng.randbytes(4)
    private = check + check + kind + _ssh_string(pub) + _ssh_string(seed + pub)
    private += _ssh_string(comment.encode())
    private += bytes(range(1, 1 + (-len(private)) % 8))
    body = b"openssh-key-v1\0" + _ssh_string(b"none") * 2 + _ssh_string(b"")
    body += struct.pack(">I", 1) + _ssh_string(kind + _ssh_string(pub)) + _ssh_string(private)
    text = base64.b64encode(body).decode()
    label = "OPENSSH " + "PRIVATE" + " KEY-----"
    lines = [f"-----BEGIN {label}", *(text[i : i + 70] for i in range(0, len(text), 70))]
    out = "\n".join([*lines, f"-----END {label}"]) + "\n"
    ser.load_ssh_private_key(out.encode(), None)  # it must parse
    return out


def pem_keys(rng: random.Random) -> list[str]:
    """Six keys: RSA PKCS#1, RSA PKCS#8, EC SEC1, EC PKCS#8, two OpenSSH Ed25519."""
    none = ser.NoEncryption()
    pem, pkcs1, pkcs8 = (
        ser.Encoding.PEM,
        ser.PrivateFormat.TraditionalOpenSSL,
        ser.PrivateFormat.PKCS8,
    )
    r1, r2 = rsa_key(rng), rsa_key(rng)
    curve = ec.SECP256R1()
    e1 = ec.derive_private_key(rng.randrange(1, 2**255), curve)
    e2 = ec.derive_private_key(rng.randrange(1, 2**255), curve)
    out = [
        r1.private_bytes(pem, pkcs1, none).decode(),
        r2.private_bytes(pem, pkcs8, none).decode(),
        e1.private_bytes(pem, pkcs1, none).decode(),
        e2.private_bytes(pem, pkcs8, none).decode(),
        openssh_ed25519(rng, "deploy@ci"),
        openssh_ed25519(rng, "backup@ops"),
    ]
    return out


def _assign(name: str, value: str, ftype: str) -> str:
    """`name = value` as a line of a file of type `ftype`."""
    camel = name.split("_")[0] + "".join(p.title() for p in name.split("_")[1:])
    return {
        "py": f'{name.upper()} = "{value}"',
        "yaml": f"{name}: {value}",
        "toml": f'{name} = "{value}"',
        "js": f"const {camel} = '{value}';",
        "go": f'\t{camel} := "{value}"',
    }.get(ftype, f"export {name.upper()}={value}")


def _github_token(rng: random.Random) -> str:
    """`ghp_` + 30 base62 characters + the base62 CRC32 of those 30 (always 6 characters)."""
    while True:
        body = "".join(rng.choice(ALNUM) for _ in range(30))
        crc = binascii.crc32(body.encode())
        if crc >= 62**5:
            digits = ""
            while crc:
                crc, r = divmod(crc, 62)
                digits = B62[r] + digits
            return GH + body + digits


def secret_lines(s: Any, rng: random.Random, ftype: str, pems: list[str]) -> list[str]:
    """Make the secret's value and the lines that hold it (in a file of type `ftype`)."""

    def pick(chars: str, n: int) -> str:
        return "".join(rng.choice(chars) for _ in range(n))

    if s.kind == "aws":
        s.value = AWS_ID + pick(string.ascii_uppercase + "234567", 16)
        key = pick(ALNUM + "/+", 40)
        return [
            _assign("aws_access_key_id", s.value, ftype),
            _assign("aws_secret_access_key", key, ftype),
        ]
    if s.kind == "github":
        s.value = _github_token(rng)
        return [_assign("github_token", s.value, ftype)]
    if s.kind == "slack":
        s.value = f"{SLACK}{pick(string.digits, 12)}-{pick(string.digits, 13)}-{pick(ALNUM, 24)}"
        return [_assign("slack_bot_token", s.value, ftype)]
    if s.kind == "stripe":
        s.value = STRIPE + "51" + pick(ALNUM, rng.randint(30, 60))
        return [_assign("stripe_api_key", s.value, ftype)]
    if s.kind == "pem":
        pem: str = pems[s.idx]
        s.value = pem
        return pem.splitlines()
    s.value = base64.urlsafe_b64encode(rng.randbytes(rng.choice((32, 48, 64)))).decode()
    s.value = s.value.rstrip("=")
    svc = rng.choice(["billing", "search", "auth", "orders", "media"])
    return [
        f"# {svc} service settings",
        "APP_ENV=production",
        f"PORT={rng.randint(3000, 9000)}",
        "LOG_LEVEL=info",
        f"DATABASE_HOST={svc}-db.internal",
        "JWT_ALGORITHM=HS256",
        f"JWT_SECRET_KEY={s.value}",
        "JWT_EXPIRES_IN=3600",
    ]
