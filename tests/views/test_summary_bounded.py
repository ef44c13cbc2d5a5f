"""The summary does not grow with the corpus: every list it writes names a few and counts
the rest, whatever the size of the data set."""

from __future__ import annotations

import pandas as pd
import pytest

from sitrep.model.analysis.changes import SHORT_LINES, Changes
from sitrep.views.summary import what_changed


def _edition(new: int, conflicts: int, stale: int) -> Changes:
    ids = [f"S{i:06d}" for i in range(max(new, conflicts, stale) + 1)]
    return Changes(
        since="2030-01-01", as_of="2030-02-01",
        new_claims=pd.DataFrame({"claim_id": ids[:new]}),
        revised=pd.DataFrame(columns=["measure", "before", "now", "change"]),
        not_current=pd.DataFrame({"claim_id": ids[:stale]}),
        conflicts=pd.DataFrame({"status": ["no longer current"] * conflicts,
                                "pair": [f"{ids[0]} and {ids[i + 1]}" for i in range(conflicts)],
                                "reading": [""] * conflicts}),
        takeaways=pd.DataFrame(columns=["status", "takeaway_id", "text"]))


@pytest.mark.parametrize(("new", "conflicts", "stale", "expected"), [
    (3, 2, 1, ["3 new claims (S000000, S000001, S000002)", "S000000 and S000002",
               "1 figure no longer current (S000000)"]),
    (25_000, 6_000, 96_000, ["and 24,980 more)", "and 5,980 more pairs",
                             "96,000 figures no longer current", "and 95,980 more)"]),
])
def test_what_changed_names_a_few_and_counts_the_rest(new, conflicts, stale, expected):
    [_, paragraph] = what_changed(_edition(new, conflicts, stale))
    text = paragraph.data
    for words in expected:
        assert words in text
    assert text.count("S0") <= 3 * SHORT_LINES + 2 * SHORT_LINES  # ids named, not every one
    assert len(text) < 10_000
