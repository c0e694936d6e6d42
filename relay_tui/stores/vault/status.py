"""What `vault status` shows: where the connection goes, how it is secured, the token state."""

from __future__ import annotations

from relay_tui.domain.masking import safe_text
from relay_tui.errors import RelayError
from relay_tui.stores.vault.store import VaultStore


def read_status(store: VaultStore) -> list[tuple[str, str]]:
    """Rows of (label, value); the token itself never appears, only where it came from."""
    settings = store.settings
    rows = [
        ("address", f"{settings.addr} (from {settings.addr_source})"),
        ("namespace", settings.namespace or "root"),
        ("TLS", settings.tls_mode),
        ("token", f"from {settings.token_source}" if settings.token else "none found"),
    ]
    health = store.call(
        "GET",
        "/v1/sys/health?standbyok=true&sealedcode=200&uninitcode=200",
        action="read the server's health",
    )
    health = health if isinstance(health, dict) else {}
    sealed = bool(health.get("sealed"))
    rows.append(("sealed", "YES: unseal it before use" if sealed else "no"))
    rows.append(("server version", safe_text(str(health.get("version", "unknown")))))
    if settings.token and not sealed:
        try:
            body = store.call("GET", "/v1/auth/token/lookup-self", action="look up the token")
        except RelayError as exc:
            rows.append(("token state", exc.message))
        else:
            data = (body or {}).get("data") or {}
            store.note_token(data)
            ttl = int(data.get("ttl") or 0)
            rows.append(("token TTL", _duration(ttl) if ttl else "never expires"))
            rows.append(("policies", safe_text(", ".join(data.get("policies") or []) or "none")))
    return rows


def _duration(seconds: int) -> str:
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [
        f"{days}d" if days else "",
        f"{hours}h" if hours else "",
        f"{minutes}m" if minutes else "",
    ]
    return "".join(parts) or f"{secs}s"
