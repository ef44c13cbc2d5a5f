"""Source documents: their verbatim text, its checksum, and its sentences."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

#: Words ending in a full stop that do not end a sentence.
ABBREVIATIONS = frozenset(
    "Mr Mrs Ms Dr Prof Gen Lt Col Maj Capt Sgt Adm Gov Sen Rep Rev St Mt No Nos vs etc "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec approx est".split()
)
# Possessive: the closing marks and the spaces are never given back, so a long run of them
# is read once (the lookahead after them decides).
_BOUNDARY = re.compile(r"(?<=[.!?])([\"'”’)\]]*+)\s++(?=[\"'“‘(\[]?[A-Z0-9])")
#: How far back from a full stop the word before it is read (a longer word is no abbreviation).
WORD_BEFORE = 40


def sha256(path: Path) -> str:
    """SHA-256 hex digest of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_text(path: Path) -> str:
    """A source document's text, decoded as UTF-8 exactly as stored."""
    return Path(path).read_bytes().decode("utf-8")


def _ends_with_abbreviation(text: str) -> bool:
    """Whether the word ``text`` ends with is an abbreviation ("Mr.") or ends in an initial
    ("U.S.", "J."): only its last :data:`WORD_BEFORE` characters are read, so that a long run
    of initials costs no more than a short one."""
    tail = text[-WORD_BEFORE:].rstrip()
    word = tail.rsplit(None, 1)[-1] if tail else ""
    if word.rstrip(".") in ABBREVIATIONS:
        return True
    # An initial: a letter and a stop at the end, the letter at the start of a word.
    return len(word) >= 2 and word[-1] == "." and word[-2].isascii() and word[-2].isalpha() \
        and (len(word) == 2 or not (word[-3].isalnum() or word[-3] == "_"))


def split_sentences(text: str) -> list[str]:
    """Split a document into sentences, numbered from 1 by their position in the list.

    Each non-empty line is a paragraph (headings stand on lines of their own); within a line,
    a sentence ends at '.', '!' or '?' followed by a space and a capital or digit, unless the
    word before is an abbreviation or initials such as "U.S.".
    """
    sentences: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        start = 0
        for match in _BOUNDARY.finditer(line):
            if _ends_with_abbreviation(line[max(start, match.start() - WORD_BEFORE):
                                            match.start()]):
                continue
            # The sentence keeps its closing quotes and brackets: group 1, before the space.
            sentences.append(line[start : match.end(1)].strip())
            start = match.end()
        sentences.append(line[start:].strip())
    return sentences
