"""What changed between two editions of the multi-source data set."""

from __future__ import annotations

import pytest

from sitrep import paths
from sitrep.model import load
from sitrep.model.analysis import changes
from sitrep.pipeline import parameters

DATASET = paths.ROOT / "datasets" / "kursk-2024-sources"


@pytest.fixture(scope="module")
def whole():
    return load(DATASET)


@pytest.fixture(scope="module")
def november(whole):
    return changes.compare(whole, "2024-11-12", "2024-11-30")


def test_new_claims_are_those_published_between_the_editions(whole):
    first = changes.compare(whole, "2024-11-05", "2024-11-12")
    assert first.new_claims["claim_id"].tolist() == ["K01", "K02", "K03", "K04", "K13", "K17",
                                                  "K22"]
    assert first.new_claims.set_index("claim_id").at["K22", "refers_to"] == (
        "6 Aug 2024 to 6 Nov 2024")  # a count over a period


def test_revised_figure_names_old_and_new_with_their_claims(november):
    revised = november.revised.set_index("measure")
    row = revised.loc["Russian troops held down in Kursk by the Ukrainian operation"]
    assert row["before"] == "50,000 [K17] (11 Nov 2024)"
    assert row["now"] == "about 59,000 [K23] (23 Nov 2024)"
    assert row["change"] == "rise"
    assert revised.at["Russian troops fighting in Ukraine (planned)", "before"] == "none"


def test_conflicts_takeaways_and_stale_figures(november):
    assert november.conflicts[["status", "pair"]].values.tolist() == [["appeared",
                                                                       "K09 and K24"]]
    assert november.takeaways["takeaway_id"].tolist() == ["T1", "T2", "T3", "T5"]
    assert set(november.takeaways["status"]) == {"added"}
    assert "K17" in set(november.not_current["claim_id"])
    # K12 and K14 were no longer current in the edition of 12 November already: no news now.
    assert not {"K12", "K14"} & set(november.not_current["claim_id"])
    assert "may have been published after it" in november.left_out_before


def test_nothing_changed_between_equal_cuts(whole):
    same = changes.compare(whole, "2024-11-24", "2024-11-25")
    assert same.new_claims.empty and same.revised.empty and same.takeaways.empty
    assert same.summary() == [("Nothing new was reported between 2024-11-24 and 2024-11-25.",
                               "")]


def test_default_since_is_a_week_before():
    assert changes.default_since(load(DATASET), "2024-11-30") == "2024-11-23"


def test_since_must_come_before_as_of():
    with pytest.raises(parameters.ParameterError, match="must be earlier than as_of"):
        parameters.read(since="2024-11-30", as_of="2024-11-12")


def _edition_with(conflicts: int, revised: int) -> changes.Changes:
    import pandas as pd

    return changes.Changes(
        since="2024-11-01", as_of="2024-11-08",
        new_claims=pd.DataFrame({"claim_id": ["C1"]}),
        revised=pd.DataFrame({"measure": [f"m{k}" for k in range(revised)],
                              "before": "1 [C0]", "now": "2 [C1]", "change": "rise"}),
        not_current=pd.DataFrame(columns=["claim_id"]),
        conflicts=pd.DataFrame({"status": ["appeared", "resolved"] * (conflicts // 2),
                                "pair": [f"C{k} and D{k}" for k in range(conflicts)],
                                "reading": "leave no common value"}),
        takeaways=pd.DataFrame(columns=["status", "takeaway_id", "text"]))


@pytest.mark.parametrize(("conflicts", "revised", "lines", "counted"), [
    (1000, 30, 1 + 20 + 1 + 20 + 1, ["10 more revised figures", "980 more conflicts: "
                                     "490 appeared, 490 resolved"]),
    (20, 20, 1 + 20 + 20, []),
])
def test_brief_summary_counts_conflicts_past_the_limit(conflicts, revised, lines, counted):
    edition = _edition_with(conflicts, revised)
    short = edition.summary(short=True)
    assert len(short) == lines
    assert [text for text, _ in short if "more" in text] == counted
    assert len(edition.summary()) == 1 + revised + conflicts  # the changes report: every row


SHIPPED = [None, "datasets/eastern-drc-2024-2025", "datasets/red-sea-2023-2024",
           "datasets/kursk-2024-sources", "tests/data/fictional"]


def _days(values, precisions):
    import pandas as pd

    from sitrep.model.data import when
    return [when.period_end(pd.Timestamp(v), p) for v, p in zip(values, precisions, strict=True)
            if v]


@pytest.mark.parametrize("dataset", SHIPPED)
def test_default_since_follows_the_data(dataset):
    import pandas as pd

    facts = load(dataset)
    week = pd.Timedelta(days=7)
    published = _days(facts.sources["published"], facts.sources["published_precision"])
    last = max(published)
    c = facts.claims
    ends = [max(d) for d in zip(_days(c["refers_to"], c["time_precision"]),
                                [pd.Timestamp(e) if e else pd.Timestamp.min
                                 for e in c["refers_to_end"]], strict=True)]
    reporting = min(max(ends), last)
    since = pd.Timestamp(changes.default_since(facts, None))
    earlier = [d for d in published if d <= reporting - week]
    if reporting < last - week and earlier:
        # A retrospective: the previous edition of its own timeline, the latest day a source
        # was published a week or more before the end of what the claims refer to.
        assert since == max(earlier) and since in published
    else:
        assert since == last - week
    # What is "no longer current" is news: no figure already superseded in the earlier
    # edition (which may hold nothing, for a data set of one source).
    edition = changes.compare(facts, since.strftime("%Y-%m-%d"))
    assert edition.claims_before > 0 or dataset is None
    before = changes._not_current(changes.figures(facts.until(edition.since), derived=False))
    assert not set(edition.not_current["claim_id"]) & set(before["claim_id"])


def test_a_retrospective_is_compared_with_its_own_timeline():
    facts = load("datasets/red-sea-2023-2024")
    since = changes.default_since(facts, None)
    assert since < "2024-12-01"  # never December with December for reporting that ended in July
    assert since in {str(d)[:10] for d in facts.sources["published"]}


def test_the_map_counts_the_areas_it_draws():
    import pandas as pd

    from sitrep.views.maps.margins import geo_credit
    table = pd.DataFrame({"place": ["Red Sea"] * 5 + ["Gulf of Aden"] * 4,
                          "method": ["drawn by the analyst: a source"] * 9,
                          "drawn_as": ["area"] * 9})
    assert "2 areas drawn by the analyst" in geo_credit(table, areas_counted=True)
