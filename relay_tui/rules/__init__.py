"""Validation: the rules, their codes, severities, checks and fixes; rotation ages."""
