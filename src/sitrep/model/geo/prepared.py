"""Boundary layers prepared once: a layer is validated and its shapes built on first use, then
kept in ``build/cache/`` keyed by the checksum of the file and of sitrep's code, so a second
check reads shapes that are ready (0.1 s) instead of parsing GeoJSON and building 4,838 shapes
(3 to 7 s). A changed file, or changed code, is read and validated afresh."""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from pathlib import Path

import pandas as pd

from sitrep import paths
from sitrep.model.data import confine
from sitrep.model.data.digest import code_digest
from sitrep.model.geo import geofiles

CACHE_KEEP = 16  # prepared layers kept; older ones are removed


def layer(path: Path, root: Path) -> pd.DataFrame:
    """:func:`geofiles.read_layer` of ``path``, prepared once per content and code."""
    try:
        data = confine.read_bytes(path, root, limit=geofiles.MAX_BYTES)
    except (confine.OutsideError, OSError):
        return geofiles.read_layer(path, root)  # reports the problem in its own words
    # The limits a layer is checked against are part of what its preparation depends on.
    limits = f"{code_digest()}|{geofiles.MAX_VERTICES}|{geofiles.MAX_BYTES}"
    key = hashlib.sha256(data + limits.encode()).hexdigest()[:32]
    cached = paths.BUILD / "cache" / f"layer-{path.name.split('.')[0]}-{key}.pickle"
    with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError, AttributeError):
        return pickle.loads(cached.read_bytes())
    table = geofiles.read_layer(path, root)
    _keep(cached, table)
    return table


def _keep(target: Path, table: pd.DataFrame) -> None:
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_suffix(f".tmp{os.getpid()}")
        temp.write_bytes(pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temp, target)
        old = sorted(target.parent.glob("layer-*.pickle"), key=lambda p: p.stat().st_mtime)
        for stale in old[:-CACHE_KEEP]:
            stale.unlink(missing_ok=True)
