"""A table's and a chart's ids come from what they show, never from chance: the same inputs
give the same bytes in every render (README, "Rendering the suite")."""

from __future__ import annotations

import re

import pandas as pd
from matplotlib.figure import Figure

from sitrep.views import display


def _chart(caption: str) -> str:
    fig = Figure(figsize=(3, 2))
    fig.add_subplot().bar(["a", "b"], [1, 2], hatch="//")
    return display.figure(fig, alt="Two bars", caption=caption).data


def test_a_table_gets_the_same_ids_each_time_and_another_table_others():
    frame = pd.DataFrame({"Measure": ["Troops"], "Figure": ["50,000"]})
    first, again = display.table(frame).data, display.table(frame.copy()).data
    assert first == again
    ids = set(re.findall(r'id="(T_[0-9a-f]+)"', first))
    assert len(ids) == 1
    other = display.table(frame.assign(Figure=["60,000"])).data
    assert ids.isdisjoint(re.findall(r'id="(T_[0-9a-f]+)"', other))


def test_a_chart_is_drawn_to_the_same_bytes_each_time_without_a_date():
    first, again = _chart("Source: C01"), _chart("Source: C01")
    assert first == again
    assert "<dc:date>" not in first
    clips = set(re.findall(r'<clipPath id="([^"]+)"', first))
    assert clips, "the chart has a clip path whose id is checked"
    assert clips.isdisjoint(re.findall(r'<clipPath id="([^"]+)"', _chart("Source: C02")))
