"""Figures over time: one panel per measure (its unit on the axis), each figure at the date or
period it refers to.

The plan (:func:`timeline_plan`, a DataFrame tests read) says for each figure where it goes:
``start`` and ``end`` (a day is a point, a month or a stated period a span), ``lo``/``hi``
(NaN on an open side), ``mark`` (``point`` for a single number, ``bar`` for a range drawn between
its bounds, never at a midpoint, ``open_up``/``open_down`` for a bound the source leaves open)
and ``status`` (count, plan, projection, hypothetical: a projection sits at its target date and
is drawn hollow and dashed, apart from counts). Counts, plans and projections of one measure
share its panel. Claim ids are placed by :class:`sitrep.views.labels.Placer`, so they never
overlap. :func:`timeline_chart` draws the plan.

Reference times come from the claims (``refers_to`` read at ``time_precision``, to
``refers_to_end`` where a claim covers a period) and a projection's ``target_date`` from its
quantity, where the data set records them; otherwise a figure sits at its report's date, and the
chart says so.
"""

from __future__ import annotations

import textwrap

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from sitrep.model.data import when
from sitrep.model.data.facts import Facts
from sitrep.views.labels import Placer
from sitrep.views.scales import by_unit, empty_chart, whole_numbers
from sitrep.views.style import DERIVED, GRID, INK, MUTED, draw_text, link_claim, rc

PER_FIGURE = 4      # panels per timeline figure
MAX_LABELLED = 24   # marks per panel that get their claim id beside them
MAX_POINTS = 60     # past this many figures a panel shows one band per reference day
STATUS_WORDS = {"present": "count", "": "count", "plan": "plan", "projection": "projection",
                "hypothetical": "hypothetical"}
PLAN_COLUMNS = ["measure_id", "label", "unit", "claim_id", "status", "start", "end", "span",
                "lo", "hi", "mark", "hollow", "derived", "dated_by", "episode"]


def _times(table: pd.DataFrame, facts: Facts | None) -> pd.DataFrame:
    """start, end, status and what dated each figure: 'reference' (the claim's reference point
    or period, from ``quantity.figures``), 'target' (a plan's or projection's target date, from
    the quantity) or 'report' (neither is known: the report's date)."""
    published = pd.to_datetime(table["published_date"])
    ref_start = pd.to_datetime(table.get("ref_start", pd.Series(pd.NaT, index=table.index)))
    ref_end = pd.to_datetime(table.get("ref_end", pd.Series(pd.NaT, index=table.index)))
    start = ref_start.fillna(published)
    end = ref_end.where(ref_start.notna(), published).fillna(start)
    dated_by = pd.Series(np.where(ref_start.notna(), "reference", "report"), index=table.index)
    raw = table.get("status", pd.Series("", index=table.index)).fillna("").astype(str)
    status = raw.map(lambda s: STATUS_WORDS.get(s, s))
    if facts is not None and "target_date" in facts.quantities.columns:
        # One join, not a MultiIndex look-up per figure (minutes at 100,000 figures).
        keys = ["claim_id", "measure_id"]
        q = facts.quantities.drop_duplicates(keys)[[*keys, "target_date", "target_precision"]]
        joined = table[keys].merge(q, how="left", on=keys, validate="many_to_one")
        target = pd.Series(joined["target_date"].to_numpy(), index=table.index)
        has = target.notna() & target.astype(str).ne("")
        rows = table.index[has]
        starts = [pd.Timestamp(t) for t in target[has]]
        precision = joined["target_precision"].to_numpy()[has.to_numpy()]
        start.loc[rows] = starts
        end.loc[rows] = [when.period_end(s, p if isinstance(p, str) and p else "day")
                         for s, p in zip(starts, precision, strict=True)]
        dated_by.loc[rows] = "target"
    return pd.DataFrame({"start": start, "end": end, "status": status, "dated_by": dated_by})


def timeline_plan(table: pd.DataFrame, facts: Facts | None = None) -> pd.DataFrame:
    """Every figure of ``table`` (``sitrep.model.analysis.quantity.figures``) placed in time."""
    if table.empty:
        return pd.DataFrame(columns=PLAN_COLUMNS)
    times = _times(table, facts)
    lo, hi = table["lo"].astype(float), table["hi"].astype(float)
    mark = np.select([lo.notna() & hi.notna() & (lo < hi), lo.notna() & hi.notna(),
                      lo.notna()], ["bar", "point", "open_up"], "open_down")
    plan = pd.DataFrame({
        "measure_id": table["measure_id"], "label": table["label"], "unit": table["unit"],
        "claim_id": table["claim_id"], "status": times["status"], "start": times["start"],
        "end": times["end"], "span": times["end"] > times["start"], "lo": lo, "hi": hi,
        "mark": mark,
        "hollow": [r.qualifier in ("about", "estimated", "potential") or bool(r.hedge)
                   for r in table.itertuples()],
        "derived": table["derived"].astype(bool), "dated_by": times["dated_by"],
        "episode": _episodes(table),
    })
    return plan.dropna(subset=["start"]).reset_index(drop=True)


def _episodes(table: pd.DataFrame) -> pd.Series:
    """Each figure's episode name ('' for none, or for every figure when the table names no
    more than one episode: a band then says nothing)."""
    if "episode" not in table.columns or table["episode"].nunique() < 2:
        return pd.Series("", index=table.index)
    name = table.get("episode_name", table["episode"])
    return name.where(name.ne(""), table["episode"]).fillna("")


def _episode_bands(ax, rows: pd.DataFrame, top: float) -> None:
    """A light band over the days each episode's figures cover, named at its top: figures of
    different episodes are not one series."""
    for name, part in rows[rows["episode"].ne("")].groupby("episode", sort=False):
        first = mdates.date2num(part["start"].min())
        last = mdates.date2num(part["end"].max() + pd.Timedelta(days=1))
        ax.axvspan(first, last, color=GRID, alpha=0.5, lw=0, zorder=0)
        left, right = ax.get_xlim()
        late = (first + last) / 2 > (left + right) / 2  # name it inwards, never off the panel
        draw_text(ax, last if late else first, top * 0.98,
                  textwrap.shorten(str(name), 40, placeholder="…"), fontsize=6.5,
                  color=MUTED, fontstyle="italic", va="top", ha="right" if late else "left",
                  zorder=1)


def _draw_mark(ax, r, top: float) -> tuple[list[tuple[float, float]], list]:
    """One figure: a span in time is a box (between its bounds) or a band; a range a bar
    between its bounds; an open bound a dotted line to the panel's edge with an arrow; a
    projection hollow and dashed. Returns the data points its label may sit beside, and the
    artists drawn (labels keep off them)."""
    colour = DERIVED if r.derived else INK
    projected = r.status != "count"
    style = "--" if projected or r.derived else "-"
    face = "white" if (r.hollow or projected) else colour
    x0, x1 = mdates.date2num(r.start), mdates.date2num(r.end + pd.Timedelta(days=1))
    xm = (x0 + x1) / 2 if r.span else x0
    low = r.lo if pd.notna(r.lo) else 0.0
    high = r.hi if pd.notna(r.hi) else top
    drawn = []
    if r.span:
        drawn.append(ax.add_patch(Rectangle(
            (x0, low), x1 - x0, max(high - low, top * 0.012), lw=1.0, ls=style, zorder=2,
            fc=colour if not projected else "none", alpha=0.18 if not projected else 1,
            ec=colour)))
    if r.mark == "point":
        drawn += ax.plot([xm], [r.lo], "D" if projected else "o", ms=6, mfc=face, mec=colour,
                         mew=1.5, zorder=4)
        return [(xm, r.lo)], drawn
    ls = style if r.mark == "bar" else ":"
    drawn += ax.plot([xm, xm], [low, high], ls, color=colour, lw=2.0, zorder=3,
                     solid_capstyle="butt")
    for y in (r.lo, r.hi):
        if pd.notna(y):
            drawn += ax.plot([xm], [y], "_", ms=9, mew=2.0, color=colour, zorder=4)
    if r.mark in ("open_up", "open_down"):
        tip = top if r.mark == "open_up" else 0.0
        base = r.lo if r.mark == "open_up" else r.hi
        drawn.append(ax.annotate("", xy=(xm, tip), xytext=(xm, base + (tip - base) * 0.6),
                                 arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 1.2}))
    return [(xm, r.lo if pd.notna(r.lo) else r.hi), (xm, r.hi if pd.notna(r.hi) else r.lo)], drawn


def _label(placer: Placer, ax, text: str, anchors: list[tuple[float, float]]):
    """A claim id beside its mark where it collides with nothing (else where it collides least,
    and the placer logs the overlap)."""
    label = draw_text(ax, 0, 0, text, fontsize=6.8, color=MUTED, ha="left", va="center")
    box = label.get_window_extent(placer.renderer)
    options = []
    for x, y in anchors:
        px, py = ax.transData.transform((x, y))
        for dx, dy in ((6, 0), (-6 - box.width, 0), (6, 9), (6, -9), (-6 - box.width, 9),
                       (-6 - box.width, -9), (-box.width / 2, 10), (-box.width / 2, -18),
                       (6, 18), (6, -18), (-6 - box.width, 18), (-6 - box.width, -18)):
            rect = (px + dx, py + dy - box.height / 2, px + dx + box.width,
                    py + dy + box.height / 2)
            options.append(((x, y, dx, dy), rect, None))
    x, y, dx, dy = placer.choose(options, kind="claim id", text=text, required=True)
    px, py = ax.transData.transform((x, y))
    label.set_position(ax.transData.inverted().transform((px + dx, py + dy)))
    return label


def timeline_charts(table: pd.DataFrame, facts: Facts | None = None, *, width: float = 7.0
                    ) -> tuple[list[tuple[Figure, list[str]]], str]:
    """The timeline as figures of at most PER_FIGURE panels (so a page break falls between
    figures, never inside one), each with the claim ids it shows, for the measures with
    figures at two times or more (none: no figure); and a note naming the measures with
    figures at one time only (drawn in the interval charts, not repeated here)."""
    plan = timeline_plan(table, facts)
    if plan.empty:
        return [(empty_chart("No dated figure to place in time.", width=width), [])], ""
    times = plan.groupby("label", sort=False)["start"].nunique()
    series = [label for label in times.index if times[label] > 1]
    single = [label for label in times.index if times[label] <= 1]
    parts = [plan[plan["label"].isin(series[i:i + PER_FIGURE])]
             for i in range(0, len(series), PER_FIGURE)]
    figures = [(timeline_chart(part, width=width), list(part["claim_id"])) for part in parts]
    note = ""
    if single:
        lead = ("No measure has figures at two different times" if not series else
                f"{len(single)} measure(s) have figures at one time only")
        note = (f"{lead}: drawn in the charts above and listed in the tables, not repeated "
                "here: " + "; ".join(single) + ".")
    return figures, note


def timeline_chart(plan: pd.DataFrame, *, width: float = 7.0) -> Figure:
    """The panels of a timeline plan (:func:`timeline_plan`): one per measure, its unit on the
    axis, each with its own dated axis over its own figures."""
    if not {"start", "mark"} <= set(plan.columns):
        plan = timeline_plan(plan)
    if plan.empty:
        return empty_chart("No dated figure to place in time.", width=width)
    labels = list(dict.fromkeys(plan["label"]))
    with mpl.rc_context(rc(8.5, **{"axes.spines.top": False, "axes.spines.right": False})):
        height = 1.05 + 1.85 * len(labels)
        fig = Figure(figsize=(width, height))
        axes = np.atleast_1d(fig.subplots(len(labels), 1))
        fig.subplots_adjust(left=0.13, right=0.95, top=1 - 0.35 / height,
                            bottom=0.95 / height, hspace=0.95)
        placer = Placer(fig)
        for ax, label in zip(axes, labels, strict=True):
            _timeline_panel(ax, placer, plan[plan["label"] == label], label)
        _timeline_legend(fig, plan, height)
    return fig


def _timeline_panel(ax, placer: Placer, rows: pd.DataFrame, label: str) -> None:
    top = float(np.nanmax(rows[["lo", "hi"]].to_numpy(dtype=float))) * 1.25 or 1.0
    start, end = rows["start"].min(), rows["end"].max() + pd.Timedelta(days=1)
    pad = max((end - start) * 0.1, pd.Timedelta(days=4))
    ax.set_ylim(0, top)
    ax.set_xlim(mdates.date2num(start - pad), mdates.date2num(end + pad))
    unit = str(rows["unit"].iloc[0])
    by_unit(ax.yaxis, unit, whole=whole_numbers(rows[["lo", "hi"]]))
    ax.set_ylabel(unit, color=MUTED)
    ax.grid(axis="y", color=GRID, lw=0.6)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=5)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    draw_text(ax, 0.0, 1.04, textwrap.shorten(label, 95, placeholder="…"),
              transform=ax.transAxes, fontsize=9, fontweight="bold", color=INK, va="bottom")
    if "episode" in rows.columns:
        _episode_bands(ax, rows, top)
    if len(rows) > MAX_POINTS:
        _summary_panel(ax, rows, top)
        return
    labelled = len(rows) <= MAX_LABELLED  # past that the table below names each figure
    spots = []
    for r in rows.itertuples():
        anchors, drawn = _draw_mark(ax, r, top)
        spots.append((r, anchors))
        for artist in drawn if labelled else ():
            if not isinstance(artist, Rectangle):  # a span's box may hold labels
                placer.block_artist(artist, "mark", r.claim_id)
    for r, anchors in spots if labelled else ():
        label = _label(placer, ax, r.claim_id, anchors)
        if not r.derived:  # a reported figure's id links to its claim in the annex
            link_claim(label, r.claim_id)


def _summary_panel(ax, rows: pd.DataFrame, top: float) -> None:
    """Too many figures to draw one by one: per reference day, one band from the lowest
    number stated to the highest (open bounds run to the panel's edge), counted."""
    low = rows["lo"].fillna(0.0)
    high = rows["hi"].fillna(top)
    days = rows.assign(low=low, high=high).groupby("start").agg(low=("low", "min"),
                                                                high=("high", "max"))
    ax.vlines(mdates.date2num(days.index), days["low"], days["high"], color=INK, lw=3,
              alpha=0.35)
    draw_text(ax, 1.0, 1.04, f"{len(rows):,} figures: one band per reference day",
              transform=ax.transAxes, fontsize=7, color=MUTED, ha="right", va="bottom")


def _timeline_legend(fig: Figure, plan: pd.DataFrame, height: float) -> None:
    handles = [Line2D([], [], marker="o", ls="", mfc=INK, mec=INK, label="count as stated"),
               Line2D([], [], marker="_", ls="-", color=INK, ms=9, mew=2,
                      label="range: bar between its bounds")]
    if plan["mark"].isin(["open_up", "open_down"]).any():
        handles.append(Line2D([], [], ls=":", color=INK, lw=2, label="open bound (over / up to)"))
    if plan["span"].any():
        handles.append(Rectangle((0, 0), 1, 1, fc=INK, alpha=0.18, ec=INK,
                                 label="a month or period: its span"))
    if plan["status"].ne("count").any():
        handles.append(Line2D([], [], marker="D", ls="--", mfc="white", mec=INK, color=INK,
                              label="plan / projection (at its target date)"))
    if plan["hollow"].any():
        handles.append(Line2D([], [], marker="o", ls="", mfc="white", mec=INK, mew=1.5,
                              label="hedged figure"))
    fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.02, 0.16 / height),
               ncol=3, frameon=False, fontsize=7)
    notes = []
    if plan["dated_by"].eq("report").any():
        notes.append(f"{int(plan['dated_by'].eq('report').sum())} figure(s) without a "
                     "reference date sit at their report's date")
    if notes:
        draw_text(fig, 0.03, 0.03 / height, "; ".join(notes) + ".", fontsize=6.8,
                  color=MUTED, ha="left", va="bottom")


TIMELINE_LEAD = ("One panel per measure with figures at two times or more, its unit on the "
                 "axis. Each figure at the date or period it refers to (a month is a span); a "
                 "range is a bar between its bounds; a dotted line with an arrow runs to the "
                 "open side of a bound; a plan or projection sits at its target date, hollow "
                 "and dashed.")


def timeline_section(table: pd.DataFrame, facts: Facts, *, scope=None) -> list:
    """The 'Figures over time' section: its heading, lead and charts (each with its credit
    line) when some measure has figures at two times or more; nothing at all otherwise (a
    section would explain a chart that is not drawn). The measures at one time are named in a
    note."""
    from sitrep.model.analysis.attribution import credit_line
    from sitrep.views.display import NO_SCOPE, figure, heading, paragraph

    scope = NO_SCOPE if scope is None else scope
    charts, note = timeline_charts(table, facts)
    drawn = [(chart, shown) for chart, shown in charts if shown]
    if not drawn:
        return []
    return [heading("Figures over time"), paragraph(TIMELINE_LEAD),
            *[figure(chart, alt="Figures over time, one panel per measure",
                     caption=credit_line(facts, shown), scope=scope) for chart, shown in drawn],
            *([paragraph(note, css_class="sitrep-note")] if note else [])]
