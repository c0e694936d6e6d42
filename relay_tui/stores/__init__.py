"""Secret stores behind one SecretStore protocol; Vault/OpenBao is the first."""
