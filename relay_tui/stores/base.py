"""The SecretStore protocol: what every store offers, and the capabilities a caller asks for."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, NamedTuple, Protocol, runtime_checkable

Dates = dict[str, datetime.date]  # store field -> the day its value last changed


class Capability(StrEnum):
    """What a store can do beyond reading, writing and listing (per location: a KV v1 mount
    of Vault has none of these)."""

    VERSIONS = "versions"  # read(path, version=N) and history()
    CHECK_AND_SET = "check-and-set"  # a write refuses a version it was not planned against
    ROTATION_DATES = "rotation-dates"  # custom metadata holds each field's rotation date


class Located(Protocol):
    """A secret's place in its store, as the store resolved it."""

    @property
    def full(self) -> str:
        """The full path, as shown to people."""
        ...


class Secret(NamedTuple):
    """What a path holds: its fields, and the version read (None where the store has none;
    0 when nothing was written there yet)."""

    location: Located
    data: dict[str, Any]
    version: int | None = None


class VersionInfo(NamedTuple):
    """One version of a path: when it was written, deleted or destroyed."""

    version: int
    created: str
    deleted: str = ""
    destroyed: bool = False


@runtime_checkable
class SecretStore(Protocol):
    """A connection to one secret store. Errors are RelayErrors whose text is redacted."""

    kind: str  # the store's name in relay.toml: "vault"
    title: str  # its name in sentences: "Vault"

    @property
    def where(self) -> str:
        """The server (and namespace) in words, for messages."""
        ...

    def locate(self, path: str) -> Located:
        """Resolve `path` in the store (a bad or foreign path is a UsageError)."""
        ...

    def capabilities(self, location: Located) -> frozenset[Capability]:
        """What the store can do at `location`."""
        ...

    def read(self, path: str, version: int | None = None) -> Secret:
        """The fields at `path` (a given `version` needs VERSIONS); missing is a BackendError."""
        ...

    def current(self, location: Located) -> Secret:
        """The fields and version at `location` now: empty, version 0, when nothing is there."""
        ...

    def write(self, path: str, data: dict[str, Any], *, cas: int | None = None) -> int | None:
        """Replace the fields at `path`; with CHECK_AND_SET refused unless the store is still at
        version `cas` (0: new). Returns the new version, None where the store keeps none."""
        ...

    def list_keys(
        self, path: str, *, recursive: bool = False, depth: int | None = None
    ) -> list[str]:
        """The names under `path` ('name/' for folders)."""
        ...

    def history(self, path: str) -> list[VersionInfo]:
        """Every version of `path`, oldest first (needs VERSIONS)."""
        ...

    def close(self) -> None:
        """Let go of the connection."""
        ...


@runtime_checkable
class RotationDates(Protocol):
    """The ROTATION_DATES capability: each field's rotation date kept beside its value."""

    def rotation_dates(self, path: str) -> Dates | None:
        """The dates recorded at `path`, by field ({} when there are none; None when the store
        keeps no dates at that path)."""
        ...

    def record_dates(
        self,
        location: Located,
        dates: Mapping[str, datetime.date],
        *,
        fill: Mapping[str, datetime.date] | None = None,
        fields: Iterable[str] | None = None,
    ) -> None:
        """Record `dates` (and `fill` for fields without one) at `location`; with `fields`,
        drop the dates of fields the path no longer holds."""
        ...


class EnvStore(NamedTuple):
    """An environment's store, opened, and the path that holds the environment in it."""

    store: SecretStore
    path: str


def dated(store: SecretStore, location: Located) -> RotationDates | None:
    """The store's rotation-date capability at `location`, or None when it has none there."""
    if Capability.ROTATION_DATES in store.capabilities(location) and isinstance(
        store, RotationDates
    ):
        return store
    return None
