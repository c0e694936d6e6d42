"""`python -m relay_tui`: the same as the relay-tui command."""

import sys

from relay_tui.cli import main

sys.exit(main())
