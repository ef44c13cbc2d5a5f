"""Episodes, updates from one origin, and corroboration that reads like an analyst.

The fixture data sets under tests/data/ are named after the failure they caused: an interim count
read as a conflict with its own final count, two named operations months apart read as one
series, and interim and final counts with no update recorded.
"""

from __future__ import annotations

import csv
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

from sitrep.model import load
from sitrep.model.analysis import changes, corroboration, quantity, reconcile
from sitrep.model.data import when
from sitrep.model.loader import check

DATA = Path(__file__).parents[2] / "data"
INTERIM = DATA / "interim_count_read_as_conflict"
NO_UPDATE = DATA / "interim_count_without_update"
TWO_OPERATIONS = DATA / "two_operations_read_as_one_series"


def _figures(dataset: Path) -> pd.DataFrame:
    return quantity.figures(load(dataset, cache=False), kinds=None)


def _verdicts(table: pd.DataFrame) -> dict[tuple[str, str], str]:
    found = reconcile.pairs(table)
    return {tuple(sorted((a, b))): v for a, b, v in
            zip(found["first"], found["second"], found["verdict"], strict=True)}


def test_interim_then_final_is_an_update():
    """125 aircraft by 16:30, then 153 for the whole window from the same ministry: an update
    (the interim count superseded, the chain shown), never a conflict, never the conservative
    figure, never a contradiction that makes the final count doubtful."""
    table = _figures(INTERIM)
    verdicts = _verdicts(table)
    assert verdicts[("M01", "M02")] == "update"
    assert "disagree" not in verdicts.values()
    (row,) = reconcile.reconcile(table).to_dict("records")
    assert "updated: 125 [M01] (23 May 2031, 06:00 to 16:30) \u2192 153 [M02] (23 May 2031, " \
           "06:00 to 24 May 2031, 06:00): completes the interim count" in row["flags"]
    assert "disagree" not in row["flags"] and "states it differently" not in row["flags"]
    assert "[M01]" not in row["conservative_figure"]
    assert row["spread"] == "150 to 153; superseded: 125 [M01]"
    assert row["firm_range"] == "153"  # the superseded 125 constrains nothing
    proposals = corroboration.corroboration(table).set_index("claim_id")
    assert proposals.at["M02", "proposed_credibility"] == 1
    assert pd.isna(proposals.at["M01", "proposed_credibility"])
    assert "superseded by M02" in proposals.at["M01", "reason"]
    # the ministry's voice is named after its current figure, not its superseded briefing
    assert proposals.at["M04", "agreeing_origins"] == "The ministry's daily report of 24 May"
    edition = changes.compare(load(INTERIM, cache=False), "2031-05-23")
    assert edition.not_current.set_index("claim_id").at["M01", "superseded_by"] == \
        "M02 (update: completes the interim count)"
    assert edition.conflicts.empty
    (revised,) = edition.revised.to_dict("records")
    assert revised["measure"].endswith(", Iron Gale-2031A")
    assert revised["change"].startswith("the earlier figure is superseded: 125 [M01]")


def test_same_origin_overlapping_windows_not_a_conflict():
    """Without an update, the ministry's afternoon briefing and its daily report (two origins
    sharing the ministry) for overlapping windows are not comparable, never 'disagree'; the
    briefing's 125 does not make the daily 153 doubtful."""
    table = _figures(NO_UPDATE)
    verdicts = _verdicts(table)
    for pair in (("M01", "M02"), ("M01", "M03")):
        assert verdicts[pair] == "not comparable: same origin, different windows"
    # the monitor's total covers the daily window, not the afternoon's: not compared with 125
    assert verdicts[("M01", "M04")] == "not comparable: different windows"
    assert "disagree" not in verdicts.values()
    proposals = corroboration.corroboration(table).set_index("claim_id")
    assert proposals.at["M02", "proposed_credibility"] == 1
    assert proposals.at["M01", "proposed_credibility"] == 6
    assert "of its own origin" in proposals.at["M01", "reason"]
    (row,) = reconcile.reconcile(table).to_dict("records")
    assert "M01 and M02 not comparable: same origin, different windows" in row["flags"]


def test_two_episodes_are_not_a_series():
    """May's and October's drills: May's figures stay current, their 46 vs 47 stays a
    disagreement nothing resolved, and the reconciliation reads each episode on its own."""
    whole = load(TWO_OPERATIONS, cache=False)
    table = quantity.figures(whole, kinds=None)
    verdicts = _verdicts(table)
    assert verdicts[("S01", "S02")] == "disagree"
    assert "series" not in verdicts.values()
    found = reconcile.pairs(table)
    between = found[found["first"].eq("S01, S02")]
    assert between["reading"].str.startswith("different episodes: Iron Gale-2031A vs Iron "
                                             "Gale-2031B").all()
    rows = reconcile.reconcile(table)
    assert rows["episode_name"].tolist() == ["", "Iron Gale-2031A", "Iron Gale-2031B"]
    assert rows["change"].eq("first reported time").all()
    edition = changes.compare(whole, "2031-06-01")
    assert edition.not_current.empty
    assert not edition.conflicts["status"].eq("resolved").any()
    assert not any("resolved" in line for line, _ in edition.summary())


def test_a_later_time_does_not_resolve_a_conflict():
    """A disagreement followed by later figures of the same episode is 'no longer current',
    never 'resolved' (nothing resolved it)."""
    whole = load(TWO_OPERATIONS, cache=False)
    tables = dict(whole.tables)
    tables["claims"] = whole.claims.assign(episode=whole.claims["episode"].replace(
        "iron-gale-b", "iron-gale-a"))
    one = type(whole)(dataset=whole.dataset, tables=tables, settings=whole.settings)
    edition = changes.compare(one, "2031-06-01")
    (conflict,) = edition.conflicts.to_dict("records")
    assert conflict["status"] == "no longer current"
    assert conflict["reading"].startswith("both figures have later ones; nothing resolved")


def test_existing_data_sets_read_without_episodes():
    """A data set that names no episode reads as before: every figure's episode is empty."""
    table = _figures(DATA / "fictional")
    assert set(table["episode"]) == {""} and set(table["superseded_by"]) == {""}
    assert reconcile.reconcile(table)["episode"].eq("").all()


def test_time_of_day_windows():
    """A time of day narrows the window to the minute; a day without one is the whole day."""
    day = pd.Timestamp("2031-05-23")
    assert when.precise_window(day, "day") == (day, day + pd.Timedelta(days=1))
    assert when.precise_window(day, "day", pd.Timestamp("2031-05-23"), "day", "06:00",
                               "16:30") == (day + pd.Timedelta(hours=6),
                                            day + pd.Timedelta(hours=16, minutes=30))
    assert when.reference_text(day, "day", pd.Timestamp("2031-05-24"), "day", "06:00",
                               "06:00") == "23 May 2031, 06:00 to 24 May 2031, 06:00"


# -- corroboration, table-driven ---------------------------------------------------------------

NAN = math.nan


def fig(claim: str, value: float, *, origin: str = "", voice: tuple[str, ...] = (),
        start: str = "2031-05-23 00:00", end: str = "2031-05-24 00:00", episode: str = "",
        superseded_by: str = "", qualifier: str = "exact", kind: str = "level",
        source: str = "") -> dict:
    """One figure row with the columns the comparison reads (windows given to the minute)."""
    lo, hi, lo_strict, hi_strict = quantity.interval(value, NAN, NAN, qualifier)
    t_from, t_to = pd.Timestamp(start), pd.Timestamp(end)
    origin = origin or f"origin-{claim}"
    return {
        "measure_id": "ships", "label": "Ships", "claim_id": claim, "figure": str(value),
        "value": value, "qualifier": qualifier, "lo": lo, "hi": hi, "lo_strict": lo_strict,
        "hi_strict": hi_strict, "source_id": source or f"source-{claim}", "grade": "ungraded",
        "derived": False, "ref_start": t_from.normalize(),
        "ref_end": (t_to - pd.Timedelta(minutes=1)).normalize(), "reference": start,
        "status": "present", "status_key": "", "origin": origin, "origin_label": origin,
        "independent": origin, "side": "", "anonymous": False, "tolerance": 0.0,
        "cmp_lo": lo, "cmp_hi": hi, "published_date": t_from, "episode": episode,
        "episode_name": episode, "ref_from": t_from, "ref_to": t_to, "voice": voice,
        "chain": claim, "superseded_by": superseded_by, "update_kind": "completes"
        if superseded_by else "", "updates": "", "update_basis": "", "window_stated": True,
        "measure_kind": kind,
    }


CORROBORATION = {
    # another independent origin gives the same figure for the same window
    "independent_origins_agree": ([fig("A1", 40), fig("A2", 40)], {"A1": 1, "A2": 1}),
    # one independent origin disagrees, none agrees
    "independent_origin_contradicts": ([fig("B1", 40), fig("B2", 55)], {"B1": 4, "B2": 4}),
    # a ministry's briefing and its daily report share the ministry: one voice, no evidence
    "shared_actor_is_not_corroboration": (
        [fig("C1", 40, voice=("mod",)), fig("C2", 40, voice=("mod",))], {"C1": 6, "C2": 6}),
    # its own side's interim count (one voice, part of the window) never makes it doubtful
    "own_interim_count_is_not_a_contradiction": (
        [fig("D1", 125, voice=("mod",), end="2031-05-23 16:30"),
         fig("D2", 153, voice=("mod",))], {"D1": 6, "D2": 6}),
    # a superseded figure is evidence for nothing and against nothing
    "superseded_figure_is_no_contradiction": (
        [fig("E1", 125, superseded_by="E9"), fig("E2", 153)], {"E1": None, "E2": 6}),
    # the same figure in two episodes is not corroboration
    "other_episode_is_not_corroboration": (
        [fig("F1", 40, episode="may"), fig("F2", 40, episode="oct")], {"F1": 6, "F2": 6}),
    # a total for part of a window neither confirms nor contradicts the whole
    "total_over_another_window_is_not_compared": (
        [fig("G1", 125, end="2031-05-23 16:30", kind="total"), fig("G2", 153, kind="total")],
        {"G1": 6, "G2": 6}),
    # agreement of one and contradiction of another: possibly true
    "agree_and_contradict": (
        [fig("H1", 40), fig("H2", 40), fig("H3", 60)], {"H1": 3, "H2": 3, "H3": 5}),
}


@pytest.mark.parametrize("case", CORROBORATION)
def test_proposed_credibility_rests_on_independent_origins(case):
    rows, expected = CORROBORATION[case]
    found = corroboration.corroboration(pd.DataFrame(rows)).set_index("claim_id")
    for claim, proposed in expected.items():
        cell = found.at[claim, "proposed_credibility"]
        assert (pd.isna(cell) if proposed is None else cell == proposed), (case, claim)
        assert found.at[claim, "reason"], (case, claim)


def test_one_source_interim_and_daily_count_is_no_restatement():
    """One bulletin giving the count by 16:30 and the count for the day: two windows, not a
    source stating one figure differently, and not a conflict."""
    rows = [fig("R1", 125, voice=("mod",), end="2031-05-23 16:30", source="bulletin"),
            fig("R2", 153, voice=("mod",), source="bulletin")]
    (row,) = reconcile.reconcile(pd.DataFrame(rows)).to_dict("records")
    assert "states it differently" not in row["flags"] and "disagree" not in row["flags"]
    assert "R1 and R2 not comparable: same origin, different windows" in row["flags"]
    same_window = [fig("R3", 125, source="bulletin"), fig("R4", 153, source="bulletin")]
    (row,) = reconcile.reconcile(pd.DataFrame(same_window)).to_dict("records")
    assert "one source states it differently" in row["flags"]


# -- the rules of updates and times, each broken once ------------------------------------------

def _broken(tmp_path: Path, table: str, rows: list[dict]) -> list[str]:
    """Copy the interim fixture, append rows to one table, and return the rules broken."""
    target = tmp_path / "broken"
    shutil.copytree(INTERIM, target)
    path = target / "facts" / f"{table}.csv"
    with path.open() as handle:
        header = next(csv.reader(handle))
    with path.open("a", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in header})
    return sorted({p.rule for p in check(target) if p.severity == "error"})


def _set(tmp_path: Path, table: str, claim: str, **cells: str) -> list[str]:
    target = tmp_path / "broken"
    shutil.copytree(INTERIM, target)
    path = target / "facts" / f"{table}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for name, value in cells.items():
        frame.loc[frame["claim_id"].eq(claim), name] = value
    frame.to_csv(path, index=False)
    return sorted({p.rule for p in check(target) if p.severity == "error"})


UPDATE_RULES = {
    "update-self": [{"claim_id": "M03", "updates": "M03", "kind": "revises", "basis": "stated"}],
    "update-cycle": [{"claim_id": "M01", "updates": "M02", "kind": "corrects",
                      "basis": "stated"}],
    "update-origin": [{"claim_id": "M04", "updates": "M03", "kind": "revises",
                       "basis": "stated"}],
    "update-basis": [{"claim_id": "M03", "updates": "M01", "kind": "completes",
                      "basis": "inferred"}],
}


@pytest.mark.parametrize("rule", UPDATE_RULES)
def test_update_rules(tmp_path, rule):
    assert rule in _broken(tmp_path, "updates", UPDATE_RULES[rule])


def test_update_runs_forward_in_time(tmp_path):
    """The ministry's briefing (23 May) cannot update its report of 24 May."""
    assert "update-order" in _broken(tmp_path, "updates", [
        {"claim_id": "M01", "updates": "M03", "kind": "corrects", "basis": "stated"}])


def test_time_of_day_needs_a_day(tmp_path):
    assert "time-of-day" in _set(tmp_path, "claims", "M01", time_precision="month",
                                 refers_to="2031-05-01")


def test_window_ends_after_it_starts(tmp_path):
    assert "time-of-day" in _set(tmp_path, "claims", "M01", end_time="05:00")


def test_unknown_episode_is_a_foreign_key(tmp_path):
    assert "foreign-key" in _set(tmp_path, "claims", "M04", episode="iron-gale-z")


# -- the views ---------------------------------------------------------------------------------

def test_views_group_by_episode_only_where_there_are_several():
    from sitrep.views import reconciliation, timeline

    whole = load(TWO_OPERATIONS, cache=False)
    table = quantity.figures(whole, kinds=None)
    shown = reconciliation.reconciliation_table(reconcile.reconcile(table))
    assert shown["Episode"].tolist() == ["no named episode", "Iron Gale-2031A",
                                         "Iron Gale-2031B"]
    plan = timeline.timeline_plan(table, whole).set_index("claim_id")
    assert plan.loc[["S01", "S03", "S04"], "episode"].tolist() == [
        "Iron Gale-2031A", "Iron Gale-2031B", ""]
    from sitrep.views import charts

    assert [(title, list(group["claim_id"])) for group, title in charts.by_episode(table)] == [
        ("Iron Gale-2031A", ["S01", "S02"]), ("Iron Gale-2031B", ["S03"]),
        ("No named episode", ["S04"])]
    corroborated = reconciliation.corroboration_table(corroboration.corroboration(table))
    assert corroborated["Why"].ne("").all()
    fictional = quantity.figures(load(DATA / "fictional", cache=False), kinds=None)
    assert "Episode" not in reconciliation.reconciliation_table(
        reconcile.reconcile(fictional)).columns
    assert timeline.timeline_plan(fictional)["episode"].eq("").all()


def test_every_activity_has_its_own_marker():
    """The activities at sea and in the air validate and draw, each with a shape of its own."""
    from sitrep.model.data.tables import load_schema
    from sitrep.views.maps import ACTIVITY_MARKERS

    (positions,) = [r for r in load_schema()["resources"] if r["name"] == "positions"]
    fields = {f["name"]: f for f in positions["schema"]["fields"]}
    activities = fields["activity"]["constraints"]["enum"]
    assert {"exercising", "patrolling", "blockading", "intercepting", "escorting",
            "shadowing"} <= set(activities)
    assert "simulated_target" in fields["place_role"]["constraints"]["enum"]
    assert set(activities) == set(ACTIVITY_MARKERS)
    assert len({(type(m), m) for m in ACTIVITY_MARKERS.values()}) == len(ACTIVITY_MARKERS)
