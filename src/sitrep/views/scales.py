"""Scales written for their unit, and the figure that says there is nothing to draw."""

from __future__ import annotations

from collections.abc import Callable

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from sitrep.model.analysis.quantity import number
from sitrep.views.style import INK, draw_text, rc

PERCENT_UNITS = {"%", "percent", "per cent", "percentage", "percentage points"}
HOUR_UNITS = {"hours", "hour", "h"}
MONEY_UNITS = {"usd": "US$", "us$": "US$", "$": "$", "eur": "€", "euro": "€", "euros": "€",
               "gbp": "£"}


def unit_formatter(unit: str) -> Callable[[float, object], str]:
    """Tick labels written for the unit: '50%', '12 h', 'US$ 2.5 bn', '7.3 million',
    '150,000'."""
    key = unit.strip().lower()

    def fmt(value: float, _pos: object = None) -> str:
        if key in PERCENT_UNITS:
            return f"{number(value)}%"
        if key in HOUR_UNITS:
            return f"{number(value)} h"
        if key in MONEY_UNITS:
            for size, word in ((1e9, "bn"), (1e6, "m")):
                if abs(value) >= size:
                    return f"{MONEY_UNITS[key]} {number(round(value / size, 2))} {word}"
            return f"{MONEY_UNITS[key]} {number(value)}"
        if abs(value) >= 1e6:
            return f"{number(round(value / 1e6, 2))} million"
        return number(value)
    return fmt


def whole_numbers(values) -> bool:
    """Whether every number drawn is whole (a count: troops, aircraft, days)."""
    import numpy as np

    numbers = np.asarray(values, dtype=float).ravel()
    numbers = numbers[np.isfinite(numbers)]
    return bool(len(numbers)) and bool(np.all(numbers == np.round(numbers)))


def by_unit(axis, unit: str, *, whole: bool = False) -> None:
    """At most four ticks, written for the unit, so tick labels never run into each other;
    with ``whole`` (a count whose figures are whole numbers, not a percentage or money) ticks
    fall on whole numbers only: no 0.25 aircraft."""
    key = unit.strip().lower()
    integer = whole and key not in PERCENT_UNITS and key not in MONEY_UNITS
    axis.set_major_locator(MaxNLocator(nbins=4, min_n_ticks=2, integer=integer))
    axis.set_major_formatter(FuncFormatter(unit_formatter(unit)))


def empty_chart(message: str, *, width: float = 7.0) -> Figure:
    """A small figure that says there is nothing to draw, rather than an empty axis."""
    with mpl.rc_context(rc(8.5)):
        fig = Figure(figsize=(width, 0.6))
        draw_text(fig, 0.03, 0.5, message, fontsize=9.5, color=INK, va="center", ha="left")
    return fig
