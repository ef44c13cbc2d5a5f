"""The model's tables are tidy (snake_case columns from the domain); the views give every column
its heading, in one place, only when the table is shown."""

from __future__ import annotations

import pandas as pd
import pytest

from sitrep import paths
from sitrep.model import load
from sitrep.model.analysis import changes, corroboration, quantity, reconcile
from sitrep.views import display, headings

FICTIONAL = paths.ROOT / "tests" / "data" / "fictional"
#: An edition of the fictional data set that leaves out its later reporting.
SINCE = "2031-03-06"

#: Every model function that returns a table the reports show, by name.
TABLES = {
    "quantity.side_by_side": lambda facts, figures: quantity.side_by_side(figures),
    "quantity.derived_table": lambda facts, figures: quantity.derived_table(figures, facts),
    "quantity.grades_table": lambda facts, figures: quantity.grades_table(facts),
    "quantity.parts_table": lambda facts, figures: quantity.parts_table(facts),
    "reconcile.pairs": lambda facts, figures: reconcile.pairs(figures),
    "reconcile.reconcile": lambda facts, figures: reconcile.reconcile(figures),
    "corroboration.corroboration": lambda facts, figures: corroboration.corroboration(figures),
    "changes.new_claims": lambda facts, figures: changes.compare(facts, SINCE).new_claims,
    "changes.revised": lambda facts, figures: changes.compare(facts, SINCE).revised,
    "changes.not_current": lambda facts, figures: changes.compare(facts, SINCE).not_current,
    "changes.conflicts": lambda facts, figures: changes.compare(facts, SINCE).conflicts,
    "changes.takeaways": lambda facts, figures: changes.compare(facts, SINCE).takeaways,
}


@pytest.fixture(scope="module")
def fictional():
    facts = load(FICTIONAL)
    return facts, quantity.figures(facts, kinds=None)


@pytest.mark.parametrize("name", TABLES)
def test_model_table_is_tidy_and_every_column_has_a_heading(name, fictional):
    table = TABLES[name](*fictional)
    assert len(table.columns), name
    untidy = [c for c in table.columns if not headings.TIDY.fullmatch(str(c))]
    assert not untidy, f"{name}: columns must be snake_case names from the domain: {untidy}"
    unheaded = [c for c in table.columns if c not in headings.HEADINGS]
    assert not unheaded, f"{name}: columns without a heading in views.headings: {unheaded}"


def test_a_tidy_table_is_shown_under_its_headings():
    frame = pd.DataFrame({"status": ["appeared"], "pair": ["C01 and C02"],
                          "reading": ["C01 and C02 leave no common value"]})
    frame.attrs["subject"] = "conflicts"
    named = headings.shown(frame)
    assert list(named.columns) == ["Status", "Pair", "Reading"]
    assert named.attrs["subject"] == "conflicts"
    assert list(frame.columns) == ["status", "pair", "reading"]  # the model's frame is kept
    html = display.table(frame, scope=display.Scope(claims=frozenset({"C01"}))).data
    assert "<th" in html and ">Pair<" in html and ">pair<" not in html
    assert 'href="#claim-C01"' in html  # 'Pair' cells link their claims, as before


def test_a_laid_out_table_keeps_its_headings():
    """A table with a heading is shown as it is: a column named after an actor ('text') is
    not renamed."""
    frame = pd.DataFrame({"Issue": ["border"], "text": ["supports"]})
    assert headings.shown(frame) is frame
