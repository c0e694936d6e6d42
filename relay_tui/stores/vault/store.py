"""The Vault/OpenBao KV store on hvac, a SecretStore: mounts, reads, check-and-set writes, dates."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple
from urllib.parse import quote

from relay_tui.domain.masking import safe_text
from relay_tui.domain.redact import remember
from relay_tui.errors import BackendError, ConflictError, UsageError
from relay_tui.stores.base import Capability, Dates, Located, Secret, VersionInfo
from relay_tui.stores.vault import rotation_dates
from relay_tui.stores.vault import tokens as vault_tokens
from relay_tui.stores.vault.config import VaultSettings
from relay_tui.stores.vault.failures import VaultFailure, explain
from relay_tui.stores.vault.transport import FastSession, Response, TransportError

_BAD_PATH = re.compile(r"[?#%\x00-\x1f\x7f]")


class Location(NamedTuple):
    """A secret's place: its mount, its path inside the mount, and the mount's KV version."""

    mount: str
    path: str
    kv_version: int

    @property
    def full(self) -> str:
        return f"{self.mount}/{self.path}" if self.path else self.mount

    def api(self, kind: str) -> str:
        """The API path for `kind` ('data', 'metadata'), honouring KV v1 mounts."""
        quoted = quote(self.path, safe="/")
        if self.kv_version == 1:
            return f"/v1/{quote(self.mount, safe='/')}/{quoted}"
        return f"/v1/{quote(self.mount, safe='/')}/{kind}/{quoted}"


_KV2 = frozenset({Capability.VERSIONS, Capability.CHECK_AND_SET, Capability.ROTATION_DATES})


class VaultStore:
    """A connection to one Vault/OpenBao server and namespace (a SecretStore with
    RotationDates on KV v2 mounts; KV v1 mounts have no versions and no metadata)."""

    kind = "vault"
    title = "Vault"

    def __init__(self, settings: VaultSettings) -> None:
        import hvac

        self.settings = s = settings
        self._mounts: dict[str, tuple[str, int]] = {}
        self.session = FastSession(s.tls, s.connect_timeout, s.read_timeout, s.max_retries)
        # token="" (never None): hvac would otherwise read VAULT_TOKEN or ~/.vault-token itself.
        self.client = hvac.Client(
            url=s.addr,
            token=s.token or "",
            namespace=s.namespace,
            session=self.session,
            allow_redirects=False,
            timeout=s.read_timeout,
        )

    # ----- low level -----------------------------------------------------------------------
    def call(self, method: str, path: str, json: Any = None, action: str = "") -> Any:
        """One API call through hvac's adapter; errors become RelayErrors that name the server."""
        try:
            if json is None:
                result = self.client.adapter.request(method, path)
            else:
                result = self.client.adapter.request(method, path, json=json)
        except Exception as exc:
            raise self._explain(exc, action or f"{method} {path}") from None
        if isinstance(result, Response):
            return None if result.status_code == 204 else _json(result)
        return result

    def _explain(self, exc: BaseException, action: str) -> Exception:
        if isinstance(exc, TransportError):
            return explain(self, exc, action)
        import hvac.exceptions

        if isinstance(exc, hvac.exceptions.VaultError):
            return explain(self, VaultFailure.from_hvac(exc), action)
        return exc if isinstance(exc, Exception) else RuntimeError(type(exc).__name__)

    def note_token(self, lookup: dict[str, Any] | None = None) -> None:
        """Remember (by keyed fingerprint) that this server accepts the token, and its expiry.

        Done once per token and server, so that a later rejection can say "expired at ..." or
        "revoked" instead of a bare "permission denied" (the server says that for all three).
        """
        s = self.settings
        namespace = s.namespace or ""
        if not s.token or (lookup is None and vault_tokens.knows(s.token, s.addr, namespace)):
            return
        if lookup is None:
            try:
                body = self.client.adapter.request("GET", "/v1/auth/token/lookup-self")
            except Exception:
                body = None  # a token without the default policy cannot look itself up
            lookup = ((body or {}).get("data") or {}) if isinstance(body, dict) else {}
        vault_tokens.remember(s.token, s.addr, namespace, vault_tokens.expiry_of(lookup))

    def close(self) -> None:
        """Close the kept-alive connection."""
        self.session.close()

    @property
    def where(self) -> str:
        return self.settings.where

    def capabilities(self, location: Located) -> frozenset[Capability]:
        """Versions, check-and-set and rotation dates on KV v2; nothing on KV v1."""
        return _KV2 if _kv(location).kv_version == 2 else frozenset()

    # ----- locating ------------------------------------------------------------------------
    def locate(self, path: str) -> Location:
        """Find the mount holding `path` and its KV version (sys/internal/ui/mounts)."""
        clean = canonical_path(path)
        for prefix, (mount, version) in self._mounts.items():
            if clean == prefix or clean.startswith(prefix + "/"):
                return Location(mount, clean[len(prefix) :].strip("/"), version)
        try:
            info = self.client.adapter.request(
                "GET", f"/v1/sys/internal/ui/mounts/{quote(clean, safe='/')}"
            )
        except Exception as exc:
            failure = _failure_of(exc)
            if failure is not None and failure.status == 403 and failure.mentions("preflight"):
                raise BackendError(
                    f"no mount holds {safe_text(clean)} on {self.settings.where}, or the token "
                    "may not see it",
                    hint="paths start with the mount, e.g. secret/relay-protocol; "
                    "`relay-tui vault list` shows what the token can see",
                ) from None
            raise self._explain(exc, f"find the mount of {clean}") from None
        data = (info or {}).get("data") or {}
        mount = str(data.get("path", "")).strip("/")
        if not mount or data.get("type") not in ("kv", "generic"):
            raise UsageError(
                f"{safe_text(clean)} is not in a KV mount on {self.settings.where}",
                hint="paths start with the mount, for example secret/relay-protocol",
            )
        options = data.get("options") or {}
        version = 2 if str(options.get("version", "1")) == "2" else 1
        self._mounts[mount] = (mount, version)
        self.note_token()
        return Location(mount, clean[len(mount) :].strip("/"), version)

    # ----- reading -------------------------------------------------------------------------
    def read(self, path: str, version: int | None = None) -> Secret:
        """Read a secret; a missing, deleted or destroyed version gets its own message."""
        location = self.locate(path)
        if location.kv_version == 1:
            if version is not None:
                raise UsageError(f"{location.mount}/ is a KV version 1 mount: it has no versions")
            body = self._read_or_missing(location, location.api("data"), None)
            fields = dict(body.get("data") or {})
            _remember(fields)
            return Secret(location, fields)
        url = location.api("data") + (f"?version={version}" if version else "")
        body = self._read_or_missing(location, url, version)
        data = body.get("data") or {}
        meta = data.get("metadata") or {}
        fields = dict(data.get("data") or {})
        _remember(fields)
        return Secret(location, fields, meta.get("version"))

    def _read_or_missing(self, location: Location, url: str, version: int | None) -> Any:
        try:
            return self.client.adapter.request("GET", url)
        except Exception as exc:
            failure = _failure_of(exc)
            if failure is None or failure.status != 404 or failure.namespace_missing:
                raise self._explain(exc, f"read {location.full}") from None
            meta = ((failure.json or {}).get("data") or {}).get("metadata") or {}
            raise _missing(self.settings, location, version, meta) from None

    def read_v1_or_empty(self, location: Location) -> dict[str, Any]:
        """A KV v1 path's fields, {} when it does not exist (and {} for v2: use read)."""
        if location.kv_version != 1:
            return {}
        try:
            body = self.client.adapter.request("GET", location.api("data"))
        except Exception as exc:
            failure = _failure_of(exc)
            if failure is not None and failure.status == 404 and not failure.namespace_missing:
                return {}
            raise self._explain(exc, f"read {location.full}") from None
        return dict((body or {}).get("data") or {})

    def metadata(self, location: Location) -> dict[str, Any]:
        """A KV v2 path's metadata ({} for KV v1 and for a path that has none)."""
        if location.kv_version == 1:
            return {}
        try:
            body = self.client.adapter.request("GET", location.api("metadata"))
        except Exception as exc:
            failure = _failure_of(exc)
            if failure is not None and failure.status == 404 and not failure.namespace_missing:
                return {}
            raise self._explain(exc, f"read the metadata of {location.full}") from None
        data = (body or {}).get("data") if isinstance(body, dict) else None
        return dict(data) if isinstance(data, dict) else {}

    def current_version(self, location: Location) -> int:
        """The current KV v2 version of a path (0 when it has never been written)."""
        return int(self.metadata(location).get("current_version") or 0)

    def current(self, location: Located) -> Secret:
        """The fields and version now: KV v2 asks the metadata first (no data read for a new
        path); KV v1 reads the fields, {} when the path does not exist, with no version."""
        where = _kv(location)
        if where.kv_version == 1:
            return Secret(where, self.read_v1_or_empty(where))
        base = self.current_version(where)
        return Secret(where, self.read(where.full).data if base else {}, base)

    # ----- rotation dates (KV v2 custom metadata) ------------------------------------------
    def rotation_dates(self, path: str) -> Dates | None:
        """The dates in the custom metadata of `path`, by field; one request when the path is
        in the configured mount ({} for a new path, None on KV v1, which keeps no metadata)."""
        clean = canonical_path(path)
        mount = self.settings.mount
        guess = Location(mount, clean[len(mount) :].strip("/"), 2)
        meta = self.metadata(guess) if clean.startswith(mount + "/") else {}
        if not meta:  # nothing there, or another mount: ask the server where the path is
            located = self.locate(clean)
            if located.kv_version == 1:
                return None
            meta = self.metadata(located) if located != guess else meta
        return rotation_dates.unpack_dates(meta.get("custom_metadata"))

    def record_dates(
        self,
        location: Located,
        dates: Mapping[str, datetime.date],
        *,
        fill: Mapping[str, datetime.date] | None = None,
        fields: Iterable[str] | None = None,
    ) -> None:
        """Merge `dates` into the path's custom metadata (see rotation_dates.write_dates)."""
        rotation_dates.write_dates(self, _kv(location), dates, fill=fill, fields=fields)

    def history(self, path: str) -> list[VersionInfo]:
        """Every KV v2 version of `path`, oldest first."""
        location = self.locate(path)
        if location.kv_version == 1:
            raise UsageError(f"{location.mount}/ is a KV version 1 mount: it keeps no history")
        body = self.call("GET", location.api("metadata"), action=f"read the history of {path}")
        versions = ((body or {}).get("data") or {}).get("versions") or {}
        return [
            VersionInfo(
                int(n),
                v.get("created_time", ""),
                v.get("deletion_time", ""),
                bool(v.get("destroyed")),
            )
            for n, v in sorted(versions.items(), key=lambda item: int(item[0]))
        ]

    def list_keys(
        self, path: str, *, recursive: bool = False, depth: int | None = None
    ) -> list[str]:
        """Keys under `path` ('name/' for folders); recursive walks folders up to `depth`."""
        location = self.locate(path)
        found: list[str] = []
        self._walk(location, "", found, recursive, depth if depth is not None else 64, 1)
        return found

    def _walk(
        self, base: Location, prefix: str, found: list[str], recursive: bool, depth: int, level: int
    ) -> None:
        here = Location(base.mount, f"{base.path}/{prefix}".strip("/"), base.kv_version)
        url = here.api("metadata") + "/"
        try:
            body = self.client.adapter.request("LIST", url)
        except Exception as exc:
            failure = _failure_of(exc)
            if failure is not None and failure.status == 404 and not failure.namespace_missing:
                return
            raise self._explain(exc, f"list {here.full}") from None
        for key in ((body or {}).get("data") or {}).get("keys") or []:
            found.append(prefix + key)
            if recursive and key.endswith("/") and level < depth:
                self._walk(base, prefix + key, found, recursive, depth, level + 1)

    # ----- writing -------------------------------------------------------------------------
    def write(self, path: str, data: dict[str, Any], *, cas: int | None = None) -> int | None:
        """Write `data` with check-and-set against `cas` (the version the caller read; 0 = new).

        Without `cas` the current version is read first and used, so a write never silently
        replaces a version the caller did not know about between that read and the write.
        """
        location = self.locate(path)
        if location.kv_version == 1:
            self.call("POST", location.api("data"), data, action=f"write {location.full}")
            return None
        expected = self.current_version(location) if cas is None else cas
        body = {"options": {"cas": expected}, "data": data}
        try:
            result = self.client.adapter.request("POST", location.api("data"), json=body)
        except Exception as exc:
            failure = _failure_of(exc)
            if failure is not None and failure.status == 400 and failure.mentions("check-and-set"):
                now = self.current_version(location)
                raise ConflictError(
                    f"{location.full} changed on {self.settings.where}: it is at version {now}, "
                    f"not {expected} as read; nothing was written",
                    hint="read it again (relay-tui vault diff) and redo your change",
                ) from None
            raise self._explain(exc, f"write {location.full}") from None
        payload = result if isinstance(result, dict) else {}
        return int((payload.get("data") or {}).get("version") or expected + 1)


def _kv(location: Located) -> Location:
    if not isinstance(location, Location):
        raise TypeError(f"not a Vault location: {type(location).__name__}")
    return location


def canonical_path(path: str) -> str:
    """The canonical form of a KV path; refuses '..', '.', '?', '#', '%' and control characters."""
    clean = path.strip().strip("/")
    segments = clean.split("/")
    if not clean or any(s in ("", ".", "..") for s in segments) or _BAD_PATH.search(clean):
        raise UsageError(
            f"{safe_text(path)!r} is not a usable Vault path",
            hint="use MOUNT/PATH with plain segments, e.g. secret/relay-protocol/staging",
        )
    return clean


def _json(response: Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _failure_of(exc: BaseException) -> VaultFailure | None:
    import hvac.exceptions

    if isinstance(exc, hvac.exceptions.VaultError):
        return VaultFailure.from_hvac(exc)
    return None


def _missing(
    settings: VaultSettings, location: Location, version: int | None, meta: dict[str, Any]
) -> BackendError:
    which = f"version {meta.get('version') or version}" if (meta or version) else "it"
    if meta.get("destroyed"):
        return BackendError(
            f"{location.full}: {which} was destroyed on {settings.where}; it cannot be recovered",
            hint=f"read another version: relay-tui vault history {location.full}",
        )
    if meta.get("deletion_time"):
        return BackendError(
            f"{location.full}: {which} was deleted on {settings.where} at {meta['deletion_time']}",
            hint=f"it can be restored: bao kv undelete -versions={meta.get('version')} "
            f"{location.full}",
        )
    if version:
        return BackendError(f"{location.full} has no version {version} on {settings.where}")
    return BackendError(
        f"{location.full} does not exist on {settings.where}",
        hint=f"list what is there: relay-tui vault list {location.mount}",
    )


def _remember(fields: dict[str, Any]) -> None:
    """Every value read is hidden from every later message of the session."""
    remember(*(v for v in fields.values() if isinstance(v, str)))
