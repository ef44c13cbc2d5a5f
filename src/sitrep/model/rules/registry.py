"""Every rule a data set is checked against, in one registry: its id (what a message shows in
brackets), the table it reads, its severity, a one-line doc, and the function that applies it.

`sitrep rules` lists them; the README's list is generated from here (a test fails when the two
differ). Adding a rule: write the check (a ``_check_...`` function in :mod:`domain`, vectorised,
reporting through the :class:`Collector`), then give each rule id it reports one line below.
Rules of the ``read`` stage are applied while the tables are read (Table Schema, text hygiene,
confinement); the ``domain`` stage runs after, in the order of :data:`RULES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sitrep.model.analysis import origins
from sitrep.model.data import confine, hygiene, limits, tables
from sitrep.model.data.facts import Facts
from sitrep.model.data.problems import ERROR, WARNING, Collector
from sitrep.model.geo import geofiles, place
from sitrep.model.rules import claimed, colours, domain, episodes
from sitrep.model.rules import measures_apart as apart

Check = Callable[[Facts, Path, Collector], None]


@dataclass(frozen=True)
class Rule:
    """One rule: ``id`` as messages show it, the ``table`` it reads, ``doc`` in one line, the
    function that applies it, and whether it runs while reading or on the loaded facts."""

    id: str
    table: str
    doc: str
    check: Callable[..., object]
    severity: str = ERROR
    stage: str = "domain"


def _read(id_: str, table: str, doc: str, check: Callable[..., object]) -> Rule:
    return Rule(id_, table, doc, check, stage="read")


_ANY = "every table"
RULES: tuple[Rule, ...] = (
    # -- read: the Table Schema, the descriptor, text hygiene, confinement -------------------
    _read("dataset-layout", "facts/", "a data set is a folder holding facts/ with its tables",
          tables.read_table),
    _read("file-exists", _ANY, "each table of the schema is a file in facts/", tables.read_table),
    _read("file-inside-dataset", _ANY, "only regular files inside the data set are read, within "
          "the size limit (no links out, devices or pipes)", confine.read_bytes),
    _read(confine.RULE_FOLDER, "facts/, sources/, geo/", "the data set's folders are real "
          "folders inside it (not links, not files)", confine.folder_refusal),
    _read("utf-8", _ANY, "tables and source texts are UTF-8", tables.read_table),
    _read("header", _ANY, "a table has a header row", tables.read_table),
    _read("csv", _ANY, "a row has no more cells than the header", tables.read_table),
    _read("unknown-column", _ANY, "every column is one the schema names", tables.read_table),
    _read("missing-column", _ANY, "every column the schema names is present", tables.read_table),
    _read("descriptor", "datapackage.json", "datapackage.json is the schema's descriptor with "
          "a text title", tables.check_descriptor_copy),
    _read("setting", "datapackage.json", "a data set's settings (sitrep.*) are known names "
          "with valid values", tables.read_settings),
    _read("required", _ANY, "a required cell is not empty", tables.check_fields),
    _read("type", _ANY, "a cell has its field's type (whole number, plain number without "
          "thousands separators, list of ids)", tables.check_fields),
    _read("finite", _ANY, "a number is finite (no inf, nan or 1e309)", tables.check_fields),
    _read("range", _ANY, "a number lies within what a chart can draw (a figure at most "
          f"{limits.NUMBER_MAX:.0e}, a whole number at most {limits.INTEGER_MAX:,})",
          tables.check_fields),
    _read("date-span", _ANY, f"a date lies between {limits.FIRST_DATE} and {limits.LAST_DATE}",
          tables.check_fields),
    _read("length", _ANY, "a text is no longer than its field's limit (README, Limits)",
          tables.check_fields),
    _read("list-length", _ANY, f"a list holds at most {limits.LIST_ITEMS} items",
          tables.check_fields),
    _read("list-duplicate", _ANY, "a list names each item once", tables.check_fields),
    _read(hygiene.RULE_ASCII_DIGITS, _ANY, "dates, numbers and ids are written in the digits "
          "0-9 (no fullwidth, Arabic-Indic or superscript digits)", tables.check_fields),
    _read("date-format", _ANY, "a date is written YYYY-MM-DD", tables.check_fields),
    _read("date-exists", _ANY, "a date exists in the calendar", tables.check_fields),
    _read("enum", _ANY, "a cell holds one of its field's allowed values", tables.check_fields),
    _read("pattern", _ANY, "a cell matches its field's pattern", tables.check_fields),
    _read("minimum", _ANY, "a number is at least its field's minimum", tables.check_fields),
    _read("unique", _ANY, "an id (or key) is used once", tables.check_keys),
    _read("foreign-key", _ANY, "an id names a row of the table it refers to (with 'did you "
          "mean')", tables.check_keys),
    _read(hygiene.RULE_CONTROL, _ANY, "text holds no control character", hygiene.check_cells),
    _read(hygiene.RULE_BIDI, _ANY, "text holds no bidirectional control", hygiene.check_cells),
    _read(hygiene.RULE_INVISIBLE, _ANY, "text holds no invisible character (zero-width space, "
          "word joiner, soft hyphen, bidirectional mark...), named with its position",
          hygiene.check_cells),
    _read(place.RULE_GEO_FILE, "geo/", "a data set's own geo files are valid GeoJSON layers "
          "with the properties the map needs, within the vertex budget", geofiles.read_layer),
    # -- domain: read across the loaded tables ------------------------------------------------
    Rule("checksum-required", "sources", "a source with a held text records its sha256",
         domain._check_documents),
    Rule("document-exists", "sources", "a held text is a file in sources/",
         domain._check_documents),
    Rule("checksum", "sources", "a held text is unedited: its sha256 is the recorded one",
         domain._check_documents),
    Rule("sentence-source", "sentences", "sentences are listed for sources with a held text",
         domain._check_documents),
    Rule("sentence-exists", "sentences", "a listed or cited sentence exists in the text",
         domain._check_documents),
    Rule("sentence-starts-with", "sentences", "a sentence's first words match the text, so "
         "the numbering cannot drift", domain._check_documents),
    Rule("sentence-covered", "sentences", "a sentence listed as claims is cited by a claim, "
         "and a cited one is listed as claims", domain._check_documents),
    Rule("sentence-accounted", "sentences", "every sentence of a held text is listed (claims, "
         "heading or context)", domain._check_documents),
    Rule("quote-required", "claims", "a claim on a held text quotes it", domain._check_claims),
    Rule("quote-in-source", "claims", "a quote occurs verbatim in the sentences it cites",
         domain._check_claims),
    Rule("hedge-in-source", "claims", "a hedge occurs in the sentences the claim cites",
         domain._check_claims),
    Rule("likelihood-needs-hedge", "claims", "an ICD 203 likelihood rests on a hedge",
         domain._check_claims),
    Rule("quote-without-text", "claims", "a claim on a source without held text has no quote "
         "or sentences, and says so in its paraphrase", domain._check_claims),
    Rule("bounds-order", "quantities", "lower <= value <= upper", domain._check_quantities),
    Rule("value-required", "quantities", "a figure has its number (only a range may give bounds "
         "alone)", domain._check_quantities),
    Rule("unit-of-measure", "quantities", "a figure (and a derived figure's inputs) has its "
         "measure's unit", domain._check_quantities),
    Rule("qualifier-bounds", "quantities", "bounds fit the qualifier ('over' needs a lower "
         "bound and no upper one)", domain._check_quantities),
    Rule("precision-of-kind", "places", "a place's ACLED precision fits its kind",
         domain._check_places),
    Rule("listed-on-claim", "positions, stances, relations", "actors and places of a detail "
         "are listed on its claim", domain._check_claim_mentions),
    Rule("takeaway-keeps-hedge", "takeaways", "a takeaway keeps the hedges of the claims it "
         "cites", domain._check_takeaways),
    Rule("takeaway-figure", "takeaways", "a takeaway states only figures of the claims it "
         "cites", domain._check_takeaways),
    Rule("takeaway-keeps-qualifier", "takeaways", "a takeaway keeps a figure's qualifier "
         "('over', 'nearly', 'as many as')", domain._check_takeaways),
    Rule(apart.RULE, "takeaways", "a takeaway keeps measures apart: no sums across measures, "
         "one figure once per measure, each with its own unit", domain._check_takeaways),
    Rule("one-bottom-line", "takeaways", "a data set gives at most one bottom line (a takeaway "
         "with role bottom_line)", domain._check_takeaways),
    Rule("grade-rationale", "sources, claims", "an Admiralty grade comes with its rationale",
         domain._check_grades),
    Rule("part-basis", "measures", "a measure that is part of another says on what basis, and "
         "is not part of itself", domain._check_measures),
    Rule("derived-input", "derived", "a derived figure is built from claims with exactly one "
         "number in the measure's unit", domain._check_derived),
    Rule("date-after-source", "claims", "a claim is not dated after its source could have been "
         "published", domain._check_claim_dates),
    Rule("end-precision", "claims", "the end of a period has its precision, and only then",
         domain._check_periods),
    Rule("period-order", "claims", "a period does not end before it starts",
         domain._check_periods),
    Rule("status-fields", "quantities", "a plan or projection has its target date, a "
         "hypothetical figure its condition, and only they", domain._check_status),
    Rule(domain.RULE_PLAN_TARGET, "quantities", "a plan states its target date, or its note "
         f"says the source gives none ('{domain.NO_TARGET}')", domain._check_status),
    Rule(domain.RULE_TARGET_ORDER, "quantities", "a projection's target date does not end "
         "before the time its claim refers to", domain._check_status),
    Rule("time-of-day", "claims", "a time of day (HH:MM) goes with a date read to the day, and "
         "an end time does not come before the start", episodes.check),
    Rule("episode-period", "episodes, claims", "an episode does not end before it starts (a "
         "claim outside its episode's period is a warning)", episodes.check),
    Rule("update-self", "updates", "a claim does not update itself", episodes.check),
    Rule("update-basis", "updates", "an inferred update has the analyst's rationale",
         episodes.check),
    Rule("update-cycle", "updates", "updates do not run in a circle", episodes.check),
    Rule("update-order", "updates", "the updating claim's source is not published before the "
         "updated one's", episodes.check),
    Rule("update-origin", "updates", "an update comes from the origin of the figure it updates, "
         "or says why not", episodes.check),
    Rule("update-episode", "updates", "a claim and the claim it updates belong to one episode",
         episodes.check),
    Rule("update-measure", "updates", "a claim and the claim it updates share a measure",
         episodes.check),
    Rule(claimed.RULE_SIDE, "actors", "a stated side is independent, unknown or a party or "
         "third party (an actor marked party or third_party)", claimed.check),
    Rule(claimed.RULE_NAMES, "claim_relations", "a claim relation names the claim it answers "
         "or its measure", claimed.check),
    Rule(claimed.RULE_SELF, "claim_relations", "a claim does not deny, dispute, confirm or "
         "admit itself", claimed.check),
    Rule(claimed.RULE_BASIS, "claim_relations", "an inferred relation has the analyst's "
         "rationale", claimed.check),
    Rule(claimed.RULE_MEASURE, "claim_relations", "a relation naming a target and a measure "
         "names a measure the target gives a figure of", claimed.check),
    Rule(claimed.RULE_BOUNDS, "assessments", "an assessment gives a figure, range or bound, in "
         "order and fitting its qualifier", claimed.check),
    Rule(claimed.RULE_PERIOD, "assessments", "an assessment's period does not end before it "
         "starts, and its end has its precision", claimed.check),
    Rule(claimed.RULE_RESTS_ON, "assessments", "each claim an assessment rests on gives a "
         "figure of its measure or answers it", claimed.check),
    Rule("relay-is-claimant", "claims", "a relay is not also the claimant", origins.check),
    Rule("relay-is-outlet", "claims", "the source's own outlet is not a relay", origins.check),
    Rule("relay-cycle", "claims", "a chain of relays does not come back", origins.check),
    Rule("republish-cycle", "sources", "a source does not republish itself, directly or not",
         origins.check),
    Rule("origin-cycle", "origins", "an origin does not draw on itself, directly or not",
         origins.check),
    Rule("part-of-cycle", "measures", "a measure is not part of itself, directly or not",
         origins.check),
    Rule("graph-size", "sources, origins, measures", "a graph searched for cycles has at most "
         f"{limits.GRAPH_NODES:,} rows", origins.check),
    Rule("origin-basis", "claims", "an origin has its basis (stated or inferred), an inferred "
         "one its rationale", origins.check),
    Rule(colours.RULE, "actors", "an actor's own colour (#rrggbb) keeps 3:1 against white",
         colours.check),
    Rule(place.RULE, "places", "every place can be drawn: a town in the gazetteer, a region "
         "in the boundary layer, a part by a valid rule", domain._check_geometry),
    Rule("map-extent", "places", "a place as drawn fits a map (within the extent limits)",
         domain._check_geometry),
    Rule(place.RULE_IN_REGION, "places", "a town lies inside the unit its code names",
         domain._check_geometry),
    Rule("unused-actor", "actors", "an actor is named by some claim, source or detail",
         domain._check_unused, WARNING),
    Rule("unused-place", "places", "a place is named by some claim or detail",
         domain._check_unused, WARNING),
    Rule("first-source", "sources", "a data set has at least one source",
         domain.first_source_warning, WARNING),
)

BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}

#: The domain checks in the order they run (a check reporting several rules runs once).
CHECKS: tuple[Check, ...] = tuple(dict.fromkeys(
    rule.check for rule in RULES
    if rule.stage == "domain" and rule.check is not domain.first_source_warning))  # type: ignore[misc]


def check_domain(facts: Facts, facts_dir: Path, out: Collector) -> None:
    """Apply every domain rule to loaded facts (the schema's rules were applied on reading)."""
    for check in CHECKS:
        check(facts, facts_dir, out)


def markdown() -> str:
    """The rules as a Markdown table: the README's list is this text."""
    lines = ["| rule | table | severity | what it asks |", "|---|---|---|---|"]
    lines += [f"| `{r.id}` | {r.table} | {r.severity} | {r.doc} |" for r in RULES]
    return "\n".join(lines) + "\n"
