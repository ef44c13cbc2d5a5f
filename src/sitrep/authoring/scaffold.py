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
import shlex
from pathlib import Path

from sitrep import paths
from sitrep.model.data import confine, limits, writes
from sitrep.model.data.errors import SitrepError
from sitrep.model.data.tables import load_schema

NEXT_STEPS = """# {title}

A sitrep data set. Next steps, each command as written, from the sitrep project's root:

1. Save a source text verbatim as `sources/article.txt` (UTF-8; any name will do, the commands
   below say `article.txt`), or note a source whose text you cannot keep (URL only) in
   `facts/sources.csv` with `document` and `sha256` empty.
2. `{draft}`: proposes the rows of `sentences.csv`, claims, quantities, hedges, claimants and
   places, each with the words it rests on, into `draft/`. Nothing is written into `facts/`:
   review each row, then copy it.
3. `{check}` until it says clean.
4. `{render}`.
{outside}"""

OUTSIDE = """
This folder lies outside the project: the command that made it listed it in the project's
`.sitrep/local.toml` (git-ignored), so that reports may read it (`SITREP_DATA_ROOTS`, when set,
is used instead).
"""


def commands(folder: Path) -> dict[str, str]:
    """The commands that take a new data set from a first source to a report, each runnable as
    written from the project root (paths as :func:`sitrep.paths.display` shows them, quoted
    for a POSIX shell)."""
    shown = paths.display(Path(folder))
    quoted = shlex.quote(shown)
    return {"draft": f"sitrep draft {quoted} article.txt --source-id article",
            "check": f"sitrep check {quoted}",
            "render": f"sitrep render brief -p {shlex.quote(f'dataset={shown}')}"}


def outside_project(folder: Path) -> bool:
    """Whether ``folder`` (resolved) lies outside the project."""
    return not Path(folder).resolve().is_relative_to(paths.ROOT.resolve())


class ScaffoldError(SitrepError):
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

    Every file is written through :mod:`sitrep.model.data.writes`: a link planted in the folder
    (``facts``, ``sources``, ``README.md``) is refused before anything is written.

    Raises:
        ScaffoldError: the title is empty or breaks a limit, or ``folder/facts`` already holds
            files.
        WriteError: the folder or a file in it cannot be written (a link, a file where a
            folder is expected, a system folder).
    """
    title = " ".join(title.split())
    problem = limits.title_problem(title)
    if problem:
        raise ScaffoldError(f"--title {problem}")
    base = writes.root(folder, create=False) if Path(folder).exists() else None
    shown = Path(folder)
    names = ["facts/datapackage.json", paths.SOURCES_DIR, "README.md"]
    descriptor = load_schema()
    names += [f"facts/{r['path']}" for r in descriptor["resources"]]
    if base is not None:
        writes.refuse_links(base, names)
        facts = base / paths.FACTS_DIR
        if facts.is_dir() and any(facts.iterdir()):
            raise ScaffoldError(f"{paths.display(shown / paths.FACTS_DIR)} already holds files: "
                                "sitrep new never overwrites a data set (use sitrep schema to "
                                "update its schema)")
    base = writes.root(folder, create=True)
    descriptor.update(name=slug(title), title=title,
                      description=f"{title}. Facts curated with sitrep; validate with "
                                  "`sitrep check` or any Frictionless validator.")
    writes.folder(base, paths.SOURCES_DIR)
    writes.write_text(base, "facts/datapackage.json",
                      json.dumps(descriptor, indent=1, ensure_ascii=False) + "\n")
    for resource in descriptor["resources"]:
        writes.write_text(base, f"facts/{resource['path']}",
                          header(resource["schema"]["fields"]))
    if not confine.exists(base / "README.md"):
        writes.write_text(base, "README.md",
                          NEXT_STEPS.format(title=title, **commands(shown),
                                            outside=OUTSIDE if outside_project(shown) else ""))
    return Path(folder)


def set_title(descriptor: Path, title: str) -> str:
    """Give a written datapackage.json the data set's title (when one is given); return the
    title it carries.

    Raises:
        ScaffoldError: the title breaks a limit (sitrep check would refuse it).
    """
    dataset = descriptor.parent.parent
    package = json.loads(confine.read_bytes(descriptor, dataset).decode("utf-8"))
    title = " ".join(title.split())
    if title:
        problem = limits.title_problem(title)
        if problem:
            raise ScaffoldError(f"--title {problem}")
        package.update(name=slug(title), title=title)
        writes.write_text(writes.root(dataset), Path(paths.FACTS_DIR) / descriptor.name,
                          json.dumps(package, indent=1, ensure_ascii=False) + "\n")
    return str(package.get("title", ""))
