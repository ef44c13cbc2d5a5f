"""Figures with their bounds, hedges, grades; derived figures; reconciliation; chart plans."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sitrep import paths
from sitrep.model import load
from sitrep.model.analysis import quantity
from sitrep.views import charts

FICTIONAL = paths.ROOT / "tests" / "data" / "fictional"
NAN = math.nan


@pytest.fixture(scope="module")
def seed():
    return load()


@pytest.fixture(scope="module")
def fictional():
    return load(FICTIONAL)


@pytest.mark.parametrize(("value", "lower", "upper", "qualifier", "hedges", "label"), [
    (50000, NAN, NAN, "exact", (), "50,000"),
    (10000, 10000, NAN, "over", ("estimated",), "estimated over 10,000"),
    (10000, NAN, NAN, "estimated", ("estimated",), "estimated 10,000"),
    (25000, NAN, 25000, "up_to", ("may",), "up to 25,000 (may)"),
    (30000, NAN, 30000, "nearly", (), "nearly 30,000"),
    (17500, 15000, 20000, "range", (), "15,000\u201320,000"),
    (5000, NAN, NAN, "about", ("reportedly",), "reportedly about 5,000"),
    (2.5, NAN, NAN, "exact", (), "2.5"),
])
def test_figure_label_keeps_qualifier_and_hedge(value, lower, upper, qualifier, hedges, label):
    assert quantity.figure_label(value, lower, upper, qualifier, hedges) == label


@pytest.mark.parametrize(("value", "lower", "upper", "qualifier", "expected"), [
    (50000, NAN, NAN, "exact", (50000, 50000, False, False)),
    (10000, 10000, NAN, "over", (10000, NAN, True, False)),       # lower bound, open above
    (10000, 10000, NAN, "at_least", (10000, NAN, False, False)),
    (30000, NAN, 30000, "nearly", (NAN, 30000, False, True)),     # upper bound, open below
    (25000, NAN, 25000, "up_to", (NAN, 25000, False, False)),
    (17500, 15000, 20000, "range", (15000, 20000, False, False)),
])
def test_interval_of_each_qualifier(value, lower, upper, qualifier, expected):
    got = quantity.interval(value, lower, upper, qualifier)
    for a, b in zip(got, expected, strict=True):
        assert (math.isnan(a) and math.isnan(b)) if isinstance(b, float) and math.isnan(b) \
            else a == b


@pytest.mark.parametrize(("grade", "minimum", "meets"), [
    ("B2", "C3", True), ("C3", "C3", True), ("D2", "C3", False), ("B4", "C3", False),
    ("ungraded", "C3", False), ("B / ungraded", "C3", False), ("ungraded / 2", "C3", False),
    ("ungraded", "", True),
])
def test_minimum_grade(grade, minimum, meets):
    assert quantity.meets(grade, minimum) is meets


def test_over_10000_is_never_a_plain_10000(seed):
    c09 = quantity.figures(seed).set_index("claim_id").loc["C09"]
    assert c09["figure"] == "estimated over 10,000"
    assert c09["lo"] == 10000 and math.isnan(c09["hi"]) and c09["lo_strict"]


def test_derived_figure_is_computed_and_labelled(seed):
    d01 = quantity.figures(seed).set_index("claim_id").loc["D01"]
    assert d01["derived"] and d01["grade"] == "derived"
    assert math.isnan(d01["lo"]) and d01["hi"] == 40000 and d01["hi_strict"]
    assert d01["figure"] == "under 40,000"
    assert d01["method"] == "50,000 [C01] \u2212 estimated over 10,000 [C09] = less than 40,000"


def test_derived_figure_disappears_with_its_inputs(seed):
    assert "D01" not in set(quantity.figures(seed.until("2024-11-01"))["claim_id"])
    assert "D01" not in set(quantity.figures(seed, min_grade="C3")["claim_id"])


def test_figures_side_by_side_keep_claimant_grade_and_paraphrase(fictional):
    table = quantity.side_by_side(quantity.figures(fictional)).set_index("claim_id")
    assert table.at["F05", "figure"] == "15,000\u201320,000"
    assert table.at["F05", "grade"] == "D4"
    assert table.at["F06", "grade"] == "ungraded"
    said = quantity.figures(fictional).set_index("claim_id").at["F05", "said_by"]
    assert said.endswith("(text not held: paraphrase)")


def test_min_grade_keeps_only_well_graded_figures(fictional):
    kept = quantity.figures(fictional, min_grade="C3")["claim_id"].tolist()
    assert kept == ["F01", "F03"]


# -- what the charts draw ----------------------------------------------------------------------

def _marks(plan: pd.DataFrame) -> pd.DataFrame:
    return plan[plan["kind"] == "figure"].set_index("claim_id")


def test_interval_plan_of_the_seed(seed):
    marks = _marks(charts.interval_plan(quantity.figures(seed)))
    assert marks.at["C09", "open"] == "right" and marks.at["C09", "x0"] == 10000
    assert marks.at["C01", "open"] == "" and marks.at["C01", "x0"] == marks.at["C01", "x1"]
    assert not marks.at["C01", "hollow"] and marks.at["C27", "hollow"]
    assert marks.at["D01", "derived"] and marks.at["D01", "open"] == "left"
    assert "[C09]" in marks.at["C09", "text"] and "estimated over 10,000" in marks.at["C09", "text"]


def test_interval_plan_of_the_fictional_sources(fictional):
    marks = _marks(charts.interval_plan(quantity.figures(fictional)))
    assert (marks.at["F05", "x0"], marks.at["F05", "x1"], marks.at["F05", "open"]) == (
        15000, 20000, "")
    assert marks.at["F03", "open"] == "left" and marks.at["F03", "x1"] == 25000
    assert marks.at["F06", "open"] == "left" and marks.at["F06", "x1"] == 30000


def test_composition_plan_puts_parts_under_their_whole(seed):
    plan = charts.composition_plan(quantity.figures(seed), seed.measures)
    assert plan["claim_id"].tolist() == ["C01", "C09", "C27", "D01"]
    assert plan["role"].tolist() == ["whole", "part", "part", "derived"]
    assert plan.set_index("claim_id").at["C09", "open"] == "right"


def test_timeline_plan_uses_reference_dates_not_report_dates(fictional):
    plan = charts.timeline_plan(quantity.figures(fictional)).set_index("claim_id")
    dates = plan["start"].dt.strftime("%Y-%m-%d").to_dict()
    # F05 was published on 9 March about 2 March: it sits at 2 March.
    assert dates == {"F01": "2031-03-02", "F03": "2031-03-05", "F05": "2031-03-02",
                     "F06": "2031-03-15", "F04": "2031-03-05"}
    assert plan["dated_by"].eq("reference").all()


@pytest.mark.parametrize("dataset", [None, FICTIONAL], ids=["seed", "fictional"])
def test_every_chart_draws(dataset):
    facts = load(dataset)
    table = quantity.figures(facts)
    for figure in (charts.interval_chart(table), charts.composition_chart(table, facts.measures),
                   charts.timeline_chart(table)):
        assert figure.get_figwidth() == pytest.approx(7.0)
        figure.canvas.draw()  # raises on a layout or text problem


def test_chart_text_is_not_mathtext():
    table = quantity.figures(load())
    table = table.assign(label="Costs $5bn vs $10bn", said_by="a_b^c $x$")
    figure = charts.interval_chart(table)
    texts = [t for t in figure.axes[0].texts if "$" in t.get_text()]
    assert texts and all(not t.get_parse_math() for t in texts)


@pytest.mark.parametrize(("reliability", "credibility", "written"), [
    ("B", 2, "B2"), ("", 3, "ungraded / 3"), ("C", NAN, "C / ungraded"), ("", NAN, "ungraded"),
])
def test_half_graded_reads_unambiguously(reliability, credibility, written):
    """An ungraded half is named, never a dash that reads as a minus ('-3')."""
    assert quantity.grade(reliability, credibility) == written
