"""Certificate expiry in validate: PEM values and *_CERT_PATH files, made with cryptography."""

from __future__ import annotations

from pathlib import Path

from relay_tui.project.project import load_project
from relay_tui.rules.validate import validate
from tests.unit.rules_samples import certificate


def cert_codes(project: Path) -> dict[str, str]:
    report = validate(load_project(project), ["development"], git=False)
    return {f.key or "": f.code for f in report.findings if f.code.startswith("cert-")}


def test_expiring_expired_and_fine_certificates(project: Path) -> None:
    soon, gone, fine = certificate(10), certificate(-1), certificate(200)
    (project / "certs").mkdir()
    (project / "certs" / "old.pem").write_text(gone)
    (project / ".env").write_text(
        f'TLS_CERT="{soon}"\nCLIENT_CERT_PATH=certs/old.pem\nCA_CERT="{fine}"\n'
        "BROKEN_CERT_PATH=certs/missing.pem\nOTHER_CERT=not-a-cert\n"
    )
    codes = cert_codes(project)
    assert codes == {"TLS_CERT": "cert-expiring", "CLIENT_CERT_PATH": "cert-expired"}


def test_the_message_gives_the_date_and_never_the_certificate(project: Path) -> None:
    soon = certificate(10)
    (project / ".env").write_text(f'TLS_CERT="{soon}"\n')
    report = validate(load_project(project), ["development"], git=False)
    (finding,) = [f for f in report.findings if f.code == "cert-expiring"]
    assert "in 9 day(s)" in finding.message or "in 10 day(s)" in finding.message
    assert "BEGIN" not in finding.message and finding.severity == "warning"


def test_a_cert_path_without_a_certificate_is_unreadable(project: Path) -> None:
    (project / "key.pem").write_text("not a certificate\n")
    (project / ".env").write_text("SERVER_CERT_PATH=key.pem\n")
    assert cert_codes(project) == {"SERVER_CERT_PATH": "cert-unreadable"}
