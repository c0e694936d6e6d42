"""The SecretStore protocol: Vault/OpenBao implements it, and plans work over any store."""

from __future__ import annotations

import datetime
import secrets
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from relay_tui.errors import ConfigurationError, ConflictError
from relay_tui.infra.ledger import read_ledger, record
from relay_tui.project.envfile import EnvFile
from relay_tui.project.envstore import WritePolicy
from relay_tui.project.project import load_project
from relay_tui.rules.rotation import dates_with_source
from relay_tui.services.changes import Actor
from relay_tui.services.store_changes import push_plan, put_fields
from relay_tui.stores import registry
from relay_tui.stores.base import (
    Capability,
    EnvStore,
    Located,
    RotationDates,
    Secret,
    SecretStore,
    VersionInfo,
    dated,
)
from relay_tui.stores.plans import apply_pull, apply_push, make_plan
from tests.vault.helpers import store_for

CLI = Actor("test")


def test_vault_is_a_secret_store_with_dates_on_kv2_only(bao: Any) -> None:
    store = store_for(bao.addr, bao.root_token)
    assert isinstance(store, SecretStore) and isinstance(store, RotationDates)
    v2, v1 = store.locate("secret/iface/a"), store.locate("kv1/iface/a")
    assert store.capabilities(v2) == {
        Capability.VERSIONS,
        Capability.CHECK_AND_SET,
        Capability.ROTATION_DATES,
    }
    assert store.capabilities(v1) == frozenset()
    assert dated(store, v2) is store and dated(store, v1) is None
    store.close()


def test_current_is_empty_at_version_0_then_follows_writes(bao: Any) -> None:
    store = store_for(bao.addr, bao.root_token)
    path = f"secret/iface/{secrets.token_hex(4)}"
    location = store.locate(path)
    assert store.current(location) == Secret(location, {}, 0)
    assert store.write(path, {"A": "1"}, cas=0) == 1
    assert store.current(location) == Secret(location, {"A": "1"}, 1)
    with pytest.raises(ConflictError, match="version 1, not 0"):
        store.write(path, {"A": "2"}, cas=0)
    v1 = store.locate(f"kv1/iface/{secrets.token_hex(4)}")
    assert store.current(v1) == Secret(v1, {}, None)
    store.close()


def test_rotation_dates_round_trip_through_the_capability(bao: Any) -> None:
    store = store_for(bao.addr, bao.root_token)
    path = f"secret/iface/{secrets.token_hex(4)}"
    store.write(path, {"A": "1", "B": "2"}, cas=0)
    day = datetime.date(2026, 1, 2)
    store.record_dates(store.locate(path), {"A": day})
    assert store.rotation_dates(path) == {"A": day}
    assert store.rotation_dates("kv1/iface/nothing") is None  # KV v1 keeps no dates
    store.close()


def test_put_fields_dates_the_changed_fields_in_the_store(bao: Any) -> None:
    store = store_for(bao.addr, bao.root_token)
    path = f"secret/iface/{secrets.token_hex(4)}"
    version, outcome = put_fields(store, path, {"TOKEN": "x" * 20}, CLI)
    assert version == 1 and outcome.warnings == []
    today = datetime.datetime.now(datetime.UTC).date()
    assert store.rotation_dates(path) == {"TOKEN": today}
    store.close()


# ----- a second store, only to show that plans and dates are written once, over the protocol --
class Place(NamedTuple):
    full: str


class MemoryStore:
    """A dict-backed store with no check-and-set and no dates (like a plain key-value API)."""

    kind, title = "memory", "Memory"

    def __init__(self) -> None:
        self.paths: dict[str, dict[str, Any]] = {}
        self.writes: list[tuple[str, int | None]] = []

    @property
    def where(self) -> str:
        return "memory"

    def locate(self, path: str) -> Located:
        return Place(path.strip("/"))

    def capabilities(self, location: Located) -> frozenset[Capability]:
        return frozenset()

    def read(self, path: str, version: int | None = None) -> Secret:
        return Secret(Place(path), dict(self.paths[path]))

    def current(self, location: Located) -> Secret:
        return Secret(location, dict(self.paths.get(location.full, {})))

    def write(self, path: str, data: dict[str, Any], *, cas: int | None = None) -> int | None:
        self.writes.append((path, cas))
        self.paths[path] = dict(data)
        return None

    def list_keys(
        self, path: str, *, recursive: bool = False, depth: int | None = None
    ) -> list[str]:
        return sorted(p for p in self.paths if p.startswith(path))

    def history(self, path: str) -> list[VersionInfo]:
        return []

    def close(self) -> None:
        pass


@pytest.fixture
def two_envs(tmp_path: Path) -> Path:
    (tmp_path / "relay.toml").write_text(
        '[environments.staging]\nfile = ".env.staging"\nstore = "memory"\nvault_path = "s"\n'
    )
    (tmp_path / ".env.staging").write_text("# kept\nA=local\nB=same\n")
    return tmp_path


def test_plans_push_and_pull_over_another_store(two_envs: Path) -> None:
    store = MemoryStore()
    assert isinstance(store, SecretStore) and not isinstance(store, RotationDates)
    store.paths["mem/s"] = {"B": "same", "C": "remote"}
    project = load_project(two_envs)
    env = project.environment("staging")
    envfile = EnvFile.load(env.file)
    plan = make_plan(store, project, env, envfile, "mem/s")
    assert (plan.only_local, plan.only_store, plan.unchanged) == (["A"], ["C"], ["B"])
    assert plan.check_and_set is False and plan.store_title == "Memory"
    version, outcome = push_plan(store, plan, env, CLI)
    assert version is None and store.paths["mem/s"] == {"A": "local", "B": "same", "C": "remote"}
    assert outcome.warnings == []  # no dates in this store: nothing to warn about
    apply_pull(plan, env, envfile, WritePolicy())
    assert env.file.read_text() == "# kept\nA=local\nB=same\nC=remote\n"


def test_a_registered_store_answers_rotation_dates_from_the_ledger(
    two_envs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = MemoryStore()

    def open_memory(project: Any, env: Any, *, background: bool) -> EnvStore:
        return EnvStore(store, "mem/s")

    monkeypatch.setitem(registry.STORES, "memory", f"{__name__}:OPENER")
    monkeypatch.setattr(f"{__name__}.OPENER", open_memory, raising=False)
    project = load_project(two_envs)
    env = project.environment("staging")
    day = datetime.date(2026, 3, 4)
    record(two_envs, "staging", ["A"], day)
    assert dates_with_source(project, env) == ({"A": day}, "ledger")  # no dates kept there
    opened = registry.open_env_store(project, env)
    assert opened == EnvStore(store, "mem/s")
    plan = make_plan(store, project, env, EnvFile.load(env.file), "mem/s")
    apply_push(store, plan, env, WritePolicy())
    assert store.writes == [("mem/s", 0)] and read_ledger(two_envs)["staging"] == {"A": day}


def test_an_unknown_store_is_named_with_the_known_ones(two_envs: Path) -> None:
    env = load_project(two_envs).environment("staging")  # store = "memory", not registered
    with pytest.raises(ConfigurationError, match="store 'memory' is not one") as caught:
        registry.open_env_store(load_project(two_envs), env)
    assert caught.value.hint == "known stores: vault"


OPENER: Any = None
