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
_BOUNDARY = re.compile(r"(?<=[.!?])([\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_INITIALS = re.compile(r"(?:\b[A-Za-z]\.)+$")


def sha256(path: Path) -> str:
    """SHA-256 hex digest of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_text(path: Path) -> str:
    """A source document's text, decoded as UTF-8 exactly as stored."""
    return Path(path).read_bytes().decode("utf-8")


def _ends_with_abbreviation(text: str) -> bool:
    word = text.rstrip().rsplit(None, 1)[-1] if text.strip() else ""
    stem = word.rstrip(".")
    return bool(_INITIALS.search(word)) or stem in ABBREVIATIONS


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
            if _ends_with_abbreviation(line[start : match.start()]):
                continue
            # The sentence keeps its closing quotes and brackets: group 1, before the space.
            sentences.append(line[start : match.end(1)].strip())
            start = match.end()
        sentences.append(line[start:].strip())
    return sentences
