"""Takeaway checks that read English, measured on a corpus of takeaway-style sentences written
from real reporting (tests/data/takeaways/corpus.csv: half must pass, half must fail), and the
failures the issue names, each a test."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sitrep.model.data import wording
from sitrep.model.rules import takeaways

CORPUS = Path(__file__).parents[2] / "data" / "takeaways" / "corpus.csv"
#: The counts the README reports; a change that makes the checks read worse fails.
FALSE_POSITIVES, FALSE_NEGATIVES = 0, 1


def _numbers(cell: str) -> list[tuple[float, str]]:
    return [(float(v), q) for v, q in (part.split() for part in cell.split(";") if part)]


def corpus_slips() -> list[tuple[dict, list[takeaways.Slip]]]:
    with CORPUS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [(row, takeaways.slips(row["takeaway"], {"C": tuple(filter(None, row["hedges"]
                                                                       .split(";")))},
                                  _numbers(row["figures"]), [])) for row in rows]


def test_corpus_has_real_sources_and_balance():
    rows = [row for row, _ in corpus_slips()]
    assert len(rows) >= 60
    assert sum(r["expected"] == "pass" for r in rows) == sum(r["expected"] == "fail"
                                                             for r in rows)
    assert all(r["url"].startswith("http") and r["outlet"] for r in rows)


def test_corpus_false_positives_and_negatives():
    results = corpus_slips()
    false_pos = [(r["id"], [s.message for s in found]) for r, found in results
                 if r["expected"] == "pass" and found]
    false_neg = [r["id"] for r, found in results if r["expected"] == "fail" and not found]
    assert (len(false_pos), len(false_neg)) == (FALSE_POSITIVES, FALSE_NEGATIVES), (
        false_pos, false_neg)


@pytest.mark.parametrize("text", ["F-16", "S-400", "Su-34s", "Zapad-2021", "MiG-29",
                                  "Strait Thunder-2025A", "Type 055", "Hsun Hu No. 8",
                                  "Resolution 2722", "ships 3105 and 3103", "052D", "KJ-500",
                                  "5 a.m.", "16:30", "0745 hours", "UTC+8", "23-24 May"])
def test_designation_is_not_a_figure(text):
    assert wording.figures(f"They flew {text} over the strait.") == []


@pytest.mark.parametrize(("text", "qualifier", "kept"), [
    ("The buildup could reach 150,000 troops.", "potential", True),
    ("The buildup may reach 150,000 troops.", "potential", True),
    ("The buildup reached 150,000 troops.", "potential", False),
    ("Kyiv could fall within 48 hours.", "up_to", True),
    ("Kyiv could fall after 48 hours.", "up_to", False),
    ("They sent as many as 150,000 troops.", "up_to", True),
    ("They sent 150,000 troops or more.", "at_least", True),
])
def test_could_reach_keeps_potential(text, qualifier, kept):
    value = next(f.values[0] for f in wording.figures(text))
    found = takeaways.slips(text, {}, [(value, qualifier)], [])
    assert (not found) is kept, found


@pytest.mark.parametrize(("text", "kept"), [
    ("Reports agree on about 10,000 to 11,000: officials estimate 10,000.", True),
    ("Reports agree on about 10,000 to 11,000: officials count 10,000.", False),
])
def test_second_mention_keeps_qualifier(text, kept):
    found = takeaways.slips(text, {}, [(10000.0, "estimated"), (11000.0, "range")], [])
    assert (not found) is kept, found
