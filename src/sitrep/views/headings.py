"""The headings a reader sees over the columns of the model's tidy tables, in one place.

The model returns tidy frames whose columns are snake_case names from the domain
(``claim_id``, ``refers_to``, ``conservative_figure``); a table is given its headings only when
it is shown (:func:`sitrep.views.display.table` calls :func:`shown`), so an analyst in
JupyterLab reads and filters the model's frames by those names and the page reads 'Claim',
'Refers to', 'Conservative figure'.
"""

from __future__ import annotations

import re

import pandas as pd

#: A tidy column name: lower case, digits and underscores, starting with a letter.
TIDY = re.compile(r"[a-z][a-z0-9_]*")

#: Column name -> the heading shown over it, for the model's tables and the views' layouts of
#: them (the reconciliation and corroboration tables).
HEADINGS: dict[str, str] = {
    # the claim and what it says
    "claim_id": "Claim",
    "statement": "Statement",
    "said_by": "Said by",
    "claimant": "Claimant",
    "claimant_side": "Claimant's side",
    "relayed_by": "Relayed by",
    "published": "Published",
    "wording": "Wording",
    # the measure and its figures
    "measure_id": "Measure id",
    "measure": "Measure",
    "episode": "Episode",
    "episode_name": "Episode name",
    "figure": "Figure",
    "figures": "Figures",
    "interval": "Interval",
    "refers_to": "Refers to",
    "counts": "Counts",
    "part_of": "Part of",
    "part_basis": "Read so because",
    # derived figures
    "derived_id": "Derived",
    "method": "Method",
    "assumption": "Assumes",
    # grades and corroboration
    "grade": "Grade",
    "source_reliability": "Source reliability",
    "information_credibility": "Information credibility",
    "origin": "Origin",
    "independent_origins": "Independent origins",
    "agreeing_origins": "Agreeing origins",
    "contradicting_origins": "Contradicting origins",
    "proposed_credibility": "Proposed credibility",
    "analyst_credibility": "Analyst's credibility",
    "credibility": "Credibility",
    "reason": "Why",
    "alone": "No other origin",
    # reconciliation
    "first": "First",
    "second": "Second",
    "verdict": "Verdict",
    "reading": "Reading",
    "spread": "Spread",
    "firm_range": "Range the firm figures allow",
    "range": "Range",
    "conservative_figure": "Conservative figure",
    "change": "Change",
    "flags": "Flags",
    "change_and_flags": "Change and flags",
    # what changed between editions
    "before": "Before",
    "now": "Now",
    "superseded_by": "Superseded by",
    "status": "Status",
    "pair": "Pair",
    "takeaway_id": "Takeaway",
    "text": "Text",
}


def tidy(frame: pd.DataFrame) -> bool:
    """Whether every column of ``frame`` has a tidy name: a model table, not yet laid out for a
    page (a laid-out table has headings, and may have a heading from data, an actor's name)."""
    return all(isinstance(c, str) and TIDY.fullmatch(c) for c in frame.columns)


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` under its headings when it is tidy (a name without a heading stays as it is);
    a laid-out table is returned unchanged. What the table says about itself (``attrs``: what
    an empty one says is empty) is kept."""
    if not tidy(frame):
        return frame
    named = frame.rename(columns=HEADINGS)
    named.attrs = dict(frame.attrs)
    return named
