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


def windows(claims: pd.DataFrame) -> pd.DataFrame:
    """Per claim: ``ref_start``, ``ref_end`` (earliest and latest day) and ``reference`` (words)."""
    end = claims.get("refers_to_end", pd.Series(pd.NaT, index=claims.index))
    end_precision = claims.get("end_precision", pd.Series("", index=claims.index))
    rows = [(*reference_window(s, p, e, ep), reference_label(s, p, e, ep))
            for s, p, e, ep in zip(claims["refers_to"], claims["time_precision"], end,
                                   end_precision, strict=True)]
    return pd.DataFrame(rows, columns=["ref_start", "ref_end", "reference"],
                        index=claims.index).assign(claim_id=claims["claim_id"])


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
