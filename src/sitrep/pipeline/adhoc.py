"""Parameters given on the command line (``sitrep render NAME -p NAME=VALUE``).

- A parameter goes only to the chosen reports whose notebook declares it; the others are
  named (``-p measures=...`` with the whole suite reaches the force-size reports only). A
  parameter no chosen report declares is refused.
- A data set path is relative to where the command runs and obeys the same rule as the
  manifest's (:func:`sitrep.pipeline.manifest.confine_dataset`): inside the project or a folder
  listed in ``SITREP_DATA_ROOTS``.
- A report rendered with parameters of its own is an ad-hoc render: it is published under its
  own name (``brief.adhoc-1a2b3c4d``, from the parameters' checksum), never over the manifest's
  report of the same notebook.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from sitrep import paths
from sitrep.model.data import hints
from sitrep.pipeline.errors import did_you_mean
from sitrep.pipeline.manifest import NAME, Entry, ManifestError, confine_dataset

ADHOC = "adhoc"


@lru_cache(maxsize=16)
def declared(notebook: Path) -> frozenset[str]:
    """The parameter names a notebook declares in its cell tagged ``parameters``."""
    import papermill

    return frozenset(papermill.inspect_notebook(str(notebook)))


def adhoc_name(name: str, given: dict[str, str]) -> str:
    """The name an ad-hoc render is published under: the report's name and a checksum of the
    parameters given, so the same command renders to the same place."""
    digest = hashlib.sha256(json.dumps(given, sort_keys=True).encode()).hexdigest()[:8]
    candidate = f"{name[:60]}.{ADHOC}-{digest}"
    assert NAME.fullmatch(candidate), candidate
    return candidate


def apply(entries: list[Entry], given: dict[str, str], *,
          say: Callable[[str], None] = print) -> list[Entry]:
    """The entries with the command line's parameters applied where declared (see above).

    Raises:
        ManifestError: a data set outside the allowed folders, or a parameter that none of the
            chosen reports declares.
    """
    if not given:
        return entries
    if given.get("dataset"):
        # Relative to the project root, wherever the command runs: the path means what it
        # means in a notebook, the manifest and the README (paths.dataset_folder).
        folder = paths.dataset_folder(given["dataset"]).resolve()
        given = {**given, "dataset": str(confine_dataset(folder, given["dataset"],
                                                         "-p dataset"))}
        if not folder.is_dir():  # one line, the folder meant named, before anything runs
            raise ManifestError(f"-p dataset: {hints.missing_folder(folder)}")
    takers = {name: [e.name for e in entries if name in declared(e.notebook)] for name in given}
    for name, reports in takers.items():
        if not reports:
            known = {p for e in entries for p in declared(e.notebook)}
            raise ManifestError(f"-p {name}: none of the chosen reports declares the parameter "
                                f"{name!r} ({', '.join(e.name for e in entries)})"
                                f"{did_you_mean(name, known)}")
        others = [e.name for e in entries if e.name not in reports]
        if others:
            say(f"note: -p {name} applies to {', '.join(reports)}; not to {', '.join(others)} "
                "(their notebooks do not declare it)")
    result = []
    for entry in entries:
        own = {k: v for k, v in given.items() if entry.name in takers[k]}
        if not own:
            result.append(entry)
            continue
        name = adhoc_name(entry.name, own)
        say(f"note: {entry.name} with -p {', '.join(sorted(own))} is an ad-hoc render, "
            f"published as {name} (the manifest's {entry.name} stays as it is)")
        result.append(replace(entry, name=name, parameters={**entry.parameters, **own}))
    return result
