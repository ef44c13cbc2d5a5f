"""Where ``sitrep draft`` reads its text and writes its rows: the text checked before anything
is copied (a regular UTF-8 text file within limits, outside the system folders), the source id
checked as the folder name it becomes, and every file written through
:mod:`sitrep.model.data.writes` (no write follows a link). The drafting itself is
:func:`sitrep.authoring.draft.draft_text`.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from pathlib import Path

import pandas as pd

from sitrep import paths
from sitrep.authoring.draft import (
    Context,
    Draft,
    DraftError,
    draft_text,
    preferred_countries,
    title_of,
)
from sitrep.model.data import hygiene, limits, writes
from sitrep.model.data.problems import Collector
from sitrep.model.data.tables import load_schema, read_table
from sitrep.model.geo import place

DRAFT_DIR = "draft"


def _plain_name(name: str) -> bool:
    """A source text's file name as sources/ keeps it: no folder part, no control or
    bidirectional character, not hidden (a name such as '...txt' would make the id '..')."""
    return (0 < len(name) <= limits.NAME_LENGTH and not name.startswith(".")
            and "/" not in name and "\\" not in name
            and not hygiene.CONTROL.search(name) and not hygiene.BIDI.search(name))


#: What a source id used as a folder name may be: the schema's id pattern, within its length.
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def _source_text(document: Path, sources: Path) -> bytes:
    """The bytes of a text to draft, refused unless it is a regular file of UTF-8 text within
    limits.DRAFT_BYTES outside the system folders (nothing is copied before this passes)."""
    shown = paths.display(document)
    real = os.path.realpath(document)
    if any(real == top or real.startswith(top + "/") for top in writes.SYSTEM_FOLDERS):
        raise DraftError(f"{shown}: lies in a system folder (/proc, /sys, /dev): a source "
                         "text is an ordinary file")
    if _in_sources(document, sources) and os.path.islink(document):
        raise DraftError(f"{shown}: is a link: a source text in sources/ is a regular file")
    try:
        info = os.stat(real)
    except OSError as error:
        raise DraftError(f"{shown}: {writes.words(error)}") from None
    if not stat.S_ISREG(info.st_mode):
        raise DraftError(f"{shown}: must be a regular file of text (a device, a pipe or a "
                         "folder is not read)")
    if info.st_size > limits.DRAFT_BYTES:
        raise DraftError(f"{shown}: is {info.st_size:,} bytes: sitrep draft reads texts of up "
                         f"to {limits.DRAFT_BYTES:,} bytes (split it)")
    try:
        with open(real, "rb") as handle:
            data = handle.read(limits.DRAFT_BYTES + 1)
    except OSError as error:
        raise DraftError(f"{shown}: {writes.words(error)}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DraftError(f"{shown}: must be UTF-8 text (byte {error.start} cannot be decoded): "
                         "save the source as plain text first") from None
    found = hygiene.CONTROL.search(text.replace("\n", "").replace("\r", "").replace("\t", ""))
    if found or not text.strip():
        raise DraftError(f"{shown}: must be plain text (it is empty or holds control "
                         "characters such as NUL: a binary file is not a source text)")
    return data


def _in_sources(document: Path, sources: Path) -> bool:
    """Whether the text is a file of sources/ itself (its folder resolved, not the file: a link
    planted in sources/ is refused, never followed)."""
    return os.path.realpath(Path(document).parent) == os.path.realpath(sources)


def _checked_id(value: str, option: str) -> str:
    if not _ID.fullmatch(value) or len(value) > limits.ID_LENGTH:
        raise DraftError(f"{option} {hygiene.terminal(value)[:80]!r} must be an id: letters, "
                         f"digits, '_', '.' and '-', starting with a letter or digit, at most "
                         f"{limits.ID_LENGTH} characters (it names the draft's folder)")
    return value


def write_draft(dataset: Path, document: Path, *, source_id: str = "", outlet_id: str = "",
                published: str = "") -> tuple[Path, Draft]:
    """Draft a source text into ``dataset/draft/<source_id>/`` (one CSV per table, each row
    with its ``basis``); return the folder and the draft. A text outside ``sources/`` is
    copied there byte for byte first. Nothing in ``facts/`` is read for writing or changed;
    every file is written through :mod:`sitrep.model.data.writes` (no link followed).

    Raises:
        DraftError: the text is not a plain UTF-8 text file within the limits, or the source
            id is not an id.
        WriteError: a file cannot be written (a link, a file where a folder is expected).
    """
    dataset, document = Path(dataset), Path(document)
    base = writes.root(dataset)
    for folder_name in (paths.SOURCES_DIR, paths.FACTS_DIR):
        writes.refuse_links(base, [folder_name])
    sources = base / paths.SOURCES_DIR
    data = _source_text(document, sources)
    source_id = source_id or re.sub(r"[^A-Za-z0-9_.-]+", "-", document.stem).strip("-")
    _checked_id(source_id, "--source-id" if source_id else "the file name's stem")
    if outlet_id:
        _checked_id(outlet_id, "--outlet")
    if published and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", published):
        raise DraftError(f"--published {hygiene.terminal(published)[:40]!r} must be a date "
                         "written YYYY-MM-DD")
    writes.refuse_links(base, [Path(DRAFT_DIR) / source_id])
    if not _in_sources(document, sources):
        if not _plain_name(document.name):
            raise DraftError(f"{paths.display(document)}: a source text's name must be plain "
                             f"(no control character, not starting with '.', at most "
                             f"{limits.NAME_LENGTH} characters): rename it")
        writes.write_bytes(base, Path(paths.SOURCES_DIR) / document.name, data, exclusive=True)
        document = sources / document.name
    text = hygiene.visible(data.decode("utf-8"))  # read as check reads it
    result, resources = _draft_tables(base, text, source_id, outlet_id, published)
    result.tables["sources"] = pd.DataFrame([{
        "source_id": source_id, "title": "TODO", "outlet_id": outlet_id or "OUTLET",
        "url": "TODO", "document": document.name, "sha256": hashlib.sha256(data).hexdigest(),
        "published": published or "YYYY-MM-DD", "published_precision": "day",
        "published_basis": "stated", "published_note": "", "language": "en",
        "reliability": "", "reliability_rationale": "", "note": "",
        "basis": f"the text {document.name}, its checksum computed now"}])
    folder = Path(DRAFT_DIR) / source_id
    for name, frame in result.tables.items():
        columns = [f["name"] for f in resources[name]["fields"]] + ["basis"]
        table = frame.reindex(columns=columns).map(_cell).to_csv(index=False)
        writes.write_text(base, folder / f"{name}.csv", table)
    return dataset / folder, result


def _draft_tables(base: Path, text: str, source_id: str, outlet_id: str,
                  published: str) -> tuple[Draft, dict]:
    """The drafted tables of a text, against what the data set at ``base`` already holds."""
    resources = {r["name"]: r["schema"] for r in load_schema()["resources"]}

    def known(name: str) -> pd.DataFrame:
        frame = read_table(base / paths.FACTS_DIR / f"{name}.csv", resources[name],
                           Collector(), root=base)
        return frame if frame is not None else pd.DataFrame(
            columns=[f["name"] for f in resources[name]["fields"]])

    outlet = outlet_id or "OUTLET"
    numbers = [int(m.group(1)) for i in known("claims")["claim_id"]
               if (m := re.fullmatch(r"C(\d{1,9})", str(i)))]
    layers = place.read_layers(paths.geo_dir(base))
    context = Context(source_id, outlet, published or "YYYY-MM-DD", known("actors"),
                      known("places"), layers, next_claim=max(numbers, default=0) + 1,
                      preferred=preferred_countries(known("places"), title_of(base), layers))
    result = draft_text(text, context)
    if outlet_id and outlet_id not in set(context.actors["actor_id"]):
        result.tables["actors"] = pd.concat([result.tables["actors"], pd.DataFrame([{
            "actor_id": outlet_id, "name": "TODO: the outlet's name", "kind": "news_outlet",
            "basis": "--outlet: statements without a named source are the outlet's own"}])])
    return result, resources


def _cell(value: object) -> object:
    """50000.0 is written 50000: the schema's numbers carry no needless decimals."""
    if isinstance(value, float):
        return "" if pd.isna(value) else int(value) if value.is_integer() else value
    return "" if value is None else value
