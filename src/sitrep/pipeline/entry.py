"""One report to render, and what its folder says about it.

An :class:`Entry` (a manifest line, expanded) owns its render record, ``render.json`` in
``reports/<name>/``, and answers the questions the suite, the index and ``--list`` ask: is it
current, and if not why (:meth:`Entry.why`: missing, stale, forced)? Which of its formats are
still current after a render of only some, and which files are stale
(:meth:`Entry.kept_formats`, :meth:`Entry.stale_files`)? In the manner of owid/etl's
``Step.is_dirty``, the answer compares a checksum of everything the output depends on
(:meth:`Entry.inputs`: notebook, data set, parameters, formats, sitrep's code) with the one the
record was written from.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import math
import os
import re
import stat
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from sitrep import paths
from sitrep.model.data import limits, writes
from sitrep.pipeline import guard
from sitrep.pipeline.formats import DEFAULT_FORMATS, FORMATS, REGISTRY

RENDER_JSON = "render.json"
#: A report's name: a plain folder name (lower-case letters, digits, '.', '_', '-').
REPORT_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,79}")
#: The most bytes a render record may hold (sitrep writes a few hundred): a larger file, a
#: sparse 6 GB one included, is refused before it is read.
RECORD_BYTES = 1_000_000


class Status(StrEnum):
    """What happened to an entry in a run, or what its folder holds (the last two)."""

    RENDERED = "rendered"
    UNCHANGED = "unchanged"
    FAILED = "failed"
    BAD_DATA = "bad data"
    BAD_PARAMETER = "bad parameter"
    #: The notebook differs from its committed form (outputs, edited defaults): see guard.
    REFUSED = "refused"
    #: No rendered render.json in its folder (only an assembled index says so).
    MISSING = "missing"
    #: Rendered from other inputs than today's (only an assembled index says so).
    STALE = "stale"

    @property
    def refused(self) -> bool:
        """Refused before anything ran (the command exits 2)."""
        return self in (Status.BAD_DATA, Status.BAD_PARAMETER, Status.REFUSED)


class Why(StrEnum):
    """Why an entry is rendered (:meth:`Entry.why`)."""

    MISSING = "missing"
    STALE = "stale"
    FORCED = "forced"


@dataclass(frozen=True)
class Entry:
    """One report to render: a notebook, its parameters, the formats wanted."""

    name: str
    notebook: Path
    parameters: dict[str, str] = field(default_factory=dict)
    formats: tuple[str, ...] = DEFAULT_FORMATS
    #: Rendered with parameters given on the command line, under a name of its own
    #: (``brief.dataset-red-sea-2023-2024``: see :mod:`~sitrep.pipeline.adhoc`), never the
    #: manifest's.
    adhoc: bool = False

    @property
    def dataset(self) -> Path:
        """The data set folder the report reads."""
        given = self.parameters.get("dataset", "")
        return paths.dataset_folder(given).resolve() if given else paths.DEFAULT_DATASET

    def kernel_parameters(self) -> dict[str, str]:
        """The parameters as the notebook gets them: the data set as an absolute path."""
        given = dict(self.parameters)
        if given.get("dataset"):
            given["dataset"] = str(self.dataset)
        return given

    # -- its inputs -------------------------------------------------------------------------

    def inputs(self, dataset_digest: str, code: str, *, formats: bool = True) -> str:
        """What the output depends on: notebook, data set, parameters, formats (unless
        ``formats=False``: what every format of one render shares), sitrep's code."""
        hasher = hashlib.sha256()
        # The committed form: values explored in JupyterLab never make a report stale.
        hasher.update(guard.committed_bytes(self.notebook))
        hasher.update(json.dumps({"parameters": self.parameters,
                                  "formats": list(self.formats) if formats else [],
                                  "dataset": dataset_digest, "code": code},
                                 sort_keys=True).encode())
        return hasher.hexdigest()

    # -- its record -------------------------------------------------------------------------

    def folder(self, out_root: Path) -> Path:
        """Where its outputs and its record are published."""
        return Path(out_root) / self.name

    def record(self, out_root: Path) -> dict[str, Any]:
        """Its ``render.json`` as published ({} when there is none), read as untrusted input
        (:func:`read_record`).

        Raises:
            OutputError: the folder or its record is not what sitrep writes."""
        return read_record(self.folder(out_root))

    def has_file(self, out_root: Path, fmt: str) -> bool:
        """Whether its folder holds the file of ``fmt`` (a regular file: a link is none)."""
        return published_file(self.folder(out_root) / f"{self.name}.{fmt}")

    def why(self, out_root: Path, digest: str, *, force: bool = False) -> Why | None:
        """Why it must be rendered, None when it is current: ``missing`` (no rendered record,
        or a wanted format's file is gone), ``stale`` (rendered from other inputs than
        ``digest``), ``forced``."""
        record = self.record(out_root)
        if record.get("status") != Status.RENDERED or not all(
                self.has_file(out_root, fmt) for fmt in self.formats):
            return Why.MISSING
        if record.get("digest") != digest:
            return Why.STALE
        return Why.FORCED if force else None

    def kept_formats(self, out_root: Path, inputs: str) -> list[str]:
        """The formats current once this render is published: those rendered now, and those
        published earlier from the very same inputs (``inputs(..., formats=False)``)."""
        record = self.record(out_root)
        kept = [f for f in record.get("formats", []) if f not in self.formats
                and record.get("inputs") == inputs and self.has_file(out_root, f)]
        return [*self.formats, *kept]

    def stale_files(self, out_root: Path, current: list[str], written: list[Path]) -> list[Path]:
        """Files a render of ``current`` formats leaves behind: every file of another format
        (a PDF of last week's data beside today's HTML), and a companion of a current format
        not written now (a chart the report no longer draws)."""
        folder, kept = self.folder(out_root), {p.name for p in written}
        stale = []
        for fmt in REGISTRY:
            files = fmt.files(folder, self.name)
            stale += [p for p in files if fmt.name not in current
                      or (p.name not in kept and fmt.name in self.formats)]
        return stale

    def render_json(self, title: str, seconds: float, digest: str, dataset_digest: str, *,
                    formats: list[str], inputs: str) -> str:
        """The record the index and the next run read about this render."""
        record = {
            "name": self.name, "title": title, "notebook": self.notebook.name,
            "adhoc": self.adhoc,
            "parameters": self.parameters, "formats": formats, "inputs": inputs,
            "status": str(Status.RENDERED), "seconds": round(seconds, 2), "digest": digest,
            "dataset": paths.display(self.dataset), "dataset_digest": dataset_digest,
            "rendered_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        return json.dumps(record, indent=1, ensure_ascii=False) + "\n"

    def with_formats(self, formats: tuple[str, ...]) -> Entry:
        """The same entry, other formats."""
        return replace(self, formats=formats)

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Entry | None:
        """The entry a ``render.json`` was rendered from (an ad-hoc render has no manifest
        line), or None when the record does not say."""
        try:
            return cls(str(record["name"]), paths.NOTEBOOKS / str(record["notebook"]),
                       {str(k): str(v) for k, v in dict(record.get("parameters", {})).items()},
                       tuple(map(str, record.get("formats", ()))),
                       adhoc=record.get("adhoc") is True)
        except (KeyError, TypeError, ValueError):
            return None


@dataclass
class Outcome:
    """What happened to one entry in a run, or what its folder holds."""

    entry: Entry
    status: Status
    seconds: float = 0.0
    message: str = ""
    files: list[Path] = field(default_factory=list)
    digest: str = ""
    dataset_digest: str = ""


class OutputError(writes.WriteError):
    """The output folder holds what sitrep did not write there: a link, a pipe, a device, a
    record too large or of the wrong shape. One message naming it; the command exits 2."""


def published_file(path: Path) -> bool:
    """Whether ``path`` is a regular file itself (not a link to one, not a pipe)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


_FIX = "sitrep writes it: remove it and render again"


def read_record(folder: Path) -> dict[str, Any]:
    """A report folder's ``render.json``, read as untrusted input: {} when the folder or the
    record does not exist. The folder must be a real folder and the record a regular file
    (neither is followed as a link; a pipe or a device is never opened for reading, only
    looked at), of at most :data:`RECORD_BYTES`, the JSON object sitrep writes, each field
    of its type (:func:`record_problem`).

    Raises:
        OutputError: anything else, with one message naming the path and the rule."""
    folder = Path(folder)
    path = folder / RENDER_JSON
    try:
        directory = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return {}
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENOTDIR):
            kind = "a link" if os.path.islink(folder) else "not a folder"
            raise OutputError(folder, f"is {kind}: a report's folder in the output folder is "
                                      "a real folder (sitrep follows no link there); remove "
                                      "it") from None
        raise OutputError(folder, writes.words(error)) from None
    try:
        try:
            handle = os.open(RENDER_JSON, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK
                             | os.O_CLOEXEC, dir_fd=directory)
        except FileNotFoundError:
            return {}
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise OutputError(path, f"is a link: a render record is a regular file; "
                                        f"{_FIX}") from None
            raise OutputError(path, writes.words(error)) from None
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode) or info.st_size > RECORD_BYTES:
            os.close(handle)
            raise OutputError(path, (
                f"is {info.st_size:,} bytes: a render record holds at most {RECORD_BYTES:,}"
                if stat.S_ISREG(info.st_mode) else
                "is not a regular file (a pipe, a device or a folder is never read)")
                + f"; {_FIX}")
        with os.fdopen(handle, "rb") as stream:
            data = stream.read(RECORD_BYTES + 1)
    finally:
        os.close(directory)
    if len(data) > RECORD_BYTES:
        raise OutputError(path, f"holds more than {RECORD_BYTES:,} bytes: {_FIX}")
    try:
        record = limits.load_json(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise OutputError(path, f"is not the JSON object sitrep writes; {_FIX}") from None
    if not isinstance(record, dict):
        raise OutputError(path, f"is not the JSON object sitrep writes; {_FIX}")
    for key, value in record.items():
        problem = record_problem(str(key), value)
        if problem:
            raise OutputError(path, f"field {str(key)[:40]!r} {problem}; {_FIX}")
    return record


#: A digest as sitrep writes it: hex, a data set's in parts joined by '+'.
_HEX = re.compile(r"[0-9a-f]{1,64}(?:\+[0-9a-f]{1,64}){0,4}")
_STAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
_NOTEBOOK = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}\.ipynb")
#: The longest text of a record (a title, a data set's path, a parameter's value).
_TEXT = 2_000
#: The longest render a record may state, in seconds (about four months).
_SECONDS = 10_000_000


def record_problem(key: str, value: object) -> str:
    """What is wrong with one field of a render record, '' when nothing is (a field sitrep
    does not write is left alone): each is of the type sitrep writes it with."""
    def text(limit: int = _TEXT) -> bool:
        return isinstance(value, str) and len(value) <= limit

    if key in ("digest", "inputs", "dataset_digest"):
        return "" if text(400) and (value == "" or _HEX.fullmatch(str(value))) \
            else "must be a hex digest (0-9, a-f; parts joined by '+')"
    if key == "seconds":
        fine = isinstance(value, int | float) and not isinstance(value, bool) \
            and math.isfinite(value) and 0 <= value <= _SECONDS
        return "" if fine else f"must be a number of seconds from 0 to {_SECONDS:,}"
    if key == "status":
        return "" if value in {str(s) for s in Status} else \
            "must be a status sitrep writes (" + ", ".join(map(str, Status)) + ")"
    if key == "formats":
        fine = isinstance(value, list) and len(value) <= len(FORMATS) \
            and all(isinstance(f, str) and f in FORMATS for f in value) \
            and len(set(value)) == len(value)
        return "" if fine else "must list formats sitrep writes (" + ", ".join(FORMATS) + ")"
    if key == "parameters":
        fine = isinstance(value, dict) and len(value) <= limits.LIST_ITEMS and all(
            isinstance(k, str) and k.isidentifier() and len(k) <= limits.ID_LENGTH
            and isinstance(v, str) and len(v) <= _TEXT for k, v in value.items())
        return "" if fine else "must map parameter names to text"
    if key == "name":
        return "" if text(80) and REPORT_NAME.fullmatch(str(value)) else \
            "must be a report name (lower-case letters, digits, '.', '_', '-')"
    if key == "notebook":
        return "" if text(106) and _NOTEBOOK.fullmatch(str(value)) else \
            "must be a notebook's file name (NAME.ipynb, no folder)"
    if key == "rendered_at":
        return "" if text(20) and _STAMP.fullmatch(str(value)) else \
            "must be a UTC time written YYYY-MM-DDTHH:MM:SSZ"
    if key in ("title", "dataset"):
        return "" if text() else f"must be text of at most {_TEXT:,} characters"
    return ""


def plan(entries: list[Entry], out_root: Path = paths.REPORTS, *, force: bool = False,
         ) -> tuple[dict[Path, str], dict[str, str], dict[str, Why | None]]:
    """What a render of ``entries`` would do, without rendering: each data set's checksum,
    each entry's input checksum, and why each would render (None: current, skipped). Light
    (checksums only): the command line asks it before it imports the suite."""
    from sitrep.model.data.digest import code_digest, dataset_digest

    code = code_digest()
    digests = {d: dataset_digest(d) for d in {e.dataset for e in entries}}
    wanted = {e.name: e.inputs(digests[e.dataset], code) for e in entries}
    why = {e.name: e.why(out_root, wanted[e.name], force=force) for e in entries}
    return digests, wanted, why
