"""Every path the project uses, found from this file, never from the working directory."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent.parent
DATA = ROOT / "data"
NOTEBOOKS = ROOT / "notebooks"
REPORTS = ROOT / "reports"
SCHEMA = PACKAGE / "schema" / "datapackage.json"
TEMPLATES = PACKAGE / "templates"

#: The data set the notebooks open with their defaults: the seed article's facts.
DEFAULT_DATASET = DATA

FACTS_DIR = "facts"
SOURCES_DIR = "sources"


def facts_dir(dataset: Path) -> Path:
    """The folder of a data set's tables and their datapackage.json."""
    return Path(dataset) / FACTS_DIR


def sources_dir(dataset: Path) -> Path:
    """The folder of a data set's verbatim source documents."""
    return Path(dataset) / SOURCES_DIR


def display(path: Path) -> str:
    """A path as a message shows it: relative to the project when inside it."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)
