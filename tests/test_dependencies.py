"""Every third-party package sitrep's code imports is a declared dependency: in
``[project].dependencies`` of pyproject.toml, not only in the dev extras (which the test tools
pull in, so a package that arrives with them works here and fails in a plain install).

An import counts wherever it stands (a function imports papermill or rich lazily, and still
needs it at run time); one under ``if TYPE_CHECKING:`` does not, since it never runs."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from sitrep import paths

PYPROJECT = paths.ROOT / "pyproject.toml"


def _normal(name: str) -> str:
    """A distribution name as PEP 503 compares them: ``Jinja2`` and ``jinja2`` are one."""
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(group: list[str]) -> set[str]:
    """The distribution names of a list of requirements (``"pandas>=2.2"`` -> ``pandas``)."""
    return {_normal(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", spec).group()) for spec in group}


def _type_checking_only(tree: ast.Module) -> set[int]:
    """The ids of the import nodes under an ``if TYPE_CHECKING:`` (never run)."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(inner) for stmt in node.body for inner in ast.walk(stmt))
    return skipped


def imported(module: Path) -> set[str]:
    """The top-level names of the third-party packages ``module`` imports at run time."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    skipped = _type_checking_only(tree)
    names = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return {name for name in names
            if name not in sys.stdlib_module_names and name != paths.PACKAGE.name}


def undeclared(modules: list[Path], dependencies: set[str],
               root: Path = paths.PACKAGE) -> list[str]:
    """One line per imported package whose distribution is not among ``dependencies``."""
    distributions = packages_distributions()
    users: dict[str, list[str]] = {}
    for module in modules:
        for name in imported(module):
            users.setdefault(name, []).append(module.relative_to(root).as_posix())
    found = []
    for name, where in sorted(users.items()):
        provided = {_normal(d) for d in distributions.get(name, [])}
        by = ", ".join(sorted(where))
        if not provided:
            found.append(f"{name} (imported by {by}): no installed distribution provides it")
        elif not provided & dependencies:
            found.append(f"{name} (imported by {by}): its distribution "
                         f"{', '.join(sorted(provided))} is not in [project].dependencies")
    return found


def test_every_imported_package_is_a_declared_dependency():
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    found = undeclared(sorted(paths.PACKAGE.rglob("*.py")), declared(project["dependencies"]))
    assert found == [], "\n".join(found)


def test_the_measure_sees_lazy_imports_and_skips_type_checking_ones(tmp_path):
    """The measure itself: a lazy import counts, one for type checking only does not, the
    standard library and sitrep are no dependencies, and a dev tool is not enough."""
    module = tmp_path / "m.py"
    module.write_text(
        "from __future__ import annotations\nimport json\nfrom typing import TYPE_CHECKING\n"
        "import pandas as pd\nfrom sitrep import paths\n"
        "if TYPE_CHECKING:\n    import pytest\n"
        "def lazy():\n    from ruff import __main__\n", encoding="utf-8")
    assert imported(module) == {"pandas", "ruff"}
    assert undeclared([module], declared(["pandas>=2.2", "Ruff>=0.6"]), tmp_path) == []
    assert undeclared([module], declared(["pandas>=2.2"]), tmp_path) == [
        "ruff (imported by m.py): its distribution ruff is not in [project].dependencies"]
