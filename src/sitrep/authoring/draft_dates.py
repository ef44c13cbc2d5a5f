"""The time a drafted claim refers to, read from its sentence when the sentence gives one.

"On 23 May", "May 23, 2024", "23-24 May" (the first day; the period's end is proposed too),
"on Thursday", "yesterday", "today": read against the source's publication date. The year of
a day without a year is the one that puts it closest to the publication ("23 May" in an April
announcement is the coming May, "December" in January the last one); a weekday is the latest
such day on or before it. A sentence with no date refers to the publication date, as before.
Every pattern is linear (bounded repetition, no nesting).
"""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december"
    .split(), start=1)}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_MONTH = "|".join(sorted((m.title() for m in _MONTHS), key=len, reverse=True))
_DAY = r"(?P<{name}>[0-3]?\d)(?:st|nd|rd|th)?"
_DAY_FIRST = re.compile(
    rf"\b{_DAY.format(name='day')}(?:[ \t]{{0,2}}(?:-|–|to|and)[ \t]{{0,2}}"
    rf"{_DAY.format(name='end')})?[ \t]{{1,3}}(?:of[ \t]{{1,3}})?(?P<month>{_MONTH})\b\.?"
    r"(?:,?[ \t]{1,3}(?P<year>(?:19|20)\d\d)\b)?")
_MONTH_FIRST = re.compile(
    rf"\b(?P<month>{_MONTH})\.?[ \t]{{1,3}}{_DAY.format(name='day')}"
    rf"(?:[ \t]{{0,2}}(?:-|–|to|and)[ \t]{{0,2}}{_DAY.format(name='end')})?\b"
    r"(?:,?[ \t]{1,3}(?P<year>(?:19|20)\d\d)\b)?")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RELATIVE = re.compile(r"\b(?:on[ \t]{1,3})?(?P<word>yesterday|today|tonight|" +
                       "|".join(_WEEKDAYS) + r")\b", re.IGNORECASE)


def _day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def reference(sentence: str, published: str) -> tuple[str, str, str] | None:
    """(first day, last day or "", the words it rests on) of the time the sentence names;
    None when it names none or the publication date is not known."""
    try:
        pub = dt.date.fromisoformat(published)
    except ValueError:
        return None
    for pattern in (_DAY_FIRST, _MONTH_FIRST):
        match = pattern.search(sentence)
        if match is None:
            continue
        month = _MONTHS[match["month"].lower().rstrip(".")]
        year = int(match["year"]) if match["year"] else pub.year
        first = _day(year, month, int(match["day"]))
        if first is None:
            continue
        if not match["year"]:  # the year that puts the day closest to the publication
            nearby = [d for d in (_day(year + k, month, int(match["day"])) for k in (-1, 0, 1))
                      if d is not None]
            first = min(nearby, key=lambda d: abs((d - pub).days))
        last = _day(first.year, month, int(match["end"])) if match["end"] else None
        return (first.isoformat(), last.isoformat() if last and last > first else "",
                match.group())
    match = _RELATIVE.search(sentence)
    if match is None:
        return None
    word = match["word"].lower()
    if word in ("today", "tonight"):
        day = pub
    elif word == "yesterday":
        day = pub - dt.timedelta(days=1)
    else:
        day = pub - dt.timedelta(days=(pub.weekday() - _WEEKDAYS.index(word)) % 7)
    return day.isoformat(), "", match.group()
