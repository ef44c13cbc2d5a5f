"""A new, empty data set: the schema with the data set's own title, every table with its
header, an empty ``sources/`` and a short README of the next steps.

It checks clean but for one warning asking for a first source
(:func:`sitrep.model.rules.domain.first_source_warning`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from sitrep import paths
from sitrep.model.data.tables import load_schema

NEXT_STEPS = """# {title}

A sitrep data set. Next steps:

1. Save a source text verbatim as `sources/<name>.txt` (UTF-8), or note a source whose text
   you cannot keep (URL only) in `facts/sources.csv` with `document` and `sha256` empty.
2. `sitrep draft {folder} sources/<name>.txt --source-id <id>`: proposes the rows of
   `sentences.csv`, claims, quantities, hedges, claimants and places, each with the words it
   rests on, into `draft/`. Nothing is written into `facts/`: review each row, then copy it.
3. `sitrep check {folder}` until it says clean.
4. `sitrep render brief -p dataset={folder}`.
"""


class ScaffoldError(Exception):
    """The folder cannot take a new data set (it already holds one)."""


def slug(title: str) -> str:
    """A Data Package ``name`` from a title: lower-case letters, digits and hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "dataset"


def header(fields: list[dict]) -> str:
    """The CSV header row of a table, quoted as the csv module quotes."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([f["name"] for f in fields])
    return buffer.getvalue()


def new_dataset(folder: Path, title: str) -> Path:
    """Create an empty data set in ``folder`` (created when missing); return the folder.

    Raises:
        ScaffoldError: the title is empty, or ``folder/facts`` already holds files.
    """
    title = " ".join(title.split())
    if not title:
        raise ScaffoldError("--title must not be empty: it heads every report of the data set")
    facts = paths.facts_dir(folder)
    if facts.is_dir() and any(facts.iterdir()):
        raise ScaffoldError(f"{paths.display(facts)} already holds files: sitrep new never "
                            "overwrites a data set (use sitrep schema to update its schema)")
    descriptor = load_schema()
    descriptor.update(name=slug(title), title=title,
                      description=f"{title}. Facts curated with sitrep; validate with "
                                  "`sitrep check` or any Frictionless validator.")
    facts.mkdir(parents=True, exist_ok=True)
    paths.sources_dir(folder).mkdir(exist_ok=True)
    (facts / "datapackage.json").write_text(
        json.dumps(descriptor, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for resource in descriptor["resources"]:
        (facts / resource["path"]).write_text(header(resource["schema"]["fields"]),
                                              encoding="utf-8")
    readme = Path(folder) / "README.md"
    if not readme.exists():
        readme.write_text(NEXT_STEPS.format(title=title, folder=paths.display(folder)),
                          encoding="utf-8")
    return Path(folder)


def set_title(descriptor: Path, title: str) -> str:
    """Give a written datapackage.json the data set's title (when one is given); return the
    title it carries."""
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    title = " ".join(title.split())
    if title:
        package.update(name=slug(title), title=title)
        descriptor.write_text(json.dumps(package, indent=1, ensure_ascii=False) + "\n",
                              encoding="utf-8")
    return str(package.get("title", ""))
