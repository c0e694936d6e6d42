"""Opening an environment's Vault path: the settings, trust and token checks, then the store."""

from __future__ import annotations

from relay_tui.project.project import Environment, Project
from relay_tui.stores.base import EnvStore
from relay_tui.stores.vault.config import settings_for, vault_path_of


def open_env(project: Project, env: Environment, *, background: bool) -> EnvStore | None:
    """The store and path of `env`. In the `background` (validate's dates, the scanner's known
    values) only when an address and a token are configured (else None), with no retries."""
    settings = settings_for(project, env)
    if background:
        if settings.addr_source == "default" or not settings.token:
            return None
        settings = settings._replace(max_retries=0)
    path = vault_path_of(project, env, settings)
    # lazy: the client and its transport load only once a server is to be asked
    from relay_tui.stores.vault.store import VaultStore

    return EnvStore(VaultStore(settings), path)
