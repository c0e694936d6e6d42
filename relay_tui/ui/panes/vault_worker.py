"""The Vault pane's background work: jobs that run in thread workers and the messages they send."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from textual.message import Message

from relay_tui.project.envfile import EnvFile
from relay_tui.services.store_changes import pull_plan, push_plan
from relay_tui.stores.plans import make_plan
from relay_tui.stores.vault.browse import Mount, SearchResult, list_mounts, search_paths
from relay_tui.stores.vault.config import settings_for, vault_path_of
from relay_tui.stores.vault.status import read_status
from relay_tui.stores.vault.store import VaultStore

if TYPE_CHECKING:
    from relay_tui.errors import RelayError
    from relay_tui.project.envfile import EnvFile
    from relay_tui.project.project import Environment, Project
    from relay_tui.services.changes import Actor
    from relay_tui.stores.base import Secret, VersionInfo
    from relay_tui.stores.plans import Plan
    from relay_tui.stores.vault.config import VaultSettings
    from relay_tui.stores.vault.store import VaultStore

T = TypeVar("T")


@dataclass
class Connection:
    """One server connection; its calls are serialized (the store caches mounts unlocked)."""

    store: VaultStore
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, call: Callable[[VaultStore], T]) -> T:
        """Run `call(store)` alone on this connection."""
        with self.lock:
            return call(self.store)


# ----- messages (each carries the connection generation it belongs to) ---------------------
class VaultMessage(Message):
    """A result from a worker; `gen` drops results of a connection that was replaced."""

    gen = 0


class VaultResolved(VaultMessage):
    """Where the connection goes (no network used yet); `configured` False: show the help."""

    def __init__(self, settings: VaultSettings, configured: bool, connecting: bool) -> None:
        super().__init__()
        self.settings, self.configured, self.connecting = settings, configured, connecting


class VaultConnected(VaultMessage):
    """The server answered: status rows and the KV mounts the token can see."""

    def __init__(self, conn: Connection, rows: list[tuple[str, str]], mounts: list[Mount]):
        super().__init__()
        self.conn, self.rows, self.mounts = conn, rows, mounts


class VaultFailed(VaultMessage):
    """A job failed with a message fit for the user (`what` names the job)."""

    def __init__(self, what: str, error: RelayError, path: str = "") -> None:
        super().__init__()
        self.what, self.error, self.path = what, error, path


class VaultListed(VaultMessage):
    """The names in one folder."""

    def __init__(self, folder: str, names: list[str]) -> None:
        super().__init__()
        self.folder, self.names = folder, names


class VaultSecretRead(VaultMessage):
    """A path's fields (the values stay in memory, masked on screen)."""

    def __init__(self, secret: Secret) -> None:
        super().__init__()
        self.secret = secret


class VaultVersions(VaultMessage):
    """The KV v2 versions of a path."""

    def __init__(self, path: str, versions: list[VersionInfo]) -> None:
        super().__init__()
        self.path, self.versions = path, versions


class VaultPlanned(VaultMessage):
    """A plan for `action` (diff, push or pull) made from `envfile` as read."""

    def __init__(self, action: str, plan: Plan, envfile: EnvFile) -> None:
        super().__init__()
        self.action, self.plan, self.envfile = action, plan, envfile


class VaultApplied(VaultMessage):
    """A push or pull went through (`version`: the new Vault version after a push)."""

    def __init__(self, action: str, plan: Plan, version: int | None) -> None:
        super().__init__()
        self.action, self.plan, self.version = action, plan, version


class VaultSearched(VaultMessage):
    """A filter's search below the visible level finished."""

    def __init__(self, result: SearchResult) -> None:
        super().__init__()
        self.result = result


# ----- jobs (run in threads; they raise RelayError on failure) -----------------------------
def resolve_job(project: Project, env: Environment | None, connect: bool) -> VaultResolved:
    """Resolve the settings like the CLI; no server is contacted."""
    settings = settings_for(project, env)
    configured = settings.addr_source != "default" or settings.token is not None
    return VaultResolved(settings, configured, connect and configured)


def connect_job(settings: VaultSettings) -> VaultConnected:
    """Open the connection, read the status rows and the visible mounts."""
    conn = Connection(VaultStore(settings))
    rows = conn.run(read_status)
    return VaultConnected(conn, rows, conn.run(list_mounts))


def list_job(conn: Connection, folder: str) -> VaultListed:
    """List one folder ('mount/' or 'mount/a/b/')."""
    return VaultListed(folder, conn.run(lambda store: store.list_keys(folder)))


def read_job(conn: Connection, path: str) -> VaultSecretRead:
    """Read a path's current version."""
    return VaultSecretRead(conn.run(lambda store: store.read(path)))


def versions_job(conn: Connection, path: str) -> VaultVersions:
    """Read a path's version history."""
    return VaultVersions(path, conn.run(lambda store: store.history(path)))


def search_job(
    conn: Connection,
    roots: list[str],
    needle: str,
    known: dict[str, list[str]],
    cancelled: Callable[[], bool],
) -> VaultSearched:
    """Search below the roots; stops between two listings once `cancelled()`."""

    def list_folder(folder: str) -> list[str]:
        return conn.run(lambda store: store.list_keys(folder))

    return VaultSearched(search_paths(list_folder, roots, needle, known=known, cancelled=cancelled))


def plan_job(conn: Connection, project: Project, env: Environment, action: str) -> VaultPlanned:
    """Compare `env`'s file (as on disk now) with its Vault path."""
    envfile = EnvFile.load(env.file) if env.file.exists() else EnvFile.parse("", env.file)

    def plan_of(store: VaultStore) -> Plan:
        return make_plan(store, project, env, envfile, vault_path_of(project, env, store.settings))

    plan = conn.run(plan_of)
    return VaultPlanned(action, plan, envfile)


def apply_job(
    conn: Connection,
    planned: VaultPlanned,
    env: Environment,
    actor: Actor,
) -> VaultApplied:
    """Push (check-and-set against the plan's version) or pull (refused if the file changed),
    through the services, which check the policy and write the audit line."""
    plan = planned.plan
    if planned.action == "push":
        version, outcome = conn.run(lambda store: push_plan(store, plan, env, actor))
    else:
        version, outcome = None, pull_plan(plan, env, planned.envfile, actor)
    plan.warnings[:] = outcome.warnings
    return VaultApplied(planned.action, plan, version)
