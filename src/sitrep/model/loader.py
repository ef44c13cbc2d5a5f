"""Load a data set's facts into tidy pandas DataFrames, validating everything at once.

:mod:`tables` applies the Table Schema, :func:`read_texts` reads the source texts, and the
registry (:mod:`sitrep.model.rules.registry`) applies the domain rules, which only read;
every problem is collected and reported together, each with the file, row, field, rule and value.
A clean data set is cached by the checksum of its files and of sitrep's code.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import random
from pathlib import Path

import pandas as pd

from sitrep import paths
from sitrep.model.data import confine, hints, hygiene, memo, writes
from sitrep.model.data import rule_ids as R
from sitrep.model.data.digest import code_digest, dataset_digest
from sitrep.model.data.facts import Facts
from sitrep.model.data.problems import Collector, FactsError, Problem, errors, records, row_number
from sitrep.model.data.sources import split_sentences
from sitrep.model.data.tables import (
    check_descriptor_copy,
    check_fields,
    check_keys,
    load_schema,
    read_settings,
    read_table,
)
from sitrep.model.rules.registry import check_domain


def load(dataset: Path | str | None = None, *, cache: bool = True) -> Facts:
    """Load and validate a data set directory (with ``facts/`` and ``sources/``).

    Raises FactsError listing every problem found; returns Facts when the data set is clean.
    A clean data set is remembered in ``build/cache/`` under a checksum of its files and of
    sitrep's code, so the next load of the same bytes (the next notebook of a render) skips
    validation; any change to a file or to the code misses the cache and validates again.
    """
    dataset = Path(dataset) if dataset is not None else paths.DEFAULT_DATASET
    cached = _cache_path(dataset) if cache else None
    if cached is not None and cached.is_file():
        with contextlib.suppress(Exception):  # an unreadable cache is only a miss
            facts = pickle.loads(cached.read_bytes())
            if isinstance(facts, Facts):
                facts.dataset = dataset
                return facts
    problems, facts = _validate(dataset)
    if errors(problems):
        raise FactsError(errors(problems))
    assert facts is not None
    if cached is not None:
        _write_cache(cached, facts)
    return facts


def check(dataset: Path | str, *, fresh: bool = False) -> list[Problem]:
    """Every problem of a data set, sorted; an empty list when it is clean. Warnings (a place
    no claim uses) are listed too; a data set with warnings only loads, and is cached.

    Unless ``fresh``, files checked before answer from the memo (:mod:`memo`), keyed by the
    checksums of everything the result depends on."""
    dataset = Path(dataset)
    if not fresh and (recalled := memo.recall(dataset)) is not None:
        cached = _cache_path(dataset)
        # a clean data set whose validated facts were evicted is validated again here, once,
        # so that the kernels of a render load the cache rather than each validating it
        if errors(recalled) or cached is None or cached.is_file():
            return recalled
    before = memo.key(dataset)
    problems, facts = _validate(dataset)
    if facts is not None and not errors(problems):
        cached = _cache_path(dataset)
        if cached is not None:
            _write_cache(cached, facts)
    problems = sorted(problems, key=lambda p: (p.file, p.row or 0, p.field or "", p.rule))
    if before is not None and memo.key(dataset) == before:  # unchanged while it was checked
        memo.keep(dataset, problems, before)
    return problems


CACHE_KEEP = 16  # cached data sets kept; older ones are removed


def _cache_path(dataset: Path) -> Path | None:
    if not paths.facts_dir(dataset).is_dir():
        return None
    try:
        key = hashlib.sha256(f"{dataset_digest(dataset)}|{code_digest()}".encode()).hexdigest()
    except OSError:
        return None
    return paths.BUILD / "cache" / f"facts-{key[:32]}.pickle"


def _write_cache(target: Path, facts: Facts) -> None:
    with contextlib.suppress(OSError):  # a cache that cannot be written is only a miss
        build = writes.root(target.parent.parent, create=True)
        writes.write_bytes(build, Path(target.parent.name) / target.name,
                           pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL))
        old = sorted(target.parent.glob("facts-*.pickle"), key=lambda p: p.stat().st_mtime)
        for stale in old[:-CACHE_KEEP]:
            stale.unlink(missing_ok=True)


def _validate(dataset: Path) -> tuple[list[Problem], Facts | None]:
    """Every problem of a data set, and its facts when it has no error."""
    out, facts, stopped = read(dataset)
    if facts is None:
        return stopped, None
    return apply_rules(facts, out)


def apply_rules(facts: Facts, out: Collector, *,
                shuffle: random.Random | None = None) -> tuple[list[Problem], Facts | None]:
    """The domain rules on facts read by :func:`read` (``out`` holds what the reading found);
    ``shuffle`` runs the checks in a random order, which changes nothing (tests)."""
    check_domain(facts, paths.facts_dir(facts.dataset), out, shuffle=shuffle)
    problems = out.finish()
    return problems, (None if errors(problems) else facts)


def read(dataset: Path) -> tuple[Collector, Facts | None, list[Problem]]:
    """The reading: the folders, the descriptor, each table through its Table Schema, then the
    source texts (:func:`read_texts`). Returns what it found, the facts when every table could
    be read with its columns (the domain rules read across tables), and otherwise the problems
    that stop it."""
    out = Collector()
    facts_dir = paths.facts_dir(dataset)
    if not os.path.lexists(dataset):  # a mistyped folder: said as such, with the one meant
        out.add(paths.display(dataset), None, None, R.DATASET_LAYOUT, None,
                hints.missing_folder(Path(dataset)))
        return out, None, out.finish()
    for folder in (facts_dir, paths.sources_dir(dataset), Path(dataset) / paths.GEO_DIR):
        reason = confine.folder_refusal(folder, dataset)
        if reason is not None:
            out.add(paths.display(folder), None, None, confine.RULE_FOLDER, None, reason)
    if out.problems:
        return out, None, out.finish()
    if not facts_dir.is_dir():
        out.add(paths.display(facts_dir), None, None, R.DATASET_LAYOUT, None,
                "a data set is a folder holding facts/ (the tables) and sources/ (the texts)")
        return out, None, out.finish()
    schema = load_schema()
    title = check_descriptor_copy(facts_dir, schema, out)
    settings = read_settings(facts_dir, out)
    resources = {r["name"]: r for r in schema["resources"]}
    raw: dict[str, pd.DataFrame] = {}
    for name, resource in resources.items():
        frame = read_table(facts_dir / resource["path"], resource["schema"], out,
                           optional=bool(resource.get("optionalTable")), root=dataset)
        if frame is not None:
            raw[name] = frame
    typed = {name: check_fields(facts_dir / resources[name]["path"], frame,
                                 resources[name]["schema"], out)
             for name, frame in raw.items()}
    known_sets: dict[tuple[str, str], set] = {}
    for name, frame in typed.items():
        check_keys(facts_dir, name, frame, resources[name]["schema"], typed, resources, out,
                   known_sets)
    structural = {R.FILE_EXISTS, R.UTF_8, R.HEADER, R.CSV, R.MISSING_COLUMN, R.DESCRIPTOR,
                  R.FILE_INSIDE_DATASET}
    if len(typed) != len(resources) or any(p.rule in structural for p in out.problems):
        if all(p.rule == R.FILE_EXISTS for p in out.problems) and not typed:
            return out, None, [_not_a_data_set(facts_dir)]
        # Domain rules read across tables: they need every table present with its columns.
        return out, None, out.finish()
    facts = Facts(dataset=dataset, tables=typed, title=title, settings=settings)
    read_texts(facts, facts_dir, out)
    return out, facts, []


def read_texts(facts: Facts, facts_dir: Path, out: Collector) -> None:
    """The loader's last step, before any domain rule: each source's held text, as a reader sees
    it, into ``facts.texts``, and its sentences into ``facts.sentences_of``. A text that cannot
    be used (no checksum, missing, edited, not UTF-8, a link out) is reported on sources.csv and
    left out; the rules only read what is here."""
    shown = paths.display(facts_dir / "sources.csv")
    documents = paths.sources_dir(facts.dataset)
    for index, src in records(facts.sources):
        row = row_number(index)
        if bool(src["document"]) != bool(src["sha256"]):
            out.add(shown, row, "sha256", R.CHECKSUM_REQUIRED, src["sha256"],
                    "a source with a document needs its sha256, and a sha256 needs a document")
            continue
        if not src["document"]:
            continue
        text = _document_text(src["document"], src["sha256"], documents, shown, row, out)
        if text is not None:
            facts.texts[src["source_id"]] = text
            facts.sentences_of[src["source_id"]] = split_sentences(text)


def _document_text(name: str, recorded: str, documents: Path, shown: str, row: int,
                   out: Collector) -> str | None:
    """A source document's text (NFC, without invisible characters: what a reader sees) when it
    is a regular file in sources/, unedited and UTF-8; None otherwise (reported). A link out of
    the folder, a device or a pipe is never opened, so no path, checksum or text from outside
    the data set reaches a message."""
    path = documents / name
    if not confine.exists(path) or not confine.inside(path.parent, documents):
        out.add(shown, row, "document", R.DOCUMENT_EXISTS, name,
                f"the document must be a file in {paths.display(documents)}")
        return None
    try:
        data = confine.read_bytes(path, documents)
    except confine.OutsideError as error:
        out.add(shown, row, "document", confine.RULE, name, f"the document {error}")
        return None
    digest = hashlib.sha256(data).hexdigest()
    if digest != recorded:
        out.add(shown, row, "sha256", R.CHECKSUM, digest,
                f"{paths.display(path)} has changed since it was recorded: source texts are "
                "verbatim and never edited (the value shown is the file's digest now)")
        return None
    try:
        return hygiene.nfc(hygiene.visible(data.decode("utf-8")))
    except UnicodeDecodeError:
        out.add(shown, row, "document", R.UTF_8, name, "the document must be UTF-8")
        return None


def _not_a_data_set(facts_dir: Path) -> Problem:
    """One message, not one per missing table, when facts/ holds no table at all."""
    return Problem(paths.display(facts_dir), None, None, R.FILE_EXISTS, None,
                   "facts/ holds none of the tables: start a data set with "
                   f"sitrep new {paths.display(facts_dir.parent)} --title '...'")
