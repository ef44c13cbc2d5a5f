"""The Table Schema of the facts tables, applied with vectorised pandas checks.

The tables and their columns are declared in a Frictionless Data Package (``schema/
datapackage.json``, copied beside the CSVs so that outside tools validate the same rules). This
module reads each CSV and applies that schema: types, required cells, enumerations, patterns,
minimums, primary and foreign keys (including the ``;``-separated id lists).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from sitrep import paths
from sitrep.model.data import confine, hints, hygiene, limits, writes
from sitrep.model.data import rule_ids as R
from sitrep.model.data.facts import ID_LIST_SEPARATOR
from sitrep.model.data.problems import Collector, row_number

#: List fields whose items refer to another table (Table Schema foreign keys cannot say this).
LIST_REFERENCES: dict[tuple[str, str], str] = {
    ("claims", "claimants"): "actors",
    ("claims", "relays"): "actors",
    ("claims", "actors"): "actors",
    ("claims", "places"): "places",
    ("takeaways", "claims"): "claims",
    ("derived", "inputs"): "claims",
    ("origins", "actors"): "actors",
    ("origins", "draws_on"): "origins",
    ("assessments", "rests_on"): "claims",
}


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


_INTEGER = re.compile(r"[+-]?[0-9]+")


def load_schema(path: Path = paths.SCHEMA) -> dict:
    """The canonical Frictionless Data Package descriptor of the facts tables."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_descriptor(dataset: Path | str) -> Path:
    """Write sitrep's schema into a data set's facts/datapackage.json.

    The data set's own name, title and description are kept; the resources (the schema) are
    replaced, so outside validators check exactly what sitrep checks. The file is written
    through :mod:`sitrep.model.data.writes` (no link followed).
    """
    base = writes.root(dataset, create=True)
    relative = Path(paths.FACTS_DIR) / "datapackage.json"
    writes.refuse_links(base, [relative])
    target = base / relative
    descriptor = load_schema()
    if confine.exists(target):
        try:
            own = limits.load_json(confine.read_bytes(target, base).decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            raise writes.WriteError(target, f"is not valid JSON ({error}); remove it first to "
                                            "write sitrep's schema afresh") from None
        for key in ("name", "title", "description", "sitrep"):
            if isinstance(own, dict) and key in own:
                descriptor[key] = own[key]
    writes.write_text(base, relative,
                      json.dumps(descriptor, indent=1, ensure_ascii=False) + "\n")
    add_new_fields(base, descriptor)
    return Path(dataset) / relative


def add_new_fields(base: Path, descriptor: dict) -> list[str]:
    """Bring a data set's tables up to the schema, so that outside validators (which match
    columns by position) read them: an optional table the data set lacks is written with its
    header, and an optional column its header lacks is inserted, empty, where the schema puts
    it. Nothing else changes; a table with a column the schema does not declare is left alone
    (``sitrep check`` reports it). ``base`` is the data set folder, resolved by
    :func:`writes.root`; every write goes through :mod:`writes`. Returns the files written."""
    written = []
    for resource in descriptor["resources"]:
        fields = [f["name"] for f in resource["schema"]["fields"]]
        relative = Path(paths.FACTS_DIR) / resource["path"]
        path = base / relative
        if not confine.exists(path):
            if resource.get("optionalTable"):
                writes.write_text(base, relative, ",".join(fields) + "\n")
                written.append(path.name)
            continue
        text = confine.read_bytes(path, base).decode("utf-8")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        if not rows or rows[0] == fields or not set(rows[0]) <= set(fields):
            continue
        optional = {f["name"] for f in resource["schema"]["fields"] if f.get("optionalColumn")}
        if not set(fields) - set(rows[0]) <= optional:
            continue
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(fields)
        for row in rows[1:]:
            cells = dict(zip(rows[0], row, strict=False))
            writer.writerow([cells.get(name, "") for name in fields])
        writes.write_text(base, relative, out.getvalue())
        written.append(path.name)
    return written


def check_descriptor_copy(facts_dir: Path, schema: dict, out: Collector) -> str:
    """Check the data set's datapackage.json against sitrep's; return the data set's title."""
    descriptor = facts_dir / "datapackage.json"
    shown = paths.display(descriptor)
    copy = _read_descriptor(descriptor, facts_dir.parent, out)
    if copy is None:
        return ""
    theirs = {r.get("name"): r.get("schema") for r in copy["resources"]}
    for resource in schema["resources"]:
        if theirs.get(resource["name"]) != resource["schema"]:
            out.add(shown, None, resource["name"], R.DESCRIPTOR, None,
                    "the data set's schema copy must equal sitrep's schema "
                    "(update it with: sitrep schema DATA_DIR)")
    return _title(shown, copy.get("title", ""), out)


def _title(shown: str, title: object, out: Collector) -> str:
    """The data set's title (NFC) when it is plain text; reported otherwise."""
    if not isinstance(title, str):
        out.add(shown, None, "title", R.DESCRIPTOR, None, "the title must be text")
        return ""
    if hygiene.CONTROL.search(title) or hygiene.BIDI.search(title):
        out.add(shown, None, "title", hygiene.RULE_CONTROL, None,
                "the title must hold no control or bidirectional character")
        return ""
    if found := hygiene.invisible(title):
        out.add(shown, None, "title", hygiene.RULE_INVISIBLE, None,
                f"the title must hold no invisible character: found {found}; delete it")
        return ""
    if len(title) > limits.NAME_LENGTH:
        out.add(shown, None, "title", R.LENGTH, None,
                f"the title must be at most {limits.NAME_LENGTH} characters long "
                f"(it is {len(title):,})")
        return ""
    return hygiene.nfc(title)


def _read_descriptor(descriptor: Path, root: Path, out: Collector) -> dict | None:
    """The data set's datapackage.json as a dict with a list of resource objects, or None
    (reported, naming the file) when it is missing, outside the data set or malformed."""
    shown = paths.display(descriptor)
    if not confine.exists(descriptor):
        out.add(shown, None, None, R.DESCRIPTOR, None,
                "each data set carries a copy of the schema for outside validators "
                "(write it with: sitrep schema DATA_DIR)")
        return None
    try:
        copy = limits.load_json(confine.read_bytes(descriptor, root).decode("utf-8"))
    except confine.OutsideError as error:
        out.add(shown, None, None, confine.RULE, None, str(error))
        return None
    except (ValueError, UnicodeDecodeError) as error:
        out.add(shown, None, None, R.DESCRIPTOR, None,
                f"is not valid JSON: {hygiene.terminal(str(error))[:80]}")
        return None
    resources = copy.get("resources") if isinstance(copy, dict) else None
    if not isinstance(resources, list) or not all(isinstance(r, dict) for r in resources):
        out.add(shown, None, None, R.DESCRIPTOR, None,
                "must be a Data Package: a JSON object whose 'resources' is a list of objects "
                "(write it with: sitrep schema DATA_DIR)")
        return None
    return copy


#: A data set's own settings, in the ``sitrep`` block of its datapackage.json, with defaults.
SETTINGS: dict[str, str] = {"approximate_tolerance": "rounding"}
_TOLERANCE = re.compile(r"rounding|[0-9]{1,2}(?:\.[0-9]+)?%")


def read_settings(facts_dir: Path, out: Collector) -> dict[str, str]:
    """The data set's settings (``sitrep`` block of its datapackage.json) over the defaults.

    ``approximate_tolerance``: how far a figure qualified 'about', 'estimated' or 'potential'
    may lie from its number when figures are compared: ``rounding`` (half a unit of the
    number's last non-zero digit: 'about 10,000' spans 5,000 to 15,000, 'around 11,000' 10,500
    to 11,500) or a share of the number such as ``10%``.
    """
    descriptor = facts_dir / "datapackage.json"
    settings = dict(SETTINGS)
    try:
        own = limits.load_json(confine.read_bytes(descriptor, facts_dir.parent).decode("utf-8")
                               ).get("sitrep", {})
    except (OSError, ValueError, UnicodeDecodeError, AttributeError):
        return settings  # reported by check_descriptor_copy
    if not isinstance(own, dict):
        own = {}
    for name, value in own.items():
        if name not in SETTINGS:
            out.add(paths.display(descriptor), None, f"sitrep.{name}", R.SETTING, value,
                    f"is not a sitrep setting (known: {', '.join(SETTINGS)})")
        elif not isinstance(value, str) or not _TOLERANCE.fullmatch(value):
            out.add(paths.display(descriptor), None, f"sitrep.{name}", R.SETTING, value,
                    "must be 'rounding' or a percentage below 100 such as '10%'")
        else:
            settings[name] = value
    return settings


def read_table(path: Path, schema: dict, out: Collector, *, optional: bool = False,
               root: Path | None = None) -> pd.DataFrame | None:
    """Read one CSV table as text cells (NFC). A table declared ``optionalTable`` may be absent
    (it is then empty), and a column declared ``optionalColumn`` (added to the schema after data
    sets were written) may be absent from the header (its cells are then empty).

    The file is read only when it is a regular file inside ``root`` (the data set, by default
    the folder above facts/); its cells are checked for control and bidirectional characters."""
    shown = paths.display(path)
    expected = [f["name"] for f in schema["fields"]]
    if not confine.exists(path):
        if optional:
            return pd.DataFrame({name: pd.Series(dtype=str) for name in expected})
        out.add(shown, None, None, R.FILE_EXISTS, None, "the table is missing")
        return None
    try:
        data = confine.read_bytes(path, root if root is not None else path.parent.parent)
    except confine.OutsideError as error:
        out.add(shown, None, None, confine.RULE, None, str(error))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        out.add(shown, line, None, R.UTF_8, repr(data[error.start : error.start + 4]),
                f"the file must be UTF-8 (byte {error.start} cannot be decoded)")
        return None
    if not text or text.isspace():
        out.add(shown, None, None, R.HEADER, None, "the file is empty: a header row is required")
        return None
    del data
    # pandas' C parser reads the table; a row with more cells than the header makes it fail, or
    # (the first record) silently become an index. Then the csv module finds those rows, so the
    # message names each of them (the slow path runs only for a broken file).
    failure: Exception | None = None
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=object, keep_default_na=False,
                            na_filter=False, skip_blank_lines=True, engine="c")
    except (pd.errors.ParserError, csv.Error) as error:
        frame, failure = None, error
    long = _long_rows(text) if frame is None or not isinstance(frame.index, pd.RangeIndex) else []
    for row, record, width in long:
        out.add(shown, row, None, R.CSV, ",".join(record),
                f"the row has {len(record)} cells but the header has {width}: "
                "a cell holding a comma must be in double quotes")
    if long:
        return None
    if frame is None:
        out.add(shown, None, None, R.CSV, None,
                f"the file is not a well-formed CSV table: {hygiene.terminal(str(failure))[:80]}")
        return None
    frame = hygiene.check_cells(shown, frame, out)
    optional_columns = {f["name"] for f in schema["fields"] if f.get("optionalColumn")}
    missing = [c for c in expected if c not in frame.columns]
    # A mistyped column is one message: the column the schema declares, and the one written.
    typo: dict[str, str] = {}
    for column in map(str, frame.columns):
        if column not in expected:
            meant = hints.close(column, [m for m in missing if m not in typo.values()], n=1)
            if meant:
                typo[column] = meant[0]
                continue
            out.add(shown, 1, column, R.UNKNOWN_COLUMN, column,
                    "the header has a column the schema does not declare "
                    f"(declared: {', '.join(expected)})")
    written = {meant: column for column, meant in typo.items()}
    for column in missing:
        if column in written:  # an optional one is read as empty, as when it is absent
            optional = column in optional_columns
            out.add(shown, 1, written[column] if optional else column,
                    R.UNKNOWN_COLUMN if optional else R.MISSING_COLUMN, written[column],
                    f"the header has {written[column]!r} where the schema declares "
                    f"{column!r}: did you mean {column!r}?")
        if column in optional_columns:
            frame[column] = ""
        elif column not in written:
            out.add(shown, 1, column, R.MISSING_COLUMN, None,
                    "the header lacks a column the schema declares")
    return frame[[c for c in expected if c in frame.columns]
                 + [c for c in frame.columns if c not in expected]]


def _long_rows(text: str) -> list[tuple[int, list[str], int]]:
    """(spreadsheet row, cells, header width) of every row with more cells than the header."""
    reader = (record for record in csv.reader(io.StringIO(text, newline="")) if record)
    width = len(next(reader, []))
    return [(row, record, width) for row, record in enumerate(reader, start=2)
            if len(record) > width]


def check_fields(path: Path, frame: pd.DataFrame, schema: dict, out: Collector) -> pd.DataFrame:
    """Check each declared field; return the frame with typed columns."""
    shown = paths.display(path)
    typed = pd.DataFrame(index=frame.index)
    for spec in schema["fields"]:
        name = spec["name"]
        if name not in frame.columns:
            continue
        column = _strip(frame[name])
        typed[name] = _check_field(shown, frame, column, spec, out)
    return typed


def _strip(column: pd.Series) -> pd.Series:
    """``column.str.strip()``: one list comprehension when every cell is text (three times
    quicker on a table of 400,000 rows)."""
    if column.dtype != object:  # a column the reader added (pandas' own string type): kept
        return column.str.strip()
    try:
        return pd.Series([v.strip() for v in column.to_numpy()], index=column.index,
                         dtype=object)
    except AttributeError:  # a cell that is not text: pandas leaves it as it is
        return column.str.strip()


def _check_field(shown: str, frame: pd.DataFrame, column: pd.Series, spec: dict,
                 out: Collector) -> pd.Series:
    name, kind = spec["name"], spec["type"]
    constraints = spec.get("constraints", {})
    empty = column.eq("")
    if constraints.get("required"):
        out.add_rows(shown, frame, empty, name, R.REQUIRED, "a value is required")
    present = ~empty
    if _takes_ascii_digits(spec) and not "".join(column.where(present, "").tolist()).isascii():
        present = _refuse_foreign_digits(shown, frame, column, present, name, out)
    if kind == "list":
        return _check_list(shown, frame, column.where(present, ""), spec, out)
    if kind == "string":
        long = present & column.str.len().gt(limits.length_of(name))
        out.add_rows(shown, frame, long, name, R.LENGTH, limits.too_long(name),
                     column.where(~long, "").str.slice(0, 40))
        present = present & ~long
    if kind == "integer":
        values, present = _integers(shown, frame, column, present, name, out)
    elif kind == "number":
        values = pd.to_numeric(column.where(present).str.replace(",", "", regex=False),
                               errors="coerce")
        bad = present & values.isna()
        out.add_rows(shown, frame, bad, name, R.TYPE, "must be a number")
        infinite = present & hygiene.not_finite(values)
        out.add_rows(shown, frame, infinite, name, hygiene.RULE_FINITE,
                     "must be a finite number (inf, Infinity and 1e309 are not figures)")
        values = values.mask(infinite)
        # A thousands separator is ambiguous across locales: demand plain digits.
        comma = present & column.str.contains(",", regex=False)
        out.add_rows(shown, frame, comma, name, R.TYPE,
                     "must be written without thousands separators (e.g. 50000)")
        huge = present & values.abs().gt(limits.NUMBER_MAX).fillna(False).astype(bool)
        out.add_rows(shown, frame, huge, name, R.RANGE,
                     f"must be at most {limits.NUMBER_MAX:.0e}: a chart cannot draw it")
        values = values.mask(huge)
    elif kind == "date":
        shaped = column.str.fullmatch(_DATE.pattern)
        span = shaped & (column.lt(limits.FIRST_DATE) | column.gt(limits.LAST_DATE))
        out.add_rows(shown, frame, present & span, name, R.DATE_SPAN,
                     f"must lie between {limits.FIRST_DATE} and {limits.LAST_DATE}")
        shaped = shaped & ~span
        out.add_rows(shown, frame, present & ~shaped, name, R.DATE_FORMAT,
                     "must be a date written YYYY-MM-DD")
        values = pd.to_datetime(column.where(present & shaped), format="%Y-%m-%d", errors="coerce")
        out.add_rows(shown, frame, present & shaped & values.isna(), name, R.DATE_EXISTS,
                     "must be a day that exists in the calendar")
    else:
        values = column
    if "enum" in constraints:
        allowed = constraints["enum"]
        bad = present & ~column.isin([str(a) for a in allowed])
        out.add_rows(shown, frame, bad, name, R.ENUM,
                     "must be one of: " + ", ".join(str(a) for a in allowed))
    if "pattern" in constraints and kind == "string":
        bad = present & ~column.str.fullmatch(constraints["pattern"])
        out.add_rows(shown, frame, bad, name, R.PATTERN,
                     f"must match the pattern {constraints['pattern']}")
    if "minimum" in constraints and kind in ("integer", "number"):
        bad = present & (values < constraints["minimum"]).fillna(False).astype(bool)
        out.add_rows(shown, frame, bad, name, R.MINIMUM,
                     f"must be at least {constraints['minimum']}")
    if constraints.get("unique"):
        dup = present & column.duplicated(keep="first")
        out.add_rows(shown, frame, dup, name, R.UNIQUE, "must be unique: the id is used above")
    return values


def _takes_ascii_digits(spec: dict) -> bool:
    """Whether a field takes only the digits 0-9: dates, numbers, lists (ids and sentence
    numbers), ids, and text with a pattern of digits (codes, times of day, a part rule)."""
    if spec["type"] in ("date", "number", "integer", "list"):
        return True
    pattern = spec.get("constraints", {}).get("pattern", "")
    return spec["type"] == "string" and (limits.length_of(spec["name"]) == limits.ID_LENGTH
                                          or "0-9" in pattern)


def _refuse_foreign_digits(shown: str, frame: pd.DataFrame, column: pd.Series,
                           present: pd.Series, name: str, out: Collector) -> pd.Series:
    """One message for each cell written with a digit outside ASCII (the first one named, with
    its position); the cell is then refused for good (:meth:`Collector.refuse`), so neither its
    type, range, date span nor a rule reading it later says more. The cells still present."""
    found = _per_value(column.where(present, ""), hygiene.foreign_digit)
    bad = found.ne("")
    for index in bad[bad].index:
        out.add(shown, row_number(index), name, hygiene.RULE_ASCII_DIGITS, column.loc[index],
                f"must be written with the digits 0-9: found digits outside ASCII "
                f"({found.loc[index]}): write 0-9")
        out.refuse(shown, row_number(index), name)
    return present & ~bad


def _integers(shown: str, frame: pd.DataFrame, column: pd.Series, present: pd.Series,
              name: str, out: Collector) -> tuple[pd.Series, pd.Series]:
    """Whole numbers up to limits.INTEGER_MAX (checked on the text first: 400 digits never
    reach a 64-bit integer); the typed column and the cells still present."""
    bad = present & ~column.str.fullmatch(_INTEGER.pattern)
    out.add_rows(shown, frame, bad, name, R.TYPE, "must be a whole number")
    fits = present & ~bad & column.str.len().le(11)
    values = pd.to_numeric(column.where(fits), errors="coerce")
    big = present & ~bad & ~(fits & values.abs().le(limits.INTEGER_MAX).fillna(False))
    out.add_rows(shown, frame, big, name, R.RANGE,
                 f"must be at most {limits.INTEGER_MAX:,}", column.where(big, "").str.slice(0, 40))
    return values.where(~big).astype("Int64"), present & ~big


def _per_value(column: pd.Series, function) -> pd.Series:
    """``column.map(function)``, calling ``function`` once per distinct value (id lists repeat:
    100,000 claims name a few hundred claimants)."""
    done = {value: function(value) for value in dict.fromkeys(column)}
    return pd.Series([done[value] for value in column], index=column.index, dtype=object)


def _check_list(shown: str, frame: pd.DataFrame, cells: pd.Series, spec: dict,
                out: Collector) -> pd.Series:
    """A ';'-separated list field: its items as tuples (of ints for integer items), at most
    limits.LIST_ITEMS of them, none twice, each within its length."""
    name = spec["name"]
    items = _per_value(cells, lambda cell: tuple(x.strip() for x in cell.split(ID_LIST_SEPARATOR))
                       if cell else ())
    many = _per_value(items, lambda xs: len(xs) > limits.LIST_ITEMS).astype(bool)
    out.add_rows(shown, frame, many, name, R.LIST_LENGTH,
                 f"must list at most {limits.LIST_ITEMS} items", cells.str.slice(0, 40))
    twice = _per_value(items, lambda xs: len(set(xs)) != len(xs)).astype(bool) & ~many
    if name == "relays":  # a relay named twice has its own rule (relay-cycle), with the chain
        twice &= False
    out.add_rows(shown, frame, twice, name, R.LIST_DUPLICATE,
                 "must list each item once", cells.str.slice(0, 40))
    long = _per_value(items, lambda xs: any(len(x) > limits.length_of(name) for x in xs))
    long = long.astype(bool) & ~many
    out.add_rows(shown, frame, long, name, R.LENGTH,
                 f"each item must be at most {limits.length_of(name)} characters long",
                 cells.str.slice(0, 40))
    refused = many | long
    items = pd.Series([() if no else xs for xs, no in zip(items, refused, strict=True)],
                      index=items.index, dtype=object)
    if spec.get("itemType") == "integer":
        def whole(x: str) -> bool:
            return bool(_INTEGER.fullmatch(x)) and len(x) <= 11 and abs(int(x)) <= \
                limits.INTEGER_MAX
        bad = _per_value(items, lambda xs: any(not whole(x) for x in xs))
        out.add_rows(shown, frame, bad.astype(bool), name, R.TYPE,
                     f"must be whole numbers up to {limits.INTEGER_MAX:,} separated by "
                     f"'{ID_LIST_SEPARATOR}'", cells)
        return _per_value(items, lambda xs: tuple(int(x) for x in xs if whole(x)))
    bad = _per_value(items, lambda xs: any(x == "" for x in xs))
    out.add_rows(shown, frame, bad.astype(bool), name, R.TYPE,
                 f"must be ids separated by '{ID_LIST_SEPARATOR}', with no empty item", cells)
    return items


def _key_text(frame: pd.DataFrame, fields: list[str]) -> pd.Series:
    """The values of several columns joined for a message: 'C01, russian_forces, massing'."""
    parts = [frame[f].astype(object).where(frame[f].notna(), "").astype(str) for f in fields]
    return parts[0].str.cat(parts[1:], sep=", ") if len(parts) > 1 else parts[0]


def _known(tables: dict[str, pd.DataFrame], target: str, field: str,
           known_sets: dict[tuple[str, str], set]) -> set:
    """The values of ``target``'s ``field`` as a set, built once per validation."""
    if (target, field) not in known_sets:
        known_sets[(target, field)] = set(tables[target][field]) \
            if field in tables[target] else set()
    return known_sets[(target, field)]


def _isin(column: pd.Series, known: set) -> pd.Series:
    """``column.isin(known)`` by set look-ups: pandas would hash all of ``known`` again for
    each column (400,000 actors, for every table that names an actor)."""
    return pd.Series(np.fromiter((v in known for v in column.to_numpy(dtype=object)), bool,
                                 len(column)), index=column.index)


def check_keys(facts_dir: Path, name: str, frame: pd.DataFrame, schema: dict,
                tables: dict[str, pd.DataFrame], resources: dict, out: Collector,
                known_sets: dict[tuple[str, str], set] | None = None) -> None:
    """Primary keys unique, foreign keys and id lists naming rows that exist. ``known_sets``
    keeps each referenced column's values as a set across tables (one per validation)."""
    known_sets = {} if known_sets is None else known_sets
    shown = paths.display(facts_dir / resources[name]["path"])
    primary = schema.get("primaryKey", [])
    if primary and all(f in frame.columns for f in primary) and len(primary) > 1:
        dup = frame[primary].astype(object).fillna("").duplicated(keep="first")
        if dup.any():
            out.add_rows(shown, frame, dup, ",".join(primary), R.UNIQUE,
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
        bad = present & ~_isin(column, _known(tables, target, ref_fields[0], known_sets))
        _unknown_ids(shown, frame, bad, fields[0], column[bad].map(lambda v: (v,)),
                     known, f"must be one of the {ref_fields[0]} values in {target}.csv", out)
    for (table, column), target in LIST_REFERENCES.items():
        if table != name or column not in frame.columns or target not in tables:
            continue
        key = (resources[target]["schema"].get("primaryKey") or [""])[0]
        if key not in tables[target].columns:
            continue  # the target table lacks its key column: reported on that table
        known = _known(tables, target, key, known_sets)
        unknown = _per_value(frame[column],
                             lambda ids, known=known: [x for x in ids if x not in known])
        _unknown_ids(shown, frame, unknown.map(bool).astype(bool), column, unknown,
                     tables[target][key],
                     f"every item must name an id listed in {target}.csv", out)


def _unknown_ids(shown: str, frame: pd.DataFrame, bad: pd.Series, fld: str, unknown: pd.Series,
                 known: pd.Series, rule: str, out: Collector) -> None:
    """A foreign-key problem per row, with "did you mean" for ids close to a known one."""
    if not bad.any():
        return
    choices = [str(k) for k in dict.fromkeys(known) if isinstance(k, str) and k]
    rows = bad[bad].index
    room = max(out.limit - out.counts.get((shown, R.FOREIGN_KEY), 0), 0)
    for index in rows[:room]:  # a hint only for the problems listed, never for every row
        ids = [str(i) for i in unknown.loc[index]]
        found = [f"{i!r}: did you mean {close[0]!r}?" for i in ids
                 if (close := hints.close(i, choices, n=1))]
        message = rule + (f" ({'; '.join(found)})" if found else "")
        out.add(shown, row_number(index), fld, R.FOREIGN_KEY, ";".join(ids), message)
    if len(rows) > room:  # counted, not listed
        out.counts[(shown, R.FOREIGN_KEY)] = out.counts.get((shown, R.FOREIGN_KEY), 0) \
            + len(rows) - room


