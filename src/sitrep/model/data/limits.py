"""The limits of every value sitrep accepts, in one table.

What ``sitrep check`` calls clean must render in bounded time and memory: a 30,000-character
URL makes Chromium's print fail, a 1.7e308 figure cannot be drawn, a claim dated year 1 falls
off the time axis, a map cannot be projected over the whole globe. So every value is bounded
where it is read, with the limit in the message. The README's table of limits is made from
:data:`LIMITS` (``python -m sitrep.model.data.limits``; a test fails when they differ).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

#: Characters of an id (and of each item of an id list).
ID_LENGTH = 64
#: Characters of a name, label, title, unit or other short text.
NAME_LENGTH = 200
#: Characters of a URL.
URL_LENGTH = 2_000
#: Characters of a note, statement, rationale, takeaway or other free text.
TEXT_LENGTH = 2_000
#: Characters of a quote (and of a sentence's opening words).
QUOTE_LENGTH = 5_000
#: Items of a ';'-separated list (members, claimants, relays, inputs...).
LIST_ITEMS = 100
#: The largest figure (value, lower, upper): a chart draws it and sums of such figures exactly.
NUMBER_MAX = 10**15
#: The largest whole number (geonameid, sentence, credibility).
INTEGER_MAX = 2**31 - 1
#: The span of dates (YYYY-MM-DD) a claim, source or target may carry.
FIRST_DATE, LAST_DATE = "1800-01-01", "2199-12-31"
#: Kilometres of a 'near XX-YYY N km' part rule.
NEAR_KM_MAX = 1_000
#: Degrees of longitude and of latitude a map (a place, ``-p extent``) may span, and the
#: latitude it may reach: the conformal projection of the maps holds within these.
MAP_LON_SPAN, MAP_LAT_SPAN, MAP_LAT_MAX = 90.0, 60.0, 80.0
#: Steps of a parent chain (a place's parents): town, region part, region, country part...
PARENT_DEPTH = 16
#: Rows of origins.csv or sources.csv walked for cycles and roots.
GRAPH_NODES = 100_000
#: Vertices a boundary layer may hold (the shipped admin-1 layer has about 300,000), and the
#: vertices of one outline as drawn: a more detailed outline is simplified when it is read (a
#: 690,000-vertex outline drawn as is takes minutes and gigabytes to render).
LAYER_VERTICES, FEATURE_VERTICES = 1_000_000, 20_000
#: Characters of a geo layer's ``name`` property, and of any other text property.
GEO_NAME_LENGTH, GEO_PROPERTY_LENGTH = 200, 1_000
#: Bytes of a source text given to ``sitrep draft``.
DRAFT_BYTES = 2 * 1024 * 1024
#: Reports rendered side by side (``sitrep render -j``), and the shards a suite may be split
#: into (``--shard I/N``): each kernel holds a data set in memory, each shard is a machine.
JOBS_MAX, SHARDS_MAX = 256, 10_000


@dataclass(frozen=True)
class Limit:
    """One row of the README's table of limits."""

    what: str
    limit: str
    why: str


LIMITS: tuple[Limit, ...] = (
    Limit("ids (`*_id`, id list items, `origin`, `republishes`...)", f"{ID_LENGTH} characters",
          "used as file and folder names and in every table"),
    Limit("names, labels, titles, units, other short text", f"{NAME_LENGTH} characters",
          "drawn on charts and maps; the data set's title heads every report"),
    Limit("`url`", f"{URL_LENGTH:,} characters", "printed as a link; longer fails the PDF"),
    Limit("notes, statements, rationales, takeaways", f"{TEXT_LENGTH:,} characters",
          "shown in tables of the reports"),
    Limit("`quote`, `starts_with`", f"{QUOTE_LENGTH:,} characters", "shown beside the claim"),
    Limit("items of a list (`members`, `claimants`, `relays`, `inputs`...)",
          f"{LIST_ITEMS}, none twice", "each item is drawn or looked up"),
    Limit("figures (`value`, `lower`, `upper`)", f"0 to {NUMBER_MAX:.0e}",
          "charts draw them and sums stay exact"),
    Limit("whole numbers (`geonameid`, `sentence`, `credibility`)", f"up to {INTEGER_MAX:,}",
          "stored as 64-bit integers"),
    Limit("dates", f"{FIRST_DATE} to {LAST_DATE}", "the time axes of the charts"),
    Limit("`near XX-YYY N km`", f"1 to {NEAR_KM_MAX:,} km", "a strip along a border"),
    Limit("a place's drawn extent, `-p extent`",
          f"{MAP_LON_SPAN:.0f}° of longitude, {MAP_LAT_SPAN:.0f}° of latitude, within "
          f"±{MAP_LAT_MAX:.0f}°", "what the maps' conformal projection holds"),
    Limit("parent chain of a place", f"{PARENT_DEPTH} steps", "walked for every place"),
    Limit("rows walked for cycles (origins, sources, measures)", f"{GRAPH_NODES:,}",
          "each walk visits a row once"),
    Limit("vertices of a boundary layer; of one outline as used",
          f"{LAYER_VERTICES:,}; {FEATURE_VERTICES:,} (a denser outline is simplified)",
          "maps render in seconds"),
    Limit("geo layer `name` property; other text properties",
          f"{GEO_NAME_LENGTH}; {GEO_PROPERTY_LENGTH:,} characters", "drawn on maps"),
    Limit("JSON nesting (datapackage.json, geo layers)", "what the parser holds",
          "deeper is one message, never a crash"),
    Limit("source text given to `sitrep draft`", f"{DRAFT_BYTES // (1024 * 1024)} MB",
          "drafting reads every sentence"),
    Limit("`sitrep render -j N`; `--shard I/N`", f"1 to {JOBS_MAX}; N up to {SHARDS_MAX:,}, "
          "digits 0-9", "read on the text before it is converted: a 5,000-digit number is "
          "one message"),
)

_ID_FIELDS = frozenset({"origin", "republishes", "first_source", "from_actor", "to_actor",
                        "via", "claimants", "relays", "actors", "places", "claims", "inputs",
                        "draws_on", "members"})
_TEXT_FIELDS = frozenset({"statement", "text", "note", "assumption", "condition",
                          "published_note", "part_basis"})
_QUOTE_FIELDS = frozenset({"quote", "starts_with"})


def length_of(field: str) -> int:
    """The most characters a cell (or a list item) of ``field`` may hold."""
    if field.endswith("_id") or field in _ID_FIELDS:
        return ID_LENGTH
    if field == "url":
        return URL_LENGTH
    if field in _QUOTE_FIELDS:
        return QUOTE_LENGTH
    if field in _TEXT_FIELDS or field.endswith("_rationale"):
        return TEXT_LENGTH
    return NAME_LENGTH


def too_long(field: str) -> str:
    """The message for a cell past its length."""
    return f"must be at most {length_of(field):,} characters long (the limit of {field})"


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def title_problem(title: str) -> str:
    """Why a data set's title would be refused by ``sitrep check``; empty when it is fine."""
    if not title:
        return "must not be empty: it heads every report of the data set"
    if _CONTROL.search(title):
        return "must hold no control or bidirectional character"
    if len(title) > NAME_LENGTH:
        return f"must be at most {NAME_LENGTH} characters long (it is {len(title):,})"
    return ""


def load_json(text: str | bytes) -> object:
    """``json.loads``, with nesting too deep for the parser (a few thousand ``[``) refused as
    a ValueError like any other malformed JSON, never a RecursionError."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("it is nested too deeply to be read") from None


def whole_option(text: str, option: str, low: int, high: int) -> int:
    """A whole-number option of the command line, from ``low`` to ``high``: the text is read
    first (the digits 0-9, no more of them than ``high`` has), so a 5,000-digit number never
    reaches ``int()`` (which refuses past 4,300 digits) and a fullwidth '８' is no 8.

    Raises:
        ValueError: one line naming the option, its bounds and (an excerpt of) the text."""
    plain = text.strip()
    if re.fullmatch(f"[0-9]{{1,{len(str(high))}}}", plain) and low <= int(plain) <= high:
        return int(plain)
    shown = plain if len(plain) <= 20 else plain[:19] + "…"
    raise ValueError(f"{option} takes a whole number from {low} to {high:,}, written in the "
                     f"digits 0-9 (got {shown!r}" + (f", {len(plain):,} characters" if
                                                      len(plain) > 20 else "") + ")")


def extent_problem(lon0: float, lat0: float, lon1: float, lat1: float) -> str:
    """Why a map extent cannot be projected; empty when it can."""
    if lon1 - lon0 > MAP_LON_SPAN or lat1 - lat0 > MAP_LAT_SPAN:
        return (f"spans {lon1 - lon0:.0f}° of longitude and {lat1 - lat0:.0f}° of latitude: a "
                f"map spans at most {MAP_LON_SPAN:.0f}° and {MAP_LAT_SPAN:.0f}°")
    if max(abs(lat0), abs(lat1)) > MAP_LAT_MAX:
        return f"reaches latitude {max(abs(lat0), abs(lat1)):.0f}°: a map stays within " \
               f"±{MAP_LAT_MAX:.0f}°"
    return ""


def markdown() -> str:
    """The README's table of limits."""
    rows = ["| Value | Limit | Why |", "|---|---|---|"]
    rows += [f"| {limit.what} | {limit.limit} | {limit.why} |" for limit in LIMITS]
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
