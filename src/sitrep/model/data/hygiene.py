"""Text hygiene, in one place: what text from a data set may hold, and how it is shown.

A data set is often someone else's folder, so every cell is checked as it is read:

- control characters (C0, DEL, C1, line and paragraph separators) are refused with file, row and
  field: they make invalid SVG, break labels and can drive a terminal;
- the bidirectional embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069) are
  refused: a right-to-left override in a name would reverse the text around it, so credit lines
  read backwards and claims seem tied to the wrong people;
- every cell and every source text is normalised to Unicode NFC, so that one name typed two
  ways is one name and a quote matches its source however either was composed;
- numbers must be finite: ``inf``, ``Infinity``, ``nan`` and ``1e309`` are refused;
- figures in text are found in any Unicode digits (superscripts, fullwidth, Arabic-Indic);
- text written to a terminal has every C0 and C1 control escaped (:func:`terminal`).

maths parsing in figures is the views' side: :func:`sitrep.views.style.rc` and
:func:`sitrep.views.style.draw_text` turn it off for every text matplotlib draws.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported by the functions that read tables: terminal() needs none
    import pandas as pd

    from sitrep.model.data.problems import Collector

#: C0 controls (tab and line breaks included: no cell of a table holds them), DEL, C1 controls,
#: and the Unicode line and paragraph separators.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
#: Bidirectional embeddings, overrides and isolates: they reorder the text around them.
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
#: What a terminal must never receive raw: every C0 and C1 control but the line break, and the
#: bidirectional controls.
_TERMINAL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

RULE_CONTROL = "control-character"
RULE_BIDI = "bidi-control"
RULE_FINITE = "finite"


def nfc(text: str) -> str:
    """Text in Unicode normal form C (composed), the form every comparison uses."""
    return unicodedata.normalize("NFC", text)


def _codepoint(text: str, pattern: re.Pattern[str]) -> str:
    found = pattern.search(text)
    return f"U+{ord(found.group()):04X}" if found else ""


def check_cells(shown: str, frame: pd.DataFrame, out: Collector) -> pd.DataFrame:
    """Refuse control and bidirectional characters in every cell, naming file, row and field;
    return the table with every cell in NFC.

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
                        message.format(_codepoint(cells.loc[index], pattern)))
        normal = joined.isascii() or unicodedata.is_normalized("NFC", joined)
        clean[column] = cells if normal else cells.map(nfc)
    return pd.DataFrame(clean, index=frame.index, columns=frame.columns)


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


def _ascii_digit(char: str) -> str:
    if char.isascii():
        return char
    value = unicodedata.digit(char, None)
    return char if value is None else str(value)


def terminal(text: str) -> str:
    r"""Text safe to print: every control but the line break, and every bidirectional control,
    shown escaped (``\x1b``, ``\u202e``), so nothing read from a data set drives the terminal."""
    return _TERMINAL.sub(lambda m: _escape(m.group()), text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
