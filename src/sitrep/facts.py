"""Load a data set's facts into tidy pandas DataFrames, validating everything at once.

The tables and their columns are declared in a Frictionless Data Package (``schema/
datapackage.json``, copied beside the CSVs so that outside tools validate the same rules). This
module applies that schema with vectorised pandas checks (types, required cells, enumerations,
patterns, minimums, primary and foreign keys) and then the domain rules a schema cannot state:
quotes found verbatim in their sentences, every sentence accounted for, bounds in order,
checksums of source texts. Every problem is collected and reported together, each with the file,
row, field, rule and value.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import pickle
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sitrep import paths, place
from sitrep.sources import read_text, sha256, split_sentences

ID_LIST_SEPARATOR = ";"

#: List fields whose items refer to another table (Table Schema foreign keys cannot say this).
LIST_REFERENCES: dict[tuple[str, str], str] = {
    ("claims", "claimants"): "actors",
    ("claims", "relays"): "actors",
    ("claims", "actors"): "actors",
    ("claims", "places"): "places",
    ("takeaways", "claims"): "claims",
    ("derived", "inputs"): "claims",
}

#: How a qualifier constrains the bounds of a number: (lower required, upper required,
#: lower forbidden, upper forbidden).
QUALIFIER_BOUNDS: dict[str, tuple[bool, bool, bool, bool]] = {
    "exact": (False, False, False, False),
    "about": (False, False, False, False),
    "estimated": (False, False, False, False),
    "potential": (False, False, False, False),
    "over": (True, False, False, True),
    "at_least": (True, False, False, True),
    "nearly": (False, True, True, False),
    "up_to": (False, True, True, False),
    "under": (False, True, True, False),
    "range": (True, True, False, False),
}

#: ACLED geo_precision a place of each kind may carry.
PRECISION_BY_KIND: dict[str, set[int]] = {
    "town": {1, 2},
    "region_part": {2},
    "region": {3},
    "country_part": {3},
    "country": {3},
}

_NUMBER_IN_TEXT = re.compile(r"\d[\d,]*(?:\.\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INTEGER = re.compile(r"[+-]?\d+")


@dataclass(frozen=True, order=True)
class Problem:
    """One broken rule: where (file, row, field), which rule, the value, and what it requires."""

    file: str
    row: int | None
    field: str | None
    rule: str
    value: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.field:
            where += f" field {self.field!r}"
        shown = "" if self.value is None else f" (value {_shorten(self.value)!r})"
        return f"{where}: [{self.rule}] {self.message}{shown}"


class FactsError(Exception):
    """The data set breaks one or more rules; ``problems`` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.row or 0, p.field or "", p.rule))
        noun = "problem" if len(problems) == 1 else "problems"
        lines = [f"{len(problems)} {noun} in the data set:"] + [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))


@dataclass
class Facts:
    """A validated data set: one DataFrame per table, plus tidy link tables for list fields."""

    dataset: Path
    tables: dict[str, pd.DataFrame]
    title: str = ""
    texts: dict[str, str] = field(default_factory=dict)
    sentences_of: dict[str, list[str]] = field(default_factory=dict)
    #: Tables derived from this data set, computed once (see sitrep.attribution).
    derived_cache: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    def link(self, table: str, column: str) -> pd.DataFrame:
        """A list column as a tidy two-column table, e.g. ``link("claims", "claimants")``."""
        frame = self.tables[table]
        key = frame.columns[0]
        exploded = frame[[key, column]].explode(column).dropna(subset=[column])
        return exploded.rename(columns={column: column.rstrip("s") + "_id"}).reset_index(drop=True)

    def until(self, as_of: str | pd.Timestamp) -> Facts:
        """Only what had been reported by ``as_of``: sources published (at the earliest) on or
        before it, their claims that refer to no later time, and what rests on those claims.
        A takeaway is kept only when every claim it cites is kept."""
        cut = pd.Timestamp(as_of)
        t = self.tables
        sources = t["sources"][t["sources"]["published"] <= cut]
        claims = t["claims"][t["claims"]["source_id"].isin(sources["source_id"])
                             & (t["claims"]["refers_to"] <= cut)]
        kept = set(claims["claim_id"])
        tables = dict(t, sources=sources, claims=claims,
                      sentences=t["sentences"][t["sentences"]["source_id"].isin(
                          sources["source_id"])])
        for name in ("quantities", "positions", "stances", "relations"):
            tables[name] = t[name][t[name]["claim_id"].isin(kept)]
        tables["takeaways"] = t["takeaways"][t["takeaways"]["claims"].map(
            lambda ids: all(i in kept for i in ids))]
        tables = {name: frame.reset_index(drop=True) for name, frame in tables.items()}
        held = set(sources["source_id"])
        return Facts(dataset=self.dataset, tables=tables, title=self.title,
                     texts={k: v for k, v in self.texts.items() if k in held},
                     sentences_of={k: v for k, v in self.sentences_of.items() if k in held})


def _shorten(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, file: str, row: int | None, fld: str | None, rule: str, value: object,
            message: str) -> None:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        missing = value is None or value is pd.NA or value is pd.NaT or (
            isinstance(value, float) and pd.isna(value))
        shown = None if missing else str(value)
        self.problems.append(Problem(file, row, fld, rule, shown, message))

    def add_rows(self, file: str, frame: pd.DataFrame, mask: pd.Series, fld: str | None,
                 rule: str, message: str, values: pd.Series | None = None) -> None:
        """Report every row where ``mask`` is true (vectorised checks end here)."""
        if not mask.any():
            return
        shown = (values if values is not None else frame[fld] if fld else None)
        for index in mask[mask].index:
            value = None if shown is None else shown.loc[index]
            self.add(file, _row_number(index), fld, rule, value, message)


def _records(frame: pd.DataFrame) -> Iterable[tuple[int, dict]]:
    """(index, row as a dict) pairs: what iterrows gives, without building a Series a row."""
    columns = list(frame.columns)
    values = zip(*(frame[c].tolist() for c in columns), strict=True) if columns else ()
    return zip(frame.index, (dict(zip(columns, row, strict=True)) for row in values),
               strict=False)


def _row_number(index: int) -> int:
    """The spreadsheet row of a data record: the header is row 1."""
    return int(index) + 2


def load_schema(path: Path = paths.SCHEMA) -> dict:
    """The canonical Frictionless Data Package descriptor of the facts tables."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_descriptor(dataset: Path | str) -> Path:
    """Write sitrep's schema into a data set's facts/datapackage.json.

    The data set's own name, title and description are kept; the resources (the schema) are
    replaced, so outside validators check exactly what sitrep checks.
    """
    target = paths.facts_dir(Path(dataset)) / "datapackage.json"
    descriptor = load_schema()
    if target.is_file():
        own = json.loads(target.read_text(encoding="utf-8"))
        for key in ("name", "title", "description"):
            if key in own:
                descriptor[key] = own[key]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(descriptor, indent=1, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    return target


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
    if problems:
        raise FactsError(problems)
    assert facts is not None
    if cached is not None:
        _write_cache(cached, facts)
    return facts


def check(dataset: Path | str) -> list[Problem]:
    """Every problem of a data set, sorted; an empty list when it is clean (and then cached)."""
    dataset = Path(dataset)
    problems, facts = _validate(dataset)
    if facts is not None and not problems:
        cached = _cache_path(dataset)
        if cached is not None:
            _write_cache(cached, facts)
    return sorted(problems, key=lambda p: (p.file, p.row or 0, p.field or "", p.rule))


CACHE_KEEP = 16  # cached data sets kept; older ones are removed


def _cache_path(dataset: Path) -> Path | None:
    from sitrep.manifest import code_digest, dataset_digest

    if not paths.facts_dir(dataset).is_dir():
        return None
    try:
        key = hashlib.sha256(f"{dataset_digest(dataset)}|{code_digest()}".encode()).hexdigest()
    except OSError:
        return None
    return paths.BUILD / "cache" / f"facts-{key[:32]}.pickle"


def _write_cache(target: Path, facts: Facts) -> None:
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_suffix(f".tmp{os.getpid()}")
        temp.write_bytes(pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temp, target)
        old = sorted(target.parent.glob("facts-*.pickle"), key=lambda p: p.stat().st_mtime)
        for stale in old[:-CACHE_KEEP]:
            stale.unlink(missing_ok=True)


def _validate(dataset: Path) -> tuple[list[Problem], Facts | None]:
    out = _Collector()
    facts_dir = paths.facts_dir(dataset)
    if not facts_dir.is_dir():
        out.add(paths.display(facts_dir), None, None, "dataset-layout", None,
                "a data set is a folder holding facts/ (the tables) and sources/ (the texts)")
        return out.problems, None
    schema = load_schema()
    title = _check_descriptor_copy(facts_dir, schema, out)
    resources = {r["name"]: r for r in schema["resources"]}
    raw: dict[str, pd.DataFrame] = {}
    for name, resource in resources.items():
        frame = _read_table(facts_dir / resource["path"], resource["schema"], out)
        if frame is not None:
            raw[name] = frame
    typed = {name: _check_fields(facts_dir / resources[name]["path"], frame,
                                 resources[name]["schema"], out)
             for name, frame in raw.items()}
    for name, frame in typed.items():
        _check_keys(facts_dir, name, frame, resources[name]["schema"], typed, resources, out)
    structural = {"file-exists", "utf-8", "header", "csv", "missing-column", "descriptor"}
    if len(typed) != len(resources) or any(p.rule in structural for p in out.problems):
        # Domain rules read across tables: they need every table present with its columns.
        return out.problems, None
    facts = Facts(dataset=dataset, tables=typed, title=title)
    _check_domain(facts, facts_dir, out)
    return out.problems, (None if out.problems else facts)


def _check_descriptor_copy(facts_dir: Path, schema: dict, out: _Collector) -> str:
    """Check the data set's datapackage.json against sitrep's; return the data set's title."""
    descriptor = facts_dir / "datapackage.json"
    shown = paths.display(descriptor)
    if not descriptor.is_file():
        out.add(shown, None, None, "descriptor", None,
                "each data set carries a copy of the schema for outside validators "
                "(write it with: sitrep schema DATA_DIR)")
        return ""
    try:
        copy = json.loads(descriptor.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        out.add(shown, None, None, "descriptor", None, f"is not valid JSON: {error}")
        return ""
    theirs = {r.get("name"): r.get("schema") for r in copy.get("resources", [])}
    for resource in schema["resources"]:
        if theirs.get(resource["name"]) != resource["schema"]:
            out.add(shown, None, resource["name"], "descriptor", None,
                    "the data set's schema copy must equal sitrep's schema "
                    "(update it with: sitrep schema DATA_DIR)")
    return str(copy.get("title", ""))


def _read_table(path: Path, schema: dict, out: _Collector) -> pd.DataFrame | None:
    shown = paths.display(path)
    if not path.is_file():
        out.add(shown, None, None, "file-exists", None, "the table is missing")
        return None
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        out.add(shown, line, None, "utf-8", repr(data[error.start : error.start + 4]),
                f"the file must be UTF-8 (byte {error.start} cannot be decoded)")
        return None
    if not text.strip():
        out.add(shown, None, None, "header", None, "the file is empty: a header row is required")
        return None
    # A row with more cells than the header: pandas would take the first column as an index
    # (silently) or name a line, not a row. Report the row.
    records = [r for r in csv.reader(io.StringIO(text, newline="")) if r]
    long = [(n, r) for n, r in enumerate(records, start=1) if len(r) > len(records[0])]
    for row, record in long:
        out.add(shown, row, None, "csv", ",".join(record),
                f"the row has {len(record)} cells but the header has {len(records[0])}: "
                "a cell holding a comma must be in double quotes")
    if long:
        return None
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                            na_filter=False, skip_blank_lines=True, engine="c")
    except (pd.errors.ParserError, csv.Error) as error:
        out.add(shown, None, None, "csv", None, f"the file is not a well-formed CSV table: {error}")
        return None
    expected = [f["name"] for f in schema["fields"]]
    for column in frame.columns:
        if column not in expected:
            out.add(shown, 1, str(column), "unknown-column", column,
                    "the header has a column the schema does not declare "
                    f"(declared: {', '.join(expected)})")
    for column in expected:
        if column not in frame.columns:
            out.add(shown, 1, column, "missing-column", None,
                    "the header lacks a column the schema declares")
    return frame


def _check_fields(path: Path, frame: pd.DataFrame, schema: dict, out: _Collector) -> pd.DataFrame:
    """Check each declared field; return the frame with typed columns."""
    shown = paths.display(path)
    typed = pd.DataFrame(index=frame.index)
    for spec in schema["fields"]:
        name = spec["name"]
        if name not in frame.columns:
            continue
        column = frame[name].str.strip()
        typed[name] = _check_field(shown, frame, column, spec, out)
    return typed


def _check_field(shown: str, frame: pd.DataFrame, column: pd.Series, spec: dict,
                 out: _Collector) -> pd.Series:
    name, kind = spec["name"], spec["type"]
    constraints = spec.get("constraints", {})
    empty = column.eq("")
    if constraints.get("required"):
        out.add_rows(shown, frame, empty, name, "required", "a value is required")
    present = ~empty
    if kind == "list":
        items = column.where(present, "").map(
            lambda cell: tuple(x.strip() for x in cell.split(ID_LIST_SEPARATOR)) if cell else ())
        if spec.get("itemType") == "integer":
            bad = items.map(lambda xs: any(not _INTEGER.fullmatch(x) for x in xs))
            out.add_rows(shown, frame, bad, name, "type",
                         f"must be whole numbers separated by '{ID_LIST_SEPARATOR}'", column)
            return items.map(lambda xs: tuple(int(x) for x in xs if _INTEGER.fullmatch(x)))
        bad = items.map(lambda xs: any(x == "" for x in xs))
        out.add_rows(shown, frame, bad, name, "type",
                     f"must be ids separated by '{ID_LIST_SEPARATOR}', with no empty item", column)
        return items
    if kind == "integer":
        bad = present & ~column.str.fullmatch(_INTEGER.pattern)
        out.add_rows(shown, frame, bad, name, "type", "must be a whole number")
        values = pd.to_numeric(column.where(present & ~bad), errors="coerce").astype("Int64")
    elif kind == "number":
        values = pd.to_numeric(column.where(present).str.replace(",", "", regex=False),
                               errors="coerce")
        bad = present & values.isna()
        out.add_rows(shown, frame, bad, name, "type", "must be a number")
        # A thousands separator is ambiguous across locales: demand plain digits.
        comma = present & column.str.contains(",", regex=False)
        out.add_rows(shown, frame, comma, name, "type",
                     "must be written without thousands separators (e.g. 50000)")
    elif kind == "date":
        shaped = column.str.fullmatch(_DATE.pattern)
        out.add_rows(shown, frame, present & ~shaped, name, "date-format",
                     "must be a date written YYYY-MM-DD")
        values = pd.to_datetime(column.where(present & shaped), format="%Y-%m-%d", errors="coerce")
        out.add_rows(shown, frame, present & shaped & values.isna(), name, "date-exists",
                     "must be a day that exists in the calendar")
    else:
        values = column
    if "enum" in constraints:
        allowed = constraints["enum"]
        bad = present & ~column.isin([str(a) for a in allowed])
        out.add_rows(shown, frame, bad, name, "enum",
                     "must be one of: " + ", ".join(str(a) for a in allowed))
    if "pattern" in constraints and kind == "string":
        bad = present & ~column.str.fullmatch(constraints["pattern"])
        out.add_rows(shown, frame, bad, name, "pattern",
                     f"must match the pattern {constraints['pattern']}")
    if "minimum" in constraints and kind in ("integer", "number"):
        bad = present & (values < constraints["minimum"]).fillna(False).astype(bool)
        out.add_rows(shown, frame, bad, name, "minimum",
                     f"must be at least {constraints['minimum']}")
    if constraints.get("unique"):
        dup = present & column.duplicated(keep="first")
        out.add_rows(shown, frame, dup, name, "unique", "must be unique: the id is used above")
    return values


def _key_text(frame: pd.DataFrame, fields: list[str]) -> pd.Series:
    """The values of several columns joined for a message: 'C01, russian_forces, massing'."""
    parts = [frame[f].astype(object).where(frame[f].notna(), "").astype(str) for f in fields]
    return parts[0].str.cat(parts[1:], sep=", ") if len(parts) > 1 else parts[0]


def _check_keys(facts_dir: Path, name: str, frame: pd.DataFrame, schema: dict,
                tables: dict[str, pd.DataFrame], resources: dict, out: _Collector) -> None:
    shown = paths.display(facts_dir / resources[name]["path"])
    primary = schema.get("primaryKey", [])
    if primary and all(f in frame.columns for f in primary) and len(primary) > 1:
        dup = frame[primary].astype(object).fillna("").duplicated(keep="first")
        if dup.any():
            out.add_rows(shown, frame, dup, ",".join(primary), "unique",
                         "this combination must be unique: the same row stands above",
                         _key_text(frame[dup], primary))
    for foreign in schema.get("foreignKeys", []):
        target = foreign["reference"]["resource"]
        fields, ref_fields = foreign["fields"], foreign["reference"]["fields"]
        if target not in tables or not all(f in frame.columns for f in fields):
            continue
        column = frame[fields[0]]
        present = column.astype(str).ne("") & column.notna()
        known = tables[target][ref_fields[0]] if ref_fields[0] in tables[target] else pd.Series()
        bad = present & ~column.isin(set(known))
        out.add_rows(shown, frame, bad, fields[0], "foreign-key",
                     f"must be one of the {ref_fields[0]} values in {target}.csv")
    for (table, column), target in LIST_REFERENCES.items():
        if table != name or column not in frame.columns or target not in tables:
            continue
        known = set(tables[target].iloc[:, 0])
        unknown = frame[column].map(lambda ids, known=known: [x for x in ids if x not in known])
        bad = unknown.map(bool)
        out.add_rows(shown, frame, bad, column, "foreign-key",
                     f"every item must name an id listed in {target}.csv",
                     unknown.map(lambda xs: ";".join(xs)))


def _by_id(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """A table indexed by its id, first row of a duplicated id only (reported as 'unique')."""
    return frame.drop_duplicates(subset=key, keep="first").set_index(key)


def _unusable_documents(facts: Facts) -> set[str]:
    """Sources that record a document whose text could not be used (missing, edited, not
    UTF-8): already reported on sources.csv, so their sentences and claims are not checked."""
    recorded = facts.sources.loc[facts.sources["document"].ne(""), "source_id"]
    return set(recorded) - set(facts.texts)


def _check_domain(facts: Facts, facts_dir: Path, out: _Collector) -> None:
    _check_documents(facts, facts_dir, out)
    _check_claims(facts, facts_dir, out)
    _check_quantities(facts, facts_dir, out)
    _check_places(facts, facts_dir, out)
    _check_claim_mentions(facts, facts_dir, out)
    _check_takeaways(facts, facts_dir, out)
    _check_grades(facts, facts_dir, out)
    _check_measures(facts, facts_dir, out)
    _check_derived(facts, facts_dir, out)
    _check_claim_dates(facts, facts_dir, out)
    # Places the map cannot draw (sitrep.place); rows with a problem above are skipped.
    out.problems.extend(place.geometry_problems(facts, facts_dir, out.problems))


def _check_documents(facts: Facts, facts_dir: Path, out: _Collector) -> None:
    """Source texts exist, are unedited, and every sentence is accounted for."""
    sources, sentences = facts.sources, facts.sentences
    shown = paths.display(facts_dir / "sources.csv")
    shown_sentences = paths.display(facts_dir / "sentences.csv")
    documents = paths.sources_dir(facts.dataset)
    for index, src in _records(sources):
        row = _row_number(index)
        if bool(src["document"]) != bool(src["sha256"]):
            out.add(shown, row, "sha256", "checksum-required", src["sha256"],
                    "a source with a document needs its sha256, and a sha256 needs a document")
            continue
        if not src["document"]:
            continue
        path = documents / src["document"]
        if not path.is_file():
            out.add(shown, row, "document", "document-exists", src["document"],
                    f"the document must be a file in {paths.display(documents)}")
            continue
        digest = sha256(path)
        if digest != src["sha256"]:
            out.add(shown, row, "sha256", "checksum", digest,
                    f"{paths.display(path)} has changed since it was recorded: source texts are "
                    "verbatim and never edited (the value shown is the file's digest now)")
            continue
        try:
            text = read_text(path)
        except UnicodeDecodeError:
            out.add(shown, row, "document", "utf-8", src["document"], "the document must be UTF-8")
            continue
        facts.texts[src["source_id"]] = text
        facts.sentences_of[src["source_id"]] = split_sentences(text)

    unusable = _unusable_documents(facts)
    cited: dict[tuple[str, int], int] = {}
    for _, claim in _records(facts.claims):
        for number in claim["sentences"]:
            cited[(claim["source_id"], number)] = cited.get((claim["source_id"], number), 0) + 1
    listed = set()
    for index, sent in _records(sentences):
        if pd.isna(sent["sentence"]) or sent["sentence"] < 1:
            continue  # reported already (required, type or minimum)
        key = (sent["source_id"], int(sent["sentence"]))
        listed.add(key)
        row = _row_number(index)
        split = facts.sentences_of.get(sent["source_id"])
        if sent["source_id"] in unusable:
            continue
        if split is None:
            out.add(shown_sentences, row, "source_id", "sentence-source", sent["source_id"],
                    "sentences are listed only for sources whose text is held in sources/")
            continue
        if key[1] > len(split):
            out.add(shown_sentences, row, "sentence", "sentence-exists", key[1],
                    f"the document has only {len(split)} sentences")
            continue
        if not split[key[1] - 1].startswith(sent["starts_with"]):
            out.add(shown_sentences, row, "starts_with", "sentence-starts-with",
                    sent["starts_with"],
                    f"sentence {key[1]} begins {_shorten(split[key[1] - 1], 40)!r}: the numbering "
                    "is off or the text changed")
        if sent["role"] == "claims" and key not in cited:
            out.add(shown_sentences, row, "role", "sentence-covered", sent["role"],
                    "a sentence marked 'claims' must be cited by at least one claim")
        if sent["role"] != "claims" and key in cited:
            out.add(shown_sentences, row, "role", "sentence-covered", sent["role"],
                    f"a sentence marked {sent['role']!r} carries no claim, yet a claim cites it")
    for source_id, split in facts.sentences_of.items():
        for number in range(1, len(split) + 1):
            if (source_id, number) not in listed:
                out.add(shown_sentences, None, "sentence", "sentence-accounted",
                        f"{source_id} {number}",
                        f"every sentence must be listed, as 'claims', 'heading' or 'context': "
                        f"sentence {number} ({_shorten(split[number - 1], 40)!r}) is missing")


def _check_claims(facts: Facts, facts_dir: Path, out: _Collector) -> None:
    """Quotes and hedges are found verbatim in the cited sentences."""
    shown = paths.display(facts_dir / "claims.csv")
    unusable = _unusable_documents(facts)
    for index, claim in _records(facts.claims):
        row = _row_number(index)
        if claim["source_id"] in unusable:
            continue
        split = facts.sentences_of.get(claim["source_id"])
        if split is None:
            if claim["quote"] or claim["sentences"]:
                out.add(shown, row, "quote", "quote-without-text", claim["quote"],
                        "a claim from a source whose text is not held in sources/ carries no "
                        "quote and no sentence numbers")
            continue
        if not claim["sentences"]:
            out.add(shown, row, "sentences", "required", None,
                    "a claim from a held text must cite its sentence numbers")
            continue
        missing = [n for n in claim["sentences"] if not 1 <= n <= len(split)]
        if missing:
            out.add(shown, row, "sentences", "sentence-exists", ";".join(map(str, missing)),
                    f"the document has sentences 1 to {len(split)}")
            continue
        cited_text = " ".join(split[n - 1] for n in claim["sentences"])
        if not claim["quote"]:
            out.add(shown, row, "quote", "quote-required", None,
                    "a claim from a held text needs a verbatim quote")
        elif claim["quote"] not in cited_text:
            where = "elsewhere in the document" if claim["quote"] in facts.texts[
                claim["source_id"]] else "nowhere in the document"
            out.add(shown, row, "quote", "quote-in-source", claim["quote"],
                    f"the quote must occur verbatim in the cited sentence(s) "
                    f"{';'.join(map(str, claim['sentences']))}; it occurs {where}")
        for hedge in claim["hedge"]:
            if hedge.lower() not in cited_text.lower():
                out.add(shown, row, "hedge", "hedge-in-source", hedge,
                        "a hedge is recorded as written: it must occur in the cited sentence(s)")
        if claim["likelihood"] and not claim["hedge"]:
            out.add(shown, row, "likelihood", "likelihood-needs-hedge", claim["likelihood"],
                    "an ICD 203 likelihood maps a hedge word: record the hedge as written")


def _check_quantities(facts: Facts, facts_dir: Path, out: _Collector) -> None:
    """Bounds in order, consistent with the qualifier, in the measure's unit."""
    shown = paths.display(facts_dir / "quantities.csv")
    q = facts.quantities
    value, lower, upper = q["value"], q["lower"], q["upper"]
    out.add_rows(shown, q, (lower > value).fillna(False), "lower", "bounds-order",
                 "the lower bound must not exceed the value")
    out.add_rows(shown, q, (upper < value).fillna(False), "upper", "bounds-order",
                 "the upper bound must not be below the value")
    out.add_rows(shown, q, (lower > upper).fillna(False), "lower", "bounds-order",
                 "the lower bound must not exceed the upper bound")
    units = _by_id(facts.measures, "measure_id")["unit"]
    expected = q["measure_id"].map(units)
    out.add_rows(shown, q, expected.notna() & q["unit"].ne(expected), "unit", "unit-of-measure",
                 "must be the unit of its measure in measures.csv")
    for qualifier, (need_low, need_up, no_low, no_up) in QUALIFIER_BOUNDS.items():
        this = q["qualifier"].eq(qualifier)
        for flag, column, wording in ((need_low, "lower", "needs a lower bound"),
                                      (need_up, "upper", "needs an upper bound")):
            if flag:
                out.add_rows(shown, q, this & q[column].isna(), column, "qualifier-bounds",
                             f"the qualifier {qualifier!r} {wording}", q["qualifier"])
        for flag, column in ((no_low, "lower"), (no_up, "upper")):
            if flag:
                out.add_rows(shown, q, this & q[column].notna(), column, "qualifier-bounds",
                             f"the qualifier {qualifier!r} gives no {column} bound: leave it empty")


def _check_places(facts: Facts, facts_dir: Path, out: _Collector) -> None:
    shown = paths.display(facts_dir / "places.csv")
    p = facts.places
    allowed = p["kind"].map(PRECISION_BY_KIND)
    pairs = zip(p["geo_precision"], allowed, strict=True)
    # An unknown kind or a missing precision is reported already (enum, type, required).
    bad = pd.Series([isinstance(kinds, set) and pd.notna(prec) and prec not in kinds
                     for prec, kinds in pairs], index=p.index)
    out.add_rows(shown, p, bad, "geo_precision", "precision-of-kind",
                 "must fit the place's kind: town 1 or 2, region_part 2, region or country 3")


def _check_claim_mentions(facts: Facts, facts_dir: Path, out: _Collector) -> None:
    """Actors and places in positions, stances and relations are listed on their claim."""
    claims = _by_id(facts.claims, "claim_id")
    checks: Iterable[tuple[str, str, str]] = (
        ("positions", "actor_id", "actors"), ("positions", "place_id", "places"),
        ("stances", "actor_id", "actors"), ("relations", "from_actor", "actors"),
        ("relations", "to_actor", "actors"),
    )
    for table, column, listed in checks:
        frame = facts.tables[table]
        shown = paths.display(facts_dir / f"{table}.csv")
        # An unknown claim_id maps to no list: reported already as a foreign-key problem.
        lists = frame["claim_id"].map(claims[listed])
        bad = pd.Series([isinstance(ids, tuple) and v not in ids
                         for v, ids in zip(frame[column], lists, strict=True)], index=frame.index)
        out.add_rows(shown, frame, bad, column, "listed-on-claim",
                     f"must also be listed in the claim's {listed!r} in claims.csv")


def _check_takeaways(facts: Facts, facts_dir: Path, out: _Collector) -> None:
    """A takeaway keeps the hedges of its claims and states only their figures."""
    shown = paths.display(facts_dir / "takeaways.csv")
    hedges = _by_id(facts.claims, "claim_id")["hedge"]
    figures: dict[str, set[float]] = {}
    for _, q in _records(facts.quantities):
        bucket = figures.setdefault(q["claim_id"], set())
        bucket.update(float(v) for v in (q["value"], q["lower"], q["upper"]) if pd.notna(v))
    for index, takeaway in _records(facts.takeaways):
        row = _row_number(index)
        text = takeaway["text"]
        for claim_id in takeaway["claims"]:
            for hedge in hedges.get(claim_id, ()):
                if hedge.lower() not in text.lower():
                    out.add(shown, row, "text", "takeaway-keeps-hedge", hedge,
                            f"claim {claim_id} is hedged {hedge!r}: the takeaway must say so")
        allowed = set().union(*(figures.get(c, set()) for c in takeaway["claims"]))
        for number in _NUMBER_IN_TEXT.findall(text):
            if float(number.replace(",", "")) not in allowed:
                out.add(shown, row, "text", "takeaway-figure", number,
                        "every number in a takeaway must be a figure of a claim it cites")


def _check_grades(facts: Facts, facts_dir: Path, out: _Collector) -> None:
    """An Admiralty grade is never given without the analyst's rationale."""
    for table, grade, rationale in (("sources", "reliability", "reliability_rationale"),
                                    ("claims", "credibility", "credibility_rationale")):
        frame = facts.tables[table]
        graded = frame[grade].notna() & frame[grade].astype(str).ne("")
        out.add_rows(paths.display(facts_dir / f"{table}.csv"), frame,
                     graded & frame[rationale].eq(""), rationale, "grade-rationale",
                     f"a {grade} grade needs the analyst's rationale", frame[grade])


def _check_measures(facts: Facts, facts_dir: Path, out: _Collector) -> None:
    """A measure read as part of another says why, and is not part of itself."""
    shown = paths.display(facts_dir / "measures.csv")
    m = facts.measures
    has_part = m["part_of"].ne("")
    out.add_rows(shown, m, has_part & m["part_basis"].eq(""), "part_basis", "part-basis",
                 "a measure read as part of another needs the wording it rests on",
                 m["part_of"])
    out.add_rows(shown, m, has_part & m["part_of"].eq(m["measure_id"]), "part_of", "part-basis",
                 "a measure cannot be part of itself")


def _check_derived(facts: Facts, facts_dir: Path, out: _Collector) -> None:
    """Each input of a derived figure is one reported number in the derived measure's unit."""
    shown = paths.display(facts_dir / "derived.csv")
    counts = facts.quantities["claim_id"].value_counts()
    units = _by_id(facts.measures, "measure_id")["unit"]
    unit_of_claim = facts.quantities.drop_duplicates("claim_id").set_index("claim_id")["unit"]
    for index, row in _records(facts.derived):
        for claim_id in row["inputs"]:
            if claim_id not in set(facts.claims["claim_id"]):
                continue  # reported as a foreign key
            if counts.get(claim_id, 0) != 1:
                out.add(shown, _row_number(index), "inputs", "derived-input", claim_id,
                        "each input must be a claim with exactly one number in quantities.csv "
                        f"(it has {counts.get(claim_id, 0)})")
            elif unit_of_claim[claim_id] != units.get(row["measure_id"]):
                out.add(shown, _row_number(index), "inputs", "unit-of-measure", claim_id,
                        "each input must be in the unit of the derived measure")


def period_end(day: pd.Timestamp, precision: str) -> pd.Timestamp:
    """The last day a date of this precision can mean ('2024-11-10', month -> 2024-11-30)."""
    if precision == "week":
        return day + pd.Timedelta(days=6)
    if precision == "month":
        return day + pd.offsets.MonthEnd(0)
    if precision == "year":
        return day + pd.offsets.YearEnd(0)
    return day


def _check_claim_dates(facts: Facts, facts_dir: Path, out: _Collector) -> None:
    """A claim cannot hold from a time after its source could have been published: its date,
    read at its precision, must start no later than the end of the source's period."""
    shown = paths.display(facts_dir / "claims.csv")
    sources = _by_id(facts.sources, "source_id")
    ends = {s: period_end(r["published"], r["published_precision"])
            for s, r in sources.iterrows() if pd.notna(r["published"])}
    c = facts.claims
    latest = pd.to_datetime(c["source_id"].map(ends), errors="coerce")
    refers = pd.to_datetime(c["refers_to"], errors="coerce")
    late = (refers > latest).fillna(False).astype(bool)
    out.add_rows(shown, c, late, "refers_to", "date-after-source",
                 "a claim cannot refer to a time after its source was published (the source's "
                 "date read at its precision ends earlier)",
                 refers.dt.strftime("%Y-%m-%d"))
