"""The report manifest: which notebooks render to which reports, with which parameters.

``reports.toml`` (at the project root) lists entries; an entry with a ``matrix`` expands to one
report per combination of its values, its name a template such as ``brief-as-of-{as_of}``.
"""

from __future__ import annotations

import itertools
import os
import stat
import tomllib
from pathlib import Path

from sitrep import paths, settings
from sitrep.model.data import limits, writes
from sitrep.model.data.errors import SitrepError
from sitrep.pipeline import formats as registry
from sitrep.pipeline.entry import REPORT_NAME, Entry
from sitrep.pipeline.formats import DEFAULT_FORMATS

__all__ = ["NAME", "Entry", "ManifestError", "confine_dataset", "load", "parse_shard", "shard"]

NAME = REPORT_NAME  # a report's name: a plain folder name


class ManifestError(SitrepError, ValueError):
    """The manifest breaks a rule; the message names the entry and the rule."""


def data_roots() -> list[Path]:
    """Folders a manifest's data sets may lie in: the project, and those listed in the local
    settings (``.sitrep/local.toml``, which ``sitrep new DIR`` outside the project writes) or,
    when it is set, in the environment variable SITREP_DATA_ROOTS (:mod:`sitrep.settings`)."""
    return [paths.ROOT.resolve(), *settings.data_roots()]


#: What a refusal of a data set outside the allowed folders says to do.
OUTSIDE_FIX = ("register its folder with 'sitrep new DIR', or list it in "
               ".sitrep/local.toml (data_roots) or SITREP_DATA_ROOTS")


def _check_dataset(value: str, where: str) -> None:
    """A data set path must stay inside an allowed root, checked on the resolved path (so
    '../', symlinks and a sibling folder sharing the root's name as a prefix are all caught)."""
    if any(c in value for c in "\0\n\r"):
        raise ManifestError(f"{where}: the data set path must not hold NUL or line breaks")
    given = Path(value)
    if given.is_absolute() and not any(given.resolve().is_relative_to(r)
                                       for r in data_roots()[1:]):
        raise ManifestError(f"{where}: data set {value!r} is absolute; give it relative to the "
                            f"project (or {OUTSIDE_FIX})")
    confine_dataset((paths.ROOT / given).resolve(), value, where)


def confine_dataset(resolved: Path, value: str, where: str) -> Path:
    """The one rule for a data set folder, from a manifest or the command line alike: resolved
    (links followed), it must lie in the project or a folder of :func:`data_roots`."""
    if any(c in value for c in "\0\n\r"):
        raise ManifestError(f"{where}: the data set path must not hold NUL or line breaks")
    if resolved.is_relative_to(paths.ROOT.resolve()):
        return resolved  # the local settings are read only when they are needed
    if not any(resolved.is_relative_to(root) for root in data_roots()):
        raise ManifestError(f"{where}: data set {value!r} resolves to {resolved}, outside the "
                            f"project: {OUTSIDE_FIX}")
    return resolved


def _text(value: object, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ManifestError(f"{where}: parameter values are strings (or numbers), "
                            f"got {type(value).__name__}")
    return str(value)


#: The largest manifest read (a device such as /dev/zero is never read to its end).
MANIFEST_BYTES = 1024 * 1024


def _manifest_text(path: Path) -> str:
    """The manifest's text: a regular file of at most MANIFEST_BYTES, UTF-8."""
    # O_NONBLOCK: a named pipe is refused, not waited on.
    with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise ManifestError(f"{paths.display(path)}: the manifest must be a regular file")
        data = handle.read(MANIFEST_BYTES + 1)
    if len(data) > MANIFEST_BYTES:
        raise ManifestError(f"{paths.display(path)}: the manifest is larger than "
                            f"{MANIFEST_BYTES:,} bytes")
    return data.decode("utf-8")


def load(path: Path = paths.MANIFEST) -> list[Entry]:
    """Read the manifest and expand its matrices; names must be unique and safe."""
    try:
        document = tomllib.loads(_manifest_text(Path(path)))
    except OSError as error:  # the path and what was expected, no errno text
        raise ManifestError(f"{paths.display(path)}: cannot read the manifest: "
                            f"{writes.words(error)}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as error:
        raise ManifestError(f"{paths.display(path)}: cannot read the manifest: "
                            f"{str(error)[:120] or 'nested too deeply'}") from None
    defaults = document.get("defaults", {})
    entries: list[Entry] = []
    for number, item in enumerate(document.get("report", []), start=1):
        where = f"{paths.display(path)} report #{number}"
        unknown = set(item) - {"name", "notebook", "parameters", "matrix", "formats"}
        if unknown:
            raise ManifestError(f"{where}: unknown keys {sorted(unknown)}; an entry has name, "
                                "notebook, parameters, matrix and formats")
        if "name" not in item or "notebook" not in item:
            raise ManifestError(f"{where}: an entry needs a name and a notebook")
        notebook = (paths.NOTEBOOKS / item["notebook"]).resolve()
        if notebook.parent != paths.NOTEBOOKS.resolve() or not notebook.is_file():
            raise ManifestError(f"{where}: notebook {item['notebook']!r} must be a file in "
                                "notebooks/")
        try:
            formats = registry.check(item.get("formats", defaults.get("formats", DEFAULT_FORMATS)))
        except registry.FormatError as error:
            raise ManifestError(f"{where}: {error}") from error
        fixed = {k: _text(v, where) for k, v in item.get("parameters", {}).items()}
        if "dataset" in fixed:
            _check_dataset(fixed["dataset"], where)
        matrix = item.get("matrix", {})
        axes = [[(k, _text(v, where)) for v in values] for k, values in matrix.items()]
        for combination in itertools.product(*axes) if axes else [()]:
            parameters = {**fixed, **dict(combination)}
            if "dataset" in dict(combination):
                _check_dataset(parameters["dataset"], where)
            try:
                name = item["name"].format(**parameters)
            except KeyError as error:
                raise ManifestError(f"{where}: name template {item['name']!r} uses {error}, "
                                    "which is not a parameter") from error
            if not NAME.fullmatch(name):
                raise ManifestError(f"{where}: report name {name!r} must be lower-case letters, "
                                    "digits, '.', '_' or '-' (it names a folder in reports/)")
            entries.append(Entry(name, notebook, parameters, formats))
    names = [e.name for e in entries]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ManifestError(f"{paths.display(path)}: report names must be unique: {duplicates}")
    return entries


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/3"`` -> (2, 3): the second of three shards. Each number is bounded on its text
    before it is converted (:func:`limits.whole_option`): N at most ``limits.SHARDS_MAX``."""
    index, slash, count = text.strip().partition("/")
    rule = f"a shard is I/N with 1 <= I <= N <= {limits.SHARDS_MAX:,}, e.g. 2/3"
    if not slash:
        shown = text if len(text) <= 20 else text[:19] + "…"
        raise ManifestError(f"{rule}; got {shown!r}")
    try:
        total = limits.whole_option(count, "N", 1, limits.SHARDS_MAX)
        mine = limits.whole_option(index, "I", 1, total)
    except ValueError as error:
        raise ManifestError(f"{rule}: {error}") from None
    return mine, total


def shard(entries: list[Entry], index: int, count: int) -> list[Entry]:
    """Shard ``index`` of ``count`` (1-based): the entries whose names, sorted, are at
    positions index, index + count, index + 2 * count, ...

    Deterministic: every machine given the same manifest takes the same share, and the
    ``count`` shards together hold every entry exactly once, in near-equal numbers.
    """
    names = sorted(e.name for e in entries)
    mine = set(names[index - 1::count])
    return [e for e in entries if e.name in mine]

