"""Charts of reported figures. Every mark keeps its qualifier, hedge and claim id.

Each chart is computed first as a plan (a DataFrame of marks, which tests read) and then drawn.
Charts are built on ``matplotlib.figure.Figure`` objects, never through pyplot's global state,
so they neither leak nor depend on the notebook's backend. Text from sources is untrusted: every
string goes through :func:`sitrep.views.style.draw_text` and every chart is drawn under
:func:`sitrep.views.style.rc`, both with maths parsing off, so a '$' in a label stays a dollar
sign instead of switching on mathtext.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from itertools import pairwise

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter

from sitrep.model.analysis.quantity import APPROXIMATE, number
from sitrep.views.scales import by_unit, empty_chart, unit_formatter, whole_numbers
from sitrep.views.style import DERIVED, GRID, INK, MUTED, PART, draw_text, link_claim, rc
from sitrep.views.timeline import (
    timeline_chart,
    timeline_charts,
    timeline_plan,
    timeline_section,
)

__all__ = ["composition_chart", "composition_plan", "empty_chart", "interval_chart",
           "interval_charts", "interval_plan", "left_out", "timeline_chart", "timeline_charts",
           "timeline_plan", "timeline_section", "unit_formatter"]

MAX_ROWS = 40  # past this many figures a chart summarises each measure instead of listing
MAX_MEASURES = 12  # measures a summarised chart shows; the rest are counted
LINE = 0.34  # height of a text line in row units (a row unit is 0.42 inches)


def _style() -> dict:
    return rc(8.5, **{"axes.spines.top": False, "axes.spines.right": False,
                      "axes.spines.left": False})


def _thousands(axis) -> None:
    axis.set_major_formatter(FuncFormatter(lambda v, _: number(v)))


def _fit(text: str, width: int = 75) -> str:
    """A label wrapped to lines of ``width`` characters: never cut (the full text stays)."""
    return textwrap.fill(" ".join(str(text).split()), width)


def _hollow(row) -> bool:
    return row.qualifier in APPROXIMATE or bool(row.hedge)


def interval_plan(table: pd.DataFrame) -> pd.DataFrame:
    """The marks of an interval chart: per measure (one panel each, its own scale and unit),
    a 'measure' header row, then one row per figure.

    ``panel`` numbers the panels, ``y`` counts down within one; ``x0``/``x1`` span the closed
    part; ``open`` is 'right' or 'left' where the source leaves a bound open, and the mark then
    extends as a fading arrow, never as a closed bar. ``lines`` is how many text lines the row's
    labels take (they wrap; nothing is cut).
    """
    if len(table) > MAX_ROWS:
        return _summary_plan(table)
    rows = []
    for panel, (label, group) in enumerate(table.groupby("label", sort=False)):
        unit = str(group["unit"].iloc[0])
        title = _fit(f"{label} ({unit})", 62)
        rows.append({"panel": panel, "y": 0.0, "kind": "measure", "text": title,
                     "unit": unit, "lines": title.count("\n") + 1})
        y = 0.3 + LINE * title.count("\n")
        for r in group.itertuples():
            x0 = r.lo if pd.notna(r.lo) else (r.hi if pd.notna(r.hi) else r.value)
            x1 = r.hi if pd.notna(r.hi) else x0
            gone = getattr(r, "superseded_by", "")
            when = f" \u00b7 {r.reference}" if getattr(r, "reference", "") else ""
            text = _fit(f"{r.figure}{' (derived)' if r.derived else ''}  [{r.claim_id}]{when}"
                        + (f" superseded by {gone}" if isinstance(gone, str) and gone else ""),
                        44)
            said = _fit(r.said_by + (f" (published {r.published})" if r.published else ""), 62)
            above, below = text.count("\n") + 1, said.count("\n") + 1
            y += 0.25 + LINE * above
            rows.append({
                "panel": panel, "y": y, "kind": "figure", "claim_id": r.claim_id,
                "measure_id": r.measure_id, "unit": unit, "shape": r.shape, "x": r.value,
                "x0": x0, "x1": x1,
                "open": "right" if pd.isna(r.hi) else "left" if pd.isna(r.lo) else "",
                "hollow": _hollow(r), "derived": bool(r.derived), "text": text, "said": said,
                "lines": above + below,
            })
            y += 0.25 + LINE * below
        rows.append({"panel": panel, "y": y, "kind": "end", "text": "", "lines": 0})
    return pd.DataFrame(rows)


def _summary_plan(table: pd.DataFrame) -> pd.DataFrame:
    """Too many figures to draw one by one: per measure (one panel each, its own scale), one
    band per status, from the lowest number stated to the highest, with counts: the present
    counts first, then each plan, projection or hypothetical apart (never in one band with
    the counts); superseded figures are left out of the bands and counted in the panel's
    text. Open-ended figures are counted."""
    rows = []
    counts = table.groupby("label", sort=False).size().sort_values(ascending=False, kind="stable")
    for panel, label in enumerate(counts.index[:MAX_MEASURES]):
        group = table[table["label"] == label]
        unit = str(group["unit"].iloc[0])
        gone = group["superseded_by"].fillna("").astype(str).ne("") \
            if "superseded_by" in group.columns else pd.Series(False, index=group.index)
        status = group["status_key"].fillna("").astype(str) \
            if "status_key" in group.columns else pd.Series("", index=group.index)
        left = f"; {int(gone.sum()):,} superseded left out" if gone.any() else ""
        rows.append({"panel": panel, "y": 0.0, "kind": "measure", "unit": unit, "lines": 1,
                     "text": _fit(f"{label} ({unit}){left}", 62)})
        y = 1.2
        for key in dict.fromkeys(sorted(status[~gone], key=bool)):
            band = group[~gone & status.eq(key)]
            numbers = band[["lo", "hi"]].stack().dropna()
            if numbers.empty:
                continue
            what = key or "reported"
            rows.append({
                "panel": panel, "unit": unit, "lines": 2, "y": y, "kind": "figure",
                "claim_id": f"{len(band):,} figures", "measure_id": band["measure_id"].iloc[0],
                "shape": "span", "x": numbers.min(), "x0": numbers.min(), "x1": numbers.max(),
                "open": "", "hollow": True, "derived": False, "summary": True,
                "status_key": key,
                "text": _fit(f"{what}: {len(band):,} figure{'s' if len(band) != 1 else ''}, "
                             f"{band['source_id'].nunique():,} sources", 44),
                "said": f"{number(numbers.min())} to {number(numbers.max())}; "
                        f"{int(band['hi'].isna().sum()):,} open-ended above",
            })
            y += 1.2
    if len(counts) > MAX_MEASURES:
        last = max(r["y"] for r in rows if r["panel"] == MAX_MEASURES - 1)
        rows.append({"panel": MAX_MEASURES - 1, "y": last + 1.0, "kind": "more", "lines": 1,
                     "text": f"… and {len(counts) - MAX_MEASURES:,} more measures (see tables)"})
    return pd.DataFrame(rows)


def _draw_interval(ax, mark: pd.Series, xmax: float) -> None:
    colour = DERIVED if mark["derived"] else INK
    style = "--" if mark["derived"] else "-"
    y = mark["y"]
    face = "white" if mark["hollow"] else colour
    if mark["open"]:
        bound = mark["x0"] if mark["open"] == "right" else mark["x1"]
        end = xmax if mark["open"] == "right" else 0.0
        ax.plot([bound, bound], [y - 0.2, y + 0.2], color=colour, lw=2.2, zorder=3)
        steps = np.linspace(bound, end, 24)
        for i, (a, b) in enumerate(pairwise(steps)):
            ax.plot([a, b], [y, y], style, color=colour, lw=2.2,
                    alpha=max(0.06, 1 - i / len(steps)), solid_capstyle="butt")
        ax.annotate("", xy=(steps[7], y), xytext=(steps[2], y),
                    arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 2.2,
                                "mutation_scale": 16}, zorder=4)
        return
    if mark.get("summary") is True:
        # A plan, projection or hypothetical is drawn apart from the counts: dashed, hollow.
        apart = bool(mark.get("status_key")) and isinstance(mark.get("status_key"), str)
        ax.plot([mark["x0"], mark["x1"]], [y, y], "--" if apart else "-", color=colour,
                lw=3 if apart else 7, alpha=0.6 if apart else 0.25, solid_capstyle="butt")
        return
    if mark["x1"] > mark["x0"]:
        ax.plot([mark["x0"], mark["x1"]], [y, y], style, color=colour, lw=2.4)
        for x in (mark["x0"], mark["x1"]):
            ax.plot([x, x], [y - 0.18, y + 0.18], color=colour, lw=1.8)
    if mark["shape"] == "point":
        (point,) = ax.plot([mark["x"]], [y], "o", ms=7, mfc=face, mec=colour, mew=1.6, zorder=3)
        if not mark["derived"]:
            link_claim(point, mark["claim_id"])


def interval_chart(table: pd.DataFrame, *, title: str | None = None,
                   width: float = 7.0) -> Figure:
    """Small multiples: one panel per measure, each with its own scale and its unit on the
    axis (measures are never drawn on one axis); one row per figure, bounds drawn as the text
    gives them. ``table`` is ``quantity.figures(...)``; its credit line goes under
    the image as text.
    """
    if table.empty:
        return empty_chart("No reported figures in the data set (up to the cut-off, if any).",
                           width=width)
    plan = interval_plan(table)
    spans = [float(p["y"].max()) + 0.7 for _, p in plan.groupby("panel")]
    with mpl.rc_context(_style()):
        head = 0.1 + 0.2 * (title or "").count("\n") + (0.4 if title else 0.0)
        gaps = 0.55 * (len(spans) - 1)
        body = 0.42 * sum(spans)
        height = head + body + gaps + 0.85
        fig = Figure(figsize=(width, height))
        axes = np.atleast_1d(fig.subplots(len(spans), 1, gridspec_kw={
            "height_ratios": spans, "hspace": gaps / max(len(spans) - 1, 1) / (body / len(
                spans))}))
        fig.subplots_adjust(left=0.47, right=0.96, top=1 - head / height, bottom=0.85 / height)
        panels = [panel for _, panel in plan.groupby("panel")]
        # Measures of one unit share a scale, so that their panels compare at a glance.
        tops: dict[str, float] = {}
        for panel in panels:
            unit = str(panel["unit"].iloc[0])
            tops[unit] = max(tops.get(unit, 0.0), _scale_end(panel))
        for ax, panel in zip(axes, panels, strict=True):
            _interval_panel(ax, panel, tops[str(panel["unit"].iloc[0])])
        if title:
            draw_text(fig, 0.03, 1 - 0.15 / height, _fit(title, 80), fontsize=11,
                      fontweight="bold", va="top", ha="left", color=INK)
        marks = plan[plan["kind"] == "figure"]
        fig.legend(handles=_legend(bool(marks["derived"].any())), loc="lower left",
                   bbox_to_anchor=(0.02, 0.02 / height), ncol=2, frameon=False, fontsize=7,
                   handlelength=1.6, columnspacing=1.2)
    return fig


#: The tallest chart (inches at 7 inches wide) that fits on an A4 page with its credit line.
MAX_HEIGHT = 6.5


def by_episode(table: pd.DataFrame) -> list[tuple[pd.DataFrame, str | None]]:
    """The figures per episode, each with the episode's name, where the table names several
    episodes (figures of different episodes are read apart); else the whole table, untitled."""
    if "episode" not in table.columns or table["episode"].nunique() < 2:
        return [(table, None)]
    names = table.get("episode_name", table["episode"]).where(
        table.get("episode_name", table["episode"]).ne(""), table["episode"])
    return [(group, f"{names[group.index[0]] or 'No named episode'}")
            for _, group in table.groupby("episode", sort=False)]


def interval_charts(table: pd.DataFrame, *, width: float = 7.0
                    ) -> list[tuple[Figure, pd.DataFrame]]:
    """The interval chart as figures short enough for a page (whole measures per figure), so
    a page break falls between figures, never inside one; each with the figures it shows (for
    its credit line). Where the table names several episodes, each episode has its own
    figures, titled with its name."""
    return [drawn for group, title in by_episode(table)
            for drawn in _interval_charts(group, width=width, title=title)]


def _interval_charts(table: pd.DataFrame, *, width: float, title: str | None
                     ) -> list[tuple[Figure, pd.DataFrame]]:
    if table.empty or len(table) > MAX_ROWS:
        return [(interval_chart(table, width=width, title=title), table)]
    # Measures sharing a unit next to each other (the first-seen unit first), on one scale.
    units = {u: k for k, u in enumerate(dict.fromkeys(table["unit"]))}
    table = table.sort_values("unit", key=lambda s: s.map(units), kind="stable")
    plan = interval_plan(table)
    heights = [0.42 * (float(p["y"].max()) + 0.7) + 0.55 for _, p in plan.groupby("panel")]
    labels = list(dict.fromkeys(table["label"]))
    chunks: list[list[str]] = [[]]
    used = 0.85
    for label, height in zip(labels, heights, strict=True):
        if chunks[-1] and used + height > MAX_HEIGHT:
            chunks.append([])
            used = 0.85
        chunks[-1].append(label)
        used += height
    parts = [table[table["label"].isin(chunk)] for chunk in chunks]
    return [(interval_chart(part, width=width, title=title), part) for part in parts]


def _scale_end(panel: pd.DataFrame) -> float:
    """Where a panel's scale ends: past its largest number, with room for an open-ended
    bound at the top to show its arrow."""
    marks = panel[panel["kind"] == "figure"]
    top = np.nanmax(marks[["x", "x0", "x1"]].to_numpy(dtype=float)) if len(marks) else 1.0
    stretch = 1.6 if (marks["open"].eq("right") & marks["x0"].eq(top)).any() else 1.3
    return float(top) * stretch if top > 0 else 1.0


def _interval_panel(ax, panel: pd.DataFrame, xmax: float | None = None) -> None:
    """One measure: its figures on the scale of its unit, labelled on the left."""
    marks = panel[panel["kind"] == "figure"]
    xmax = _scale_end(panel) if xmax is None else xmax
    for _, row in panel.iterrows():
        where = ax.get_yaxis_transform()
        if row["kind"] == "figure":
            _draw_interval(ax, row, xmax)
            colour = DERIVED if row["derived"] else INK
            label = draw_text(ax, -0.86, row["y"] - 0.05, row["text"], transform=where,
                              fontsize=8.6, va="bottom", ha="left", fontweight="bold",
                              color=colour, linespacing=1.05)
            if not row["derived"] and row.get("summary") is not True:
                link_claim(label, row["claim_id"])
            draw_text(ax, -0.86, row["y"] + 0.08, row["said"], transform=where, fontsize=7.2,
                      va="top", ha="left", color=MUTED, linespacing=1.05)
        elif row["kind"] != "end":
            weight = "bold" if row["kind"] == "measure" else "normal"
            draw_text(ax, -0.88, row["y"], row["text"], transform=where, fontsize=9.3,
                      fontweight=weight, va="center", ha="left", color=INK, linespacing=1.05)
    ax.set_ylim(panel["y"].max() + 0.7, -0.5)
    ax.set_xlim(0, xmax)
    ax.set_yticks([])
    unit = str(panel["unit"].iloc[0])
    by_unit(ax.xaxis, unit, whole=whole_numbers(marks[["x", "x0", "x1"]]))
    ax.grid(axis="x", color=GRID, lw=0.6)
    ax.set_axisbelow(True)
    ax.set_xlabel(unit, color=MUTED, labelpad=1.5)


def _legend(with_derived: bool) -> list:
    handles = [
        Line2D([], [], marker="o", ls="", mfc=INK, mec=INK, label="figure as stated"),
        Line2D([], [], marker="o", ls="", mfc="white", mec=INK, mew=1.6,
               label="hedged (estimated, reportedly)"),
        Line2D([], [], marker="|", ls="-", color=INK, ms=10, mew=2.2,
               label="open-ended bound (over / under)"),
    ]
    if with_derived:
        handles.append(Line2D([], [], ls="--", color=DERIVED, lw=2, label="derived"))
    return handles


def composition_plan(table: pd.DataFrame, measures: pd.DataFrame) -> pd.DataFrame:
    """How the figures relate: each whole measure's figures, with its parts' figures inside.

    One row per whole figure (a bar from 0), then per part figure (a segment from 0, open-ended
    where the source leaves it open), then the derived remainders, each labelled with its claim.
    """
    parts = measures[measures["part_of"].ne("")]
    rows, y = [], 0.0
    for whole_id, members in parts.groupby("part_of", sort=False):
        wholes = table[(table["measure_id"] == whole_id) & ~table["derived"]]
        inside = table[table["measure_id"].isin(members["measure_id"])]
        for r in [*wholes.itertuples(), *inside.itertuples()]:
            role = "whole" if r.measure_id == whole_id else "part"
            start = 0.0
            text = _fit(f"{r.label}: {r.figure}{' (derived)' if r.derived else ''} "
                        f"[{r.claim_id}]", 80)
            y += 0.4 * text.count("\n")  # room above the bar for a wrapped label
            rows.append({
                "y": y, "role": "derived" if r.derived else role, "claim_id": r.claim_id,
                "measure_id": r.measure_id, "label": r.label,
                "x0": start, "x1": r.hi if pd.notna(r.hi) else r.lo,
                "open": "right" if pd.isna(r.hi) else "",
                "hollow": _hollow(r), "text": text,
            })
            y += 1
    return pd.DataFrame(rows, columns=["y", "role", "claim_id", "measure_id", "label", "x0",
                                       "x1", "open", "hollow", "text"])


def composition_chart(table: pd.DataFrame, measures: pd.DataFrame, *,
                      width: float = 7.0) -> Figure:
    """Bars for each whole, segments for its parts, drawn as the sources bound them."""
    plan = composition_plan(table, measures)
    if plan.empty:
        return empty_chart("No measure is recorded as part of another.", width=width)
    with mpl.rc_context(_style()):
        height = 1.1 + 0.62 * (float(plan["y"].max()) + 1)
        fig = Figure(figsize=(width, height))
        ax = fig.subplots()
        fig.subplots_adjust(left=0.03, right=0.97, top=1 - 0.15 / height, bottom=0.75 / height)
        xmax = float(np.nanmax(plan[["x0", "x1"]].to_numpy(dtype=float))) * 1.15
        fills = {"whole": INK, "part": PART, "derived": "white"}
        for row in plan.itertuples():
            y = row.y
            colour = fills[row.role]
            edge = DERIVED if row.role == "derived" else colour
            hatch = "////" if row.role == "derived" else None
            face = "white" if row.hollow and row.role != "derived" else colour
            if row.open:
                steps = np.linspace(row.x1, xmax, 20)
                ax.add_patch(Rectangle((0, y - 0.3), row.x1, 0.6, facecolor=face,
                                       edgecolor=edge, lw=1.4))
                for i, (a, b) in enumerate(pairwise(steps)):
                    ax.add_patch(Rectangle((a, y - 0.3), b - a, 0.6, facecolor=colour, lw=0,
                                           alpha=max(0.05, 0.8 - i / len(steps))))
            else:
                ax.add_patch(Rectangle((0, y - 0.3), row.x1, 0.6, facecolor=face,
                                       edgecolor=edge, lw=1.4, hatch=hatch,
                                       linestyle="--" if row.role == "derived" else "-"))
            draw_text(ax, xmax * 0.01, y - 0.42, row.text, fontsize=8, va="bottom", ha="left",
                  color=INK)
        ax.set_xlim(0, xmax)
        ax.set_ylim(float(plan["y"].max()) + 0.6, -0.9 - 0.4 * plan["text"].iloc[0].count("\n"))
        ax.set_yticks([])
        _thousands(ax.xaxis)
        ax.grid(axis="x", color=GRID, lw=0.6)
        ax.set_axisbelow(True)
        handles = [Patch(facecolor=INK, label="whole, as stated"),
                   Patch(facecolor=PART, label="part, as stated"),
                   Patch(facecolor="white", edgecolor=INK, label="hedged figure"),
                   Patch(facecolor="white", edgecolor=DERIVED, hatch="////", linestyle="--",
                         label="derived by analyst")]
        fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.02, 0.02 / height),
                   ncol=4, frameon=False, fontsize=7.5)
    return fig


def left_out(everything: pd.DataFrame, shown: pd.DataFrame, *,
             measures: Sequence[str] | None = None, min_grade: str = "") -> str:
    """What a view leaves out of the data set's figures, counted and named: '2 of 13 figures
    are not shown (graded below C3, or ungraded): F03, F04.' ``everything`` and ``shown`` are
    ``quantity.figures`` tables; ``measures`` and ``min_grade`` the filters that made
    ``shown``."""
    reasons = []
    if measures:
        reasons.append("only the measures " + ", ".join(measures))
    if min_grade:
        reasons.append(f"graded below {min_grade}, or ungraded")
    why = "; ".join(reasons)
    key = ["claim_id", "measure_id"]
    kept = set(map(tuple, shown[key].to_numpy())) if len(shown) else set()
    missing = [f"{c} ({m})" if m else c for c, m in everything[key].itertuples(index=False)
               if (c, m) not in kept]
    total = len(everything)
    if not missing:
        return f"All {total:,} figures of the data set are shown." if total else (
            "The data set holds no figure.")
    named = ", ".join(c.split(" (")[0] for c in missing[:20])
    more = f" and {len(missing) - 20:,} more" if len(missing) > 20 else ""
    return (f"{len(missing):,} of {total:,} figures are not shown"
            f"{f' ({why})' if why else ''}: {named}{more}.")
