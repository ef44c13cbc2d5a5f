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
from itertools import pairwise

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter

from sitrep.model.quantity import APPROXIMATE, number
from sitrep.views.style import DERIVED, GRID, INK, MUTED, PART, draw_text, link_claim, rc

MAX_ROWS = 40  # past this many figures a chart summarises each measure instead of listing
MAX_MEASURES = 12  # measures a summarised chart shows; the rest are counted
MAX_LABELLED = 12  # marks per timeline panel that get their claim id beside them
MAX_POINTS = 200  # past this many figures a timeline panel shows spans per date


def _style() -> dict:
    return rc(8.5, **{"axes.spines.top": False, "axes.spines.right": False,
                      "axes.spines.left": False})


def _thousands(axis) -> None:
    axis.set_major_formatter(FuncFormatter(lambda v, _: number(v)))


def _fit(text: str, width: int = 75) -> str:
    """A label that fits across the chart: at most one line, cut with an ellipsis (the tables
    carry the full text)."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _hollow(row) -> bool:
    return row.qualifier in APPROXIMATE or bool(row.hedge)


def interval_plan(table: pd.DataFrame) -> pd.DataFrame:
    """The marks of an interval chart: one 'measure' header row, then one row per figure.

    ``x0``/``x1`` span the closed part; ``open`` is 'right' or 'left' where the source leaves a
    bound open, and the mark then extends as a fading arrow, never as a closed bar.
    """
    if len(table) > MAX_ROWS:
        return _summary_plan(table)
    rows, y = [], 0.0
    for label, group in table.groupby("label", sort=False):
        rows.append({"y": y, "kind": "measure", "text": _fit(str(label))})
        y += 1
        for r in group.head(MAX_ROWS).itertuples():
            x0 = r.lo if pd.notna(r.lo) else (r.hi if pd.notna(r.hi) else r.value)
            x1 = r.hi if pd.notna(r.hi) else x0
            rows.append({
                "y": y + 0.35, "kind": "figure", "claim_id": r.claim_id,
                "measure_id": r.measure_id, "shape": r.shape, "x": r.value, "x0": x0, "x1": x1,
                "open": "right" if pd.isna(r.hi) else "left" if pd.isna(r.lo) else "",
                "hollow": _hollow(r), "derived": bool(r.derived),
                "text": _fit(f"{r.figure}{' (derived)' if r.derived else ''}  [{r.claim_id}]",
                             60),
                "said": textwrap.shorten(
                    r.said_by + (f"; {r.published}" if r.published else ""), 72,
                    placeholder="…"),
            })
            y += 2
        if len(group) > MAX_ROWS:
            rows.append({"y": y, "kind": "more",
                         "text": f"… and {len(group) - MAX_ROWS:,} more figures (see table)"})
            y += 1
    return pd.DataFrame(rows)


def _summary_plan(table: pd.DataFrame) -> pd.DataFrame:
    """Too many figures to draw one by one: one band per measure, from the lowest number stated
    to the highest, with counts; open-ended figures make the band open-ended."""
    rows, y = [], 0.0
    counts = table.groupby("label", sort=False).size().sort_values(ascending=False, kind="stable")
    for label in counts.index[:MAX_MEASURES]:
        group = table[table["label"] == label]
        numbers = group[["lo", "hi"]].stack().dropna()
        open_up = int(group["hi"].isna().sum())
        rows.append({"y": y, "kind": "measure", "text": _fit(str(label))})
        rows.append({
            "y": y + 1.35, "kind": "figure", "claim_id": f"{len(group):,} figures",
            "measure_id": group["measure_id"].iloc[0], "shape": "span",
            "x": numbers.min(), "x0": numbers.min(), "x1": numbers.max(),
            "open": "", "hollow": True, "derived": False, "summary": True,
            "text": f"{len(group):,} figures, {group['source_id'].nunique():,} sources",
            "said": f"{number(numbers.min())} to {number(numbers.max())}; "
                    f"{open_up:,} open-ended above",
        })
        y += 3
    if len(counts) > MAX_MEASURES:
        rows.append({"y": y, "kind": "more",
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
        ax.plot([mark["x0"], mark["x1"]], [y, y], color=colour, lw=7, alpha=0.25,
                solid_capstyle="butt")
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
    """One row per figure, grouped by measure; bounds drawn as the text gives them.

    ``table`` is ``sitrep.model.quantity.figures(...)``; its credit line goes under the image
    as text.
    """
    if table.empty:
        return empty_chart("No reported figures in the data set (up to the cut-off, if any).",
                           width=width)
    plan = interval_plan(table)
    marks = plan[plan["kind"] == "figure"]
    with mpl.rc_context(_style()):
        head = 0.45 if title else 0.1
        height = 0.75 + head + 0.42 * (plan["y"].max() + 1.3)
        fig = Figure(figsize=(width, height))
        ax = fig.subplots()
        fig.subplots_adjust(left=0.47, right=0.97, top=1 - head / height, bottom=0.65 / height)
        top = np.nanmax(marks[["x", "x0", "x1"]].to_numpy(dtype=float))
        # Leave room for an open-ended bound at the top of the scale to show its arrow.
        stretch = 1.6 if (marks["open"].eq("right") & marks["x0"].eq(top)).any() else 1.3
        xmax = float(top) * stretch if top > 0 else 1.0
        for _, row in plan.iterrows():
            if row["kind"] == "figure":
                _draw_interval(ax, row, xmax)
                colour = DERIVED if row["derived"] else INK
                label = draw_text(ax, -0.86, row["y"] - 0.2, row["text"],
                                  transform=ax.get_yaxis_transform(), fontsize=9, va="center",
                                  ha="left", fontweight="bold", color=colour)
                if not row["derived"]:
                    link_claim(label, row["claim_id"])
                draw_text(ax, -0.86, row["y"] + 0.27, row["said"],
                          transform=ax.get_yaxis_transform(), fontsize=7.5, va="center",
                          ha="left", color=MUTED)
            else:
                weight = "bold" if row["kind"] == "measure" else "normal"
                draw_text(ax, -0.88, row["y"], row["text"], transform=ax.get_yaxis_transform(),
                      fontsize=9.5, fontweight=weight, va="center", ha="left", color=INK)
        ax.set_ylim(plan["y"].max() + 1, -0.7)
        ax.set_xlim(0, xmax)
        ax.set_yticks([])
        _thousands(ax.xaxis)
        ax.grid(axis="x", color=GRID, lw=0.6)
        ax.set_axisbelow(True)
        ax.set_xlabel(", ".join(sorted(set(table["unit"]))), color=MUTED)
        if title:
            draw_text(fig, 0.03, 1 - 0.2 / height, title, fontsize=11, fontweight="bold",
                  va="top", ha="left", color=INK)
        fig.legend(handles=_legend(bool(marks["derived"].any())), loc="lower left",
                   bbox_to_anchor=(0.02, 0.02 / height), ncol=4, frameon=False, fontsize=7,
                   handlelength=1.6, columnspacing=1.2)
    return fig


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
    rows, y = [], 0
    for whole_id, members in parts.groupby("part_of", sort=False):
        wholes = table[(table["measure_id"] == whole_id) & ~table["derived"]]
        inside = table[table["measure_id"].isin(members["measure_id"])]
        for r in [*wholes.itertuples(), *inside.itertuples()]:
            role = "whole" if r.measure_id == whole_id else "part"
            start = 0.0
            rows.append({
                "y": y, "role": "derived" if r.derived else role, "claim_id": r.claim_id,
                "measure_id": r.measure_id, "label": r.label,
                "x0": start, "x1": r.hi if pd.notna(r.hi) else r.lo,
                "open": "right" if pd.isna(r.hi) else "",
                "hollow": _hollow(r),
                "text": _fit(f"{r.label}: {r.figure}{' (derived)' if r.derived else ''} "
                             f"[{r.claim_id}]", 110),
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
        height = 1.1 + 0.62 * len(plan)
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
        ax.set_ylim(len(plan) - 0.4, -0.9)
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


def timeline_plan(table: pd.DataFrame) -> pd.DataFrame:
    """Reported figures by publication date, per measure (derived figures left out)."""
    reported = table[~table["derived"] & table["published_date"].notna()]
    return pd.DataFrame({
        "measure_id": reported["measure_id"], "label": reported["label"],
        "claim_id": reported["claim_id"], "date": reported["published_date"],
        "x": reported["value"], "lo": reported["lo"], "hi": reported["hi"],
        "hollow": [_hollow(r) for r in reported.itertuples()],
    }).reset_index(drop=True)


def timeline_chart(table: pd.DataFrame, *, width: float = 7.0) -> Figure:
    """One panel per measure: each estimate at its report date, bounds as whiskers or arrows."""
    plan = timeline_plan(table)
    counts = plan.groupby("label", sort=False).size().sort_values(ascending=False, kind="stable")
    labels = list(counts.index[:MAX_MEASURES])
    if len(plan["date"].unique()) < 2:
        return empty_chart("Every figure comes from the same report date: no timeline to draw.",
                           width=width)
    with mpl.rc_context(_style()):
        height = 0.6 + 1.9 * len(labels)
        fig = Figure(figsize=(width, height))
        axes = np.atleast_1d(fig.subplots(len(labels), 1, sharex=True))
        fig.subplots_adjust(left=0.12, right=0.97, top=1 - 0.3 / height, bottom=0.5 / height,
                            hspace=0.55)
        for ax, label in zip(axes, labels, strict=True):
            rows = plan[plan["label"] == label]
            top = np.nanmax(rows[["x", "lo", "hi"]].to_numpy(dtype=float)) * 1.3
            if len(rows) > MAX_POINTS:
                # Too many to draw one by one: per report date, the span of figures given.
                span = rows.assign(low=rows["lo"].fillna(rows["x"]),
                                   high=rows["hi"].fillna(rows["x"])).groupby("date")
                ax.vlines(span["low"].min().index, span["low"].min(), span["high"].max(),
                          color=INK, lw=4, alpha=0.35)
                draw_text(ax, 1.0, 1.06, f"{len(rows):,} figures: span per report date",
                      transform=ax.transAxes, fontsize=7, color=MUTED, va="bottom", ha="right")
                draw_text(ax, 0.0, 1.06, label, transform=ax.transAxes, fontsize=9,
                      fontweight="bold", color=INK, va="bottom")
                ax.set_ylim(0, top)
                _thousands(ax.yaxis)
                continue
            closed = rows["lo"].notna() & rows["hi"].notna()
            # Vectorised: one collection per kind of mark, however many figures there are.
            ax.vlines(rows.loc[closed, "date"], rows.loc[closed, "lo"], rows.loc[closed, "hi"],
                      color=INK, lw=1.6)
            ax.vlines(rows.loc[~closed, "date"], rows.loc[~closed, "lo"].fillna(0.0),
                      rows.loc[~closed, "hi"].fillna(top), color=INK, lw=1.6,
                      linestyles="dotted")
            for hollow, face in ((False, INK), (True, "white")):
                these = rows[rows["hollow"] == hollow]
                ax.scatter(these["date"], these["x"], s=30, facecolors=face, edgecolors=INK,
                           linewidths=1.5, zorder=3)
            if len(rows) <= MAX_LABELLED:
                for r in rows.itertuples():
                    if pd.isna(r.hi):
                        ax.annotate("", xy=(r.date, top), xytext=(r.date, r.lo),
                                    arrowprops={"arrowstyle": "-|>", "color": INK, "lw": 0})
                    link_claim(draw_text(ax, r.date, r.x, f"  {r.claim_id}", fontsize=7,
                                         va="center", color=MUTED, clip_on=True), r.claim_id)
            draw_text(ax, 0.0, 1.06, label, transform=ax.transAxes, fontsize=9, fontweight="bold",
                  color=INK, va="bottom")
            ax.set_ylim(0, top)
            _thousands(ax.yaxis)
            ax.grid(axis="y", color=GRID, lw=0.6)
            ax.spines["left"].set_visible(True)
        locator = mdates.AutoDateLocator(minticks=3, maxticks=6)
        axes[-1].xaxis.set_major_locator(locator)
        axes[-1].xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    return fig


def empty_chart(message: str, *, width: float = 7.0) -> Figure:
    """A small figure that says there is nothing to draw, rather than an empty axis."""
    with mpl.rc_context(_style()):
        fig = Figure(figsize=(width, 0.6))
        draw_text(fig, 0.03, 0.5, message, fontsize=9.5, color=INK, va="center", ha="left")
    return fig
