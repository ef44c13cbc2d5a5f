"""Every path the project uses, found from this file, never from the working directory."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent.parent
DATA = ROOT / "data"
#: The report notebooks. SITREP_NOTEBOOKS names another folder: the tests render copies of the
#: notebooks in their committed form, so that a notebook edited in JupyterLab fails only the one
#: test that says so.
NOTEBOOKS = Path(os.environ.get("SITREP_NOTEBOOKS") or ROOT / "notebooks")
REPORTS = ROOT / "reports"
SCHEMA = PACKAGE / "schema" / "datapackage.json"
TEMPLATES = PACKAGE / "templates"
#: The report manifest: which notebooks render to which reports.
MANIFEST = ROOT / "reports.toml"
#: Scratch space of the renderer, outside reports/ so an interrupted run leaves nothing there.
BUILD = ROOT / "build"
STAGING = BUILD / "staging"
#: Executed notebooks of failed renders, kept for debugging.
FAILED = BUILD / "failed"

#: The data set the notebooks open with their defaults: the seed article's facts.
DEFAULT_DATASET = DATA

FACTS_DIR = "facts"
SOURCES_DIR = "sources"
GEO_DIR = "geo"

#: The shipped boundary layers and gazetteer (Natural Earth, GeoNames; see data/geo/SOURCE.md).
GEO = DATA / GEO_DIR


def dataset_folder(value: str | Path) -> Path:
    """The one path rule for a ``dataset`` parameter, wherever it is given (a notebook in
    JupyterLab, whose working directory is notebooks/; the command line, from any folder; the
    manifest; the README): a relative path is relative to the project root, an absolute one is
    itself. Where a data set may lie (the project, SITREP_DATA_ROOTS) is checked by the
    renderer (:func:`sitrep.pipeline.manifest.confine_dataset`)."""
    given = Path(value)
    return given if given.is_absolute() else ROOT / given


def facts_dir(dataset: Path) -> Path:
    """The folder of a data set's tables and their datapackage.json."""
    return Path(dataset) / FACTS_DIR


def sources_dir(dataset: Path) -> Path:
    """The folder of a data set's verbatim source documents."""
    return Path(dataset) / SOURCES_DIR


def geo_dir(dataset: Path | None = None) -> Path:
    """The boundary layers a data set's places are drawn on: its own ``geo/`` folder when it
    has one, else the shipped layers in ``data/geo``."""
    own = Path(dataset) / GEO_DIR if dataset is not None else None
    return own if own is not None and own.is_dir() else GEO


def display(path: Path) -> str:
    """A path as a message shows it: relative to the project when inside it. Links are not
    followed: a message names the file a data set holds, never where a link of it points."""
    path = Path(os.path.abspath(path))
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)
