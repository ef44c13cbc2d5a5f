"""Key figures: one row per measure, from the reconciliation, dated by what it refers to."""

from __future__ import annotations

import pytest

from sitrep import paths
from sitrep.model import load
from sitrep.model.analysis import quantity
from sitrep.model.analysis.keyfigures import key_figures, since_edition

SHIPPED = {"seed": paths.DATA, "fictional": paths.ROOT / "tests" / "data" / "fictional",
           **{d.name: d for d in sorted((paths.ROOT / "datasets").glob("*/"))
              if (d / "facts").is_dir()}}


@pytest.fixture(scope="module", params=list(SHIPPED))
def shipped(request):
    facts = load(SHIPPED[request.param])
    table = quantity.figures(facts, kinds=None)
    return table, key_figures(table)


def test_one_row_per_measure(shipped):
    table, rows = shipped
    assert rows["measure_id"].tolist() == list(dict.fromkeys(table["measure_id"]))


def test_each_row_dated_by_what_its_figure_refers_to(shipped):
    table, rows = shipped
    refers = table.set_index(["claim_id", "measure_id"])["reference"]
    for row in rows.itertuples():
        assert row.reference == refers[(row.claim_id, row.measure_id)], row.measure_id


def test_each_best_figure_is_of_its_measure_at_its_latest_present_time(shipped):
    table, rows = shipped
    by_claim = table.set_index(["claim_id", "measure_id"])
    for row in rows[~rows["derived"]].itertuples():
        own = table[(table["measure_id"] == row.measure_id) & ~table["derived"]]
        present = own[own["status_key"] == ""] if own["status_key"].eq("").any() else own
        assert by_claim.loc[(row.claim_id, row.measure_id), "ref_start"] <= \
            present["ref_start"].max()
        assert row.figures >= row.origins >= 1


@pytest.mark.parametrize(("measure", "column", "expected"), [
    ("nk_troops_kursk", "disagreements", "K09 and K24"),
    ("nk_troops_kursk", "restated", "K29, K28"),  # by what they say, not by id
    ("nk_troops_kursk", "origins", 4),
    ("troops_massed_kursk", "figures", 8),
    ("troops_massed_kursk", "origins", 1),  # eight outlets, one origin
    ("russian_troops_held_kursk", "claim_id", "K23"),  # the later time, not the 50,000
    ("russian_troops_held_kursk", "times", 2),
    ("russian_troops_ukraine", "other_status", "690,000 (planned) [K26]"),
])
def test_kursk_sources(measure, column, expected):
    rows = key_figures(quantity.figures(load(SHIPPED["kursk-2024-sources"]), kinds=None))
    assert rows.set_index("measure_id").at[measure, column] == expected


def test_derived_only_measure_keeps_its_derived_figure():
    rows = key_figures(quantity.figures(load(SHIPPED["seed"]), kinds=None))
    derived = rows.set_index("measure_id").loc["troops_massed_other"]
    assert derived["derived"] and derived["claim_id"] == "D01" and derived["origins"] == 0


@pytest.mark.parametrize(("measure", "change"), [
    ("troops_massed_kursk", "new"),
    ("russian_troops_moved_kursk", "unchanged"),
    ("nk_troops_kursk", "no clear change (the figures overlap)"),
])
def test_change_since_an_earlier_edition(measure, change):
    whole = load(SHIPPED["kursk-2024-sources"])
    now = key_figures(quantity.figures(whole, kinds=None))
    before = key_figures(quantity.figures(whole.until("2024-11-05"), kinds=None))
    assert since_edition(now, before).set_index("measure_id").at[measure, "change"] == change


@pytest.fixture(scope="module")
def crowded(tmp_path_factory):
    """A synthetic data set whose measures each hold many figures that disagree."""
    from sitrep.authoring import synthetic

    folder = synthetic.generate(tmp_path_factory.mktemp("crowded") / "synthetic", 3000)
    return key_figures(quantity.figures(load(folder), kinds=None))


@pytest.mark.parametrize(("named", "more"), [("disagreements", "more_disagreements"),
                                             ("restated", "more_restated")])
def test_a_key_figure_names_a_few_pairs_and_counts_the_rest(crowded, named, more):
    """A row of the summary stays a row at any size: at most NAMED listed, the rest counted."""
    from sitrep.model.analysis.keyfigures import NAMED

    listed = crowded[named].map(lambda text: len(text.split("; ")) if text else 0)
    assert (listed <= NAMED).all()
    assert ((crowded[more] == 0) | (listed == NAMED)).all()


def test_the_disagreements_left_out_are_counted_on_the_page(crowded):
    from sitrep.views.summary import _flags

    row = next(r for r in crowded.itertuples() if r.more_disagreements)
    assert f"and {row.more_disagreements:,} more pair" in _flags(row)
