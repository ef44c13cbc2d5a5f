"""``reports/index.html``: every report with its parameters, formats, time, status and data set
checksum, read from each report's ``render.json`` and escaped by the template.

The output folder is read as untrusted input (it may be gathered from several machines):
each report's folder must be a real folder and its record a regular file of the shape sitrep
writes (:func:`sitrep.pipeline.entry.read_record`: no link followed, no pipe or device read,
at most 1 MB, each field of its type), and anything else is one message (exit 2). A link in
the index goes only to a report's own files, relative (``./NAME/NAME.html``), for a plain
report name and a format sitrep writes: a folder named ``javascript:void(0)`` is refused,
never a link.

The index never forgets: every render (of some reports, ad-hoc, one shard) rebuilds it
(:func:`rebuild`) from this run's outcomes and every other report's folder, so a report not
rendered now keeps its row, marked 'stale' when rendered from other inputs than today's and
'missing' when its folder holds no rendered record. Ad-hoc renders (and folders of reports the
manifest no longer lists) are listed apart, below the manifest's reports.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path
from urllib.parse import quote

from sitrep import paths
from sitrep.pipeline.entry import REPORT_NAME, Entry, Outcome, OutputError, Status
from sitrep.pipeline.formats import FORMATS
from sitrep.pipeline.publish import publish

INDEX = "index.html"


def _row(outcome: Outcome, out_root: Path) -> dict:
    entry = outcome.entry
    record = entry.record(out_root)
    published = record.get("status") == Status.RENDERED
    listed = dict.fromkeys([*record.get("formats", []), *entry.formats])
    return {
        "name": entry.name,
        "title": record.get("title", ""),
        "notebook": entry.notebook.name,
        "parameters": entry.parameters,
        "links": [(fmt, link(entry.name, fmt)) for fmt in listed
                  if fmt in FORMATS and entry.has_file(out_root, fmt)],
        "status": str(outcome.status),
        "seconds": outcome.seconds if outcome.status == Status.RENDERED
        else record.get("seconds"),
        "rendered_at": record.get("rendered_at", ""),
        "dataset": paths.display(entry.dataset),
        "dataset_digest": (outcome.dataset_digest or record.get("dataset_digest", ""))[:12],
        "message": outcome.message.splitlines()[0] if outcome.message else "",
        "stale": (outcome.status == Status.FAILED or outcome.status.refused) and published,
    }


def link(name: str, fmt: str) -> str:
    """The index's link to a report's file: relative, under its own folder, percent-encoded,
    for a plain report name and a format sitrep writes only (never a scheme such as
    ``javascript:``)."""
    if not REPORT_NAME.fullmatch(name) or fmt not in FORMATS:
        raise ValueError(f"no link for report {name!r}, format {fmt!r}")
    return f"./{quote(name, safe='')}/{quote(f'{name}.{fmt}', safe='')}"


def write_index(outcomes: list[Outcome], out_root: Path, *,
                apart: list[Outcome] | None = None) -> Path:
    """Write ``out_root/index.html`` listing ``outcomes`` (the manifest's reports) and, in a
    table of their own, ``apart`` (ad-hoc renders), atomically."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    environment = Environment(loader=FileSystemLoader(paths.TEMPLATES / "index"),
                              autoescape=select_autoescape(default=True))
    html = environment.get_template("index.html.j2").render(
        rows=[_row(outcome, Path(out_root)) for outcome in outcomes],
        adhoc=[_row(outcome, Path(out_root)) for outcome in apart or []],
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"))
    (written,) = publish({INDEX: html}, out_root, staging=paths.STAGING)
    return written


def assess(entry: Entry, out_root: Path, digests: dict[Path, str], code: str) -> Outcome:
    """What ``entry``'s folder holds: 'rendered' (current), 'stale' (rendered from other
    inputs than today's notebook, data set, parameters or code) or 'missing'."""
    from sitrep.model.data.digest import dataset_digest

    record = entry.record(out_root)
    if record.get("status") != Status.RENDERED:
        return Outcome(entry, Status.MISSING, message=(
            "no rendered render.json in its folder: not rendered here yet, or its shard "
            "failed or was not gathered"))
    if entry.dataset not in digests:
        digests[entry.dataset] = dataset_digest(entry.dataset)
    if "inputs" in record:  # what every format shares: a render of some formats is current
        stale = record["inputs"] != entry.inputs(digests[entry.dataset], code, formats=False)
    else:
        stale = record.get("digest") != entry.inputs(digests[entry.dataset], code)
    return Outcome(
        entry, Status.STALE if stale else Status.RENDERED, float(record.get("seconds", 0)),
        "rendered from other inputs (notebook, data set, parameters or code)" if stale
        else "", digest=record.get("digest", ""), dataset_digest=record.get("dataset_digest", ""))


def _apart(out_root: Path, known: set[str], digests: dict[Path, str],
           code: str) -> list[Outcome]:
    """Every other report folder with a rendered record: ad-hoc renders, reports the manifest
    no longer lists; assessed from the record alone."""
    found = []
    with os.scandir(out_root) as listing:
        names = sorted(item.name for item in listing if item.name not in known)
    for name in names:
        folder = out_root / name
        mode = os.lstat(folder).st_mode
        if stat.S_ISREG(mode):
            continue  # the index itself, a note: not a report
        record = Entry(name, Path()).record(out_root)  # a link, a pipe: refused here
        if not record:
            continue  # a folder that holds no record is no report
        if not REPORT_NAME.fullmatch(name) or record.get("name", name) != name:
            raise OutputError(folder, "holds a render record but is not a report's folder: "
                                      "a report's folder is named as the report (lower-case "
                                      "letters, digits, '.', '_', '-'); remove it")
        entry = Entry.from_record(record)
        if entry is not None and entry.name == name and entry.notebook.is_file():
            found.append(assess(entry, out_root, digests, code))
    return found


def rebuild(entries: list[Entry], out_root: Path = paths.REPORTS, *,
            ran: list[Outcome] | None = None) -> tuple[list[Outcome], list[Outcome]]:
    """Rewrite ``index.html`` listing every report: the outcome of each one that ran now
    (``ran``), what the folder of each other entry of the manifest (``entries``) holds, then,
    apart, the ad-hoc renders of this run and of earlier ones.

    Returns:
        The manifest's rows and the rows apart, as outcomes.
    """
    from sitrep.model.data.digest import code_digest

    out_root = Path(out_root)
    out_root.mkdir(parents=True, exist_ok=True)
    code, digests = code_digest(), {}
    now = {o.entry.name: o for o in ran or []}
    listed = [now.pop(e.name, None) or assess(e, out_root, digests, code) for e in entries]
    apart = sorted([*now.values(), *_apart(out_root, {e.name for e in entries} | set(now),
                                           digests, code)], key=lambda o: o.entry.name)
    write_index(listed, out_root, apart=apart)
    return listed, apart


def assemble_index(entries: list[Entry], out_root: Path = paths.REPORTS) -> list[Outcome]:
    """Write ``index.html`` from the ``render.json`` of every entry's folder, as when shards
    rendered on several machines (``sitrep render --shard I/N``) are gathered into one folder;
    returns the manifest's rows."""
    return rebuild(entries, out_root)[0]
