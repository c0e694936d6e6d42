"""The leak scanner: sources, patterns, engine, the allow marker, baseline and reports."""
