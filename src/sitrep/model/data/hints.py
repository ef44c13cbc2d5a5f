"""Did you mean: the close choices to a mistyped word, bounded so that a hint never costs more
than a glance (a data set of 100,000 ids, a folder of 100,000 entries).

:func:`close` compares a word with at most :data:`MAX_CANDIDATES` choices, those nearest in
length first considered; callers ask only for the problems a message will list (the
collector's cap), never for every row.
"""

from __future__ import annotations

import difflib
import itertools
import os
from collections.abc import Iterable
from pathlib import Path

from sitrep import paths

__all__ = ["MAX_CANDIDATES", "close", "missing_folder"]

#: The most choices a word is compared with.
MAX_CANDIDATES = 2000
#: The most entries of a folder read to suggest a sibling.
MAX_ENTRIES = 5000


def close(word: str, choices: Iterable[str], *, n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The (at most ``n``) choices closest to ``word`` by difflib's ratio, the closest first.

    Past :data:`MAX_CANDIDATES` choices, only those whose length is within a third of the
    word's (at least 3 characters) are considered, and at most :data:`MAX_CANDIDATES` of them
    are compared: the ones sharing the word's first letter and nearest in length first (a cheap
    sort, not a comparison)."""
    near = list(dict.fromkeys(choices))
    if len(near) > MAX_CANDIDATES:
        slack = max(3, len(word) // 3)
        near = sorted((c for c in near if abs(len(c) - len(word)) <= slack),
                      key=lambda c: (c[:1] != word[:1], abs(len(c) - len(word)), c))
    return difflib.get_close_matches(word, near[:MAX_CANDIDATES], n=n, cutoff=cutoff)


def missing_folder(folder: Path) -> str:
    """``no such folder 'datasets/x': did you mean 'datasets/y'?``, from the folders beside
    the missing one (at most :data:`MAX_ENTRIES` read), shown as :func:`paths.display` shows
    the folder."""
    shown = paths.display(folder)
    parent = Path(os.path.abspath(folder)).parent
    names: list[str] = []
    if parent.is_dir():
        try:
            with os.scandir(parent) as entries:
                names = [e.name for e in itertools.islice(entries, MAX_ENTRIES)
                         if not e.name.startswith(".") and e.is_dir(follow_symlinks=False)]
        except OSError:
            names = []
    found = close(Path(shown).name, names, n=1)
    hint = f": did you mean {str(Path(shown).parent / found[0])!r}?" if found else ""
    return f"no such folder {shown!r}{hint}"
