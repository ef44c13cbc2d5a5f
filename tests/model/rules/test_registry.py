"""The rule registry: one list of every rule, the README's copy of it, and no rule reported that
the list does not name (nor a listed rule that nothing reports)."""

from __future__ import annotations

import ast
import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sitrep.model.rules import registry

ROOT = Path(__file__).resolve().parents[3]
SOURCE = ROOT / "src" / "sitrep"
#: The argument position of the rule id in each reporting call.
RULE_ARGUMENT = {"add": 3, "add_rows": 4, "Problem": 3}
#: Rule ids built at run time from a pattern: the registry lists each expansion.
BUILT = {"unused-{noun}": {"unused-actor", "unused-place"}}


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(SOURCE.parent).with_suffix("").parts)


def _aliases(tree: ast.Module, module: str) -> dict[str, object]:
    """What each name a module imports stands for: a module, or a module's string constant
    (``from sitrep.model.data import confine`` -> the module; ``RULE`` in its own module)."""
    names: dict[str, object] = {"": importlib.import_module(module)}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sitrep"):
            for alias in node.names:
                try:
                    names[alias.asname or alias.name] = importlib.import_module(
                        f"{node.module}.{alias.name}")
                except ImportError:
                    names[alias.asname or alias.name] = getattr(
                        importlib.import_module(node.module), alias.name, None)
    return names


def _reported() -> dict[str, str]:
    """Every rule id the code reports, with where: constants, named constants (resolved by
    importing the module that names them), both branches of a conditional, and the ids built
    from a pattern."""
    reported: dict[str, str] = {}
    for path in SOURCE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = _aliases(tree, _module_name(path))

        def ids(node: ast.expr, names: dict[str, object] = names) -> set[str]:
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                return {node.value}
            if isinstance(node, ast.Name):
                value = names.get(node.id, getattr(names[""], node.id, None))
                return {value} if isinstance(value, str) else set()
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                value = getattr(names.get(node.value.id), node.attr, None)
                return {value} if isinstance(value, str) else set()
            if isinstance(node, ast.IfExp):
                return ids(node.body) | ids(node.orelse)
            if isinstance(node, ast.JoinedStr):
                return BUILT[re.sub(r"\{[^}]*\}", "{noun}", ast.unparse(node)[2:-1])]
            return set()

        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", None))
            position = RULE_ARGUMENT.get(name)
            arguments = [*node.args[position:position + 1]] if position is not None else []
            arguments += [k.value for k in node.keywords if k.arg == "rule"]
            for argument in arguments:
                for rule in ids(argument):
                    reported.setdefault(rule, f"{path.relative_to(ROOT)}:{node.lineno}")
    return reported


def test_every_reported_rule_is_listed():
    unlisted = {rule: where for rule, where in _reported().items() if rule not in registry.BY_ID}
    assert not unlisted, f"rules reported but not in sitrep.model.rules.registry: {unlisted}"


def test_every_listed_rule_is_reported():
    """A listed id occurs in the code that reports it (as a reporting call's argument, or as a
    string the checks pass along: loops over rules, a default argument)."""
    strings = set(_reported()) | set().union(*BUILT.values())
    for path in SOURCE.rglob("*.py"):
        if path.name != "registry.py":
            strings |= {node.value for node in ast.walk(ast.parse(path.read_text("utf-8")))
                        if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    dead = [rule.id for rule in registry.RULES if rule.id not in strings]
    assert not dead, f"rules listed that no code reports: {dead}"


def test_rule_ids_are_unique_and_documented():
    ids = [rule.id for rule in registry.RULES]
    assert len(ids) == len(set(ids))
    for rule in registry.RULES:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.id), rule.id
        assert rule.doc and "\n" not in rule.doc and rule.table, rule.id
        assert rule.severity in ("error", "warning") and rule.stage in ("read", "domain")


def test_the_readme_lists_the_registry():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = readme.split("<!-- rules:begin -->\n", 1)[1].split("<!-- rules:end -->", 1)[0]
    assert listed == registry.markdown(), "README's rule list differs: run sitrep rules --markdown"


def test_every_domain_check_runs_once_in_order():
    checks = [rule.check for rule in registry.RULES if rule.stage == "domain"
              and rule.severity == "error"]
    assert list(registry.CHECKS[:len(dict.fromkeys(checks))]) == list(dict.fromkeys(checks))


@pytest.mark.parametrize("flag", ["", "--markdown"])
def test_sitrep_rules_lists_every_rule(flag):
    run = subprocess.run([sys.executable, "-m", "sitrep.cli", "rules", *filter(None, [flag])],
                         capture_output=True, text=True, check=True)
    for rule in registry.RULES:
        assert rule.id in run.stdout
