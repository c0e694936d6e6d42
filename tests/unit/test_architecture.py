"""The architecture holds: import-linter's layer contracts are kept and no import cycle exists."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "relay_tui"
LINT_IMPORTS = "from importlinter.cli import lint_imports_command; lint_imports_command()"

# Cycles that can only be broken later; each says why it is there (none today).
KNOWN_CYCLES: dict[frozenset[str], str] = {}

Graph = dict[str, dict[str, list[int]]]  # module -> imported module -> line numbers


def test_import_linter_contracts_are_kept() -> None:
    """`lint-imports` passes on the contracts in pyproject.toml."""
    result = subprocess.run(
        [sys.executable, "-c", LINT_IMPORTS, "--no-cache"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_no_import_cycles_between_relay_tui_modules() -> None:
    """No strongly connected component of the import graph has more than one module."""
    graph = import_graph(PACKAGE)
    assert len(graph) > 100 and "relay_tui.project.project" in graph
    found = cycles(graph)
    new = [c for c in found if not any(set(c) <= known for known in KNOWN_CYCLES)]
    assert new == [], "import cycles:\n" + "\n".join(describe(c, graph) for c in new)
    stale = [why for known, why in KNOWN_CYCLES.items() if not any(set(c) <= known for c in found)]
    assert stale == [], f"these known cycles are gone: remove them from KNOWN_CYCLES: {stale}"


def test_only_the_command_registry_names_the_workbench() -> None:
    """Outside relay_tui.ui, a "relay_tui.ui..." module name (which import-linter cannot see)
    appears only in commands/registry.py, and only for relay_tui.ui.launch."""
    name = re.compile(r"relay_tui\.ui(\.\w+)*(:\w+)?")
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        if module == "relay_tui.ui" or module.startswith("relay_tui.ui."):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if not name.fullmatch(node.value):
                    continue
                allowed = module == "relay_tui.commands.registry" and node.value.startswith(
                    "relay_tui.ui.launch:"
                )
                if not allowed:
                    bad.append(f"{module}:{node.lineno} {node.value}")
    assert bad == []


def test_the_graph_counts_lazy_and_submodule_imports_but_not_type_checking_ones() -> None:
    """The reader behind the cycle check, on a made-up module."""
    source = """
from typing import TYPE_CHECKING
import os
import relay_tui.core.a
from relay_tui.core import b
from . import c
from .d import thing
from relay_tui.core.h import value
if TYPE_CHECKING:
    from relay_tui.core import e
else:
    from relay_tui.core import f
def lazy():
    from relay_tui.core.g import name
"""
    modules = {"relay_tui", "relay_tui.core", *(f"relay_tui.core.{m}" for m in "abcdefghx")}
    found = imports_of("relay_tui.core.x", source, is_package=False, modules=modules)
    assert sorted(found) == [f"relay_tui.core.{m}" for m in "abcdfgh"]
    assert found["relay_tui.core.g"] == [14]
    assert cycles({"a": {"b": [1]}, "b": {"a": [1]}, "c": {"a": [1]}}) == [["a", "b"]]


def module_name(path: Path, root: Path = REPO) -> str:
    """The dotted name of the module at `path` (a package is its __init__.py)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(package: Path) -> Graph:
    """Which module of `package` imports which, anywhere in the module (TYPE_CHECKING aside)."""
    paths = {module_name(p, package.parent): p for p in sorted(package.rglob("*.py"))}
    return {
        name: imports_of(
            name, path.read_text(encoding="utf-8"), path.name == "__init__.py", set(paths)
        )
        for name, path in paths.items()
    }


def imports_of(name: str, source: str, is_package: bool, modules: set[str]) -> dict[str, list[int]]:
    """The modules among `modules` that module `name` imports, with the lines that do.

    Imports inside functions count; those under `if TYPE_CHECKING:` do not (its else does).
    `from X import Y` counts as importing X.Y when that is a module, else X.
    """
    found: dict[str, list[int]] = {}

    def add(target: str, line: int) -> None:
        while target and target not in modules:
            target = target.rpartition(".")[0]
        if target and target != name:
            found.setdefault(target, []).append(line)

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(name, is_package, node.level, node.module)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                add(sub if sub in modules else base, node.lineno)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return found


def _absolute(name: str, is_package: bool, level: int, module: str | None) -> str:
    if not level:
        return module or ""
    parts = name.split(".") if is_package else name.split(".")[:-1]
    parts = parts[: len(parts) - (level - 1)]
    return ".".join([*parts, module] if module else parts)


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def cycles(graph: Graph) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, {}):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(found)


def describe(component: list[str], graph: Graph) -> str:
    """A cycle and the imports (module:lines) that make it."""
    edges = [
        f"    {a} -> {b} (line {', '.join(map(str, graph[a][b]))})"
        for a in component
        for b in sorted(graph[a])
        if b in component
    ]
    return " <-> ".join(component) + "\n" + "\n".join(edges)


def test_every_module_is_under_400_lines() -> None:
    long = {
        str(path.relative_to(REPO)): count
        for path in sorted((REPO / "relay_tui").rglob("*.py"))
        if (count := len(path.read_text(encoding="utf-8").splitlines())) >= 400
    }
    assert long == {}, "split the module: one clear job each"


def test_no_dead_code_at_80_percent_confidence() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "vulture", str(REPO / "relay_tui"), "--min-confidence", "80"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
