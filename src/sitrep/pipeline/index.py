"""``reports/index.html``: every report with its parameters, formats, time, status and data set
checksum, read from each report's ``render.json`` and escaped by the template."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sitrep import paths
from sitrep.pipeline.entry import Entry, Outcome, Status
from sitrep.pipeline.publish import publish

INDEX = "index.html"


def _row(outcome: Outcome, out_root: Path) -> dict:
    entry = outcome.entry
    record = entry.record(out_root)
    published = record.get("status") == Status.RENDERED
    return {
        "name": entry.name,
        "title": record.get("title", ""),
        "notebook": entry.notebook.name,
        "parameters": entry.parameters,
        "formats": [f for f in entry.formats
                    if (entry.folder(out_root) / f"{entry.name}.{f}").is_file()],
        "status": str(outcome.status),
        "seconds": outcome.seconds if outcome.status == Status.RENDERED
        else record.get("seconds"),
        "rendered_at": record.get("rendered_at", ""),
        "dataset": paths.display(entry.dataset),
        "dataset_digest": (outcome.dataset_digest or record.get("dataset_digest", ""))[:12],
        "message": outcome.message.splitlines()[0] if outcome.message else "",
        "stale": (outcome.status == Status.FAILED or outcome.status.refused) and published,
    }


def write_index(outcomes: list[Outcome], out_root: Path) -> Path:
    """Write ``out_root/index.html`` listing ``outcomes`` (atomically)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    rows = [_row(outcome, Path(out_root)) for outcome in outcomes]
    environment = Environment(loader=FileSystemLoader(paths.TEMPLATES / "index"),
                              autoescape=select_autoescape(default=True))
    html = environment.get_template("index.html.j2").render(
        rows=rows, generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"))
    (written,) = publish({INDEX: html}, out_root, staging=paths.STAGING)
    return written


def assess(entry: Entry, out_root: Path, digests: dict[Path, str], code: str) -> Outcome:
    """What ``entry``'s folder holds: 'rendered' (current), 'stale' (rendered from other
    inputs than today's notebook, data set, parameters or code) or 'missing'."""
    from sitrep.model.data.digest import dataset_digest

    record = entry.record(out_root)
    if record.get("status") != Status.RENDERED:
        return Outcome(entry, Status.MISSING, message=(
            "no rendered render.json in its folder: its shard failed or was not gathered"))
    if entry.dataset not in digests:
        digests[entry.dataset] = dataset_digest(entry.dataset)
    stale = record.get("digest") != entry.inputs(digests[entry.dataset], code)
    return Outcome(
        entry, Status.STALE if stale else Status.RENDERED, float(record.get("seconds", 0)),
        "rendered from other inputs (notebook, data set, parameters or code)" if stale
        else "", digest=record.get("digest", ""), dataset_digest=record.get("dataset_digest", ""))


def assemble_index(entries: list[Entry], out_root: Path = paths.REPORTS) -> list[Outcome]:
    """Write ``index.html`` from the ``render.json`` of every entry's folder, as when shards
    rendered on several machines (``sitrep render --shard I/N``) are gathered into one folder.
    """
    from sitrep.model.data.digest import code_digest

    code, digests = code_digest(), {}
    outcomes = [assess(entry, Path(out_root), digests, code) for entry in entries]
    write_index(outcomes, Path(out_root))
    return outcomes
