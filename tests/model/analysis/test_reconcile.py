"""Reconciliation, independence and corroboration: each case is named after the failure it
guards against, and built from a few figures the way sitrep.model.analysis.quantity builds them."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sitrep import paths
from sitrep.model import load
from sitrep.model.analysis import corroboration, quantity, reconcile
from sitrep.model.data import when

NAN = math.nan


def fig(claim: str, value: float, qualifier: str = "exact", *, lower: float = NAN,
        upper: float = NAN, refers: str = "2024-11-10", precision: str = "day",
        origin: str = "", source: str = "", status: str = "present", grade: str = "ungraded",
        measure: str = "troops", setting: str = "rounding", anonymous: bool = False) -> dict:
    """One figure row, with the columns sitrep.model.analysis.quantity.figures gives."""
    lo, hi, lo_strict, hi_strict = quantity.interval(value, lower, upper, qualifier)
    slack = quantity.tolerance(value, setting) if qualifier in quantity.APPROXIMATE else 0.0
    start = pd.Timestamp(refers)
    origin = origin or f"origin-{claim}"
    return {
        "measure_id": measure, "label": measure.title(), "claim_id": claim,
        "figure": quantity.figure_label(value, lower, upper, qualifier), "value": value,
        "qualifier": qualifier, "lo": lo, "hi": hi, "lo_strict": lo_strict,
        "hi_strict": hi_strict, "source_id": source or f"source-{claim}", "grade": grade,
        "derived": False, "ref_start": start, "ref_end": when.period_end(start, precision),
        "reference": when.date_label(start, precision), "status": status,
        "status_key": "" if status == "present" else status, "origin": origin,
        "origin_label": f"the origin {origin}", "independent": origin, "side": "press",
        "anonymous": anonymous, "tolerance": slack, "cmp_lo": lo - slack,
        "cmp_hi": hi + slack, "published_date": start,
    }


def table(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


CASES = {
    # "A01 and A01 disagree": a flag must name two different claims, and 'nearly 50,000'
    # meets '50,000' at its bound (rounded figures), which is no conflict.
    "same_claim_twice": (
        table(fig("A01", 50000, "nearly", upper=50000), fig("A02", 50000),
              fig("A03", 20000)),
        {("A01", "A02"): "meet at a bound", ("A01", "A03"): "agree",
         ("A02", "A03"): "disagree"}),
    # 'over 10,000', 'estimated 10,000', 'around 11,000': compared with the tolerance, not
    # skipped; all three can be true together.
    "approximate_within_tolerance": (
        table(fig("B01", 10000, "over", lower=10000), fig("B02", 10000, "estimated"),
              fig("B03", 11000, "about")),
        {("B01", "B02"): "agree within tolerance", ("B01", "B03"): "agree within tolerance",
         ("B02", "B03"): "agree within tolerance"}),
    # 'about 11,000' reads 10,500 to 11,500: a firm 12,000 is outside it.
    "approximate_outside_tolerance": (
        table(fig("C01", 11000, "about"), fig("C02", 12000)),
        {("C01", "C02"): "disagree"}),
    # 70,000 in December and 110,000 in February: a rise, not a conflict.
    "rise_over_time_is_a_series": (
        table(fig("D01", 70000, refers="2024-12-01", precision="month"),
              fig("D02", 110000, refers="2025-02-01", precision="month")),
        {("D01", "D02"): "series"}),
    # Two outlets relaying one report agree with it, but count once.
    "shared_origin_counts_once": (
        table(fig("E01", 50000, origin="nyt-officials", source="nyt"),
              fig("E02", 50000, origin="nyt-officials", source="relay"),
              fig("E03", 50000, origin="zelensky")),
        {("E01", "E02"): "agree", ("E01", "E03"): "agree", ("E02", "E03"): "agree"}),
    # A plan is not a count of what is.
    "plan_is_not_a_count": (
        table(fig("F01", 50000), fig("F02", 100000, status="plan")),
        {("F01", "F02"): "not comparable"}),
}


def _verdicts(frame: pd.DataFrame) -> dict[tuple[str, str], str]:
    return {tuple(sorted((r.first, r.second))): r.verdict for r in frame.itertuples()}


@pytest.mark.parametrize(("figures", "expected"), CASES.values(), ids=CASES.keys())
def test_every_pair_is_compared_or_said_not_comparable(figures, expected):
    found = reconcile.pairs(figures)
    assert _verdicts(found) == expected
    assert found["reading"].str.len().gt(20).all()  # every verdict says why


@pytest.mark.parametrize(("figures", "expected"), CASES.values(), ids=CASES.keys())
def test_no_flag_names_one_claim_twice(figures, expected):
    for flags in reconcile.reconcile(figures)["flags"]:
        for flag in flags.split("; "):
            named = [w for w in flag.replace(",", " ").split() if w in set(figures["claim_id"])]
            assert len(named) == len(set(named)), flag


@pytest.mark.parametrize(("case", "flags"), [
    ("same_claim_twice", ["A02 and A03 disagree (no common value); "
                          "A01 and A02 meet only at their bound (read as agreeing)"]),
    ("approximate_within_tolerance", ["none"]),
    ("approximate_outside_tolerance", ["C01 and C02 disagree (no common value)"]),
    ("rise_over_time_is_a_series", ["none", "none"]),
    ("shared_origin_counts_once", ["E01, E02 rest on one origin (the origin nyt-officials): "
                                   "they count once"]),
])
def test_flags(case, flags):
    """One row per reference time; its flags exactly."""
    assert reconcile.reconcile(CASES[case][0])["flags"].tolist() == flags


def test_rise_over_time_shows_the_change():
    found = reconcile.reconcile(CASES["rise_over_time_is_a_series"][0])
    assert found["refers_to"].tolist() == ["Dec 2024", "Feb 2025"]
    assert found.at[1, "change"] == "since Dec 2024: 70,000 [D01] \u2192 110,000 [D02]: rise"
    (reading,) = reconcile.pairs(CASES["rise_over_time_is_a_series"][0])["reading"]
    assert reading.endswith("rise")


def test_shared_origin_counts_once():
    figures = CASES["shared_origin_counts_once"][0]
    assert reconcile.reconcile(figures).at[0, "independent_origins"] == 2
    proposed = corroboration.corroboration(figures).set_index("claim_id")
    assert proposed.at["E01", "agreeing_origins"] == "the origin zelensky"  # not E02's twin
    assert proposed.at["E01", "proposed_credibility"] == 1
    alone = corroboration.corroboration(figures[figures["origin"] == "nyt-officials"])
    assert alone["proposed_credibility"].tolist() == [6] * 2


def test_range_and_conservative_figure():
    figures = table(fig("G01", 50000), fig("G02", 45000, "over", lower=45000),
                    fig("G03", 40000, "about", anonymous=True),
                    fig("G04", 30000, grade="D4"), fig("G05", 60000, "up_to", upper=60000))
    row = reconcile.reconcile(figures).iloc[0]
    assert row["firm_range"] == "none: the firm figures leave no common value"
    # lowest well-sourced: G03's claimant is unnamed, G04 is graded below C3
    assert row["conservative_figure"] == "over 45,000 [G02]"
    firm = reconcile.reconcile(figures[figures["claim_id"].isin(["G01", "G02", "G05"])])
    assert firm.at[0, "firm_range"] == "50,000"


@pytest.mark.parametrize(("value", "setting", "expected"), [
    (10000, "rounding", 5000), (11000, "rounding", 500), (12500, "rounding", 50),
    (2.5, "rounding", 0.05), (50000, "10%", 5000), (0, "rounding", 0),
])
def test_tolerance(value, setting, expected):
    assert quantity.tolerance(value, setting) == pytest.approx(expected)


@pytest.mark.parametrize(("qualifier", "proposed"), [((1, 0), 1), ((1, 1), 3), ((0, 1), 4),
                                                     ((0, 2), 5), ((0, 0), 6)])
def test_proposed_credibility(qualifier, proposed):
    assert corroboration.propose(*qualifier) == proposed


def test_analyst_grade_is_shown_beside_the_proposal_never_replaced():
    figures = table(fig("H01", 50000, grade="B2", origin="a"), fig("H02", 50000, origin="b"))
    found = corroboration.corroboration(figures).set_index("claim_id")
    assert (found.at["H01", "proposed_credibility"], found.at["H01", "analyst_credibility"]) \
        == (1, 2)
    assert pd.isna(found.at["H02", "analyst_credibility"])  # ungraded
    from sitrep.views import reconciliation

    shown = reconciliation.corroboration_table(found.reset_index()).set_index("Claim")
    assert shown.at["H01", "Credibility"] == (
        "proposed 1: confirmed; analyst: 2: probably true (differs from the proposal)")
    assert shown.at["H02", "Credibility"] == "proposed 1: confirmed; analyst: ungraded"


@pytest.mark.parametrize(("grades", "in_table"), [
    (("", ""), []),            # two origins, two measures: both alone, named in the line
    (("B2", ""), ["H01"]),     # the analyst says 2 where nothing corroborates: a row says so
])
def test_an_analyst_grade_that_differs_keeps_its_corroboration_row(grades, in_table):
    from sitrep.views import reconciliation
    from sitrep.views.display import Scope

    figures = table(fig("H01", 50000, grade=grades[0] or "ungraded", origin="a", measure="m1"),
                    fig("H02", 700, grade=grades[1] or "ungraded", origin="b", measure="m2"))
    found = corroboration.corroboration(figures)
    assert reconciliation.corroboration_table(found)["Claim"].tolist() == in_table
    outputs = reconciliation.corroboration_section(found, scope=Scope(
        claims=frozenset({"H01", "H02"})))
    assert 'href="#claim-H02"' in outputs[-1].data  # the line's ids link to their annex rows


# -- the shipped data sets --------------------------------------------------------------------

def test_seed_reconciliation_reads_as_before():
    table_ = reconcile.reconcile(quantity.figures(load())).set_index("measure_id")
    flags = table_.at["nk_troops_with_russia", "flags"]
    assert "one source states it differently" in flags
    assert "C09 \u2018estimated over 10,000\u2019 vs C27 \u2018estimated 10,000\u2019" in flags
    assert "disagree" not in flags  # 'estimated 10,000' is read with its tolerance
    assert table_.at["nk_troops_with_russia", "spread"] == "10,000; open-ended above (C09)"
    assert table_.at["troops_massed_kursk", "flags"] == "none"


def test_fictional_reconciliation_compares_at_one_reference_date():
    figures = quantity.figures(load(paths.ROOT / "tests" / "data" / "fictional"))
    found = reconcile.reconcile(figures)
    border = found[found["measure_id"] == "veldorian_troops_border"].set_index("refers_to")
    assert border.at["2 Mar 2031", "flags"] == "F01 and F05 disagree (no common value)"
    assert border.at["2 Mar 2031", "spread"] == "12,000 to 20,000"
    assert list(border.index) == ["2 Mar 2031", "5 Mar 2031", "15 Mar 2031"]


def test_data_set_sets_its_tolerance(broken_dataset):
    """A data set's datapackage.json may set the tolerance: 'estimated 10,000' then reads
    9,000 to 11,000 under 10%, not 5,000 to 15,000 by its rounding."""
    dataset = broken_dataset(lambda d: d.replace_text(
        "datapackage.json", '"name": "kursk-2024-11",',
        '"name": "kursk-2024-11", "sitrep": {"approximate_tolerance": "10%"},'))
    c27 = quantity.figures(load(dataset, cache=False)).set_index("claim_id").loc["C27"]
    assert (c27["cmp_lo"], c27["cmp_hi"]) == (9000, 11000)
    seed = quantity.figures(load()).set_index("claim_id").loc["C27"]
    assert (seed["cmp_lo"], seed["cmp_hi"]) == (5000, 15000)


@pytest.mark.parametrize("figures", [
    table(fig("K1", 50_000), fig("K2", 20_000), fig("K3", 21_000, "about"),
          fig("K4", 90_000, refers="2024-12-01")),
    table(*(fig(f"K{i:03d}", 1_000 + 500 * (i % 7)) for i in range(40))),  # past the listing
], ids=["few", "more-pairs-than-listed"])
def test_disagreements_are_the_listed_pairs_that_disagree(figures):
    listed = reconcile.pairs(figures)
    listed = listed[listed["verdict"] == "disagree"]
    expected = {tuple(sorted((r.first, r.second))): r.reading
                for r in listed.itertuples(index=False)}
    assert expected
    assert reconcile.disagreements(figures) == expected
