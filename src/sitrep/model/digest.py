"""Checksums of what a report reads: a data set's files and sitrep's own code. The renderer
keys its incremental renders on them and the loader its cache of validated data sets."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sitrep import __version__, paths


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
    """Checksum of every file of a data set that a report reads: facts, sources, geo."""
    files = [*files_under(paths.facts_dir(dataset)), *files_under(paths.sources_dir(dataset))]
    geo = paths.geo_dir(dataset)
    return digest_files(files, dataset) + "+" + digest_files(files_under(geo), geo)[:16]


def code_digest() -> str:
    """Checksum of the package itself: its version, modules, templates and schema."""
    files = [p for p in files_under(paths.PACKAGE) if "__pycache__" not in p.parts]
    return f"{__version__}+{digest_files(files, paths.PACKAGE)[:16]}"
