"""Reading numbers, hedges and qualifiers in plain text, as a reader would.

Used by the takeaway rules (a takeaway states only its claims' figures, keeps their hedges and
qualifiers) and by the drafting of claims from a source text (:mod:`sitrep.authoring.draft`).

- Dates are not figures: "4 November", "November 2024", "early 2022", "2024-11-10".
- "1 to 5 million" is 1,000,000 to 5,000,000; "half" is 0.5 or 50 (%); "70%" is 70 or 0.7.
- Word forms of a hedge count as the hedge ("predicted" keeps "predicting"), by inflection
  only: "reports" does not keep "reportedly" (a Snowball stemmer would merge the two).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sitrep.model.data import hygiene

MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|"
          "December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
_DATE = re.compile(
    rf"\b\d{{4}}-\d{{2}}-\d{{2}}\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS})\b\.?(?:,?\s+\d{{4}}\b)?"
    rf"|\b(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}}\b)?"
    rf"|\b(?:{MONTHS})\.?\s+\d{{4}}\b"
    r"|\b(?:1[89]|20)\d{2}s?\b(?![,.]\d)")
MULTIPLIERS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_NUMBER = re.compile(
    # (?!\d): '50,000²' (read as '50,0002') is not the figure 50,000 with a digit beside it
    r"(?<![\w.])(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?)"
    r"(?P<percent>\s?(?:%|per\s?cent\b))?"
    r"(?:\s+(?P<multiplier>thousand|million|billion|trillion)\b)?", re.IGNORECASE)
_JOINER = re.compile(r"\s*(?:to|-|–|—|and|or)\s*$", re.IGNORECASE)
#: Fractions written as words, read as a share (0.5) or a percentage (50).
FRACTIONS = {"half": 0.5, "a third": 1 / 3, "one third": 1 / 3, "two thirds": 2 / 3,
             "a quarter": 0.25, "one quarter": 0.25, "three quarters": 0.75}
_FRACTION = re.compile(r"\b(" + "|".join(FRACTIONS) + r")\b", re.IGNORECASE)

#: Words that state a qualifier of quantities.csv, as a source or a takeaway writes it.
QUALIFIER_WORDS: dict[str, tuple[str, ...]] = {
    "over": ("over", "more than", "above", "beyond", "in excess of", "upwards of"),
    "at_least": ("at least", "no fewer than", "no less than", "a minimum of"),
    "nearly": ("nearly", "almost", "close to", "just under", "approaching"),
    "about": ("about", "around", "roughly", "approximately", "some", "circa", "an estimated"),
    "up_to": ("up to", "as many as", "as much as", "at most"),
    "under": ("under", "fewer than", "less than", "below"),
    "estimated": ("estimated", "an estimate of", "estimates"),
    "potential": ("potential", "possible", "possibly"),
}


@dataclass(frozen=True)
class Figure:
    """A number as written in a text, with the values it can stand for."""

    text: str
    start: int
    end: int
    values: tuple[float, ...]


def without_dates(text: str) -> str:
    """The text with every date blanked out (same length, so offsets still hold)."""
    return _DATE.sub(lambda m: " " * len(m.group()), text)


def figures(text: str) -> list[Figure]:
    """Every figure a reader sees in ``text``, dates excepted, in order."""
    plain = without_dates(hygiene.ascii_digits(text))  # same length: offsets hold in text
    found: list[Figure] = []
    matches = list(_NUMBER.finditer(plain))
    for index, match in enumerate(matches):
        base = float(match["number"].replace(",", ""))
        multiplier = match["multiplier"]
        if not multiplier and index + 1 < len(matches):
            # "1 to 5 million": the first number takes the multiplier of the second.
            following = matches[index + 1]
            if following["multiplier"] and _JOINER.fullmatch(
                    plain[match.end():following.start()]):
                multiplier = following["multiplier"]
        value = base * MULTIPLIERS[multiplier.lower()] if multiplier else base
        values = (value, value / 100) if match["percent"] else (value,)
        found.append(Figure(text[match.start():match.end()].strip(), match.start(),
                            match.end(), values))
    for match in _FRACTION.finditer(plain):
        share = FRACTIONS[match.group(1).lower()]
        found.append(Figure(match.group(1), match.start(), match.end(), (share, share * 100)))
    return sorted(found, key=lambda f: f.start)


def same_value(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def word_form(word: str) -> str:
    """A word without its inflection: 'predicting', 'predicted', 'predicts' -> 'predict'."""
    word = word.lower().replace("’", "'")
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def _forms(text: str) -> list[str]:
    return [word_form(w) for w in re.findall(r"[\w'’-]+", text)]


def says(text: str, phrase: str) -> bool:
    """Whether ``text`` contains ``phrase`` in any inflected form of its words."""
    wanted, words = _forms(phrase), _forms(text)
    if not wanted:
        return True
    return any(words[i : i + len(wanted)] == wanted for i in range(len(words) - len(wanted) + 1))


def states_qualifier(text: str, qualifier: str) -> bool:
    """Whether ``text`` words the qualifier (any of its :data:`QUALIFIER_WORDS`)."""
    return any(says(text, word) for word in QUALIFIER_WORDS.get(qualifier, ()))


def qualifier_of(words_before: str) -> str | None:
    """The qualifier the words just before a number state ('estimated at over' -> 'over')."""
    tail = words_before.lower()
    best: tuple[int, str] | None = None
    for qualifier, words in QUALIFIER_WORDS.items():
        for word in words:
            for match in re.finditer(rf"\b{re.escape(word)}\b", tail):
                # The qualifier closest to the number wins ('estimated at over 10,000').
                if best is None or match.end() > best[0]:
                    best = (match.end(), qualifier)
    return None if best is None else best[1]
