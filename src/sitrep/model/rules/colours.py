"""Colours an analyst may give an actor (``actors.csv``, column ``colour``): a six-digit hex
colour whose marks stay legible, i.e. at least 3:1 against the white the charts, map boxes and
diagrams draw them on (WCAG 2.2, 1.4.11 non-text contrast). The contrast is WCAG's: relative
luminance of sRGB, (L1 + 0.05) / (L2 + 0.05)."""

from __future__ import annotations

import re
from pathlib import Path

from sitrep import paths
from sitrep.model.data import rule_ids as R
from sitrep.model.data.facts import Facts
from sitrep.model.data.problems import Collector, records, row_number

#: The background every actor's mark is drawn on, and the contrast a mark needs against it.
BACKGROUND = "#ffffff"
MIN_CONTRAST = 3.0
RULE = R.COLOUR_CONTRAST
_HEX = re.compile(r"#[0-9A-Fa-f]{6}")


def relative_luminance(colour: str) -> float:
    """WCAG 2.2 relative luminance of a ``#rrggbb`` colour (0 black .. 1 white)."""
    if not _HEX.fullmatch(colour):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str = BACKGROUND) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours (1 .. 21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def check(facts: Facts, facts_dir: Path, out: Collector) -> None:
    """An actor's own colour must keep 3:1 against white (its pattern the schema checks)."""
    if "colour" not in facts.actors.columns:
        return
    shown = paths.display(facts_dir / "actors.csv")
    for index, actor in records(facts.actors):
        colour = str(actor["colour"] or "")
        if not _HEX.fullmatch(colour):
            continue  # empty, or reported by the schema's pattern
        ratio = contrast(colour)
        if ratio < MIN_CONTRAST:
            out.add(shown, row_number(index), "colour", RULE, colour,
                    f"a mark in this colour is {ratio:.1f}:1 against white; it needs at least "
                    f"{MIN_CONTRAST:g}:1 (choose a darker colour)")
