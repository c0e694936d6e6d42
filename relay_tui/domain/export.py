"""Render an environment for a deployment: shell, JSON, dotenv, or a Kubernetes Secret."""

from __future__ import annotations

import base64
import json
import re

from relay_tui.domain.dotenv_codec import KEY_RE, check_value, encode_value
from relay_tui.errors import UsageError

FORMATS = ("shell", "json", "dotenv", "k8s-secret", "external-secret")


_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,252}")
EMPTY = '""'
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}  # YAML 1.1 non-strings


def exportable(values: dict[str, str | None]) -> tuple[dict[str, str], list[str]]:
    """Split values into those that can be exported and the names of keys that cannot."""
    good: dict[str, str] = {}
    skipped: list[str] = []
    for key, value in values.items():
        if value is None or not KEY_RE.match(key):
            skipped.append(key)
        else:
            good[key] = value
    return good, skipped


def shell_quote(value: str) -> str:
    """POSIX single quoting: no character inside can start a command or an expansion."""
    return "'" + value.replace("'", "'\\''") + "'"


def render(values: dict[str, str], fmt: str, *, name: str = "relay") -> str:
    """Render `values` in `fmt` (one of FORMATS)."""
    if fmt == "shell":
        return "".join(f"export {k}={shell_quote(v)}\n" for k, v in values.items())
    if fmt == "json":
        return json.dumps(values, indent=2, ensure_ascii=True) + "\n"
    if fmt == "dotenv":
        lines = []
        for key, value in values.items():
            check_value(key, value)
            lines.append(f"{key}={encode_value(value)}\n")
        return "".join(lines)
    if fmt == "k8s-secret":
        return _k8s_secret(values, name)
    raise UsageError(f"unknown format {fmt!r}", hint="formats: " + ", ".join(FORMATS))


def yaml_scalar(text: str) -> str:
    """`text` as one YAML scalar: plain when it is a simple name, else a quoted JSON string."""
    if _PLAIN.fullmatch(text) and text.lower() not in _YAML_WORDS:
        return text
    return '"' + "".join(_yaml_char(c) for c in text) + '"'


def _yaml_char(char: str) -> str:
    """One character inside a double-quoted YAML scalar: printable ASCII as is, the rest escaped."""
    code = ord(char)
    if 0x20 <= code < 0x7F and char not in '"\\':
        return char
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def k8s_name(name: str) -> str:
    """A DNS-1123 name for a Kubernetes object."""
    cleaned = re.sub(r"[^a-z0-9.-]+", "-", name.lower()).strip("-.")
    return (cleaned or "relay")[:253]


def _k8s_secret(values: dict[str, str], name: str) -> str:
    lines = [
        "apiVersion: v1",
        "kind: Secret",
        "metadata:",
        f"  name: {k8s_name(name)}",
        "  labels:",
        "    app.kubernetes.io/managed-by: relay-tui",
        "type: Opaque",
        "data:" if values else "data: {}",
    ]
    for key, value in values.items():
        encoded = base64.b64encode(value.encode("utf-8", "surrogatepass")).decode("ascii")
        lines.append(f"  {yaml_scalar(key)}: {encoded or EMPTY}")
    return "\n".join(lines) + "\n"


def external_secret(name: str, fields: dict[str, str], vault_key: str, mount: str) -> str:
    """An External Secrets Operator manifest reading `fields` (env key -> Vault field).

    It holds no values: the operator reads them from Vault at `mount`/`vault_key` through a
    SecretStore named "vault-backend" (shown in a comment) and writes a Kubernetes Secret.
    """
    object_name = k8s_name(name)
    lines = [
        "# Needs a SecretStore named vault-backend, e.g. spec.provider.vault:",
        f"#   path: {yaml_scalar(mount)}, version: v2, server: <your Vault address>",
        "apiVersion: external-secrets.io/v1beta1",
        "kind: ExternalSecret",
        "metadata:",
        f"  name: {object_name}",
        "  labels:",
        "    app.kubernetes.io/managed-by: relay-tui",
        "spec:",
        "  refreshInterval: 1h",
        "  secretStoreRef:",
        "    name: vault-backend",
        "    kind: SecretStore",
        "  target:",
        f"    name: {object_name}",
        "    creationPolicy: Owner",
        "  data:" if fields else "  data: []",
    ]
    for key, field in fields.items():
        lines += [
            f"    - secretKey: {yaml_scalar(key)}",
            "      remoteRef:",
            f"        key: {json.dumps(vault_key)}",
            f"        property: {json.dumps(field)}",
        ]
    return "\n".join(lines) + "\n"
