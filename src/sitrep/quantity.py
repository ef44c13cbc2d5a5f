"""Reported numbers: each figure with its bounds, qualifier, hedge and attribution."""

from __future__ import annotations

import math

import pandas as pd

from sitrep.attribution import attributions
from sitrep.facts import Facts

#: How each qualifier is written before the number.
QUALIFIER_WORDS: dict[str, str] = {
    "exact": "",
    "about": "about",
    "nearly": "nearly",
    "over": "over",
    "at_least": "at least",
    "up_to": "up to",
    "estimated": "estimated",
    "potential": "potentially",
    "range": "",
}

#: The shape a figure is drawn as: a point, open to the right, open to the left, or a span.
SHAPES: dict[str, str] = {
    "exact": "point", "about": "point", "estimated": "point", "potential": "point",
    "over": "lower", "at_least": "lower", "nearly": "upper", "up_to": "upper", "range": "span",
}


def number(value: float) -> str:
    """A number with thousands separators and no spurious decimals: 50000 -> '50,000'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")


def figure_label(value: float, lower: float, upper: float, qualifier: str,
                 hedges: tuple[str, ...] = ()) -> str:
    """The figure as a reader should see it, hedge and qualifier kept: 'estimated over 10,000'."""
    if qualifier == "range":
        core = f"{number(lower)}\u2013{number(upper)}"
    else:
        word = QUALIFIER_WORDS[qualifier]
        core = f"{word} {number(value)}".strip()
    extra = [h for h in hedges if h.lower() not in core.lower() and h.lower() in
             {"estimated", "reportedly", "likely", "potential", "about"}]
    return " ".join([*extra, core]) if extra else core


def figures(facts: Facts, kinds: tuple[str, ...] | None = ("force_size",),
            measures: list[str] | None = None) -> pd.DataFrame:
    """Tidy table of reported figures: one row per number, with everything needed to show it.

    ``kinds`` keeps claims of those kinds (None keeps all); ``measures`` keeps those measure ids.
    """
    q = facts.quantities.merge(facts.measures[["measure_id", "label"]], on="measure_id")
    q = q.merge(facts.claims[["claim_id", "kind", "hedge", "refers_to"]], on="claim_id")
    q = q.merge(attributions(facts)[["claim_id", "said_by", "claimant", "relay", "outlet",
                                     "published", "source_id"]], on="claim_id")
    if kinds is not None:
        q = q[q["kind"].isin(kinds)]
    if measures is not None:
        q = q[q["measure_id"].isin(measures)]
    q = q.assign(
        figure=[figure_label(r.value, r.lower, r.upper, r.qualifier, r.hedge)
                for r in q.itertuples()],
        shape=q["qualifier"].map(SHAPES),
        derived=False,
    )
    order = {m: i for i, m in enumerate(facts.measures["measure_id"])}
    q = q.sort_values(["measure_id", "claim_id"], key=lambda s: s.map(order) if
                      s.name == "measure_id" else s)
    columns = ["measure_id", "label", "claim_id", "figure", "value", "lower", "upper", "unit",
               "qualifier", "shape", "hedge", "claimant", "relay", "outlet", "said_by",
               "published", "source_id", "derived"]
    return q[columns].reset_index(drop=True)
