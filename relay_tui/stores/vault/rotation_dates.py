"""Rotation dates kept in a KV v2 path's custom metadata, packed under its 64-key limit."""

from __future__ import annotations

import datetime
import string
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from relay_tui.domain.masking import safe_text
from relay_tui.errors import BackendError, ConflictError, RelayError

if TYPE_CHECKING:
    from relay_tui.stores.vault.store import Location, VaultStore

PREFIX = "relay-rotated-"  # relay-rotated-0, -1, ...: "FIELD=YYYY-MM-DD;FIELD2=..."
MAX_KEYS = 64  # KV v2: custom-metadata keys per secret
MAX_VALUE_BYTES = 512  # KV v2: bytes per custom-metadata value
_SAFE = "".join(c for c in string.punctuation if c not in "%;=")  # kept as is in field names
_WRITE_ATTEMPTS = 5  # metadata check-and-set conflicts are redone (read, merge, write)
Dates = dict[str, datetime.date]


def pack_dates(dates: Mapping[str, datetime.date]) -> dict[str, str]:
    """`{relay-rotated-N: "FIELD=YYYY-MM-DD;..."}`, each value at most 512 bytes, fields sorted.

    Field names are %-escaped (';', '=', '%', spaces, non-ASCII, control characters), so every
    value is printable ASCII, as KV v2 requires. An entry that cannot fit alone is a ValueError.
    """
    chunks: list[str] = []
    for field in sorted(dates):
        entry = f"{quote(field, safe=_SAFE)}={dates[field].isoformat()}"
        if len(entry) > MAX_VALUE_BYTES:
            raise ValueError(f"the field name {safe_text(field[:40])}... is too long")
        if chunks and len(chunks[-1]) + 1 + len(entry) <= MAX_VALUE_BYTES:
            chunks[-1] += ";" + entry
        else:
            chunks.append(entry)
    return {f"{PREFIX}{n}": chunk for n, chunk in enumerate(chunks)}


def unpack_dates(custom: Mapping[str, Any] | None) -> Dates:
    """The dates packed in custom metadata (other keys and malformed entries are ignored)."""
    found: Dates = {}
    for name, value in sorted((custom or {}).items(), key=lambda item: _index(item[0])):
        if not name.startswith(PREFIX) or not isinstance(value, str):
            continue
        for entry in value.split(";"):
            field, sep, text = entry.partition("=")
            try:
                when = datetime.date.fromisoformat(text.strip())
            except ValueError:
                continue
            if sep and field:
                found[unquote(field)] = when
    return found


def _index(name: str) -> tuple[int, str]:
    suffix = name.removeprefix(PREFIX)
    return (int(suffix), name) if suffix.isdigit() else (-1, name)


def merge_custom(
    existing: Mapping[str, Any] | None, dates: Mapping[str, datetime.date], path: str
) -> dict[str, str]:
    """`existing` custom metadata with relay-tui's keys replaced by `dates`, packed.

    Keys that are not relay-tui's are kept as they are. More than 64 keys in all is a
    BackendError that names the path and the limit.
    """
    foreign = {k: str(v) for k, v in (existing or {}).items() if not k.startswith(PREFIX)}
    try:
        packed = pack_dates(dates)
    except ValueError as exc:
        raise BackendError(
            f"{safe_text(path)}: cannot record rotation dates in its custom metadata: {exc} "
            f"(a value holds at most {MAX_VALUE_BYTES} bytes)"
        ) from None
    if len(foreign) + len(packed) > MAX_KEYS:
        raise BackendError(
            f"{safe_text(path)}: its rotation dates need {len(packed)} custom-metadata key(s) "
            f"beside the {len(foreign)} already there that are not relay-tui's, over KV v2's "
            f"limit of {MAX_KEYS} keys per secret; its metadata was not changed",
            hint="remove custom metadata that is no longer needed from that path (bao kv "
            "metadata patch), or fewer keys per path; validate uses the ledger meanwhile",
        )
    return {**foreign, **packed}


def read_dates(store: VaultStore, location: Location) -> Dates:
    """The rotation dates in a path's metadata, by Vault field ({} on KV v1 or a new path)."""
    return unpack_dates(store.metadata(location).get("custom_metadata"))


def write_dates(
    store: VaultStore,
    location: Location,
    dates: Mapping[str, datetime.date],
    *,
    fill: Mapping[str, datetime.date] | None = None,
    fields: Iterable[str] | None = None,
) -> None:
    """Record `dates` (and `fill` for fields with no date yet) in the path's custom metadata.

    Read, merge, write back: other custom metadata is kept; with `fields`, the dates of fields
    the path no longer holds are dropped. On OpenBao the write uses the metadata check-and-set
    and is redone on a conflict. KV v1 has no metadata: nothing happens there.
    """
    if location.kv_version == 1:
        return
    keep = None if fields is None else set(fields)
    for _attempt in range(_WRITE_ATTEMPTS):
        meta = store.metadata(location)
        existing = meta.get("custom_metadata") or {}
        current = unpack_dates(existing)
        wanted = {**{k: v for k, v in (fill or {}).items() if k not in current}, **current}
        wanted.update(dates)
        if keep is not None:
            wanted = {k: v for k, v in wanted.items() if k in keep}
        custom = merge_custom(existing, wanted, location.full)
        if custom == existing:
            return
        body: dict[str, Any] = {"custom_metadata": custom}
        if "current_metadata_version" in meta:  # OpenBao: check-and-set on the metadata too
            body["metadata_cas"] = int(meta["current_metadata_version"] or 0)
        try:
            action = f"record rotation dates in the metadata of {location.full}"
            store.call("POST", location.api("metadata"), body, action=action)
            return
        except RelayError as exc:
            if "check-and-set" not in exc.message:
                raise
    raise ConflictError(
        f"the metadata of {location.full} kept changing while relay-tui recorded rotation dates"
    )
