"""The domain rules a schema cannot state, read across the tables of a data set; each is listed
with its doc in :mod:`registry`, which runs them, each check given the tables (and texts) it
declares there. The checks only read: the source texts are read (and their checksums checked) by
the loader (:func:`sitrep.model.loader.read_texts`).

Quotes found verbatim in their sentences, every sentence accounted for, bounds in order and
consistent with their qualifier, grades with their rationale,
takeaways that keep their claims' hedges and figures and keep measures apart
(:mod:`sitrep.model.rules.measures_apart`), claims dated no later than their source, and places the
map can draw (:mod:`sitrep.model.geo.place`).
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from sitrep import paths
from sitrep.model.data import rule_ids as R
from sitrep.model.data.facts import Facts
from sitrep.model.data.problems import (
    WARNING,
    Collector,
    by_id,
    records,
    row_number,
    shorten,
)
from sitrep.model.data.when import period_end
from sitrep.model.geo import place
from sitrep.model.rules import measures_apart as apart
from sitrep.model.rules import takeaways

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
    # Drawn by the analyst (geo/areas.geojson): a named sea or strait, or a part of one.
    "sea_area": {2, 3},
    "strait": {2, 3},
    "air_zone": {2, 3},
    "drill_zone": {2},
    "island": {1, 2, 3},
    "point": {1, 2},
}


def _unusable_documents(facts: Facts) -> set[str]:
    """Sources that record a document whose text could not be used (missing, edited, not
    UTF-8): already reported on sources.csv, so their sentences and claims are not checked."""
    recorded = facts.sources.loc[facts.sources["document"].ne(""), "source_id"]
    return set(recorded) - set(facts.texts)


def _check_sentences(facts: Facts, facts_dir: Path, out: Collector) -> None:
    """Every sentence of a held text is accounted for, and each listed one is in its text (the
    texts are read by the loader: :func:`sitrep.model.loader.read_texts`)."""
    sentences = facts.sentences
    shown_sentences = paths.display(facts_dir / "sentences.csv")
    unusable = _unusable_documents(facts)
    cited: dict[tuple[str, int], int] = {}
    for _, claim in records(facts.claims):
        for number in claim["sentences"]:
            cited[(claim["source_id"], number)] = cited.get((claim["source_id"], number), 0) + 1
    listed = set()
    for index, sent in records(sentences):
        if pd.isna(sent["sentence"]) or sent["sentence"] < 1:
            continue  # reported already (required, type or minimum)
        key = (sent["source_id"], int(sent["sentence"]))
        listed.add(key)
        row = row_number(index)
        split = facts.sentences_of.get(sent["source_id"])
        if sent["source_id"] in unusable:
            continue
        if split is None:
            out.add(shown_sentences, row, "source_id", R.SENTENCE_SOURCE, sent["source_id"],
                    "sentences are listed only for sources whose text is held in sources/")
            continue
        if key[1] > len(split):
            out.add(shown_sentences, row, "sentence", R.SENTENCE_EXISTS, key[1],
                    f"the document has only {len(split)} sentences")
            continue
        if not split[key[1] - 1].startswith(sent["starts_with"]):
            out.add(shown_sentences, row, "starts_with", R.SENTENCE_STARTS_WITH,
                    sent["starts_with"],
                    f"sentence {key[1]} begins {shorten(split[key[1] - 1], 40)!r}: the numbering "
                    "is off or the text changed")
        if sent["role"] == "claims" and key not in cited:
            out.add(shown_sentences, row, "role", R.SENTENCE_COVERED, sent["role"],
                    "a sentence marked 'claims' must be cited by at least one claim")
        if sent["role"] != "claims" and key in cited:
            out.add(shown_sentences, row, "role", R.SENTENCE_COVERED, sent["role"],
                    f"a sentence marked {sent['role']!r} carries no claim, yet a claim cites it")
    for source_id, split in facts.sentences_of.items():
        for number in range(1, len(split) + 1):
            if (source_id, number) not in listed:
                out.add(shown_sentences, None, "sentence", R.SENTENCE_ACCOUNTED,
                        f"{source_id} {number}",
                        f"every sentence must be listed, as 'claims', 'heading' or 'context': "
                        f"sentence {number} ({shorten(split[number - 1], 40)!r}) is missing")


def _check_claims(facts: Facts, facts_dir: Path, out: Collector) -> None:
    """Quotes and hedges are found verbatim in the cited sentences."""
    shown = paths.display(facts_dir / "claims.csv")
    unusable = _unusable_documents(facts)
    for index, claim in records(facts.claims):
        row = row_number(index)
        if claim["source_id"] in unusable:
            continue
        split = facts.sentences_of.get(claim["source_id"])
        if split is None:
            _check_claim_without_text(shown, row, claim, out)
            continue
        if not claim["sentences"]:
            out.add(shown, row, "sentences", R.REQUIRED, None,
                    "a claim from a held text must cite its sentence numbers")
            continue
        missing = [n for n in claim["sentences"] if not 1 <= n <= len(split)]
        if missing:
            out.add(shown, row, "sentences", R.SENTENCE_EXISTS, ";".join(map(str, missing)),
                    f"the document has sentences 1 to {len(split)}")
            continue
        cited_text = " ".join(split[n - 1] for n in claim["sentences"])
        if not claim["quote"]:
            out.add(shown, row, "quote", R.QUOTE_REQUIRED, None,
                    "a claim from a held text needs a verbatim quote")
        elif claim["quote"] not in cited_text:
            where = "elsewhere in the document" if claim["quote"] in facts.texts[
                claim["source_id"]] else "nowhere in the document"
            out.add(shown, row, "quote", R.QUOTE_IN_SOURCE, claim["quote"],
                    f"the quote must occur verbatim in the cited sentence(s) "
                    f"{';'.join(map(str, claim['sentences']))}; it occurs {where}")
        for hedge in claim["hedge"]:
            if hedge.lower() not in cited_text.lower():
                out.add(shown, row, "hedge", R.HEDGE_IN_SOURCE, hedge,
                        "a hedge is recorded as written: it must occur in the cited sentence(s)")
        if claim["likelihood"] and not claim["hedge"]:
            out.add(shown, row, "likelihood", R.LIKELIHOOD_NEEDS_HEDGE, claim["likelihood"],
                    "an ICD 203 likelihood maps a hedge word: record the hedge as written")


def _check_claim_without_text(shown: str, row: int, claim: dict, out: Collector) -> None:
    """One message naming the field that was filled in: quote, or else sentences."""
    fld = "quote" if claim["quote"] else "sentences" if claim["sentences"] else None
    if fld is not None:
        value = claim["quote"] or ";".join(map(str, claim["sentences"]))
        out.add(shown, row, fld, R.QUOTE_WITHOUT_TEXT, value,
                "a claim from a source whose text is not held in sources/ carries no "
                "quote and no sentence numbers")


def _check_quantities(facts: Facts, facts_dir: Path, out: Collector) -> None:
    """Bounds in order, consistent with the qualifier, in the measure's unit."""
    shown = paths.display(facts_dir / "quantities.csv")
    q = facts.quantities
    value, lower, upper = q["value"], q["lower"], q["upper"]
    out.add_rows(shown, q, (lower > value).fillna(False), "lower", R.BOUNDS_ORDER,
                 "the lower bound must not exceed the value")
    out.add_rows(shown, q, (upper < value).fillna(False), "upper", R.BOUNDS_ORDER,
                 "the upper bound must not be below the value")
    out.add_rows(shown, q, (lower > upper).fillna(False), "lower", R.BOUNDS_ORDER,
                 "the lower bound must not exceed the upper bound")
    out.add_rows(shown, q, value.isna() & q["qualifier"].ne("range"), "value",
                 R.VALUE_REQUIRED, "a figure needs its number; only a range (qualifier range) "
                 "may leave it empty and be given by its bounds")
    units = by_id(facts.measures, "measure_id")["unit"]
    expected = q["measure_id"].map(units)
    out.add_rows(shown, q, expected.notna() & q["unit"].ne(expected), "unit", R.UNIT_OF_MEASURE,
                 "must be the unit of its measure in measures.csv")
    for qualifier, (need_low, need_up, no_low, no_up) in QUALIFIER_BOUNDS.items():
        this = q["qualifier"].eq(qualifier)
        for flag, column, wording in ((need_low, "lower", "needs a lower bound"),
                                      (need_up, "upper", "needs an upper bound")):
            if flag:
                out.add_rows(shown, q, this & q[column].isna(), column, R.QUALIFIER_BOUNDS,
                             f"the qualifier {qualifier!r} {wording}", q["qualifier"])
        for flag, column in ((no_low, "lower"), (no_up, "upper")):
            if flag:
                out.add_rows(shown, q, this & q[column].notna(), column, R.QUALIFIER_BOUNDS,
                             f"the qualifier {qualifier!r} gives no {column} bound: leave it empty")


def _check_places(facts: Facts, facts_dir: Path, out: Collector) -> None:
    shown = paths.display(facts_dir / "places.csv")
    p = facts.places
    allowed = p["kind"].map(PRECISION_BY_KIND)
    pairs = zip(p["geo_precision"], allowed, strict=True)
    # An unknown kind or a missing precision is reported already (enum, type, required).
    bad = pd.Series([isinstance(kinds, set) and pd.notna(prec) and prec not in kinds
                     for prec, kinds in pairs], index=p.index)
    out.add_rows(shown, p, bad, "geo_precision", R.PRECISION_OF_KIND,
                 "must fit the place's kind: town 1 or 2, region_part 2, region or country 3, "
                 "sea_area, strait or air_zone 2 or 3, drill_zone 2, island 1 to 3, point 1 "
                 "or 2")


def _check_claim_mentions(facts: Facts, facts_dir: Path, out: Collector) -> None:
    """Actors and places in positions, stances and relations are listed on their claim."""
    claims = by_id(facts.claims, "claim_id")
    checks: Iterable[tuple[str, str, str]] = (
        ("positions", "actor_id", "actors"), ("positions", "place_id", "places"),
        ("stances", "actor_id", "actors"), ("relations", "from_actor", "actors"),
        ("relations", "to_actor", "actors"),
    )
    for table, column, listed in checks:
        frame = facts.tables[table]
        shown = paths.display(facts_dir / f"{table}.csv")
        # An unknown claim_id maps to no list, and an unknown actor or place is not known at
        # all: each is reported already as a foreign-key problem (one slip, one message).
        lists = frame["claim_id"].map(claims[listed])
        known = set(facts.tables[listed].iloc[:, 0])
        bad = pd.Series([isinstance(ids, tuple) and v not in ids and v in known
                         for v, ids in zip(frame[column], lists, strict=True)], index=frame.index)
        out.add_rows(shown, frame, bad, column, R.LISTED_ON_CLAIM,
                     f"must also be listed in the claim's {listed!r} in claims.csv")


def _check_takeaways(facts: Facts, facts_dir: Path, out: Collector) -> None:
    """A takeaway keeps the hedges and qualifiers of its claims and states only their figures
    (:mod:`sitrep.model.rules.takeaways`). One message per slip."""
    shown = paths.display(facts_dir / "takeaways.csv")
    hedges = by_id(facts.claims, "claim_id")["hedge"]
    numbers: dict[str, list[tuple[float, str]]] = {}
    # A quantity row with a problem of its own is not checked again through its takeaway.
    broken = {p.row for p in out.before if p.file == paths.display(facts_dir / "quantities.csv")}
    for index, q in records(facts.quantities):
        qualifier = "" if row_number(index) in broken else q["qualifier"]
        bucket = numbers.setdefault(q["claim_id"], [])
        bucket.extend((float(v), qualifier) for v in (q["value"], q["lower"], q["upper"])
                      if pd.notna(v))
    lines = facts.takeaways.index[facts.takeaways["role"].eq("bottom_line")]
    for index in lines[1:]:
        out.add(shown, row_number(index), "role", R.ONE_BOTTOM_LINE, "bottom_line",
                f"the bottom line is already given in row {row_number(lines[0])}: a data set "
                "has at most one (make this row a key takeaway: leave its role empty)")
    for index, takeaway in records(facts.takeaways):
        row, cited = row_number(index), takeaway["claims"]
        for slip in takeaways.slips(
                takeaway["text"], {c: tuple(hedges.get(c, ())) for c in cited},
                [n for c in cited for n in numbers.get(c, [])],
                apart.cited_figures(facts.quantities, cited)):
            out.add(shown, row, "text", slip.rule, slip.value, slip.message)


def _check_grades(facts: Facts, facts_dir: Path, out: Collector) -> None:
    """An Admiralty grade is never given without the analyst's rationale."""
    for table, grade, rationale in (("sources", "reliability", "reliability_rationale"),
                                    ("claims", "credibility", "credibility_rationale")):
        frame = facts.tables[table]
        graded = frame[grade].notna() & frame[grade].astype(str).ne("")
        out.add_rows(paths.display(facts_dir / f"{table}.csv"), frame,
                     graded & frame[rationale].eq(""), rationale, R.GRADE_RATIONALE,
                     f"a {grade} grade needs the analyst's rationale", frame[grade])


def _check_measures(facts: Facts, facts_dir: Path, out: Collector) -> None:
    """A measure read as part of another says why, and is not part of itself."""
    shown = paths.display(facts_dir / "measures.csv")
    m = facts.measures
    has_part = m["part_of"].ne("")
    out.add_rows(shown, m, has_part & m["part_basis"].eq(""), "part_basis", R.PART_BASIS,
                 "a measure read as part of another needs the wording it rests on",
                 m["part_of"])
    out.add_rows(shown, m, has_part & m["part_of"].eq(m["measure_id"]), "part_of", R.PART_BASIS,
                 "a measure cannot be part of itself")


def _check_derived(facts: Facts, facts_dir: Path, out: Collector) -> None:
    """Each input of a derived figure is one reported number in the derived measure's unit."""
    shown = paths.display(facts_dir / "derived.csv")
    counts = facts.quantities["claim_id"].value_counts()
    units = by_id(facts.measures, "measure_id")["unit"]
    unit_of_claim = facts.quantities.drop_duplicates("claim_id").set_index("claim_id")["unit"]
    for index, row in records(facts.derived):
        for claim_id in row["inputs"]:
            if claim_id not in set(facts.claims["claim_id"]):
                continue  # reported as a foreign key
            if counts.get(claim_id, 0) != 1:
                out.add(shown, row_number(index), "inputs", R.DERIVED_INPUT, claim_id,
                        "each input must be a claim with exactly one number in quantities.csv "
                        f"(it has {counts.get(claim_id, 0)})")
            elif unit_of_claim[claim_id] != units.get(row["measure_id"]):
                out.add(shown, row_number(index), "inputs", R.UNIT_OF_MEASURE, claim_id,
                        "each input must be in the unit of the derived measure")


def _check_claim_dates(facts: Facts, facts_dir: Path, out: Collector) -> None:
    """A claim cannot hold from a time after its source could have been published: its date,
    read at its precision, must start no later than the end of the source's period."""
    shown = paths.display(facts_dir / "claims.csv")
    sources = by_id(facts.sources, "source_id")
    ends = {s: period_end(r["published"], r["published_precision"])
            for s, r in sources.iterrows() if pd.notna(r["published"])}
    c = facts.claims
    latest = pd.to_datetime(c["source_id"].map(ends), errors="coerce")
    refers = pd.to_datetime(c["refers_to"], errors="coerce")
    late = (refers > latest).fillna(False).astype(bool)
    out.add_rows(shown, c, late, "refers_to", R.DATE_AFTER_SOURCE,
                 "a claim cannot refer to a time after its source was published (the source's "
                 "date read at its precision ends earlier)",
                 refers.dt.strftime("%Y-%m-%d"))




def _check_periods(facts: Facts, facts_dir: Path, out: Collector) -> None:
    """A period's end has a precision, comes no earlier than its start, and no later than its
    source could have been published."""
    shown = paths.display(facts_dir / "claims.csv")
    c = facts.claims
    has_end = c["refers_to_end"].notna()
    out.add_rows(shown, c, has_end & c["end_precision"].eq(""), "end_precision",
                 R.END_PRECISION, "the end of a period needs its precision (day, week, month "
                 "or year)", c["refers_to_end"].dt.strftime("%Y-%m-%d"))
    out.add_rows(shown, c, ~has_end & c["end_precision"].ne(""), "end_precision",
                 R.END_PRECISION, "a precision of the end is given only with refers_to_end")
    ends = pd.Series([period_end(e, p or "day") for e, p in
                      zip(c["refers_to_end"], c["end_precision"], strict=True)], index=c.index,
                     dtype="datetime64[ns]")
    out.add_rows(shown, c, (ends < c["refers_to"]).fillna(False).astype(bool), "refers_to_end",
                 R.PERIOD_ORDER, "a period cannot end before it starts (refers_to)",
                 c["refers_to_end"].dt.strftime("%Y-%m-%d"))
    latest = pd.to_datetime(c["source_id"].map({
        s: period_end(d, p) for s, d, p in zip(facts.sources["source_id"],
                                               facts.sources["published"],
                                               facts.sources["published_precision"],
                                               strict=True)}), errors="coerce")
    # An announced period ("drills on 23-24 May", announced on the 23rd) may run past the
    # source if it starts by then and the claim counts nothing as present: a count of what is
    # cannot cover time still to come (a figure about a later time is a projection).
    q = facts.quantities
    counted = set(q.loc[q["status"].isin(["", "present"]), "claim_id"])
    starts_late = (c["refers_to"] > latest).fillna(False)  # reported on refers_to already
    announced = ~c["claim_id"].isin(counted) | starts_late
    out.add_rows(shown, c, ((c["refers_to_end"] > latest) & ~announced).fillna(False)
                 .astype(bool), "refers_to_end", R.DATE_AFTER_SOURCE,
                 "a period with a present count cannot end after its source was published: a "
                 "figure about a later time is a projection (quantities.csv status and "
                 "target_date); a period announced without a present count may run on if it "
                 "starts by then", c["refers_to_end"].dt.strftime("%Y-%m-%d"))


def _check_status(facts: Facts, facts_dir: Path, out: Collector) -> None:
    """A projection has its target date, a hypothetical its condition, and nothing else does."""
    shown = paths.display(facts_dir / "quantities.csv")
    q = facts.quantities
    status = q["status"]
    has_target, has_condition = q["target_date"].notna(), q["condition"].ne("")
    out.add_rows(shown, q, status.eq("projection") & ~has_target, "target_date", R.STATUS_FIELDS,
                 "a projection needs the date it is for (target_date)", status)
    out.add_rows(shown, q, has_target & ~status.isin(["plan", "projection"]), "target_date",
                 R.STATUS_FIELDS, "a target date belongs to a plan or a projection only",
                 status.where(status.ne(""), "present"))
    out.add_rows(shown, q, has_target & q["target_precision"].eq(""), "target_precision",
                 R.STATUS_FIELDS, "a target date needs its precision (day, week, month, year)")
    out.add_rows(shown, q, ~has_target & q["target_precision"].ne(""), "target_precision",
                 R.STATUS_FIELDS, "a precision of the target is given only with target_date")
    out.add_rows(shown, q, status.eq("hypothetical") & ~has_condition, "condition",
                 R.STATUS_FIELDS, "a hypothetical figure needs the condition it holds under",
                 status)
    out.add_rows(shown, q, has_condition & status.ne("hypothetical"), "condition",
                 R.STATUS_FIELDS, "a condition belongs to a hypothetical figure only")
    out.add_rows(shown, q, status.eq("plan") & ~has_target & ~says_no_target(q["note"]),
                 "target_date", RULE_PLAN_TARGET,
                 "a plan states the date it is for (target_date), or its note says the source "
                 f"gives none (write '{NO_TARGET}' in the note)", status)
    _check_target_after_reference(facts, shown, out)


#: Rule ids of the status checks beyond status-fields.
RULE_PLAN_TARGET, RULE_TARGET_ORDER = R.PLAN_TARGET_DATE, R.PROJECTION_AFTER_REFERENCE
#: What a plan's note says when the source gives no date it is for.
NO_TARGET = "no target date"


def says_no_target(notes: pd.Series) -> pd.Series:
    """Where a note says the source gives no target date ('the source gives no target date')."""
    return notes.astype(str).str.contains(NO_TARGET, case=False, regex=False)


def _check_target_after_reference(facts: Facts, shown: str, out: Collector) -> None:
    """A projection is for a time after the one its claim refers to: its target date, at its
    precision, does not end before the claim's reference time begins."""
    q = facts.quantities
    projection = q["status"].eq("projection") & q["target_date"].notna()
    if not projection.any():
        return
    claims = by_id(facts.claims, "claim_id")
    begins = q["claim_id"].map(claims["refers_to"])
    ends = pd.Series([period_end(day, precision) for day, precision in
                      zip(q["target_date"], q["target_precision"], strict=True)],
                     index=q.index, dtype="datetime64[ns]")
    early = projection & (ends < begins).fillna(False).astype(bool)
    for index in early[early].index:
        target = q.at[index, "target_date"].strftime("%Y-%m-%d")
        refers = begins.loc[index].strftime("%Y-%m-%d")
        out.add(shown, row_number(index), "target_date", RULE_TARGET_ORDER, target,
                f"a projection is for a time after the one its claim refers to: its target "
                f"date ends before {q.at[index, 'claim_id']}'s refers_to ({refers}); a figure "
                "for a past date is a present count or an estimate of it, not a projection")


def _check_geometry(facts: Facts, facts_dir: Path, out: Collector) -> None:
    """Places the map cannot draw (:mod:`place`); rows with a problem found before (it reads
    ``problems``) are skipped."""
    out.problems.extend(place.geometry_problems(facts, facts_dir, out.before))


def _check_unused(facts: Facts, facts_dir: Path, out: Collector) -> None:
    """Warnings, not errors: an actor or a place that no claim, source or detail uses. The
    registry keeps them only when nothing else is wrong (``quiet_after_errors``): a slip
    elsewhere (a claimant typed as a relay) often leaves one unused (one slip, one message)."""
    t = facts.tables
    claims = t["claims"]
    used_actors = set(t["sources"]["outlet_id"]) | set(t["positions"]["actor_id"]) \
        | set(t["stances"]["actor_id"]) | set(t["relations"]["from_actor"]) \
        | set(t["relations"]["to_actor"]) | set(t["origins"]["via"])
    used_actors.update(a for ids in t["origins"]["actors"] for a in ids)
    for column in ("claimants", "relays", "actors"):
        used_actors.update(a for ids in claims[column] for a in ids)
    used_places = set(t["positions"]["place_id"]) | set(t["places"]["parent_id"])
    used_places.update(p for ids in claims["places"] for p in ids)
    for table, key, used, rule in (("actors", "actor_id", used_actors, R.UNUSED_ACTOR),
                                   ("places", "place_id", used_places, R.UNUSED_PLACE)):
        frame, noun = t[table], table[:-1]
        unused = frame.index[~frame[key].isin(used)]
        shown = paths.display(facts_dir / f"{table}.csv")
        for index in unused[:UNUSED_LISTED]:
            out.add(shown, row_number(index), key, rule, frame.at[index, key],
                    f"no claim, source or detail names this {noun}: list it on a claim or "
                    "delete the row", severity=WARNING)
        if len(unused) > UNUSED_LISTED:
            out.add(shown, None, key, rule, None,
                    f"and {len(unused) - UNUSED_LISTED:,} more {table} that nothing names",
                    severity=WARNING)


#: Unused actors or places listed one by one; past that they are counted.
UNUSED_LISTED = 20


def _check_first_source(facts: Facts, facts_dir: Path, out: Collector) -> None:
    """The one message an empty data set gets."""
    if facts.sources.empty:
        out.add(paths.display(facts_dir / "sources.csv"), None, None, R.FIRST_SOURCE, None,
                "the data set has no source yet: save a text as sources/NAME.txt and draft "
                f"its rows with: sitrep draft {shlex.quote(paths.display(facts_dir.parent))} "
                "NAME.txt",
                severity=WARNING)
