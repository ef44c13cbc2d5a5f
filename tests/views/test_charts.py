"""Chart plans read as data, then the drawings checked where the eye would: one unit per panel,
every figure shown, ticks that never run into each other, timelines at reference dates with
month spans, ranges as bars and no midpoint marks."""

from __future__ import annotations

from itertools import pairwise

import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from sitrep import paths
from sitrep.model import load
from sitrep.model.analysis import quantity
from sitrep.views import charts
from sitrep.views.scales import unit_formatter

DRC = paths.ROOT / "datasets" / "eastern-drc-2024-2025"
FICTIONAL = paths.ROOT / "tests" / "data" / "fictional"
DATASETS = {"seed": None, "fictional": FICTIONAL, "drc": DRC}


@pytest.fixture(scope="module", params=list(DATASETS))
def case(request):
    facts = load(DATASETS[request.param])
    return request.param, facts, quantity.figures(facts, kinds=None)


@pytest.fixture(scope="module")
def drc():
    facts = load(DRC)
    return facts, quantity.figures(facts, kinds=None)


def test_every_quantity_is_a_figure_whatever_its_claims_kind(case):
    _, facts, table = case
    wanted = set(zip(facts.quantities["claim_id"], facts.quantities["measure_id"], strict=True))
    assert wanted <= set(zip(table["claim_id"], table["measure_id"], strict=True))


def test_no_panel_mixes_units(case):
    _, _, table = case
    plan = charts.interval_plan(table)
    units = plan[plan["kind"] == "figure"].groupby("panel")["unit"].nunique()
    assert (units == 1).all()
    assert plan.groupby("panel")["unit"].first().notna().all()


def test_every_figure_is_drawn_once_across_the_page_sized_charts(case):
    _, _, table = case
    parts = charts.interval_charts(table)
    shown = pd.concat([p for _, p in parts])
    assert sorted(shown["claim_id"]) == sorted(table["claim_id"])
    for figure, _ in parts:
        assert figure.get_figheight() <= charts.MAX_HEIGHT + 1.0


def _tick_boxes(figure) -> list[list]:
    FigureCanvasAgg(figure)
    renderer = figure.canvas.get_renderer()
    boxes = []
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            labels = [t for t in axis.get_ticklabels() if t.get_text() and t.get_visible()]
            boxes.append([t.get_window_extent(renderer) for t in labels])
    return boxes


@pytest.mark.parametrize("maker", ["interval", "timeline"])
def test_tick_labels_never_collide(drc, maker):
    facts, table = drc
    figures = ([f for f, _ in charts.interval_charts(table)] if maker == "interval"
               else [f for f, _ in charts.timeline_charts(table, facts)[0]])
    for figure in figures:
        for boxes in _tick_boxes(figure):
            for a, b in pairwise(boxes):
                assert not a.overlaps(b), (a, b)


@pytest.mark.parametrize(("unit", "value", "written"), [
    ("%", 53, "53%"), ("hours", 72, "72 h"), ("USD", 40_400_000, "US$ 40.4 m"),
    ("people", 150_000, "150,000"), ("people", 7_300_000, "7.3 million"), ("troops", 0, "0"),
])
def test_numbers_are_written_for_their_unit(unit, value, written):
    assert unit_formatter(unit)(value) == written


def test_long_titles_and_said_by_lines_wrap_rather_than_cut(drc):
    _, table = drc
    long = table.assign(said_by="An unusually long attribution " * 6)
    plan = charts.interval_plan(long)
    figures = plan[plan["kind"] == "figure"]
    assert not figures["said"].str.contains("…").any()
    assert figures["said"].str.contains("\n").all()
    said = figures["said"].iloc[0]
    assert said.replace("\n", " ").count("attribution") == 6   # every word kept


# -- timelines -------------------------------------------------------------------------------

def test_timeline_plan_has_reference_dates_spans_bars_and_no_midpoints(drc):
    facts, table = drc
    plan = charts.timeline_plan(table, facts).set_index("claim_id")
    # A claim about April 2024 is a span over the month, not a point on the 1st.
    assert plan.at["E02", "start"] == pd.Timestamp("2024-04-01")
    assert plan.at["E02", "end"] == pd.Timestamp("2024-04-30") and plan.at["E02", "span"]
    assert plan.at["E01", "start"] == pd.Timestamp("2024-07-10") and not plan.at["E01", "span"]
    # A range is a bar between its bounds, never a midpoint.
    assert plan.at["E02", "mark"] == "bar"
    assert (plan.at["E02", "lo"], plan.at["E02", "hi"]) == (3000, 4000)
    assert not {"x", "value", "mid"} & set(plan.columns)
    assert plan.at["E05", "mark"] == "open_up" and plan.at["E07", "mark"] == "open_down"
    assert plan.at["E06", "mark"] == "point"
    # The Goma count covers 26 to 30 January 2025: a stated period, drawn as its span.
    assert (plan.at["E05", "start"], plan.at["E05", "end"]) == (
        pd.Timestamp("2025-01-26"), pd.Timestamp("2025-01-30"))
    # UNHCR's plan for February to April sits at its target month, apart from the counts.
    assert plan.at["E13", "status"] == "plan" and plan.at["E13", "dated_by"] == "target"
    assert plan.at["E13", "start"] == pd.Timestamp("2025-04-01") and plan.at["E13", "span"]
    assert plan.drop(index="E13")["dated_by"].eq("reference").all()


def test_timeline_draws_no_marker_between_the_bounds_of_a_range(drc):
    facts, table = drc
    ranges = table[table["qualifier"] == "range"]
    figure = charts.timeline_chart(charts.timeline_plan(ranges, facts))
    ys = [y for ax in figure.axes for line in ax.get_lines()
          if line.get_marker() not in ("None", "", None, "_") for y in line.get_ydata()]
    assert ys == []  # only the bar and its end ticks ('_') at 3,000 and 4,000


def test_counts_and_projections_of_one_measure_share_a_panel(drc):
    facts, table = drc
    plan = charts.timeline_plan(table, facts)
    refugees = plan[plan["measure_id"] == "refugees_burundi"]
    assert set(refugees["claim_id"]) >= {"E13", "E14", "E17", "E20", "E21"}
    figures, note = charts.timeline_charts(table, facts)
    titles = [t.get_text() for f, _ in figures for ax in f.axes for t in ax.texts]
    assert titles.count("People who fled eastern DR Congo into Burundi in 2025") == 1
    assert "UNHCR appeal for the Burundi response" in note   # one time only: named, not lost


def test_timeline_claim_ids_are_all_drawn_and_never_overlap(drc):
    facts, table = drc
    drawn = []
    for figure, shown in charts.timeline_charts(table, facts)[0]:
        FigureCanvasAgg(figure)
        renderer = figure.canvas.get_renderer()
        labels = [t for ax in figure.axes for t in ax.texts if t.get_text() in set(shown)]
        assert sorted(t.get_text() for t in labels) == sorted(shown)
        boxes = [t.get_window_extent(renderer) for t in labels]
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                assert not a.overlaps(b), (a, b)
        drawn += shown
    assert {"E13", "E14", "E17", "E20", "E21"} <= set(drawn)


def test_left_out_names_what_a_filter_hides(drc):
    _, table = drc
    kept = table[table["measure_id"] != "ultimatum"]
    note = charts.left_out(table, kept, measures=["goma_killed"])
    assert note.startswith("1 of 22 figures are not shown") and "E10" in note
    assert charts.left_out(table, table) == "All 22 figures of the data set are shown."


def test_a_crowded_timeline_panel_draws_one_band_per_day_and_says_so(drc):
    from sitrep.views import timeline

    facts, table = drc
    plan = charts.timeline_plan(table, facts)
    one = plan[plan["measure_id"] == "refugees_burundi"]
    many = pd.concat([one.assign(claim_id=[f"X{i}-{c}" for c in one["claim_id"]])
                      for i in range(timeline.MAX_POINTS // len(one) + 1)], ignore_index=True)
    figure = charts.timeline_chart(many)
    texts = [t.get_text() for ax in figure.axes for t in ax.texts]
    assert f"{len(many):,} figures: one band per reference day" in texts
    assert not any(t.startswith("X0-") for t in texts)   # no per-figure label past the cap


@pytest.mark.parametrize(("values", "unit", "whole"), [
    ([0.0], "aircraft", True),        # nothing but zero aircraft: ticks 0 and 1, never 0.25
    ([2.0, 3.0], "aircraft", True),
    ([2.5], "years", False),          # a fraction drawn: fractional ticks allowed
    ([40.0], "%", True),              # a percentage keeps its own ticks whatever the values
])
def test_ticks_fall_on_whole_numbers_for_whole_counts(values, unit, whole):
    from matplotlib.figure import Figure

    from sitrep.views.scales import by_unit, whole_numbers

    ax = Figure().subplots()
    ax.set_xlim(0, max(values) * 1.3 or 1.0)
    by_unit(ax.xaxis, unit, whole=whole_numbers(values))
    ticks = [t for t in ax.get_xticks() if 0 <= t <= ax.get_xlim()[1]]
    assert whole_numbers(values) == whole
    if whole and unit != "%":
        assert all(float(t).is_integer() for t in ticks), ticks
        assert len(ticks) >= 2


def test_chart_summary_is_per_measure():
    from sitrep.model import load
    from sitrep.model.analysis import quantity

    base = quantity.figures(load("tests/data/fictional"), kinds=None)
    copies = []
    for k in range(12):  # past charts.MAX_ROWS figures: the chart summarises
        copy = base.copy()
        copy["claim_id"] = copy["claim_id"] + f"x{k}"
        copies.append(copy)
    table = pd.concat(copies, ignore_index=True)
    assert len(table) > charts.MAX_ROWS
    measure = table["label"].iloc[0]
    rows = table.index[table["label"] == measure]
    table.loc[rows[:3], ["status_key", "lo", "hi", "value"]] = ["hypothetical: if asked",
                                                                 9e9, 9e9, 9e9]
    table.loc[rows[3:5], ["superseded_by", "lo", "hi", "value"]] = ["Z01", 1e-3, 1e-3, 1e-3]
    plan = charts.interval_plan(table)
    bands = plan[plan["kind"] == "figure"]
    assert bands["summary"].all()
    heads = plan[plan["kind"] == "measure"].set_index("panel")["text"]
    assert heads.str.contains("\n").sum() >= 0 and heads.nunique() == len(heads)  # one a panel
    mine = bands[bands["panel"] == heads.index[heads.str.startswith(measure[:20])][0]]
    # The hypothetical figures are a band of their own; the counts' band holds none of them,
    # and the superseded figures are in no band, but counted in the panel's heading.
    assert set(mine["status_key"]) == {"", "hypothetical: if asked"}
    counts = mine[mine["status_key"] == ""].iloc[0]
    assert counts["x1"] < 9e9 and counts["x0"] > 1e-3
    assert mine[mine["status_key"] != ""].iloc[0]["text"].startswith("hypothetical")
    assert "2 superseded left out" in " ".join(heads[heads.str.startswith(measure[:20])]
                                               .str.replace("\n", " "))
    charts.interval_chart(table)  # draws
