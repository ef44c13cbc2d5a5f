"""Source documents: sentence splitting and checksums."""

from __future__ import annotations

import csv

import pytest

from sitrep import paths
from sitrep.model.data.sources import read_text, sha256, split_sentences

SEED = "dagens-2024-11-russia-50000-troops-kursk.txt"
SEED_PATH = paths.sources_dir(paths.DEFAULT_DATASET) / SEED


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("Russia moved. Ukraine waited.", ["Russia moved.", "Ukraine waited."],
                 id="two_sentences"),
    pytest.param("The U.S. Army moved. Then it stopped.",
                 ["The U.S. Army moved.", "Then it stopped."], id="us_abbreviation"),
    pytest.param("U.S. officials said so. U.K. officials agreed.",
                 ["U.S. officials said so.", "U.K. officials agreed."], id="initials_first"),
    pytest.param("Gen. Syrskyi spoke. He left.", ["Gen. Syrskyi spoke.", "He left."],
                 id="title_gen"),
    pytest.param("Mr. Umerov and Dr. Smith met. They talked.",
                 ["Mr. Umerov and Dr. Smith met.", "They talked."], id="titles_mr_dr"),
    pytest.param("J. R. Smith said so. Others agreed.",
                 ["J. R. Smith said so.", "Others agreed."], id="initials"),
    pytest.param("It began on Nov. 10 in Kursk. It went on.",
                 ["It began on Nov. 10 in Kursk.", "It went on."], id="month_abbreviation"),
    pytest.param("Not Reallocating Soldiers\nOfficials spoke. They left.",
                 ["Not Reallocating Soldiers", "Officials spoke.", "They left."],
                 id="heading_on_its_own_line"),
    pytest.param("First paragraph.\n\n\nSecond paragraph.",
                 ["First paragraph.", "Second paragraph."], id="blank_lines_skipped"),
    pytest.param("Is it over? Yes! Done.", ["Is it over?", "Yes!", "Done."],
                 id="question_and_exclamation"),
    pytest.param("He said “Go now.” Then he left.", ["He said “Go now.”", "Then he left."],
                 id="curly_double_quotes"),
    pytest.param("‘It is late.’ Next came dawn.", ["‘It is late.’", "Next came dawn."],
                 id="curly_single_quotes"),
    pytest.param("He said: “Troops arrived.” “More will follow,” he added.",
                 ["He said: “Troops arrived.”", "“More will follow,” he added."],
                 id="curly_quote_opens_next"),
    pytest.param('He said "Go." Then left.', ['He said "Go."', "Then left."],
                 id="straight_quotes"),
    pytest.param("(It was late.) Then dawn.", ["(It was late.)", "Then dawn."],
                 id="closing_bracket"),
    pytest.param("Troops moved. 50,000 arrived.", ["Troops moved.", "50,000 arrived."],
                 id="next_starts_with_digit"),
    pytest.param("Prices rose 3.5 percent. Then fell.",
                 ["Prices rose 3.5 percent.", "Then fell."], id="decimal_point"),
    pytest.param("It ended. then it resumed.", ["It ended. then it resumed."],
                 id="lowercase_after_stop_continues"),
    pytest.param("  Padded sentence.  ", ["Padded sentence."], id="surrounding_space"),
    pytest.param("no final stop", ["no final stop"], id="no_final_stop"),
    pytest.param("Line one.\r\nLine two.", ["Line one.", "Line two."], id="crlf"),
    pytest.param("", [], id="empty"),
])
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected
    assert " ".join(split_sentences(text)).split() == text.split()  # nothing lost


def test_split_keeps_every_character():
    """Splitting loses nothing but the spaces between sentences."""
    text = read_text(SEED_PATH)
    joined = " ".join(split_sentences(text))
    assert joined.split() == text.split()


def test_seed_splits_into_eighteen_sentences():
    sentences = split_sentences(read_text(SEED_PATH))
    assert len(sentences) == 18
    assert sentences[0].startswith("Russia has amassed 50,000 troops")
    assert sentences[1] == "Not Reallocating Soldiers"
    assert sentences[8] == "A Large Offensive"
    assert sentences[16].endswith("diplomatic backing from Russia.")
    assert sentences[17] == ("The current deployment is estimated at 10,000 troops, "
                             "with potential reinforcements in the future.")


def test_seed_checksum_matches_sources_csv():
    with (paths.facts_dir(paths.DEFAULT_DATASET) / "sources.csv").open(
            encoding="utf-8", newline="") as handle:
        recorded = {row["document"]: row["sha256"] for row in csv.DictReader(handle)}
    assert sha256(SEED_PATH) == recorded[SEED]


def test_sha256_of_bytes(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert sha256(path) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_read_text_is_strict_utf8(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("café".encode("latin-1"))
    with pytest.raises(UnicodeDecodeError):
        read_text(path)
