"""CLI command handlers: each turns parsed arguments into core calls and printed output."""
