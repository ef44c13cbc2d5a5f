"""The rule registry: every id a constant, named once; each check's declarations consistent; the
README's copy of the list. That every id reported is declared, and every declared id reported
by some case, is shown on the broken corpora (``test_rule_order``)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from sitrep.model.data import rule_ids
from sitrep.model.data.facts import Facts
from sitrep.model.data.problems import Collector
from sitrep.model.rules import registry

ROOT = Path(__file__).resolve().parents[3]
#: Every constant of rule_ids: its name and its text.
CONSTANTS = {name: value for name, value in vars(rule_ids).items() if name.isupper()}


def test_every_constant_is_one_rule_of_the_registry_named_once():
    ids = [rule.id for rule in registry.RULES]
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
    assert sorted(ids) == sorted(CONSTANTS.values())
    assert len(set(CONSTANTS.values())) == len(CONSTANTS)
    for name, value in CONSTANTS.items():  # the name spells the text: UTF_8 is "utf-8"
        assert name == re.sub(r"[^A-Z0-9]", "_", value.upper()), name


def test_rule_ids_are_kebab_case_and_documented():
    for rule in registry.RULES:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.id), rule.id
        assert rule.doc and "\n" not in rule.doc and rule.table, rule.id
        assert rule.severity in ("error", "warning") and rule.stage in ("read", "domain")


def test_checks_declare_known_ids_and_inputs():
    """Each domain rule is reported by some check, and checks declare only listed ids and
    inputs that exist (schema tables, the texts, the problems before, the geo folder)."""
    from sitrep.model.data.tables import load_schema

    tables = {r["name"] for r in load_schema()["resources"]}
    declared = set()
    for check in registry.CHECKS:
        assert set(check.reports) <= set(registry.BY_ID), check.name
        assert len(set(check.reports)) == len(check.reports), check.name
        assert set(check.reads) <= tables | {registry.TEXTS, registry.PROBLEMS, registry.GEO}
        declared |= set(check.reports)
    domain = {rule.id for rule in registry.RULES if rule.stage == "domain"}
    assert domain <= declared, sorted(domain - declared)
    assert len({c.run for c in registry.CHECKS}) == len(registry.CHECKS)


def test_a_check_receives_only_what_it_declares(tmp_path):
    """A table not declared is not there, the problems before are not given unless declared,
    and an id not declared is refused: the declarations cannot drift from the code."""
    seen = {}

    def peek(facts, facts_dir, out):
        seen["tables"] = set(facts.tables)
        with pytest.raises(AttributeError):
            _ = facts.sources
        with pytest.raises(registry.UndeclaredRule):
            _ = out.before
        out.add("claims.csv", 2, "quote", rule_ids.QUOTE_IN_SOURCE, None, "slip")

    check = registry.Check(peek, ("claims",), (rule_ids.QUOTE_REQUIRED,))
    facts = Facts(dataset=tmp_path, tables={"claims": None, "sources": None})  # type: ignore
    with pytest.raises(registry.UndeclaredRule, match="quote-in-source"):
        registry._run(check, facts, tmp_path, Collector(), ())
    assert seen["tables"] == {"claims"}


def test_the_readme_lists_the_registry():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = readme.split("<!-- rules:begin -->\n", 1)[1].split("<!-- rules:end -->", 1)[0]
    assert listed == registry.markdown(), "README's rule list differs: run sitrep rules --markdown"


@pytest.mark.parametrize("flag", ["", "--markdown"])
def test_sitrep_rules_lists_every_rule(flag):
    run = subprocess.run([sys.executable, "-m", "sitrep.cli", "rules", *filter(None, [flag])],
                         capture_output=True, text=True, check=True)
    for rule in registry.RULES:
        assert rule.id in run.stdout
