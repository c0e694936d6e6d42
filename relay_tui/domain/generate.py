"""Secret kinds and their generators: tokens, passwords, keys and a dev TLS certificate."""

from __future__ import annotations

import base64
import datetime
import ipaddress
import math
import re
import secrets
import string
from typing import TYPE_CHECKING, TypedDict, Unpack

from relay_tui.errors import UsageError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

KINDS: tuple[str, ...] = (
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

KIND_HELP: dict[str, str] = {
    "token": "URL-safe random token, 32 bytes by default (--bytes N)",
    "hex": "hexadecimal random token, 32 bytes (64 hex digits) by default (--bytes N)",
    "password": "password of letters, digits and -_.~ (--length N, default 32; --symbols)",
    "signing-key": "URL-safe signing/HMAC key, at least 32 bytes (256 bits) (--bytes N)",
    "fernet": "Fernet key: 32 random bytes, URL-safe base64",
    "api-key": "URL-safe random token with an optional prefix (--prefix relay_, --bytes N)",
    "rsa": "RSA private key, PKCS8 PEM, 2048 bits by default (--bits N)",
    "ed25519": "Ed25519 private key, PKCS8 PEM",
    "ec-p256": "ECDSA P-256 private key, PKCS8 PEM",
    "tls-cert": "self-signed localhost certificate (1 year) followed by its P-256 key, PEM",
}

# Which options each kind accepts; anything else is refused by name.
_APPLIES: dict[str, frozenset[str]] = {
    "token": frozenset({"nbytes"}),
    "hex": frozenset({"nbytes"}),
    "password": frozenset({"length", "symbols"}),
    "signing-key": frozenset({"nbytes"}),
    "fernet": frozenset({"nbytes"}),
    "api-key": frozenset({"nbytes", "prefix"}),
    "rsa": frozenset({"bits"}),
    "ed25519": frozenset(),
    "ec-p256": frozenset(),
    "tls-cert": frozenset(),
}
_FLAGS = {"nbytes": "--bytes"} | {n: f"--{n}" for n in ("length", "prefix", "bits", "symbols")}

MAX_BYTES = 1024
MAX_COUNT = 1_000_000
MIN_PASSWORD = 12
MAX_PASSWORD = 4096
MIN_SIGNING_BYTES = 32
MIN_RSA_BITS = 2048
MAX_RSA_BITS = 8192

# No character here needs quoting in a .env file, a POSIX shell or a URL.
SAFE_SYMBOLS = "-_.~"
_PREFIX = re.compile(r"[A-Za-z0-9_-]{0,32}")


class GenerateOptions(TypedDict, total=False):
    """The keyword options of `generate`, for `generate_many(**options)`."""

    nbytes: int | None
    length: int | None
    prefix: str | None
    bits: int | None
    symbols: bool


def _check(kind: str, options: GenerateOptions) -> None:
    """Refuse an unknown kind, an inapplicable option or an out-of-range value."""
    if kind not in _APPLIES:
        raise UsageError(
            f"unknown secret kind {kind!r}",
            hint="kinds: " + ", ".join(KINDS),
        )
    nbytes, length = options.get("nbytes"), options.get("length")
    prefix, bits = options.get("prefix"), options.get("bits")
    # None (and symbols=False) mean "not given"; anything else must apply to the kind.
    for name, value in options.items():
        if value is not None and value is not False and name not in _APPLIES[kind]:
            allowed = ", ".join(_FLAGS[n] for n in sorted(_APPLIES[kind])) or "no options"
            raise UsageError(
                f"{_FLAGS.get(name, name)} does not apply to {kind}; {kind} takes {allowed}",
                hint=f"drop {_FLAGS.get(name, name)}",
            )
    if nbytes is not None:
        if not 1 <= nbytes <= MAX_BYTES:
            raise UsageError(
                f"--bytes must be between 1 and {MAX_BYTES}; got {nbytes}.",
                hint="32 bytes (256 bits) is plenty for a secret",
            )
        if kind == "signing-key" and nbytes < MIN_SIGNING_BYTES:
            raise UsageError(
                f"signing-key needs at least {MIN_SIGNING_BYTES} bytes (256 bits); "
                f"got {nbytes}. Use --bytes {MIN_SIGNING_BYTES} or more."
            )
        if kind == "fernet" and nbytes != 32:
            raise UsageError(
                f"a Fernet key is always 32 bytes; got --bytes {nbytes}. Drop --bytes."
            )
    if length is not None and not MIN_PASSWORD <= length <= MAX_PASSWORD:
        raise UsageError(
            f"password length must be between {MIN_PASSWORD} and {MAX_PASSWORD}; "
            f"got {length}. Use --length 32 (the default) or more."
        )
    if prefix is not None and not _PREFIX.fullmatch(prefix):
        raise UsageError(
            f"api-key prefix {prefix!r} is not allowed: use up to 32 letters, digits, "
            "'_' or '-'. Try --prefix relay_."
        )
    if bits is not None and not MIN_RSA_BITS <= bits <= MAX_RSA_BITS:
        raise UsageError(
            f"rsa needs between {MIN_RSA_BITS} and {MAX_RSA_BITS} bits; got {bits}. "
            f"Use --bits {MIN_RSA_BITS} (the default), 3072 or 4096."
        )


def _password(length: int, symbols: bool) -> str:
    """One character of each class, the rest from the whole alphabet, shuffled."""
    classes = [
        string.ascii_lowercase,
        string.ascii_uppercase,
        string.digits,
        string.punctuation if symbols else SAFE_SYMBOLS,
    ]
    alphabet = "".join(classes)
    chars = [secrets.choice(c) for c in classes]
    chars += [secrets.choice(alphabet) for _ in range(length - len(classes))]
    rng = secrets.SystemRandom()
    rng.shuffle(chars)
    if not chars[0].isalnum():
        # A leading '-' reads as an option and a leading '~' as a home folder in a shell.
        alnum = [i for i, c in enumerate(chars) if c.isalnum()]
        j = rng.choice(alnum)
        chars[0], chars[j] = chars[j], chars[0]
    return "".join(chars)


def _pkcs8(key: PrivateKeyTypes) -> str:
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def _rsa(bits: int) -> str:
    from cryptography.hazmat.primitives.asymmetric import rsa

    return _pkcs8(rsa.generate_private_key(public_exponent=65537, key_size=bits))


def _ed25519() -> str:
    from cryptography.hazmat.primitives.asymmetric import ed25519

    return _pkcs8(ed25519.Ed25519PrivateKey.generate())


def _ec_p256() -> str:
    from cryptography.hazmat.primitives.asymmetric import ec

    return _pkcs8(ec.generate_private_key(ec.SECP256R1()))


def _tls_cert() -> str:

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    san = x509.SubjectAlternativeName(
        [
            x509.DNSName("localhost"),
            x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
            x509.IPAddress(ipaddress.ip_address("::1")),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(san, critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii") + _pkcs8(key)


def _make(kind: str, options: GenerateOptions) -> str:
    """Generate one value; the options were already checked by `_check`."""
    nbytes, length, bits = options.get("nbytes"), options.get("length"), options.get("bits")
    if kind == "token":
        return secrets.token_urlsafe(nbytes or 32)
    if kind == "hex":
        return secrets.token_hex(nbytes or 32)
    if kind == "password":
        return _password(length or 32, options.get("symbols", False))
    if kind == "signing-key":
        return secrets.token_urlsafe(nbytes or MIN_SIGNING_BYTES)
    if kind == "fernet":
        return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")
    if kind == "api-key":
        return (options.get("prefix") or "") + secrets.token_urlsafe(nbytes or 32)
    if kind == "rsa":
        return _rsa(bits or MIN_RSA_BITS)
    if kind == "ed25519":
        return _ed25519()
    if kind == "ec-p256":
        return _ec_p256()
    return _tls_cert()


def generate(
    kind: str = "token",
    *,
    nbytes: int | None = None,
    length: int | None = None,
    prefix: str | None = None,
    bits: int | None = None,
    symbols: bool = False,
) -> str:
    """Return one new secret of `kind`."""
    options: GenerateOptions = {
        "nbytes": nbytes,
        "length": length,
        "prefix": prefix,
        "bits": bits,
        "symbols": symbols,
    }
    _check(kind, options)
    return _make(kind, options)


def generate_many(kind: str, count: int, **options: Unpack[GenerateOptions]) -> list[str]:
    """Return `count` new secrets of `kind`; the options are those of `generate`."""
    if not 1 <= count <= MAX_COUNT:
        raise UsageError(
            f"--count must be between 1 and {MAX_COUNT:,}; got {count}.",
            hint="use --count 1 (the default) or more",
        )
    _check(kind, options)
    n = options.get("nbytes") or 32
    if kind == "token":
        token_urlsafe = secrets.token_urlsafe
        return [token_urlsafe(n) for _ in range(count)]
    if kind == "hex":
        token_hex = secrets.token_hex
        return [token_hex(n) for _ in range(count)]
    return [_make(kind, options) for _ in range(count)]


_LOWER = frozenset(string.ascii_lowercase)
_UPPER = frozenset(string.ascii_uppercase)
_DIGITS = frozenset(string.digits)
_PUNCT = frozenset(string.punctuation + " ")
_HEX = frozenset(string.hexdigits)
_BASE64 = _LOWER | _UPPER | _DIGITS | frozenset("+/=-_")


def estimate_bits(value: str) -> float:
    """Estimate `value`'s entropy in bits from its length and the alphabet it seems drawn from.

    Hex → 16 symbols, base64/URL-safe (mixed case) → 64, otherwise the sum of the classes
    present; a value with few distinct characters for its length ("aaaa...") counts only those.
    """
    if not value:
        return 0.0
    chars = set(value)
    has_lower = not _LOWER.isdisjoint(chars)
    has_upper = not _UPPER.isdisjoint(chars)
    has_digit = not _DIGITS.isdisjoint(chars)
    if chars <= _DIGITS:
        alphabet = 10
    elif chars <= _HEX:
        alphabet = 16
    elif chars <= _BASE64 and has_lower and has_upper:
        alphabet = 64
    else:
        alphabet = 26 * has_lower + 26 * has_upper + 10 * has_digit
        if not _PUNCT.isdisjoint(chars):
            alphabet += 33
        if not chars <= _LOWER | _UPPER | _DIGITS | _PUNCT:
            alphabet += 100
    size = len(value)
    distinct = len(chars)
    if distinct < min(size, alphabet) / 3:
        return size * math.log2(max(distinct, 2))
    return size * math.log2(alphabet)
