"""The secret stores by name: which one holds an environment, and opening it (loaded lazily)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Protocol

from relay_tui.domain.masking import safe_text
from relay_tui.errors import ConfigurationError
from relay_tui.project.project import CONFIG_NAME, Environment, Project

if TYPE_CHECKING:
    from relay_tui.stores.base import EnvStore

# kind -> "module:function" that opens an environment's store; a store is imported only when
# an environment uses it. A new store: its package under stores/ and one line here.
STORES: dict[str, str] = {
    "vault": "relay_tui.stores.vault.opening:open_env",
}
DEFAULT = "vault"


class Opener(Protocol):
    def __call__(
        self, project: Project, env: Environment, *, background: bool
    ) -> EnvStore | None: ...


def store_kind(env: Environment) -> str | None:
    """The kind of store that holds `env`: its `store` in relay.toml, else Vault when it has a
    vault_path (None: the environment names no store)."""
    return env.store or ("vault" if env.vault_path else None)


def opener(kind: str) -> Opener:
    """The function that opens a store of `kind` (an unknown kind is a ConfigurationError)."""
    if kind not in STORES:
        raise ConfigurationError(
            f"{CONFIG_NAME}: store {safe_text(kind)!r} is not one relay-tui knows",
            hint="known stores: " + ", ".join(sorted(STORES)),
        )
    module, _, name = STORES[kind].partition(":")
    found: Opener = getattr(importlib.import_module(module), name)
    return found


def open_env_store(project: Project, env: Environment) -> EnvStore:
    """Open the store of `env` for a command that asked for it (diff, push, pull, rotate).

    An environment with no store path is a ConfigurationError that says what to add.
    """
    opened = opener(store_kind(env) or DEFAULT)(project, env, background=False)
    if opened is None:  # only a background open may answer None
        raise RuntimeError(f"the {env.name} store opener answered nothing")
    return opened


def open_in_background(project: Project, env: Environment) -> EnvStore | None:
    """Open the store of `env` for a reader that can do without it (None: no store path, or
    the store is not configured); a store that is configured but refused raises RelayError."""
    kind = store_kind(env)
    return None if kind is None else opener(kind)(project, env, background=True)
