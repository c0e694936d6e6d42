"""relay-tui: a terminal workbench for .env files, generated secrets, validation and Vault.

Importing the package loads nothing heavy; the public names below load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["ConfigurationError", "SecurityError", "__version__", "require_secrets"]

if TYPE_CHECKING:
    from relay_tui.guard import ConfigurationError, SecurityError, require_secrets


def __getattr__(name: str) -> Any:
    if name in ("require_secrets", "ConfigurationError", "SecurityError"):
        # lazy: importing the package loads nothing; the guard on first use
        from relay_tui import guard

        return getattr(guard, name)
    raise AttributeError(f"module 'relay_tui' has no attribute {name!r}")
