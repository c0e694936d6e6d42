"""Certificate expiry: PEM values, or `*_CERT` / `*_CERT_PATH` keys naming a PEM file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from relay_tui.domain.findings import Code, Finding, Severity
from relay_tui.domain.masking import safe_text
from relay_tui.project.envfile import EnvFile
from relay_tui.rules.rule import Rule, Run

PEM_CERT = "-----BEGIN CERTIFICATE-----"
WARN_DAYS = 30
MAX_CERT_FILE = 1024 * 1024


def check_certs(run: Run) -> Iterator[Finding]:
    """The certificate findings of each checked file that may hold a certificate."""
    for target in run.targets():
        if _may_hold_certs(target.envfile):
            yield from cert_findings(target.envfile, target.env.name, target.file, run.project.root)


def cert_findings(
    envfile: EnvFile, env: str, file: str, root: Path, now: datetime | None = None
) -> list[Finding]:
    """`cert-expired` (error) and `cert-expiring` (warning, within 30 days) for each certificate."""
    now = now or datetime.now(UTC)
    found: list[Finding] = []
    lines = {e.key: e.line for e in envfile.entries if e.key is not None}
    for key, value in envfile.values().items():
        if not value:
            continue
        pem, source = _pem_of(key, value, root)
        if pem is None:
            continue
        shown = safe_text(key)
        line = lines.get(key)
        expiry = _not_after(pem)
        if expiry is None:
            message = f"{shown}: {source} holds no readable PEM certificate"
            fix = "check the value or the file it names"
            found.append(UNREADABLE.finding(env, shown, message, fix, file, line))
            continue
        days = (expiry - now).total_seconds() / 86400
        when = expiry.strftime("%Y-%m-%d")
        if days < 0:
            message = f"{shown}: the certificate ({source}) expired on {when}"
            fix = "issue a new certificate and rotate its key"
            found.append(EXPIRED.finding(env, shown, message, fix, file, line))
        elif days <= WARN_DAYS:
            message = (
                f"{shown}: the certificate ({source}) expires on {when}, in {int(days)} day(s)"
            )
            fix = "renew it before it expires"
            found.append(EXPIRING.finding(env, shown, message, fix, file, line))
    return found


def _may_hold_certs(envfile: EnvFile) -> bool:
    """Cheap pre-check, so cryptography is imported only when a certificate may be there."""
    keys = "\0".join(envfile.index).upper()
    return "_CERT" in keys or any("BEGIN CERT" in e.body for e in envfile.entries)


def _pem_of(key: str, value: str, root: Path) -> tuple[bytes | None, str]:
    if PEM_CERT in value:
        return value.encode("utf-8", "replace"), "the value"
    upper = key.upper()
    if upper.endswith(("_CERT", "_CERT_PATH", "_CERT_FILE")) and "\n" not in value:
        path = Path(value).expanduser()
        path = path if path.is_absolute() else root / path
        try:
            if path.is_file() and path.stat().st_size <= MAX_CERT_FILE:
                data = path.read_bytes()
                if PEM_CERT.encode() in data:
                    return data, f"file {safe_text(value)}"
                return b"", f"file {safe_text(value)}"
        except OSError:
            return None, ""
    return None, ""


def _not_after(pem: bytes) -> datetime | None:
    if not pem:
        return None
    from cryptography import x509

    try:
        return x509.load_pem_x509_certificate(pem).not_valid_after_utc
    except ValueError:
        return None


_CERT = "a certificate (a PEM value, or the PEM file a *_CERT or *_CERT_PATH key names)"
UNREADABLE = Rule(Code.CERT_UNREADABLE, Severity.WARNING, f"{_CERT} cannot be read", check_certs)
EXPIRED = Rule(Code.CERT_EXPIRED, Severity.ERROR, f"{_CERT} is past its notAfter", check_certs)
EXPIRING = Rule(
    Code.CERT_EXPIRING, Severity.WARNING, f"{_CERT} expires within 30 days", check_certs
)
RULES = (EXPIRED, EXPIRING, UNREADABLE)
