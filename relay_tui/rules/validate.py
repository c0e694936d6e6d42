"""Validation rules over a project's env files: each rule yields Findings, never values."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import stat
from collections.abc import Callable
from urllib.parse import urlsplit

from relay_tui.domain.defaults import is_default_secret, looks_like_placeholder
from relay_tui.domain.findings import SEVERITIES, Finding, Report
from relay_tui.domain.generate import estimate_bits
from relay_tui.domain.masking import safe_text
from relay_tui.errors import InputFileError
from relay_tui.infra.ledger import Ledger, read_ledger
from relay_tui.project.envfile import EnvFile
from relay_tui.project.project import Environment, Project
from relay_tui.project.specs import SecretSpec, spec_for
from relay_tui.rules.lint import lint
from relay_tui.rules.rotation import dates_with_source, rotation_findings

__all__ = ["Finding", "Report", "validate"]
_WEAK_BITS = {"signing-key": 256.0, "fernet": 256.0, "password": 80.0}
_MIN_BITS_OTHER = 128.0


def validate(project: Project, names: list[str] | None = None, *, git: bool = True) -> Report:
    """Run every rule on the named environments (all that exist when `names` is None)."""
    report = Report()
    explicit = names is not None
    selected = [project.environment(n) for n in names] if names else _present(project)
    existing = [e for e in selected if e.file.exists()]
    git_job = _start_git(project, existing) if git else None
    template = project.template
    if template is not None and not explicit:
        report.checked.append("template")
        report.findings.extend(
            lint(template, "template", str(template.path.name if template.path else ""))
        )
    others = {e.name: e for e in _present(project)}
    others.update({e.name: e for e in selected})
    loaded: dict[str, EnvFile] = {}
    ledger: Ledger | None = None
    for env in others.values():
        try:
            loaded[env.name] = EnvFile.load(env.file)
        except InputFileError as exc:
            if env in selected and env.file.exists():
                report.findings.append(
                    Finding(
                        "unreadable-file",
                        "error",
                        env.name,
                        None,
                        exc.message,
                        exc.hint or "",
                        _rel(project, env),
                    )
                )
    for env in selected:
        report.checked.append(env.name)
        file = _rel(project, env)
        if not env.file.exists():
            report.findings.append(
                Finding(
                    "missing-file",
                    "error" if explicit else "warning",
                    env.name,
                    None,
                    f"{file} does not exist",
                    f"create it: relay-tui generate --generate-env --env {env.name}",
                    file,
                )
            )
            continue
        envfile = loaded.get(env.name)
        if envfile is None:
            continue
        report.findings.extend(lint(envfile, env.name, file))
        _check_keys(report, project, env, file, envfile)
        _check_permissions(report, env, file)
        if _may_hold_certs(envfile):
            from relay_tui.rules.certs import cert_findings

            report.findings.extend(cert_findings(envfile, env.name, file, project.root))
        if ledger is None:
            ledger = read_ledger(project.root)
        dates, source = dates_with_source(project, env, ledger)  # Vault only with a vault_path
        if source.startswith("ledger ("):
            report.findings.append(_rotation_source(env, file, source))
        report.findings.extend(rotation_findings(envfile, env.name, file, project.specs, dates))
    _check_reuse(report, project, selected, loaded)
    if git_job is not None:
        report.findings.extend(git_job())
    order = {s: i for i, s in enumerate(SEVERITIES)}
    report.findings.sort(key=lambda f: (order[f.severity], f.env, f.line or 0))
    return report


def _rotation_source(env: Environment, file: str, source: str) -> Finding:
    why = source.removeprefix("ledger (").removesuffix(")")
    return Finding(
        "rotation-source",
        "info",
        env.name,
        None,
        f"rotation dates of {env.name} came from the ledger; {why}",
        "check the Vault address and token: relay-tui vault status",
        file,
    )


def _present(project: Project) -> list[Environment]:
    return [e for e in project.environments.values() if e.configured or e.file.exists()]


def _rel(project: Project, env: Environment) -> str:
    try:
        return str(env.file.relative_to(project.root))
    except ValueError:
        return str(env.file)


def _strict(env: Environment) -> bool:
    return env.protected or env.name == "production"


_URL_SHAPE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S")


def _check_keys(
    report: Report, project: Project, env: Environment, file: str, envfile: EnvFile
) -> None:
    add = report.findings.append
    strict = _strict(env)
    specs = project.specs
    values = envfile.values()
    lines = {e.key: e.line for e in envfile.entries if e.key is not None}
    for key, spec in specs.items():
        if spec.required and key not in values:
            add(
                Finding(
                    "missing-required",
                    "error",
                    env.name,
                    key,
                    f"{key} is required but missing",
                    _fill_hint(spec, env),
                    file,
                )
            )
    template_keys = set(project.template.keys()) if project.template else None
    for key, value in values.items():
        line = lines.get(key)
        shown = safe_text(key)
        spec = spec_for(specs, key)
        if template_keys is not None and key not in template_keys:
            add(
                Finding(
                    "unknown-key",
                    "warning",
                    env.name,
                    shown,
                    f"{shown} is not in the template",
                    "add it to the template or remove it",
                    file,
                    line,
                )
            )
        if value is None:
            continue
        if value == "":
            if spec.required:
                add(
                    Finding(
                        "empty-value",
                        "error",
                        env.name,
                        shown,
                        f"{shown} is empty",
                        _fill_hint(spec, env),
                        file,
                        line,
                    )
                )
            continue
        if "${" in value:
            add(
                Finding(
                    "interpolation",
                    "warning",
                    env.name,
                    shown,
                    f"{shown} contains '${{': relay-tui reads it literally, python-dotenv's "
                    "load_dotenv would expand it",
                    "write the value out in full",
                    file,
                    line,
                )
            )
        if spec.is_secret:
            _check_secret_value(report, env, file, line, spec, value, strict)


def _check_secret_value(
    report: Report,
    env: Environment,
    file: str,
    line: int | None,
    spec: SecretSpec,
    value: str,
    strict: bool,
) -> None:
    key = safe_text(spec.key)

    def add(code: str, error: bool, message: str) -> None:
        severity = "error" if error else "warning"
        report.findings.append(
            Finding(code, severity, env.name, key, message, _fill_hint(spec, env), file, line)
        )

    part, what = value, "value"
    if spec.kind == "url":
        part, what = url_password(value) or "", "password inside the URL"
    if part and is_default_secret(part):
        add("default-secret", strict, f"{key} has a well-known default {what}")
        return
    same_as_template = spec.kind != "url" and value == spec.template_value
    if same_as_template or (part and looks_like_placeholder(part)):
        add("placeholder-value", spec.required or strict, f"{key} still holds a placeholder {what}")
        return
    if spec.kind == "url" and not _URL_SHAPE.match(value):
        add("invalid-url", spec.required or strict, f"{key} is not a URL (scheme://host/...)")
        return
    if spec.kind in ("provider", "url", "rsa", "ed25519", "ec-p256", "tls-cert"):
        return
    need = _WEAK_BITS.get(spec.kind, _MIN_BITS_OTHER)
    bits = estimate_bits(value)
    if bits < need:
        add("weak-secret", strict, f"{key} has about {bits:.0f} bits of entropy; a {spec.kind} "
            f"needs {need:.0f}")  # fmt: skip


def url_password(value: str) -> str | None:
    """The password inside a URL value, or None."""
    if "://" not in value or "@" not in value:
        return None
    try:
        return urlsplit(value).password
    except ValueError:
        return None


def _fill_hint(spec: SecretSpec, env: Environment) -> str:
    if spec.generatable:
        return f"relay-tui set {spec.key} --env {env.name} --generate {spec.kind}"
    return f"relay-tui set {spec.key} --env {env.name}   (reads the value from stdin)"


def _check_permissions(report: Report, env: Environment, file: str) -> None:
    try:
        mode = stat.S_IMODE(os.stat(env.file).st_mode)
    except OSError:
        return
    if mode & 0o077:
        report.findings.append(
            Finding(
                "insecure-permissions",
                "error" if _strict(env) else "warning",
                env.name,
                None,
                f"{file} is readable or writable by others (mode {mode:04o})",
                f"chmod 600 {file}",
                file,
            )
        )


def _check_reuse(
    report: Report, project: Project, selected: list[Environment], loaded: dict[str, EnvFile]
) -> None:
    fp_key = secrets.token_bytes(32)  # per run: fingerprints only group values, never leave
    owners: dict[bytes, list[tuple[str, str, int]]] = {}
    for name, envfile in loaded.items():
        for entry in envfile.entries:
            secret = comparable_secret(project, entry.key, entry.value)
            if secret is None or entry.key is None:
                continue
            digest = hmac.new(fp_key, secret.encode("utf-8", "surrogatepass"), hashlib.sha256)
            owners.setdefault(digest.digest(), []).append((name, entry.key, entry.line))
    chosen = {e.name: e for e in selected}
    for places in owners.values():
        envs = {name for name, _, _ in places}
        if len(envs) < 2:
            continue
        strict = any(_strict(project.environment(n)) for n in envs)
        for name, key, line in places:
            if name not in chosen:
                continue
            elsewhere = ", ".join(f"{k} in {n}" for n, k, _ in places if n != name)
            spec = spec_for(project.specs, key)
            report.findings.append(
                Finding(
                    "reused-secret",
                    "error" if strict else "warning",
                    name,
                    safe_text(key),
                    f"{safe_text(key)} has the same secret as {safe_text(elsewhere)}",
                    _fill_hint(spec, chosen[name]),
                    _rel(project, chosen[name]),
                    line,
                )
            )


def comparable_secret(project: Project, key: str | None, value: str | None) -> str | None:
    """The part of a value that must differ between environments, or None to skip it."""
    if key is None or not value or len(value) < 8:
        return None
    spec = spec_for(project.specs, key)
    if not spec.is_secret or value == spec.template_value:
        return None
    if spec.kind == "url":
        value = url_password(value) or ""
    if not value or looks_like_placeholder(value) or is_default_secret(value):
        return None
    return value


def _start_git(project: Project, envs: list[Environment]) -> Callable[[], list[Finding]]:
    """Ask git in a thread, so its subprocess runs while this one parses and checks the files."""
    from threading import Thread

    found: list[Finding] = []
    job = Thread(target=lambda: found.extend(_git_findings(project, envs)), daemon=True)
    job.start()

    def collect() -> list[Finding]:
        job.join()
        return found

    return collect


def _git_findings(project: Project, envs: list[Environment]) -> list[Finding]:
    report = Report()
    from relay_tui.infra.gitcheck import git_states

    by_folder: dict[str, list[Environment]] = {}
    for env in envs:
        by_folder.setdefault(str(env.file.parent), []).append(env)
    for members in by_folder.values():
        states = git_states(members[0].file.parent, [e.file.name for e in members])
        for env in members:
            state = states[env.file.name]
            file = _rel(project, env)
            if state.state == "tracked":
                report.findings.append(
                    Finding(
                        "git-tracked",
                        "error",
                        env.name,
                        None,
                        f"{file} is tracked by git: its secrets are in the history",
                        f"git rm --cached {state.repo_path}; add `{state.gitignore_line}` "
                        "to .gitignore; rotate every secret it held",
                        file,
                    )
                )
            elif state.state == "exposed":
                report.findings.append(
                    Finding(
                        "git-not-ignored",
                        "error",
                        env.name,
                        None,
                        f"{file} is not ignored by git and would be committed",
                        f"add `{state.gitignore_line}` to .gitignore",
                        file,
                    )
                )
    return report.findings


def _may_hold_certs(envfile: EnvFile) -> bool:
    """Cheap pre-check, so cryptography is imported only when a certificate may be there."""
    keys = "\0".join(envfile.index).upper()
    return "_CERT" in keys or any("BEGIN CERT" in e.body for e in envfile.entries)
