"""The only code that touches disk, git and user state: the safe writer, git, audit, trust."""
