"""One computation per report: what is derived from a figure table (its groups, the
reconciliation, the pairs, the corroboration, the disagreements) is computed once and shared by
every table and chart that shows it.

A figure table made by :func:`sitrep.model.analysis.quantity.figures` names, in its ``attrs``,
the Facts it was computed from. A result is kept in that Facts' memo (:meth:`Facts.memo`) under
the computation's name and a fingerprint of the table's contents (every column, every row), so
a table filtered or changed after it was made has another fingerprint and is computed anew, and
a cut of the facts (another Facts object) has a memo of its own. A table that names no facts
(built by hand) is computed every time.
"""

from __future__ import annotations

import contextlib
import hashlib
import weakref
from collections.abc import Callable, Iterator
from typing import TypeVar

import numpy as np
import pandas as pd

from sitrep.model.data.facts import Facts, copy_on_write

T = TypeVar("T")

#: The ``attrs`` entry naming the facts a figure table was computed from.
TOKEN = "sitrep_facts"

_owners: weakref.WeakValueDictionary[str, Facts] = weakref.WeakValueDictionary()


def tag(table: pd.DataFrame, facts: Facts) -> pd.DataFrame:
    """Mark ``table`` as computed from ``facts`` (kept weakly: the table keeps no facts alive)."""
    token = f"{id(facts):x}"
    _owners[token] = facts
    table.attrs[TOKEN] = token
    return table


#: Fingerprints of the tables being computed from (by object id), so that a computation that
#: uses another (the reconciliation its groups) hashes the table once; only while it runs.
_active: dict[int, str] = {}


def fingerprint(table: pd.DataFrame) -> str:
    """A digest of the table's contents: its columns, their types, index and every value."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr([(str(c), str(t)) for c, t in table.dtypes.items()]).encode())
    if len(table):
        rows = pd.util.hash_pandas_object(table, index=True, categorize=True)
        digest.update(rows.to_numpy().tobytes())
    return digest.hexdigest()


@contextlib.contextmanager
def holding(*tables: pd.DataFrame) -> Iterator[None]:
    """While the block runs, each table is hashed at most once: the caller promises not to
    change them in the block (what-changed reads two figure tables four times)."""
    added = [t for t in tables if id(t) not in _active]
    try:
        for table in added:
            owner = _owners.get(str(table.attrs.get(TOKEN, "")))
            _active[id(table)] = (fingerprint(table) if owner is None
                                  else _known_fingerprint(table, owner))
        yield
    finally:
        for table in added:
            _active.pop(id(table), None)


def once(table: pd.DataFrame, name: str, compute: Callable[[pd.DataFrame], T]) -> T:
    """``compute(table)``, computed once per facts and table contents (see the module)."""
    owner = _owners.get(str(table.attrs.get(TOKEN, "")))
    if owner is None:
        return compute(table)
    if id(table) not in _active:
        _active[id(table)] = _known_fingerprint(table, owner)
        try:
            return owner.memo(f"{name}:{_active[id(table)]}", lambda _: compute(table))
        finally:
            del _active[id(table)]
    return owner.memo(f"{name}:{_active[id(table)]}", lambda _: compute(table))


def _known_fingerprint(table: pd.DataFrame, owner: Facts) -> str:
    """The table's fingerprint, hashed once per memory layout: where pandas copies on write,
    a table whose every column still lies where it lay when it was hashed holds the same
    values (a write to any of them would have copied that column elsewhere). The layout's
    first table is kept (a shallow copy), so no other array can take those places."""
    layout = _layout(table) if copy_on_write() else None
    if layout is None:
        return fingerprint(table)
    known = owner.memo("shared.layouts", lambda _: {})
    if layout not in known:
        known[layout] = (fingerprint(table), table.copy(deep=False))
    return known[layout][0]


def _layout(table: pd.DataFrame) -> tuple | None:
    """Where the table's index and columns lie in memory, with their shapes and types; None
    when one of them is not a plain array (it is then hashed every time)."""
    index = table.index
    where: list = [tuple(map(str, table.columns)), tuple(map(str, table.dtypes)), table.shape,
                   (index.start, index.stop, index.step) if isinstance(index, pd.RangeIndex)
                   else None]
    arrays = [] if isinstance(index, pd.RangeIndex) else [index.to_numpy()]
    arrays += [column.to_numpy() for _, column in table.items()]
    for values in arrays:
        if not isinstance(values, np.ndarray):
            return None
        face = values.__array_interface__
        where.append((face["data"][0], face["strides"], face["shape"]))
    return tuple(where)
