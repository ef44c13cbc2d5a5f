"""Charts of reported figures. Every mark keeps its qualifier, hedge, claim id and credit line.

Charts are built on ``matplotlib.figure.Figure`` objects, never through pyplot's global state,
so they neither leak nor depend on the notebook's backend. Text from sources is untrusted: every
string goes through ``_text`` with ``parse_math=False``, so a '$' in a label stays a dollar sign
instead of switching on mathtext.
"""

from __future__ import annotations

import textwrap
from itertools import pairwise

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from sitrep.quantity import number

#: Colours that stay apart in greyscale: reported figures dark, derived ones mid-grey.
INK = "#1b2a41"
DERIVED = "#8a8a8a"
MUTED = "#555555"
HEDGED_SHAPES = {"estimated", "about", "potential"}
FONT = ["DejaVu Sans", "Noto Sans", "Noto Sans CJK KR"]


def _text(target, x, y, s, **kwargs):
    """Place untrusted text literally (no mathtext)."""
    return target.text(x, y, s, parse_math=False, **kwargs)


def _style() -> dict:
    return {"font.family": "sans-serif", "font.sans-serif": FONT, "font.size": 8.5,
            "axes.spines.top": False, "axes.spines.right": False, "axes.spines.left": False,
            "svg.fonttype": "none", "pdf.fonttype": 42}


def _draw_figure(ax, y: float, row: pd.Series, xmax: float) -> None:
    colour = DERIVED if row["derived"] else INK
    shape = row["shape"]
    hollow = row["qualifier"] in HEDGED_SHAPES or bool(row["hedge"])
    face = "white" if hollow else colour
    style = "--" if row["derived"] else "-"
    if shape == "point":
        x = row["value"]
        if pd.notna(row["lower"]) or pd.notna(row["upper"]):
            lo = row["lower"] if pd.notna(row["lower"]) else x
            hi = row["upper"] if pd.notna(row["upper"]) else x
            ax.plot([lo, hi], [y, y], style, color=colour, lw=1.4)
            ax.plot([lo, lo], [y - 0.12, y + 0.12], color=colour, lw=1.4)
            ax.plot([hi, hi], [y - 0.12, y + 0.12], color=colour, lw=1.4)
        ax.plot([x], [y], "o", ms=7, mfc=face, mec=colour, mew=1.6, zorder=3)
    elif shape == "span":
        ax.plot([row["lower"], row["upper"]], [y, y], style, color=colour, lw=3)
        for x in (row["lower"], row["upper"]):
            ax.plot([x, x], [y - 0.15, y + 0.15], color=colour, lw=1.6)
    else:
        # An open-ended bound: a bar at the bound and a fading arrow towards the open side.
        bound = row["lower"] if shape == "lower" else row["upper"]
        end = xmax if shape == "lower" else 0.0
        ax.plot([bound, bound], [y - 0.18, y + 0.18], color=colour, lw=2.2, zorder=3)
        steps = np.linspace(bound, end, 24)
        for i, (a, b) in enumerate(pairwise(steps)):
            ax.plot([a, b], [y, y], style, color=colour, lw=2.2,
                    alpha=max(0.08, 1 - i / len(steps)), solid_capstyle="butt")
        ax.annotate("", xy=(steps[7], y), xytext=(steps[2], y),
                    arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 2.2,
                                "mutation_scale": 16}, zorder=4)


def force_size_chart(table: pd.DataFrame, credit: str = "", *, title: str | None = None,
                     width: float = 7.0) -> Figure:
    """One row per reported figure, grouped by measure; bounds drawn as the text gives them.

    ``table`` is ``sitrep.quantity.figures(...)``. ``credit`` (from
    ``sitrep.attribution.credit_line`` for the same claims) is drawn under the chart when given,
    for a chart that travels alone; reports show it as text under the image instead.
    """
    if table.empty:
        return empty_chart("No reported figures in the data set (up to the cut-off, if any).",
                           credit, width=width)
    with mpl.rc_context(_style()):
        rows: list[tuple[str, object]] = []
        for label, group in table.groupby("label", sort=False):
            rows.append(("measure", label))
            rows.extend(("figure", r) for _, r in group.iterrows())
        foot = 0.4 if credit else 0.0   # room for the credit line
        head = 0.45 if title else 0.1   # room for the title
        height = 0.75 + foot + head + 0.42 * sum(2 if kind == "figure" else 1 for kind, _ in rows)
        fig = Figure(figsize=(width, height))
        ax = fig.subplots()
        fig.subplots_adjust(left=0.47, right=0.97, top=1 - head / height,
                            bottom=(0.65 + foot) / height)
        top = table[["value", "lower", "upper"]].max().max() if len(table) else 1
        xmax = float(top) * 1.3 if pd.notna(top) and top > 0 else 1.0
        y = 0.0
        ticks = []
        for kind, item in rows:
            if kind == "measure":
                _text(ax, -0.88, y, str(item), transform=ax.get_yaxis_transform(),
                      fontsize=9.5, fontweight="bold", va="center", ha="left", color=INK)
                y += 1
                continue
            row = item
            _draw_figure(ax, y + 0.35, row, xmax)
            tag = "derived" if row["derived"] else row["claim_id"]
            _text(ax, -0.86, y + 0.15, f"{row['figure']} {row['unit']}  [{tag}]",
                  transform=ax.get_yaxis_transform(), fontsize=9, va="center", ha="left",
                  fontweight="bold", color=DERIVED if row["derived"] else INK)
            said = textwrap.shorten(f"{row['said_by']}; {row['published']}", 70,
                                    placeholder="…")
            _text(ax, -0.86, y + 0.62, said, transform=ax.get_yaxis_transform(),
                  fontsize=7.5, va="center", ha="left", color=MUTED)
            ticks.append(y + 0.35)
            y += 2
        ax.set_ylim(y - 0.3, -0.7)
        ax.set_xlim(0, xmax)
        ax.set_yticks([])
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v)))
        ax.grid(axis="x", color="#dddddd", lw=0.6)
        ax.set_axisbelow(True)
        unit = ", ".join(sorted(set(table["unit"]))) if len(table) else ""
        ax.set_xlabel(unit, color=MUTED)
        if title:
            _text(fig, 0.03, 1 - 0.2 / height, title, fontsize=11, fontweight="bold",
                  va="top", ha="left", color=INK)
        legend = [
            Line2D([], [], marker="o", ls="", mfc=INK, mec=INK, label="figure as stated"),
            Line2D([], [], marker="o", ls="", mfc="white", mec=INK, mew=1.6,
                   label="hedged (estimated, reportedly)"),
            Line2D([], [], marker="|", ls="-", color=INK, ms=10, mew=2.2,
                   label="bound, open-ended (over / up to)"),
        ]
        if len(table) and table["derived"].any():
            legend.append(Line2D([], [], ls="--", color=DERIVED, label="derived by the analyst"))
        fig.legend(handles=legend, loc="lower left", bbox_to_anchor=(0.02, (0.02 + foot) / height),
                   ncol=len(legend), frameon=False, fontsize=7.5, handlelength=1.8)
        if credit:
            _text(fig, 0.03, 0.12 / height, "\n".join(textwrap.wrap(credit, 135)),
                  fontsize=6.8, color=MUTED, va="bottom", ha="left")
    return fig


def empty_chart(message: str, credit: str = "", *, width: float = 7.0) -> Figure:
    """A small figure that says there is nothing to draw, rather than an empty axis."""
    with mpl.rc_context(_style()):
        fig = Figure(figsize=(width, 0.9))
        _text(fig, 0.03, 0.6, message, fontsize=9.5, color=INK, va="center", ha="left")
        _text(fig, 0.03, 0.15, credit, fontsize=6.8, color=MUTED, va="bottom", ha="left")
    return fig
