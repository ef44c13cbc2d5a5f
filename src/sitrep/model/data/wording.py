"""Reading numbers, hedges and qualifiers in plain text, as a reader would.

Used by the takeaway rules (a takeaway states only its claims' figures, keeps their hedges and
qualifiers) and by the drafting of claims from a source text (:mod:`sitrep.authoring.draft`).

- Dates are not figures: "4 November", "23-24 May", "November 2024", "early 2022",
  "2024-11-10"; nor are clock times ("5 a.m.", "16:30", "0745 h", "UTC+8").
- Names with digits are not figures (:data:`DESIGNATION_WORDS` and :data:`_DESIGNATION`):
  designations and model numbers joined by a hyphen ("F-16", "S-400", "Su-34s", "KJ-500"),
  operation names ("Zapad-2021", "Strait Thunder-2025A"), digits run into capitals ("052D",
  "2025A"), and a number after a naming word ("Type 055", "No. 8", "hull 1105").
- "1 to 5 million" is 1,000,000 to 5,000,000; "half" is 0.5 or 50 (%); "70%" is 70 or 0.7.
- Word forms of a hedge count as the hedge ("predicted" keeps "predicting"), by inflection
  only: "reports" does not keep "reportedly" (a Snowball stemmer would merge the two).
- A qualifier is matched by meaning: any of the forms :data:`QUALIFIER_WORDS` lists for it,
  in any inflection ("could reach", "may reach" and "could number" keep ``potential``;
  "within" keeps ``up_to``), before the number, or one of :data:`QUALIFIER_AFTER` after it.

Every pattern here is linear in its input: no unbounded repetition can overlap another, and
the scans that read backwards from a number read a bounded window.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sitrep.model.data import hygiene

MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|"
          "December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DAY_SPAN = (rf"{_DAY}(?:[ \t]{{0,3}}[-–—][ \t]{{0,3}}{_DAY}"
             rf"|[ \t]{{1,3}}(?:to|and|or)[ \t]{{1,3}}{_DAY})?")
_DATE = re.compile(
    rf"\b\d{{4}}-\d{{2}}-\d{{2}}\b"
    rf"|\b{_DAY_SPAN}[ \t]{{1,3}}(?:of[ \t]{{1,3}})?(?:{MONTHS})\b\.?(?:,?[ \t]{{1,3}}\d{{4}}\b)?"
    rf"|\b(?:{MONTHS})\.?[ \t]{{1,3}}{_DAY_SPAN}\b(?:,?[ \t]{{1,3}}\d{{4}}\b)?"
    rf"|\b(?:{MONTHS})\.?[ \t]{{1,3}}\d{{4}}\b"
    r"|\b(?:1[89]|20)\d{2}s?\b(?![,.]\d)")
#: Clock times and time zones: never figures.
_CLOCK = re.compile(
    r"\b\d{1,2}(?:[:.]\d{2})?[ \t]?(?:a\.m\.?|p\.m\.?|am\b|pm\b)"
    r"|\b\d{1,2}:\d{2}(?::\d{2})?\b"
    r"|\b(?:[01]\d|2[0-3])[0-5]\d[ \t]?(?:h|hrs|hours|GMT|UTC|Z)\b"
    r"|\b(?:UTC|GMT)[ \t]?[+\-−][ \t]?\d{1,2}(?::?\d{2})?\b", re.IGNORECASE)
#: Words that name what follows them: "Type 055", "No. 8", "Resolution 2722".
DESIGNATION_WORDS = ("Type", "Project", "Block", "Model", "Mark", "Mk", "Hull", "hull",
                     "No", "Nos", "Pennant", "pennant", "Flight", "Resolution", "Article",
                     "Batch", "Tranche", "Version", "Series", "Unit", "Brigade", "Division",
                     "Regiment", "Battalion", "Squadron", "Wing", "Fleet", "Army", "Corps",
                     "ship", "ships", "vessel", "vessels", "cutter", "cutters", "hull")
_DESIGNATION = re.compile(
    # letters, a hyphen, digits, maybe letters or digits: F-16, S-400, Su-34s, Zapad-2021
    r"\b[A-Za-z]{1,20}(?:-[A-Za-z]{1,20}){0,2}[-‑][0-9]{1,6}[A-Za-z0-9]{0,6}"
    r"(?:-[A-Za-z0-9]{1,6}){0,2}(?![\w-])"
    # digits run into a capital: 052D, 2S19, 2025A
    r"|(?<![\w.,])[0-9]{1,6}[A-Z][A-Za-z0-9]{0,6}\b"
    # a naming word, then the number: Type 055, No. 8, hull number 1105
    rf"|\b(?:{'|'.join(DESIGNATION_WORDS)})\.?(?:[ \t]{{1,3}}(?:number|no\.?))?[ \t]{{1,3}}"
    r"[0-9]{1,6}[A-Za-z]{0,3}\b(?!,\d)"
    # hull numbers run on: "ships 3105 and 3103", "Nos. 5, 6 and 7"
    r"(?:[ \t]{0,3}(?:,|and|&)[ \t]{1,3}[0-9]{1,6}[A-Za-z]{0,3}\b(?!,\d)){0,8}")
MULTIPLIERS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_NUMBER = re.compile(
    # (?!\d): '50,000²' (read as '50,0002') is not the figure 50,000 with a digit beside it
    r"(?<![\w.])(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?)"
    r"(?P<percent>[ \t]?(?:%|per[ \t]?cent\b))?"
    r"(?:[ \t]{1,3}(?P<multiplier>thousand|million|billion|trillion)\b)?", re.IGNORECASE)
_JOINER = re.compile(r"[ \t]{0,3}(?:to|-|–|—|and|or)[ \t]{0,3}", re.IGNORECASE)
#: Fractions written as words, read as a share (0.5) or a percentage (50).
FRACTIONS = {"half": 0.5, "a third": 1 / 3, "one third": 1 / 3, "two thirds": 2 / 3,
             "a quarter": 0.25, "one quarter": 0.25, "three quarters": 0.75}
_FRACTION = re.compile(r"\b(" + "|".join(FRACTIONS) + r")\b", re.IGNORECASE)

#: The forms that state each qualifier of quantities.csv, as a source or a takeaway writes
#: them before a number: matched by meaning (any form) and in any inflection of its words.
QUALIFIER_WORDS: dict[str, tuple[str, ...]] = {
    "over": ("over", "more than", "above", "beyond", "in excess of", "upwards of", "exceeding",
             "topping", "surpassing", "north of", "well over"),
    "at_least": ("at least", "no fewer than", "no less than", "a minimum of", "not less than",
                 "not fewer than"),
    "nearly": ("nearly", "almost", "close to", "just under", "approaching", "just short of",
               "shy of", "not quite"),
    "about": ("about", "around", "roughly", "approximately", "some", "circa", "an estimated",
              "in the region of", "on the order of", "an approximate", "more or less"),
    "up_to": ("up to", "as many as", "as much as", "at most", "within", "no more than",
              "not more than", "a maximum of", "at the most"),
    "under": ("under", "fewer than", "less than", "below"),
    "estimated": ("estimated", "an estimate of", "estimates"),
    "potential": ("potential", "potentially", "possible", "possibly", "could", "might", "may",
                  "could reach", "may reach", "might reach", "could number", "could total",
                  "could rise to", "could grow to", "could involve"),
}
#: Forms that state a qualifier just after the number (and its unit): "10,000 or more".
QUALIFIER_AFTER: dict[str, tuple[str, ...]] = {
    "at_least": ("or more", "and more", "plus"), "about": ("or so",),
    "up_to": ("or fewer", "or less", "at most"), "over": ("and counting",),
}
#: How far a qualifier may stand from its number, in words, before and after it.
WORDS_BEFORE, WORDS_AFTER = 6, 3
#: A list of figures: at most this many words between two of them, joined by "and", "or", ",".
LIST_GAP = 4
_LIST = re.compile(r",|\b(?:and|or|as well as)\b")
_CLAUSE = re.compile(r"[;:.!?()\[\]—–]")
_WORD = re.compile(r"[\w'’]+(?:-[\w'’]+){0,4}")


@dataclass(frozen=True)
class Figure:
    """A number as written in a text, with the values it can stand for."""

    text: str
    start: int
    end: int
    values: tuple[float, ...]


def _blank(pattern: re.Pattern[str], text: str) -> str:
    return pattern.sub(lambda m: " " * len(m.group()), text)


def without_dates(text: str) -> str:
    """The text with every date blanked out (same length, so offsets still hold)."""
    return _blank(_DATE, text)


def without_non_figures(text: str) -> str:
    """The text with dates, clock times and names with digits blanked out (same length)."""
    return _blank(_DATE, _blank(_CLOCK, _blank(_DESIGNATION, text)))


def figures(text: str) -> list[Figure]:
    """Every figure a reader sees in ``text``, dates, times and designations excepted."""
    plain = without_non_figures(hygiene.ascii_digits(text))  # same length: offsets hold
    found: list[Figure] = []
    matches = list(_NUMBER.finditer(plain))
    for index, match in enumerate(matches):
        base = float(match["number"].replace(",", ""))
        multiplier = match["multiplier"]
        if not multiplier and index + 1 < len(matches):
            # "1 to 5 million": the first number takes the multiplier of the second.
            following = matches[index + 1]
            gap = plain[match.end():following.start()]
            if following["multiplier"] and len(gap) <= 12 and _JOINER.fullmatch(gap):
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
    return a == b or abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def value_key(value: float) -> str:
    """A key under which values :func:`same_value` holds for fall together (to 9 digits)."""
    return f"{value:.9g}"


def word_form(word: str) -> str:
    """A word without its inflection: 'predicting', 'predicted', 'predicts' -> 'predict'."""
    word = word.lower().replace("’", "'")
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


_WORD_CHARS = re.compile(r"[\w'’]+")


def _forms(text: str) -> list[str]:
    return [word_form(w) for w in _WORD_CHARS.findall(text)]


def _find(words: list[str], wanted: list[str]) -> int:
    """The end (in words) of the last run of ``wanted`` in ``words``; -1 when absent."""
    size = len(wanted)
    for i in range(len(words) - size, -1, -1):
        if words[i : i + size] == wanted:
            return i + size
    return -1


def says(text: str, phrase: str) -> bool:
    """Whether ``text`` contains ``phrase`` in any inflected form of its words."""
    wanted = _forms(phrase)
    return not wanted or _find(_forms(text), wanted) >= 0


def _by_last_word(table: dict[str, tuple[str, ...]]) -> dict[str, list[tuple[str, list[str]]]]:
    index: dict[str, list[tuple[str, list[str]]]] = {}
    for qualifier, forms in table.items():
        for form in forms:
            words = _forms(form)
            index.setdefault(words[-1], []).append((qualifier, words))
    return index


#: The forms of each qualifier, by their last word (read once, looked up per word).
_BEFORE = _by_last_word(QUALIFIER_WORDS)
_AFTER = _by_last_word(QUALIFIER_AFTER)


def _stated(words: list[str], index: dict[str, list[tuple[str, list[str]]]]
            ) -> list[tuple[int, int, str]]:
    """(end, length, qualifier) of every form of ``index`` that ``words`` contain."""
    found = []
    for end, word in enumerate(words, start=1):
        for qualifier, form in index.get(word, ()):
            if words[max(0, end - len(form)):end] == form:
                found.append((end, len(form), qualifier))
    return found


def states_qualifier(text: str, qualifier: str) -> bool:
    """Whether ``text`` words the qualifier (any of its :data:`QUALIFIER_WORDS`); a date is
    no qualifier ("May 2024" is not "may")."""
    return any(q == qualifier for _, _, q in _stated(_forms(without_dates(text)), _BEFORE))


def qualifier_of(words_before: str, dates_blanked: bool = False) -> str | None:
    """The qualifier the words just before a number state ('estimated at over' -> 'over'):
    the form that ends closest to the number wins, the longer form on a tie. A date is no
    qualifier ("May 2024" is not "may"); pass ``dates_blanked`` when they are blanked already
    (:func:`without_dates`)."""
    tail = words_before[-100:]
    tail = _WORD_CHARS.findall(tail if dates_blanked else without_dates(tail))[-WORDS_BEFORE:]
    found = _stated([word_form(w) for w in tail], _BEFORE)
    return max(found, key=lambda f: (f[0], f[1]))[2] if found else None


def window_before(text: str, figure: Figure, previous: Figure | None = None,
                  before_previous: str = "") -> str:
    """The words that may qualify ``figure``: at most :data:`WORDS_BEFORE` words before it,
    within its clause and after the figure before it. A figure listed after another ("a
    possible 15,000 Ukrainian and 4,000 Russian deaths") also reads the words before the
    first (``before_previous``): a qualifier before a list qualifies each of its figures."""
    start = max(0, figure.start - 200, previous.end if previous else 0)
    chunk = without_dates(text[start:figure.start])
    marks = [m.end() for m in _CLAUSE.finditer(chunk)]
    if marks:
        chunk = chunk[marks[-1]:]
    own = [m.group() for m in _WORD.finditer(chunk)]
    if previous is not None and not marks and len(own) <= LIST_GAP and _LIST.search(chunk):
        inherited = before_previous.split() + own
        return " ".join(inherited[-(WORDS_BEFORE + LIST_GAP):])
    return " ".join(own[-WORDS_BEFORE:])


def window_after(text: str, figure: Figure, following: Figure | None = None) -> str:
    """The words just after ``figure`` (its unit and an 'or more'), within its clause."""
    end = min(len(text), figure.end + 80, following.start if following else len(text))
    chunk = text[figure.end:end]
    clause = _CLAUSE.search(chunk)
    if clause is not None:
        chunk = chunk[:clause.start()]
    return " ".join(m.group() for m in list(_WORD.finditer(chunk))[:WORDS_AFTER + 1])


def qualifier_windows(text: str, every: list[Figure]) -> list[tuple[list[str], list[str]]]:
    """For each figure of ``text`` (``every``, in order), the word forms before it that may
    qualify it and the word forms just after it: read once per text."""
    windows: list[tuple[list[str], list[str]]] = []
    before = ""
    for index, figure in enumerate(every):  # in order: a list reads its first figure's words
        previous = every[index - 1] if index else None
        following = every[index + 1] if index + 1 < len(every) else None
        before = window_before(text, figure, previous, before)
        windows.append((_forms(before), _forms(window_after(text, figure, following))))
    return windows


def keeps_qualifier(windows: list[tuple[list[str], list[str]]], mentions: list[int],
                    qualifier: str) -> bool:
    """Whether some mention of a figure keeps ``qualifier``: one of its forms before the
    number, or one of :data:`QUALIFIER_AFTER` after it. ``windows`` are
    :func:`qualifier_windows` of the text, ``mentions`` the indices of the figures that give
    the figure, each read in its own clause."""
    for index in mentions:
        before, after = windows[index]
        if any(q == qualifier for _, _, q in _stated(before, _BEFORE)) or \
                any(q == qualifier for _, _, q in _stated(after, _AFTER)):
            return True
    return False
