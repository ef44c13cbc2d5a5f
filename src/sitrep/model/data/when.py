"""Time: dates at their precision, the time a claim refers to, and the ``as_of`` cut.

A date is stored as the earliest day it can mean, with a precision (day, week, month, year, as
ACLED's time_precision); :func:`period_end` gives the latest. A claim refers to a point (its
``refers_to`` read at its ``time_precision``) or a period (``refers_to`` to ``refers_to_end``,
each at its own precision); :func:`reference_window` gives the earliest and latest day either
can mean, which is what figures are compared on.

The cut (:func:`cut`): a source is *certainly* published by a day when the latest day its date
can mean is on or before it, and *possibly* when only the earliest is. By default only the
certain ones are kept; the record of the cut (:class:`Cut`) says what was left out and why,
takeaways included, so that a report can say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def period_end(day: pd.Timestamp, precision: str) -> pd.Timestamp:
    """The last day a date of this precision can mean ('2024-11-10', month -> 2024-11-30)."""
    if pd.isna(day):
        return day
    if precision == "week":
        return day + pd.Timedelta(days=6)
    if precision == "month":
        return day + pd.offsets.MonthEnd(0)
    if precision == "year":
        return day + pd.offsets.YearEnd(0)
    return day


def date_label(day: pd.Timestamp, precision: str, basis: str = "stated") -> str:
    """A date as precise as it is known: '10 Nov 2024', 'week of 10 Nov 2024', 'Nov 2024'."""
    if pd.isna(day):
        return "date unknown"
    month = MONTHS[day.month - 1]
    text = {
        "day": f"{day.day} {month} {day.year}",
        "week": f"week of {day.day} {month} {day.year}",
        "month": f"{month} {day.year}",
        "year": f"{day.year}",
    }[precision]
    return f"{text} (inferred)" if basis == "inferred" else text


def reference_window(start: pd.Timestamp, precision: str, end: object = None,
                     end_precision: str = "") -> tuple[pd.Timestamp, pd.Timestamp]:
    """The earliest and latest day a claim's reference point or period can mean."""
    if end is not None and pd.notna(end):
        return start, period_end(pd.Timestamp(end), end_precision or "day")
    return start, period_end(start, precision)


def reference_label(start: pd.Timestamp, precision: str, end: object = None,
                    end_precision: str = "") -> str:
    """'4 Nov 2024', 'Nov 2024', or a period 'Aug 2024 to Oct 2024'."""
    first = date_label(start, precision)
    if end is not None and pd.notna(end):
        return f"{first} to {date_label(pd.Timestamp(end), end_precision or 'day')}"
    return first


#: A time of day as the schema writes it: HH:MM on a 24-hour clock.
CLOCK = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


def clock(day: pd.Timestamp, time: object) -> pd.Timestamp:
    """A day at a time of day written HH:MM ('', missing or malformed: the day's start)."""
    if isinstance(time, str) and CLOCK.fullmatch(time):
        return day + pd.Timedelta(hours=int(time[:2]), minutes=int(time[3:]))
    return day


def precise_window(start: pd.Timestamp, precision: str, end: object = None,
                   end_precision: str = "", start_time: str = "", end_time: str = ""
                   ) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The half-open window [from, to) a claim refers to, to the minute where it gives a time of
    day: a whole day is [its 00:00, the next day's 00:00), a moment (a time, no end) one
    minute. Windows overlap when each starts before the other ends, which for claims without
    a time of day is exactly when their days overlap."""
    first = clock(start, start_time)
    if end is not None and pd.notna(end):
        stop = pd.Timestamp(end)
        last = (clock(stop, end_time) if end_time
                else period_end(stop, end_precision or "day") + pd.Timedelta(days=1))
        return first, max(last, first + pd.Timedelta(minutes=1))
    if start_time:
        return first, first + pd.Timedelta(minutes=1)
    return first, period_end(start, precision) + pd.Timedelta(days=1)


def reference_text(start: pd.Timestamp, precision: str, end: object = None,
                   end_precision: str = "", start_time: str = "", end_time: str = "") -> str:
    """Like :func:`reference_label`, with the times of day where the claim gives them:
    '23 May 2024, 06:00 to 16:30', '23 May 2024, 06:00 to 24 May 2024, 06:00'."""
    if not start_time and not end_time:
        return reference_label(start, precision, end, end_precision)
    first = date_label(start, precision) + (f", {start_time}" if start_time else "")
    if end is None or pd.isna(end):
        return first
    stop = pd.Timestamp(end)
    if stop == start and end_time:
        return f"{first} to {end_time}"
    return f"{first} to {date_label(stop, end_precision or 'day')}" + (
        f", {end_time}" if end_time else "")


def windows(claims: pd.DataFrame) -> pd.DataFrame:
    """Per claim: ``ref_start``, ``ref_end`` (earliest and latest day), ``ref_from``, ``ref_to``
    (the half-open window to the minute, :func:`precise_window`), ``reference`` (words) and
    ``window_stated``: whether the claim states its window (a period, a time of day or one
    day) rather than a point dated only to a week, month or year."""
    def column(name: str, default: object) -> pd.Series:
        return claims.get(name, pd.Series(default, index=claims.index))

    end, end_precision = column("refers_to_end", pd.NaT), column("end_precision", "")
    start_time, end_time = column("refers_to_time", ""), column("end_time", "")
    rows = [(*reference_window(s, p, e, ep), *precise_window(s, p, e, ep, st, et),
             reference_text(s, p, e, ep, st, et))
            for s, p, e, ep, st, et in zip(claims["refers_to"], claims["time_precision"], end,
                                           end_precision, start_time, end_time, strict=True)]
    stated = [(pd.notna(e) or p == "day" or bool(st))
              for p, e, st in zip(claims["time_precision"], end, start_time, strict=True)]
    return pd.DataFrame(rows, columns=["ref_start", "ref_end", "ref_from", "ref_to",
                                       "reference"],
                        index=claims.index).assign(claim_id=claims["claim_id"],
                                                   window_stated=stated)


@dataclass
class Cut:
    """What an ``as_of`` cut kept and left out, for the report to state."""

    as_of: pd.Timestamp
    include_possible: bool
    #: Sources left out: source_id, published (words), reason.
    sources_left_out: pd.DataFrame
    #: Sources kept although they may have been published after the cut.
    sources_possible: pd.DataFrame
    claims_left_out: int = 0
    #: Claims of kept sources that refer to a time after the cut.
    claims_later: list[str] = field(default_factory=list)
    #: Takeaways left out: (takeaway_id, text, the claims cut).
    takeaways_left_out: list[tuple[str, str, str]] = field(default_factory=list)
    #: The analyst's bottom line, when the cut leaves it out: (text, the claims cut).
    bottom_line_left_out: tuple[str, str] | None = None

    def summary(self) -> str:
        """One sentence: what the cut left out ('' when nothing)."""
        parts = []
        reasons = self.sources_left_out["reason"]
        possible = int(reasons.str.startswith("possibly").sum())
        after = len(reasons) - possible
        if after:
            parts.append(f"{after} source{'s' if after != 1 else ''} published after it")
        if possible:
            parts.append(f"{possible} source{'s' if possible != 1 else ''} that may have been "
                         "published after it (dated only to a week, month or year)")
        if self.claims_left_out:
            parts.append(f"{self.claims_left_out} claim{'s' if self.claims_left_out != 1 else ''}")
        if self.takeaways_left_out:
            k = len(self.takeaways_left_out)
            parts.append(f"{k} key takeaway{'s' if k != 1 else ''}")
        if self.bottom_line_left_out:
            parts.append("the bottom line")
        listed = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)
        text = f"The cut-off leaves out {listed}." if parts else ""
        if len(self.sources_possible):
            m = len(self.sources_possible)
            text += (f" {m} source{'s' if m != 1 else ''} kept although possibly published "
                     "after it (dated only to a week, month or year).")
        return text.strip()


def source_dates(sources: pd.DataFrame) -> pd.DataFrame:
    """Per source: the earliest and latest day its publication date can mean."""
    latest = [period_end(d, p) for d, p in
              zip(sources["published"], sources["published_precision"], strict=True)]
    return pd.DataFrame({"source_id": sources["source_id"], "earliest": sources["published"],
                         "latest": latest}, index=sources.index)


def kept_sources(sources: pd.DataFrame, cut: pd.Timestamp, include_possible: bool
                 ) -> tuple[pd.Series, pd.Series]:
    """(kept, possibly): masks of the sources kept by the cut, and of those only possibly
    published by then."""
    dates = source_dates(sources)
    certain = pd.to_datetime(dates["latest"]) <= cut
    possible = (pd.to_datetime(dates["earliest"]) <= cut) & ~certain
    kept = certain | possible if include_possible else certain
    return kept, possible


def describe_sources(sources: pd.DataFrame, reason: pd.Series) -> pd.DataFrame:
    """Sources with their date in words and a reason, for the cut record."""
    return pd.DataFrame({
        "source_id": sources["source_id"],
        "published": [date_label(d, p, b) for d, p, b in
                      zip(sources["published"], sources["published_precision"],
                          sources["published_basis"], strict=True)],
        "reason": reason}).reset_index(drop=True)
