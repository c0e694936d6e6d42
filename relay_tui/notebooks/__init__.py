"""Notebooks (TOML runbooks): the document, its cell types, the runner, reports, built-ins."""
