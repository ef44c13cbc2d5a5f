"""Parameters given on the command line (``sitrep render NAME -p NAME=VALUE``).

- A parameter goes only to the chosen reports whose notebook declares it; the others are
  named (``-p measures=...`` with the whole suite reaches the force-size reports only). A
  parameter no chosen report declares is refused.
- A data set path is relative to where the command runs and obeys the same rule as the
  manifest's (:func:`sitrep.pipeline.manifest.confine_dataset`): inside the project or a folder
  listed in ``SITREP_DATA_ROOTS``.
- A report rendered with parameters of its own is an ad-hoc render: it is published under its
  own name, never over the manifest's report of the same notebook: ``--name NAME`` (a report
  name's rules), else a readable slug of its parameters (``brief.dataset-red-sea-2023-2024``,
  ``brief.as_of-2024-11-20``), bounded to a folder name's 80 characters, with a short checksum
  of the parameters only where the slug alone could name two renders (a value it cannot show
  exactly, a data set outside ``datasets/``, a name cut short, a name the manifest holds).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from sitrep import paths
from sitrep.model.data import hints
from sitrep.pipeline.errors import did_you_mean
from sitrep.pipeline.manifest import NAME, Entry, ManifestError, confine_dataset


@lru_cache(maxsize=16)
def declared(notebook: Path) -> frozenset[str]:
    """The parameter names a notebook declares in its cell tagged ``parameters``."""
    import papermill

    return frozenset(papermill.inspect_notebook(str(notebook)))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _part(name: str, value: str) -> tuple[str, bool]:
    """One parameter as the name shows it, and whether it shows it exactly."""
    if name == "dataset":
        folder = Path(value)
        shown = _slug(folder.name)
        exact = shown == folder.name and paths.display(folder) in (f"datasets/{shown}", shown)
    else:
        shown = _slug(value)
        exact = shown == value
    return f"{name}-{shown or 'empty'}", exact


def adhoc_name(name: str, given: dict[str, str], *, taken: frozenset[str] = frozenset()) -> str:
    """The name an ad-hoc render is published under: the report's name and a slug of the
    parameters given, so the same command renders to the same place; a checksum of the
    parameters is added only where the slug alone is not unique (see the module's docstring)."""
    parts = [_part(k, v) for k, v in sorted(given.items())]
    candidate = f"{name[:40]}.{'.'.join(p for p, _ in parts)}"
    if len(candidate) <= LONGEST and all(exact for _, exact in parts) \
            and candidate not in taken:
        return candidate
    digest = hashlib.sha256(json.dumps(given, sort_keys=True).encode()).hexdigest()[:8]
    candidate = f"{candidate[:LONGEST - 9].rstrip('.-_')}-{digest}"
    assert NAME.fullmatch(candidate), candidate
    return candidate


#: The longest report name (it names a folder): manifest.NAME's bound.
LONGEST = 80


def _chosen_name(wanted: str, adhoc: list[str], taken: frozenset[str]) -> str:
    """``--name``, checked: a report name's rules, one ad-hoc render, not a manifest name."""
    if not NAME.fullmatch(wanted):
        raise ManifestError(f"--name {wanted!r} must be lower-case letters, digits, '.', '_' or "
                            "'-', at most 80 (it names a folder in reports/)")
    if len(adhoc) != 1:
        raise ManifestError(f"--name names one ad-hoc render, but the parameters go to "
                            f"{len(adhoc)} reports ({', '.join(adhoc) or 'none: give -p'})")
    if wanted in taken:
        raise ManifestError(f"--name {wanted!r} is a report of the manifest: an ad-hoc render "
                            "is never published over it")
    return wanted


def apply(entries: list[Entry], given: dict[str, str], *,
          say: Callable[[str], None] = print, name: str | None = None,
          taken: frozenset[str] = frozenset()) -> list[Entry]:
    """The entries with the command line's parameters applied where declared (see above).

    Raises:
        ManifestError: a data set outside the allowed folders, or a parameter that none of the
            chosen reports declares.
    """
    taken, wanted = taken | {e.name for e in entries}, name
    if not given:
        if wanted is not None:
            _chosen_name(wanted, [], taken)
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
    owned = {e.name: {k: v for k, v in given.items() if e.name in takers[k]} for e in entries}
    if wanted is not None:
        wanted = _chosen_name(wanted, [n for n, own in owned.items() if own], taken)
    result = []
    for entry in entries:
        own = owned[entry.name]
        if not own:
            result.append(entry)
            continue
        called = wanted or adhoc_name(entry.name, own, taken=taken)
        say(f"note: {entry.name} with -p {', '.join(sorted(own))} is an ad-hoc render, "
            f"published as {called} (the manifest's {entry.name} stays as it is)")
        result.append(replace(entry, name=called, parameters={**entry.parameters, **own},
                              adhoc=True))
    return result
