"""Text hygiene, in one place: what text from a data set may hold, and how it is shown.

A data set is often someone else's folder, so every cell is checked as it is read:

- control characters (C0, DEL, C1, line and paragraph separators) are refused with file, row and
  field: they make invalid SVG, break labels and can drive a terminal;
- the bidirectional embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069) are
  refused: a right-to-left override in a name would reverse the text around it, so credit lines
  read backwards and claims seem tied to the wrong people;
- invisible characters (zero-width spaces, the word joiner, a byte order mark inside a cell,
  the soft hyphen, the bidirectional marks, blank look-alikes such as the Hangul fillers) are
  refused, naming the character and its position: "50,\u200b000" would read as two figures a
  reader cannot see. The zero-width joiner and non-joiner are text only between two letters of
  a script that needs them (Persian, the Indic scripts) or in an emoji; anywhere else they are
  refused too. After its message a cell is read without them, so the slip is one message;
- every cell and every source text is normalised to Unicode NFC, so that one name typed two
  ways is one name and a quote matches its source however either was composed; a source text
  is compared without its invisible characters, so a quote can be written without them;
- numbers must be finite: ``inf``, ``Infinity``, ``nan`` and ``1e309`` are refused;
- dates, numbers and ids are written in the digits 0-9: a fullwidth '２０２４-１１-１０' or an
  Arabic-Indic sentence number is one message naming the first such digit
  (:func:`foreign_digit`), and the cell says nothing more;
- figures in text are found in any Unicode digits (superscripts, fullwidth, Arabic-Indic);
- text written to a terminal has every C0 and C1 control escaped (:func:`terminal`).

maths parsing in figures is the views' side: :func:`sitrep.views.style.rc` and
:func:`sitrep.views.style.draw_text` turn it off for every text matplotlib draws.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from sitrep.model.data import rule_ids as R

if TYPE_CHECKING:  # pandas is imported by the functions that read tables: terminal() needs none
    import pandas as pd

    from sitrep.model.data.problems import Collector

#: C0 controls (tab and line breaks included: no cell of a table holds them), DEL, C1 controls,
#: and the Unicode line and paragraph separators.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
#: Bidirectional embeddings, overrides and isolates: they reorder the text around them.
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
#: Characters that show nothing (or a blank that looks like nothing typed): zero-width space,
#: the bidirectional marks (LRM, RLM, ALM), soft hyphen, combining grapheme joiner, Hangul and
#: Khmer fillers, Mongolian vowel separator and free variation selectors, word joiner and
#: the invisible operators, the deprecated format controls, the byte order mark (inside a cell)
#: and the tag characters. The joiners U+200C and U+200D are read by :data:`JOINERS`.
INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b"
                       "\u200e\u200f\u2060-\u2064\u206a-\u206f\u3164\ufeff\uffa0"
                       "\U000e0000-\U000e007f]")
#: The zero-width non-joiner and joiner: text only between two letters, marks or symbols
#: outside ASCII (a Persian word written with its half-space, Devanagari conjuncts, emoji
#: sequences).
JOINERS = re.compile("[\u200c\u200d]")
#: What a terminal must never receive raw: every C0 and C1 control but the line break, and the
#: bidirectional controls.
_TERMINAL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

RULE_CONTROL = R.CONTROL_CHARACTER
RULE_BIDI = R.BIDI_CONTROL
RULE_FINITE = R.FINITE
RULE_INVISIBLE = R.INVISIBLE_CHARACTER
RULE_ASCII_DIGITS = R.ASCII_DIGITS


def nfc(text: str) -> str:
    """Text in Unicode normal form C (composed), the form every comparison uses."""
    return unicodedata.normalize("NFC", text)


def describe(char: str) -> str:
    """A character as a message names it: 'U+200B ZERO WIDTH SPACE'."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


def _found(text: str, pattern: re.Pattern[str]) -> str:
    """The first character of ``text`` that ``pattern`` finds, named, with its position (the
    first character of the cell is position 1): 'U+202E RIGHT-TO-LEFT OVERRIDE at position 9'."""
    found = pattern.search(text)
    return f"{describe(found.group())} at position {found.start() + 1}" if found else ""


def _joiner_stands_alone(text: str, at: int) -> bool:
    """Whether the joiner at ``at`` stands where no script needs it: not between two letters,
    marks or symbols outside ASCII."""
    def joins(char: str) -> bool:
        return not char.isascii() and unicodedata.category(char)[0] in "LMS"
    return not (0 < at < len(text) - 1 and joins(text[at - 1]) and joins(text[at + 1]))


def invisible(text: str) -> str:
    """The first invisible character of ``text``, named with its position ('U+200B ZERO WIDTH
    SPACE at position 4'); empty when there is none."""
    found = [(m.start(), m.group()) for m in [INVISIBLE.search(text)] if m]
    found += [(m.start(), m.group()) for m in JOINERS.finditer(text)
              if _joiner_stands_alone(text, m.start())][:1]
    if not found:
        return ""
    at, char = min(found)
    return f"{describe(char)} at position {at + 1}"


def visible(text: str) -> str:
    """``text`` without the characters :func:`invisible` refuses (joiners that join letters are
    kept): what a reader sees, and what the checks after a refusal read."""
    text = INVISIBLE.sub("", text)
    if not JOINERS.search(text):
        return text
    return "".join(ch for at, ch in enumerate(text)
                   if not (ch in "\u200c\u200d" and _joiner_stands_alone(text, at)))


def check_cells(shown: str, frame: pd.DataFrame, out: Collector) -> pd.DataFrame:
    """Refuse control, bidirectional and invisible characters in every cell, naming file, row,
    field, the character and its position; return the table with every cell in NFC, and
    without the invisible characters reported (so a figure split by one reads as written).

    Each column is read as one string first (its cells joined by U+FFFF, a noncharacter that no
    pattern matches and that composes with nothing): a clean, ASCII or normalised column is
    passed in a few C-speed scans, and only a column with a finding is read cell by cell."""
    import pandas as pd

    clean = {}
    for column in frame.columns:
        cells = frame[column]
        joined = _JOIN.join(cells.tolist())
        for pattern, rule, message in (
            (CONTROL, RULE_CONTROL, "must hold no control character (tab, line break, ESC, NUL, "
                                    "C1 controls): found {}"),
            (BIDI, RULE_BIDI, "must hold no bidirectional embedding, override or isolate "
                              "(it would reorder the text around it): found {}"),
        ):
            if not pattern.search(joined):
                continue
            bad = cells.str.contains(pattern.pattern, regex=True)
            for index in bad[bad].index:
                out.add(shown, int(index) + 2, str(column), rule, None,
                        message.format(_found(cells.loc[index], pattern)))
        if joined.isascii():
            clean[column] = cells
            continue
        if INVISIBLE.search(joined) or JOINERS.search(joined):
            cells = _refuse_invisible(shown, str(column), cells, out)
            joined = _JOIN.join(cells.tolist())
        normal = unicodedata.is_normalized("NFC", joined)
        clean[column] = cells if normal else cells.map(nfc)
    return pd.DataFrame(clean, index=frame.index, columns=frame.columns)


def _refuse_invisible(shown: str, column: str, cells: pd.Series, out: Collector) -> pd.Series:
    """Report each cell holding an invisible character (the first one, named, with its
    position); return the cells as a reader sees them (:func:`visible`)."""
    kept = []
    for index, cell in cells.items():
        found = invisible(cell) if isinstance(cell, str) else ""
        if found:
            out.add(shown, int(index) + 2, column, RULE_INVISIBLE, None,
                    f"must hold no invisible character (a reader cannot see it, so the text "
                    f"reads otherwise than it shows): found {found}; delete it")
            cell = visible(cell)
        kept.append(cell)
    import pandas as pd

    return pd.Series(kept, index=cells.index, dtype=object)


#: Joins a column's cells for one scan: a noncharacter, matched by no rule, composing with none.
_JOIN = "\uffff"


def not_finite(values: pd.Series) -> pd.Series:
    """Where a parsed number is infinite (``inf``, ``1e309``); NaN from ``nan`` is caught as
    not a number by the caller."""
    import numpy as np
    import pandas as pd

    numbers = pd.to_numeric(values, errors="coerce")
    return pd.Series(np.isinf(numbers.to_numpy(dtype=float, na_value=np.nan)),
                     index=values.index)


def ascii_digits(text: str) -> str:
    """The text with every character that has a digit value written as that ASCII digit
    ('５０' and '٥٠' become '50', '²' becomes '2'); the length stays the same, so offsets found
    in the result point at the figure as written. Figures are read from this form
    (:func:`sitrep.model.data.wording.figures`), so no script's digits slip past a check."""
    return "".join(_ascii_digit(ch) for ch in text)


def foreign_digit(text: str) -> str:
    """The first digit of ``text`` written outside ASCII (fullwidth, Arabic-Indic, Devanagari,
    superscript...), named with its position ('U+FF12 FULLWIDTH DIGIT TWO at position 1');
    empty when every digit is 0-9. Dates, numbers and ids take only 0-9."""
    if text.isascii():
        return ""
    for at, char in enumerate(text):
        if not char.isascii() and unicodedata.digit(char, None) is not None:
            return f"{describe(char)} at position {at + 1}"
    return ""


def _ascii_digit(char: str) -> str:
    if char.isascii():
        return char
    value = unicodedata.digit(char, None)
    return char if value is None else str(value)


#: What Markdown reads as markup wherever it stands. Each run of dollar signs and backslashes
#: becomes a code span, which no renderer reads as maths: GitHub reads '$x^2$' and '$$' as
#: maths, Jupyter '$', a doubled backslash before '(' or '[', and '\\begin', and its MathJax
#: reads the rendered page again, so neither a backslash before '$' nor an entity keeps a
#: dollar literal there. Every other character of CommonMark, GitHub's Markdown (tables,
#: strikethrough, e-mail autolinks) or Jupyter's (its '@@n@@' maths placeholders) gets a
#: backslash.
_MARKDOWN = re.compile(r"[$\\]+|[`*_\[\]()<>#|~@&!]")
#: What starts a list, a setext heading or a numbered list only at the start of a line.
_MARKDOWN_LINE_START = re.compile(r"([ \t]*)(?:([-+=])|([0-9]{1,9})\.)")


def _markdown_inline(text: str) -> str:
    return _MARKDOWN.sub(lambda m: f"`{m.group()}`" if m.group()[0] in "$\\"
                         else "\\" + m.group(), text)


def markdown(text: str) -> str:
    r"""Untrusted text as Markdown that reads as written on GitHub, in JupyterLab and in any
    CommonMark renderer: no emphasis, code, link, image, HTML, table cell, heading, list,
    quote, strikethrough or maths. Markup characters get a backslash (``\*``, ``\[``, ``\|``,
    ``\<``, ``\#``, ``\~``, ``\@``; ``\-``, ``\+``, ``\=`` and ``1\.`` at a line's start), and
    each run of ``$`` and ``\`` is a code span (``$x^2$`` is written `` `$`x^2`$` ``).
    Line breaks are kept: a caller putting the text on one line (a table cell) joins them."""
    lines = []
    for line in text.split("\n"):
        start = _MARKDOWN_LINE_START.match(line)
        if start and (start.group(2) or start.group(3)):
            lead = start.group(1) + (f"\\{start.group(2)}" if start.group(2)
                                     else f"{start.group(3)}\\.")
            line = lead + _markdown_inline(line[start.end():])
        else:
            line = _markdown_inline(line)
        lines.append(line)
    return "\n".join(lines)


def terminal(text: str) -> str:
    r"""Text safe to print: every control but the line break, and every bidirectional control,
    shown escaped (``\x1b``, ``\u202e``), so nothing read from a data set drives the terminal."""
    return _TERMINAL.sub(lambda m: _escape(m.group()), text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
