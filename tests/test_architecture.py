"""The house rules that keep the code readable, measured: no function in src/ over 80 lines (its
decorators and docstring included), no module over 600 lines, no import circle (not even one
made by an import for type checking only)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from sitrep import paths

FUNCTION_LINES = 80
MODULE_LINES = 600

#: Over budget today, each with the reason; remove an entry when its module is split.
KNOWN_EXCEPTIONS: set[str] = set()

MODULES = sorted(paths.PACKAGE.rglob("*.py"))


def _name(module: Path, root: Path = paths.PACKAGE) -> str:
    return module.relative_to(root).as_posix()


def over_budget(module: Path, root: Path = paths.PACKAGE) -> list[tuple[str, int, int]]:
    """(what, lines, budget) for the module and each function or method over its budget."""
    text = module.read_text(encoding="utf-8")
    found = []
    lines = len(text.splitlines())
    if lines > MODULE_LINES:
        found.append((_name(module, root), lines, MODULE_LINES))
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            length = node.end_lineno - start + 1
            if length > FUNCTION_LINES:
                found.append((f"{_name(module, root)}::{node.name} (line {node.lineno})", length,
                              FUNCTION_LINES))
    return found


@pytest.mark.parametrize("module", MODULES, ids=_name)
def test_functions_and_modules_keep_to_their_budget(module):
    found = [(what, lines, budget) for what, lines, budget in over_budget(module)
             if what.split(" (line")[0] not in KNOWN_EXCEPTIONS]
    assert found == [], "; ".join(f"{what} has {lines} lines, over the budget of {budget}"
                                  for what, lines, budget in found)


def test_known_exceptions_are_still_over_budget():
    """An exception whose module was split must leave the list, so the budget holds again."""
    still = {what.split(" (line")[0] for module in MODULES for what, _, _ in over_budget(module)}
    assert not KNOWN_EXCEPTIONS - still, (
        f"no longer over budget, remove from KNOWN_EXCEPTIONS: {KNOWN_EXCEPTIONS - still}")


def test_the_measure_names_what_is_over_budget(tmp_path):
    """The measure itself: an 81-line function (decorator included) in a 601-line module."""
    lines = ["@staticmethod", "def long():", *(f"    x = {i}" for i in range(79)),
             *([""] * 518), "def short():", "    pass"]
    module = tmp_path / "long.py"
    module.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert over_budget(module, tmp_path) == [("long.py", 601, MODULE_LINES),
                                             ("long.py::long (line 2)", 81, FUNCTION_LINES)]


def imports_of(module: Path, modules: set[str]) -> set[str]:
    """The sitrep modules ``module`` imports, wherever the import stands (a function's lazy
    import, an ``if TYPE_CHECKING:`` one): ``from sitrep.pipeline import formats`` names
    ``sitrep.pipeline.formats``, a package's names its ``__init__``."""
    found = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in modules else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found & modules


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or not (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while not group or group[-1] != node:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _module_name(module: Path) -> str:
    parts = module.relative_to(paths.PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_import_circle_not_even_for_types():
    """No two modules import each other, directly or through others, even when one import is
    only for type checking: a circle means the shared piece belongs in a module of its own."""
    names = {_module_name(module): module for module in MODULES}
    graph = {name: imports_of(module, set(names)) - {name} for name, module in names.items()}
    assert circles(graph) == []


def test_the_circle_finder_finds_a_type_only_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert circles(graph) == [["a", "b", "c"]]
