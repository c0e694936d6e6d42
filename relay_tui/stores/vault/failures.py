"""Turn Vault/OpenBao failures into messages a user can act on (never the token, never raw hvac)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from relay_tui.domain.masking import safe_text
from relay_tui.domain.redact import redact
from relay_tui.errors import BackendError, RelayError
from relay_tui.stores.vault.tokens import why_rejected
from relay_tui.stores.vault.transport import TransportError

if TYPE_CHECKING:
    from relay_tui.stores.vault.store import VaultStore

_STATUS = {
    "InvalidRequest": 400,
    "Unauthorized": 401,
    "Forbidden": 403,
    "InvalidPath": 404,
    "UnsupportedOperation": 405,
    "PreconditionFailed": 412,
    "RateLimitExceeded": 429,
    "InternalServerError": 500,
    "VaultNotInitialized": 501,
    "BadGateway": 502,
    "VaultDown": 503,
}


class VaultFailure(NamedTuple):
    """An HTTP error answer from the server: its status, its error strings and its body."""

    status: int
    errors: tuple[str, ...]
    json: dict[str, Any] | None = None

    @classmethod
    def from_hvac(cls, exc: Exception) -> VaultFailure:
        """Read what matters out of an hvac exception (whose str holds the URL)."""
        status = _STATUS.get(type(exc).__name__, 0)
        errors = getattr(exc, "errors", None) or []
        if isinstance(errors, str):
            errors = [errors]
        body = getattr(exc, "json", None)
        if not status and "too large" in " ".join(map(str, errors)).lower():
            status = 413
        return cls(status, tuple(str(e) for e in errors), body if isinstance(body, dict) else None)

    def mentions(self, text: str) -> bool:
        return any(text in e.lower() for e in self.errors)

    @property
    def namespace_missing(self) -> bool:
        return self.mentions("namespace not found")

    @property
    def first(self) -> str:
        if not self.errors:
            return "no details"

        return safe_text(redact(self.errors[0]))[:300]


def explain(store: VaultStore, exc: TransportError | VaultFailure, action: str) -> RelayError:
    """A BackendError (exit 3) that says what failed, where, and what to do; redacted."""
    explained = _explain(store, exc, action)
    explained.message = redact(explained.message)
    explained.args = (explained.message,)
    if explained.hint:
        explained.hint = redact(explained.hint)
    return explained


def _explain(store: VaultStore, exc: TransportError | VaultFailure, action: str) -> RelayError:
    where = store.settings.where
    if isinstance(exc, TransportError):
        return _transport(store, exc, action)
    status = exc.status
    if status == 503 or exc.mentions("sealed"):
        if exc.mentions("sealed"):
            return BackendError(
                f"{where} is sealed; could not {action}",
                hint="unseal it first: bao operator unseal (or vault operator unseal)",
            )
        return BackendError(f"{where} is unavailable (503: {exc.first}); could not {action}")
    if status == 403:
        return _forbidden(store, action)
    if status == 404 and exc.namespace_missing:
        return BackendError(
            f"namespace {store.settings.namespace!r} does not exist on {store.settings.addr}",
            hint="check BAO_NAMESPACE / VAULT_NAMESPACE",
        )
    if status == 404:
        return BackendError(f"nothing at that path on {where}; could not {action}")
    if status == 429:
        return BackendError(
            f"{where} is rate limiting requests (429), still after "
            f"{store.settings.max_retries} retries; could not {action}",
            hint="wait and try again, or raise the quota",
        )
    if status == 413 or exc.mentions("too large"):
        return BackendError(
            f"{where} refused the request as too large; could not {action}",
            hint="a KV write is limited to 32 MiB in all; store large files elsewhere",
        )
    if exc.mentions("complexity") or exc.mentions("maximum number of strings"):
        return BackendError(
            f"{where} refused the request as too complex ({exc.first}); could not {action}",
            hint="OpenBao limits one request to 1,000 JSON strings (keys and values) by default: "
            "split the environment over several paths, or raise max_request_json_strings",
        )
    if status == 400:
        return BackendError(f"{where} refused to {action}: {exc.first}")
    return BackendError(f"{where} failed to {action} (HTTP {status or '?'}: {exc.first})")


def _transport(store: VaultStore, exc: TransportError, action: str) -> RelayError:
    settings = store.settings
    where = settings.where
    if exc.kind == "refused":
        return BackendError(
            f"cannot reach {where}: connection refused; could not {action}",
            hint=f"is the server running? The address came from {settings.addr_source}",
        )
    if exc.kind == "timeout":
        return BackendError(
            f"{where} did not answer in time ({exc.detail}); could not {action}",
            hint="check the address and the server; BAO_CLIENT_TIMEOUT / VAULT_CLIENT_TIMEOUT "
            "sets the read timeout",
        )
    if exc.kind == "tls":
        return BackendError(
            f"TLS with {where} failed ({safe_text(exc.detail)}); TLS mode: {settings.tls_mode}",
            hint="set VAULT_CACERT to the CA that signed the server's certificate",
        )
    if exc.kind == "redirect":
        return BackendError(
            f"{where} redirected the request to {safe_text(exc.detail)}; relay-tui does not "
            f"follow redirects, so the token cannot travel to another host; could not {action}",
            hint="set the address of the active server directly (a standby redirects)",
        )
    if exc.kind == "dns":
        return BackendError(f"cannot resolve the host of {where} ({safe_text(exc.detail)})")
    return BackendError(f"network error with {where}: {safe_text(exc.detail)}; could not {action}")


def _forbidden(store: VaultStore, action: str) -> RelayError:
    settings = store.settings
    if not settings.token:
        return BackendError(
            f"{settings.where} needs a token and none was found; could not {action}",
            hint="set BAO_TOKEN or VAULT_TOKEN, or log in (bao login) to write ~/.vault-token",
        )
    try:
        body = store.client.adapter.request("GET", "/v1/auth/token/lookup-self")
    except Exception:
        body = None
    if body is None and _token_accepted(store):
        # A token without the default policy cannot look itself up, yet the server knows it.
        body = {"data": {"policies": ["not visible to this token"]}}
    if body is None:
        reason, hint = why_rejected(settings.token, settings.addr, settings.namespace or "")
        return BackendError(
            f"{settings.where} rejected the token from {settings.token_source}: {reason}; "
            f"could not {action}",
            hint=hint,
        )
    data = (body or {}).get("data") if isinstance(body, dict) else None
    policies = ", ".join((data or {}).get("policies") or []) or "none"
    return BackendError(
        f"the token from {settings.token_source} is valid but its policies ({policies}) do not "
        f"allow it to {action} on {settings.where}",
        hint="ask for a policy that grants this path, or use another token",
    )


def _token_accepted(store: VaultStore) -> bool:
    """Whether the server accepts the token at all (the mounts lookup refuses unknown tokens)."""
    if store._mounts:
        return True
    try:
        store.client.adapter.request("GET", f"/v1/sys/internal/ui/mounts/{store.settings.mount}")
    except Exception:
        return False
    return True
