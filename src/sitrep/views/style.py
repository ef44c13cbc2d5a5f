"""One look for every chart, map and diagram: fonts, ink, palette, actor colours, the
matplotlib settings they share, and the one way to put text on a figure.

Text from sources is untrusted: :func:`draw_text` always turns matplotlib's maths parsing off, so a
name such as ``$x^2$`` is drawn as written and ``$\\frac{1}$`` cannot break a chart.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

#: Fonts a figure's text is set in, first match per glyph: Latin, Cyrillic and Arabic in DejaVu
#: Sans, Korean in Noto Sans CJK. The page around the figures (``--sitrep-font`` in
#: templates/sitrep_html/report.css) names the same families, Noto Sans first for its running
#: text; tests/test_style.py holds the two together.
FONT = ["DejaVu Sans", "Noto Sans", "Noto Sans CJK KR"]

#: Colours that stay apart in greyscale: reported figures dark, derived ones mid-grey.
INK = "#1b2a41"
PART = "#4f6d8f"
DERIVED = "#8a8a8a"
MUTED = "#555555"
GRID = "#dddddd"

#: Actors are coloured by their country where known, else from a fixed list.
COUNTRY_COLOURS = {"RU": "#8c1d18", "KP": "#f0a202", "UA": "#3f7fd0"}
OTHER_COLOURS = ["#4a4a4a", "#7b52ab", "#1b8a5a", "#b35806"]
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


def actor_colours(actors: pd.DataFrame, ids: Sequence[str]) -> dict[str, str]:
    """A colour per actor id: by the actor's country where known, else from a fixed list."""
    country = actors.set_index("actor_id")["country"]
    colours, spare = {}, itertools.cycle(OTHER_COLOURS)
    for actor_id in ids:
        if actor_id == OTHER_ACTORS:
            colours[actor_id] = NEUTRAL
            continue
        code = str(country.get(actor_id, ""))
        colours[actor_id] = COUNTRY_COLOURS.get(code) or next(spare)
    return colours


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
