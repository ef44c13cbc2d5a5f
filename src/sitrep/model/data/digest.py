"""Checksums of what a report reads: a data set's files and sitrep's own code. The renderer
keys its incremental renders on them and the loader its cache of validated data sets."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sitrep import __version__, paths
from sitrep.model.data import confine


def files_under(folder: Path) -> list[Path]:
    """Every file below a folder, sorted; none when it is not a folder."""
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def digest_files(files: list[Path], root: Path) -> str:
    """SHA-256 over the files' relative names and contents."""
    hasher = hashlib.sha256()
    for file in files:
        hasher.update(str(file.relative_to(root)).encode("utf-8") + b"\0")
        hasher.update(hashlib.sha256(file.read_bytes()).digest())
    return hasher.hexdigest()


def dataset_digest(dataset: Path) -> str:
    """Checksum of every file of a data set that a report reads: facts, sources, geo. Only
    regular files inside the data set count (:mod:`sitrep.model.data.confine`): a link out of it,
    a device or a pipe is never opened."""
    files = [*confine.regular_files(paths.facts_dir(dataset), dataset),
             *confine.regular_files(paths.sources_dir(dataset), dataset)]
    geo = paths.geo_dir(dataset)
    geo_files = confine.regular_files(geo, geo.parent)
    digest = digest_files(files, dataset) + "+" + digest_files(geo_files, geo)[:16]
    if geo != paths.GEO and not any(f.name.startswith("admin0.geojson") for f in geo_files):
        # An own geo folder with only the analyst's areas: the shipped layers are drawn too.
        shipped = confine.regular_files(paths.GEO, paths.GEO.parent)
        digest += "+" + digest_files(shipped, paths.GEO)[:16]
    return digest


def code_digest() -> str:
    """Checksum of the package itself: its version, modules, templates and schema."""
    files = [p for p in files_under(paths.PACKAGE) if "__pycache__" not in p.parts]
    return f"{__version__}+{digest_files(files, paths.PACKAGE)[:16]}"
