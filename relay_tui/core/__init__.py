"""The headless service layer: no Textual, no UI."""
