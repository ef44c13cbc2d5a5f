"""A takeaway keeps measures apart: the rule ``takeaway-keeps-measures-apart``.

Figures line up only within one measure (``measures.csv``). A takeaway may cite claims of
several measures and state each measure's figure ("50,000 troops, North Korean soldiers among
them, estimated at over 10,000": each number is the figure of its own claim). It may not merge
them. Three slips are read, each conservatively (no sound wording makes them):

- **combined**: a number that is no figure of a cited claim but the sum or the difference of
  figures of two cited claims of different measures ("60,000" from the 50,000 troops massed
  and the 10,000 North Korean soldiers). Reported instead of ``takeaway-figure``.
- **one figure for two measures**: a number that is the figure of cited claims of two or more
  measures, written fewer times than there are such measures ("50,000 troops massed to retake
  Kursk and held down there", when the 50,000 massed and the 50,000 held down are two
  measures). Written once for each measure, it passes.
- **another measure's unit**: the word just after a number is the unit of a cited quantity
  ("people") that no cited quantity with that number has ("50,000 people", when the 50,000
  counts troops and only the losses are counted in people).

A measure's other words (its label) are not read: labels are written for readers, not as a
vocabulary, and "50,000 Russian troops" would read as the North Korean measure, labelled
"North Korean troops with Russian forces".
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from sitrep.model.data import rule_ids as R
from sitrep.model.data.wording import Figure, same_value, word_form

RULE = R.TAKEAWAY_KEEPS_MEASURES_APART
COMBINED = "a takeaway never adds up or subtracts figures of different measures: state each " \
           "figure with its own claim"
ONE_FOR_TWO = "a takeaway states each measure's figure on its own, once for each measure, so " \
              "that no reader takes the two for one"
OTHER_UNIT = "a figure keeps the unit of its own measure"


@dataclass(frozen=True)
class Cited:
    """A number a cited claim gives (its value or a bound), with its measure and unit."""

    value: float
    claim_id: str
    measure_id: str
    unit: str

    def label(self) -> str:
        return f"{self.value:,.10g} ({self.claim_id}, {self.measure_id})"


def cited_figures(quantities: pd.DataFrame, claim_ids: Iterable[str]) -> list[Cited]:
    """Every number the quantities of ``claim_ids`` give, each once."""
    chosen = quantities[quantities["claim_id"].isin(list(claim_ids))]
    found = (Cited(float(v), str(q.claim_id), str(q.measure_id),
                   str(q.unit) if pd.notna(q.unit) else "")
             for q in chosen.itertuples(index=False) for v in (q.value, q.lower, q.upper)
             if pd.notna(v))
    return list(dict.fromkeys(found))


def _gives(cited: Cited, figure: Figure) -> bool:
    return any(same_value(cited.value, x) for x in figure.values)


def combination(figure: Figure, cited: list[Cited]) -> str | None:
    """'60,000 is 50,000 (C01, m1) + 10,000 (C09, m2): ...' when the number (no figure of a
    cited claim) is the sum or difference of figures of two different measures."""
    for a, b in itertools.combinations(cited, 2):
        if a.measure_id == b.measure_id:
            continue
        high, low = (a, b) if a.value >= b.value else (b, a)
        for sign, result in (("+", high.value + low.value), ("-", high.value - low.value)):
            if result and any(same_value(x, result) for x in figure.values):
                return f"{figure.text} is {high.label()} {sign} {low.label()}: {COMBINED}"
    return None


def merged(text: str, figure: Figure, in_text: list[Figure], cited: list[Cited]) -> str | None:
    """The message when ``figure`` (a figure of a cited claim) is written once for two
    measures, or with another measure's unit; None when it keeps its measure apart."""
    own = [c for c in cited if _gives(c, figure)]
    measures = list(dict.fromkeys(c.measure_id for c in own))
    written = sum(1 for f in in_text if any(_gives(c, f) for c in own))
    if len(measures) > 1 and written < len(measures):
        claims = {m: ", ".join(dict.fromkeys(c.claim_id for c in own if c.measure_id == m))
                  for m in measures}
        per = "; ".join(f"{m}: {ids}" for m, ids in claims.items())
        times = "once" if written == 1 else f"{written} times"
        return (f"{figure.text} is the figure of {len(measures)} measures ({per}) and is "
                f"written {times}: {ONE_FOR_TWO}")
    after = re.match(r"\s+([^\W\d_]+)", text[figure.end:])
    if after is None or not own:
        return None
    word = word_form(after.group(1))
    other = next((c for c in cited if c.unit and word_form(c.unit) == word), None)
    if other is None or any(word_form(c.unit) == word for c in own):
        return None
    return (f"{figure.text} {after.group(1)}: {figure.text} is the figure of {own[0].label()}, "
            f"counted in {own[0].unit}, but is written with the unit of {other.measure_id} "
            f"({other.unit}, {other.claim_id}): {OTHER_UNIT}")
