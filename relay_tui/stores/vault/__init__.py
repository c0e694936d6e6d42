"""Vault/OpenBao: the KV v2 store, its transport, settings, failures and status."""
