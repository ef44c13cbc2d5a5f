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
import hashlib
import json
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from sitrep import paths
from sitrep.pipeline import guard
from sitrep.pipeline.formats import DEFAULT_FORMATS, REGISTRY

RENDER_JSON = "render.json"


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
        """Its ``render.json`` as published ({} when there is none, or it cannot be read)."""
        try:
            record = json.loads((self.folder(out_root) / RENDER_JSON).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return record if isinstance(record, dict) else {}

    def why(self, out_root: Path, digest: str, *, force: bool = False) -> Why | None:
        """Why it must be rendered, None when it is current: ``missing`` (no rendered record,
        or a wanted format's file is gone), ``stale`` (rendered from other inputs than
        ``digest``), ``forced``."""
        record = self.record(out_root)
        if record.get("status") != Status.RENDERED or not all(
                (self.folder(out_root) / f"{self.name}.{fmt}").is_file() for fmt in self.formats):
            return Why.MISSING
        if record.get("digest") != digest:
            return Why.STALE
        return Why.FORCED if force else None

    def kept_formats(self, out_root: Path, inputs: str) -> list[str]:
        """The formats current once this render is published: those rendered now, and those
        published earlier from the very same inputs (``inputs(..., formats=False)``)."""
        record = self.record(out_root)
        kept = [f for f in record.get("formats", []) if f not in self.formats
                and record.get("inputs") == inputs
                and (self.folder(out_root) / f"{self.name}.{f}").is_file()]
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
