"""The built-in validation rules, one module per check (registered in rules/registry.py)."""
