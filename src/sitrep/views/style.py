"""One look for every chart, map and diagram: fonts, ink, palette, actor colours, the
matplotlib settings they share, and the one way to put text on a figure.

Text from sources is untrusted: :func:`draw_text` always turns matplotlib's maths parsing off, so a
name such as ``$x^2$`` is drawn as written and ``$\\frac{1}$`` cannot break a chart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, NamedTuple

import pandas as pd

#: Fonts a figure's text is set in, first match per glyph: Latin, Cyrillic and Arabic in DejaVu
#: Sans, Korean in Noto Sans CJK. The page around the figures (``--sitrep-font`` in
#: templates/sitrep_html/report.css) names the same families, Noto Sans first for its running
#: text; tests/views/test_style.py holds the two together.
FONT = ["DejaVu Sans", "Noto Sans", "Noto Sans CJK KR"]

#: Colours that stay apart in greyscale: reported figures dark, derived ones mid-grey.
INK = "#1b2a41"
PART = "#4f6d8f"
DERIVED = "#8a8a8a"
MUTED = "#555555"
GRID = "#dddddd"

#: Actors' colours (see :func:`actor_looks`): the parties to the conflict saturated and apart
#: in hue and lightness, third parties quieter (greyed). Every colour keeps at least 3:1
#: against white and the map's land (tests/views/test_palette.py computes it). A few countries keep
#: the colour readers know them by in every data set.
COUNTRY_COLOURS = {"RU": "#b2182b", "UA": "#1f5fbf", "KP": "#8a5a00"}
#: The other parties' colours, in the order they are given (the three above are kept for their
#: countries, so Rwanda is never drawn in Ukraine's blue).
PARTY_COLOURS = ["#1b7837", "#762a83", "#00727a", "#c2185b", "#c24e00", "#5c6b00", "#4b3f9e",
                 "#7f2704"]
THIRD_COLOURS = ["#5b6b7b", "#7a6752", "#5e7560", "#7b5f7b", "#4f6f80"]
#: The second cue beside colour: a fill pattern per actor (matplotlib hatches), distinct for
#: the first eight actors of a data set, so no two are told apart by hue alone.
PATTERNS = ["", "////", "\\\\\\\\", "xxxx", "....", "||||", "----", "++++", "oo"]
#: Kinds of actor read as parties to the conflict where the analyst leaves ``party`` empty.
PARTY_KINDS = {"state", "state_forces", "external_forces"}
#: Kinds that report rather than act: drawn as third parties whatever their side.
REPORTER_KINDS = {"news_outlet", "unnamed_sources"}
#: Kinds that speak for their country: they share their country's colour.
COUNTRY_KINDS = {"state", "state_forces", "external_forces", "officials", "intelligence",
                 "person", "campaign"}
#: The colour of marks that stand for no one actor (claims that only name a place, the
#: actors folded into "other actors").
NEUTRAL = "#6b6b6b"
OTHER_ACTORS = "__other_actors__"

#: ACLED's geo_precision in words, as every table and map says it.
PRECISION_WORDS = {1: "town", 2: "part of a region / near a town", 3: "region only"}
#: The same for a place at sea or in the sky the analyst drew (sitrep.model.geo.areas).
AT_SEA_WORDS = {1: "point", 2: "part of a sea / near a point", 3: "sea or air area"}
#: Kinds of place worded as at sea (as sitrep.model.geo.areas.KINDS, less islands).
AT_SEA_KINDS = frozenset({"sea_area", "strait", "air_zone", "drill_zone", "point"})


def precision_words(precision: int, kind: str = "") -> str:
    """How precise a place is, in words: 'town', 'part of a region / near a town', 'region
    only', or their counterparts for a place at sea."""
    words = AT_SEA_WORDS if kind in AT_SEA_KINDS else PRECISION_WORDS
    return words.get(int(precision), "place")


def rc(size: float = 7.5, **extra: Any) -> dict:
    """matplotlib settings for one figure (use with ``matplotlib.rc_context``): sitrep's
    fonts, text kept as text in SVG and PDF, and maths parsing off for every text (axis labels,
    tick labels and legends included), so ``$x^2$`` is drawn as written."""
    return {"font.family": FONT, "font.size": size, "svg.fonttype": "none",
            "pdf.fonttype": 42, **extra, **NO_MATHS}


#: Text from sources is never read as maths: matplotlib's ``$...$`` parsing is off.
NO_MATHS = {"text.parse_math": False}


def draw_text(target: Any, x: float, y: float, s: str, **kwargs: Any) -> Any:
    """Place text literally on an Axes or Figure: maths parsing is always off."""
    return target.text(x, y, s, parse_math=False, **kwargs)


class Look(NamedTuple):
    """How an actor's marks are drawn: colour, fill pattern (a matplotlib hatch) and side."""

    colour: str
    pattern: str
    party: bool


def _groups(actors: pd.DataFrame) -> dict[str, list[dict]]:
    """Actors that share a look, in the data set's order: those speaking for a country (a
    state, its forces, officials and office holders) by country, every other actor alone."""
    groups: dict[str, list[dict]] = {}
    for row in actors.to_dict("records"):
        country = str(row.get("country") or "")
        key = f"country:{country}" if country and row.get("kind") in COUNTRY_KINDS \
            else f"actor:{row['actor_id']}"
        groups.setdefault(key, []).append(row)
    return groups


def _is_party(rows: list[dict]) -> bool:
    """Whether a group is drawn as a party to the conflict: one of its actors is marked
    ``party`` (or, unmarked, is of a fighting kind); reporters (outlets, unnamed sources) are
    drawn quieter whatever their side."""
    rows = [r for r in rows if r.get("kind") not in REPORTER_KINDS]
    sides = {str(r.get("party") or "") for r in rows}
    if "party" in sides:
        return True
    if sides == {"third_party"}:
        return False
    return any(r.get("kind") in PARTY_KINDS and not r.get("party") for r in rows)


#: How much darker (mixed toward black) each further actor of one country is drawn: its hue
#: family, never its look. Darker only, so every shade keeps the contrast of its base.
SHADES = [0.0, 0.3, 0.5, 0.18, 0.4, 0.6]


def shade(colour: str, darker: float) -> str:
    """``colour`` mixed toward black by ``darker`` (0 keeps it): a shade of its hue."""
    channels = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c * (1 - darker)):02x}" for c in channels)


def actor_looks(actors: pd.DataFrame) -> dict[str, Look]:
    """A look per actor of the data set, fixed by the data set alone (never by which actors
    a view shows or in what order): the analyst's ``colour`` where given; else the colour of
    the actor's country (RU, UA, KP keep theirs everywhere) or the next free one of its side,
    parties first, in the order of actors.csv. Actors of one country share its hue: the first
    its colour, the next ones darker shades of it (:data:`SHADES`), each with a pattern of its
    own, so that no two actors ever share a look (colour and pattern); the pattern follows the
    same order."""
    groups = _groups(actors)
    given = {str(c) for c in actors.get("colour", pd.Series(dtype=str)) if c}
    party = {key: _is_party(rows) for key, rows in groups.items()}
    free = {True: [c for c in PARTY_COLOURS if c not in given],
            False: [c for c in THIRD_COLOURS if c not in given]}
    looks: dict[str, Look] = {}
    used: set[tuple[str, str]] = set()
    order = [k for k in groups if party[k]] + [k for k in groups if not party[k]]
    for rank, key in enumerate(order):
        rows = groups[key]
        own = [str(r["colour"]) for r in rows if r.get("colour")]
        country = key.removeprefix("country:") if key.startswith("country:") else ""
        if own:
            colour = own[0]
        elif party[key] and country in COUNTRY_COLOURS:
            colour = COUNTRY_COLOURS[country]
        else:
            spare = free[party[key]]
            palette = PARTY_COLOURS if party[key] else THIRD_COLOURS
            colour = spare.pop(0) if spare else palette[rank % len(palette)]
        for k, row in enumerate(rows):
            mine = str(row.get("colour") or "")
            look = _free_look(mine or shade(colour, SHADES[k % len(SHADES)]), rank + k, used)
            used.add(look)
            looks[str(row["actor_id"])] = Look(*look, party[key])
    return looks


def _free_look(colour: str, start: int, used: set[tuple[str, str]]) -> tuple[str, str]:
    """The first (colour, pattern) no actor has yet: ``colour`` with the pattern at ``start``
    or the next free one; past every pattern, a darker shade of it."""
    for darker in (0.0, *SHADES[1:]):
        tone = colour if not darker else shade(colour, darker)
        for step in range(len(PATTERNS)):
            look = (tone, PATTERNS[(start + step) % len(PATTERNS)])
            if look not in used:
                return look
    raise ValueError("more actors than sitrep can tell apart")  # 9 patterns x 6 shades each


def actor_look(looks: dict[str, Look], actor_id: str) -> Look:
    """An actor's look; the neutral one for marks of no one actor (or an unknown id)."""
    return looks.get(actor_id) or Look(NEUTRAL, "", False)


def actor_colours(actors: pd.DataFrame, ids: Sequence[str]) -> dict[str, str]:
    """The colour of each of ``ids`` (see :func:`actor_looks`)."""
    looks = actor_looks(actors)
    return {actor_id: actor_look(looks, actor_id).colour for actor_id in ids}


def claim_url(claim_id: object) -> str | None:
    """The link from a drawn mark to its claim's row in the report's claims annex
    ('#claim-C01'), or None for what is no plain claim id (a count, a derived figure's id is
    left to the caller)."""
    text = str(claim_id)
    return f"#claim-{text}" if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", text) else None


def link_claim(artist: Any, claim_id: object) -> Any:
    """Make a drawn mark (a matplotlib artist: a marker, a bar, a label) a link to its claim's
    row in the report's claims annex; :func:`sitrep.views.display.figure` adds the claim id as
    its tooltip. Returns the artist."""
    url = claim_url(claim_id)
    if url is not None:
        artist.set_url(url)
    return artist
