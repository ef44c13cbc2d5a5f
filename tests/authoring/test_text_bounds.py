"""Text processing is bounded: every pattern that reads source or analyst text runs in linear
time on adversarial runs of 100 KB (each within a second of CPU), sentence splitting and
drafting are linear, and drafting has a size limit with a clear message.

Fixtures are named after the failure they caused: a quotation followed by a run of initials
made the draft backtrack for minutes (issue 22); a one-line text of "Mr. A Mr. A ..." took
114 s to split into sentences (issue 23)."""

from __future__ import annotations

import re
import time

import pytest

from sitrep.authoring import draft, draft_dates, draft_places
from sitrep.cli import main
from sitrep.model.data import sources, wording
from sitrep.model.geo import place
from sitrep.model.rules import takeaways

SIZE = 100_000
#: Each a run that made (or could make) a backtracking pattern quadratic or exponential.
ADVERSARIAL = {
    "quote_then_initials_backtracks": '" ' + "A." * (SIZE // 2) + " x",
    "curly_quote_initials": "“A." * (SIZE // 3) + " said",
    "abbreviations_split_quadratically": "Mr. A " * (SIZE // 6),
    "space_run_after_a_comma": ", " + " " * SIZE + "said",
    "quote_run": '"' * SIZE,
    "digit_run": "1" * SIZE,
    "digits_with_spaces": "1 " * (SIZE // 2),
    "thousands_separators_run": "1," * (SIZE // 2) + "1111",
    "hyphenated_designations": "A-1" * (SIZE // 3),
    "dash_digits": "1-" * (SIZE // 2),
    "punctuation_run": ".,;:!?-–—()[]" * (SIZE // 13),
    "full_stops": "." * SIZE,
    "capitalised_words": "Ab " * (SIZE // 3),
    "reporting_verbs": "officials said " * (SIZE // 15),
    "commas_and_words": ", a" * (SIZE // 3),
    "dates_and_clock_times": "23-24 May 5 a.m. 16:30 " * (SIZE // 23),
    "locatives_and_sides": "in eastern " * (SIZE // 11),
}
MODULES = (wording, sources, draft, draft_places, draft_dates)
PATTERNS = [(f"{m.__name__.rsplit('.', 1)[-1]}.{name}", pattern) for m in MODULES
            for name, pattern in vars(m).items() if isinstance(pattern, re.Pattern)]
#: Seconds of CPU a pattern may take on 100 KB; a reading, which builds a row for each figure
#: (50,000 of them in a run of "1 1 1 ..."), twice that: both measured at about 0.1 and 0.8 s.
LIMIT = 1.0
READING_LIMIT = 2.0


def _cpu(call) -> float:
    started = time.process_time()
    call()
    return time.process_time() - started


def test_every_pattern_is_covered():
    names = {name for name, _ in PATTERNS}
    assert {"wording._DESIGNATION", "sources._BOUNDARY", "draft._SPEAKER_FIRST",
            "draft._CITED", "draft_places._WORD", "draft_dates._DAY_FIRST"} <= names


@pytest.mark.parametrize("payload", ADVERSARIAL)
@pytest.mark.parametrize(("name", "pattern"), PATTERNS, ids=[n for n, _ in PATTERNS])
def test_pattern_is_linear_on_adversarial_runs(name, pattern, payload):
    text = ADVERSARIAL[payload]
    seconds = _cpu(lambda: (list(pattern.finditer(text)), pattern.search(text),
                            pattern.match(text)))
    assert seconds < LIMIT, f"{name} took {seconds:.2f} s on {payload}"


@pytest.fixture(scope="module")
def layers():
    return place.read_layers()


READINGS = {
    "split_sentences": sources.split_sentences,
    "figures": wording.figures,
    "takeaway_slips": lambda t: takeaways.slips(t, {"C": ("estimated",)},
                                                [(1.0, "about"), (1111.0, "over")], []),
    "quantities": draft.quantities,
    "hedges": draft.hedges,
    "attribution": draft.attribution,
    "reference_date": lambda t: draft_dates.reference(t, "2024-05-24"),
}


@pytest.mark.parametrize("payload", ADVERSARIAL)
@pytest.mark.parametrize("reading", [*READINGS, "places"])
def test_reading_is_bounded_on_adversarial_runs(reading, payload, layers):
    text = ADVERSARIAL[payload]
    read = READINGS.get(reading) or (lambda t: draft.places(t, layers))
    seconds = _cpu(lambda: read(text))
    assert seconds < READING_LIMIT, f"{reading} took {seconds:.2f} s on {payload}"


def test_abbreviations_split_quadratically_at_four_megabytes():
    """The 4.2 MB one-line text of issue 23 (114 s before): linear now."""
    seconds = _cpu(lambda: sources.split_sentences("Mr. A " * 700_000))
    assert seconds < 15, seconds


def test_quote_then_initials_backtracks_in_the_draft(tmp_path):
    """The 104-byte text of issue 22 ran for minutes: drafted at once now."""
    dataset = tmp_path / "d"
    assert main(["new", str(dataset), "--title", "Drills"]) == 0
    text = tmp_path / "initials.txt"
    text.write_text('Officials said: " ' + "A." * 46 + " x.\n"
                    + 'Officials said: " ' + "A." * 50_000 + " x.\n", encoding="utf-8")
    seconds = _cpu(lambda: main(["draft", str(dataset), str(text)]))
    assert seconds < 10, seconds
    note = (dataset / "draft" / "initials" / "sentences.csv").read_text(encoding="utf-8")
    assert "over the 5,000 a drafted sentence may have" in note
    assert "claimant from" in note  # the short one is read in full


def test_text_over_the_size_limit_is_refused_with_a_message(tmp_path, capsys):
    dataset = tmp_path / "d"
    assert main(["new", str(dataset), "--title", "Drills"]) == 0
    text = tmp_path / "huge.txt"
    text.write_text("Ships sailed. " * (4 * draft.MAX_TEXT // 14 + 1), encoding="utf-8")
    assert main(["draft", str(dataset), str(text)]) == 2
    err = capsys.readouterr().err
    assert "sitrep draft reads texts of up to 2,097,152 bytes" in err, err
    assert not (dataset / "sources" / "huge.txt").exists()
