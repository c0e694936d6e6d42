"""What the Vault pane says: how to connect, status lines, the sync target, plans by key name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from relay_tui.domain.masking import safe_text
from relay_tui.ui.widgets.grid import Row

if TYPE_CHECKING:
    from relay_tui.project.project import Environment, Project
    from relay_tui.stores.plans import Plan
    from relay_tui.stores.vault.config import VaultSettings

HELP = """\
No Vault or OpenBao server is configured. relay-tui connects like the bao
and vault CLIs, from these variables (BAO_* first, then VAULT_*):
  BAO_ADDR, VAULT_ADDR            the server: https://vault.example:8200
  BAO_TOKEN, VAULT_TOKEN          the token (else ~/.vault-token)
  BAO_NAMESPACE, VAULT_NAMESPACE  the namespace, if the server has them
  VAULT_CACERT, VAULT_CAPATH      the CA of the server's certificate
  VAULT_CLIENT_CERT, ..._KEY      a client certificate, if one is needed
  VAULT_SKIP_VERIFY               TLS not verified (not advised)
  VAULT_CLIENT_TIMEOUT            seconds to wait for an answer
or from relay.toml:
  [vault]
  addr = "https://vault.example:8200"   # and mount = "secret"
  [environments.staging]
  vault_path = "relay/staging"  # vault_addr, vault_mount: per environment
Set them and start relay-tui again; R reads ~/.vault-token again."""

SHOWN_KEYS = 8  # key names listed per group in a confirmation


def status_lines(settings: VaultSettings, rows: list[tuple[str, str]]) -> list[str]:
    """Address, namespace, TLS mode and the token's source, then what the server said."""
    token = f"from {settings.token_source}" if settings.token else "none found"
    namespace = settings.namespace or "root"
    lines = [
        f"{settings.addr} (from {settings.addr_source}) · namespace: {namespace}",
        f"TLS: {settings.tls_mode} · token: {token}",
    ]
    extra = [f"{label}: {value}" for label, value in rows[4:]]
    if extra:
        lines.append(" · ".join(extra))
    return [safe_text(line) for line in lines]


def sync_line(project: Project, env: Environment | None, read_only: bool) -> str:
    """Which Vault path the active environment syncs with, and the keys that do it."""
    if env is None:
        return "the template has no Vault path; pick an environment (E) to diff, push or pull"
    if not env.vault_path:
        return (
            f"{env.name} has no vault_path: set [environments.{env.name}] vault_path in "
            "relay.toml to diff, push and pull"
        )
    mount = (env.vault_mount or project.config.get("vault", {}).get("mount") or "secret").strip("/")
    where = f"{mount}/{env.vault_path.strip('/')}"
    keys = "d diff (read-only session)" if read_only else "d diff · p push · l pull"
    protected = " (PROTECTED)" if env.protected else ""
    return safe_text(f"{env.name}{protected} ↔ {where} · {keys}")


def _names(keys: list[str]) -> str:
    shown = ", ".join(keys[:SHOWN_KEYS])
    more = len(keys) - SHOWN_KEYS
    return shown + (f" and {more} more" if more > 0 else "")


def confirm_lines(plan: Plan, action: str, file_name: str, unsaved: bool) -> list[str]:
    """The plan as a question, by key name only (values are never shown)."""
    path = plan.location.full
    version = f"Vault version {plan.base_version}" if plan.base_version else "a new path"
    if action == "push":
        lines = [f"push {plan.env} ({file_name}) to {path} ({version})?"]
        groups = [("new in Vault", plan.only_local), ("replaced in Vault", plan.changed),
                  ("kept, only in Vault", plan.only_store)]  # fmt: skip
    else:
        lines = [f"pull {path} ({version}) into {plan.env} ({file_name})?"]
        groups = [("added to the file", plan.only_store), ("replaced in the file", plan.changed),
                  ("kept, only in the file", plan.only_local)]  # fmt: skip
    lines += [f"  {label}: {_names(keys)}" for label, keys in groups if keys]
    lines.append(f"  unchanged: {len(plan.unchanged)}")
    if plan.converted:
        lines.append("  non-string values in Vault (as JSON text): " + _names(plan.converted))
    if action == "push":
        lines.append(f"Written with check-and-set against version {plan.base_version}.")
        if unsaved:
            lines.append("Unsaved edits in pane 1 are not pushed: the file as saved is.")
    return [safe_text(line) for line in lines]


def diff_rows(plan: Plan) -> list[Row]:
    """One row per key: where it differs (or that it is the same), never a value."""
    states = [("only in the file", "warning", plan.only_local),
              ("only in Vault", "warning", plan.only_store),
              ("changed", "error", plan.changed), ("same", "dim", plan.unchanged)]  # fmt: skip
    rows = [
        Row(key, (safe_text(key), label), ("", style))
        for label, style, keys in states
        for key in keys
    ]
    return sorted(rows, key=lambda row: row.key)
