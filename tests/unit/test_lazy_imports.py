"""An import inside a function only defers a heavy module, or says why in a `# lazy:` comment."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

# Modules whose import costs start-up enough that they load only where they are used.
HEAVY = frozenset({"textual", "rich", "hvac", "cryptography", "re2", "boto3", "botocore"})


def unexplained_local_imports(path: Path) -> list[str]:
    """`line: module` for each import inside a function that is neither heavy nor explained."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    found: list[str] = []
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for inner in ast.walk(node):
            if not isinstance(inner, ast.Import | ast.ImportFrom):
                continue
            names = (
                [inner.module or ""] if isinstance(inner, ast.ImportFrom) else
                [a.name for a in inner.names]
            )  # fmt: skip
            if all(name.split(".")[0] in HEAVY for name in names):
                continue
            if "# lazy:" in lines[inner.lineno - 1] or _explained_above(lines, inner.lineno):
                continue
            found.append(f"{inner.lineno}: {', '.join(names)}")
    return sorted(set(found), key=lambda entry: int(entry.split(":")[0]))


def _explained_above(lines: list[str], number: int) -> bool:
    """Whether a `# lazy:` comment heads the block of import lines that holds line `number`."""
    index = number - 2
    while index >= 0 and lines[index].strip().startswith(("from ", "import ")):
        index -= 1
    return index >= 0 and lines[index].strip().startswith("# lazy:")


def test_every_local_import_defers_a_heavy_module_or_says_why() -> None:
    offenders = {
        str(path.relative_to(REPO)): found
        for path in sorted((REPO / "relay_tui").rglob("*.py"))
        if (found := unexplained_local_imports(path))
    }
    assert offenders == {}, "import at the top, or add a '# lazy: why' comment above it"


def test_the_check_tells_the_three_kinds_apart(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import json\n"
        "def f():\n"
        "    import hvac\n"
        "    from textual.widgets import Static\n"
        "    # lazy: only a save needs it\n"
        "    import tomli_w\n"
        "    from relay_tui import paths\n"
        "\n"
        "    import csv\n"
        "    from relay_tui.paths import state_dir\n"
    )
    assert unexplained_local_imports(sample) == ["9: csv", "10: relay_tui.paths"]
