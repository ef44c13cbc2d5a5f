"""Every rule a data set is checked against, in one registry: its id (a constant of
:mod:`~sitrep.model.data.rule_ids`, what a message shows in brackets), the table it concerns, its
severity and a one-line doc; and every domain check, with what it reads and the ids it reports.

`sitrep rules` lists the rules; the README's list is generated from here (a test fails when the
two differ). Rules of the ``read`` stage are applied by the loader while it reads (Table Schema,
text hygiene, confinement, the source texts, geo files). The ``domain`` checks run after, on the
loaded facts, and only read them. Each :class:`Check` declares what it reads (tables by name,
``texts``: the source texts the loader read, ``problems``: what was found before it) and the rule
ids it may report; it receives those tables and nothing else (another table is a KeyError) and
can report those ids and nothing else (another is an :class:`UndeclaredRule`). A check that reads
no ``problems`` sees no other check's, so the checks can run in any order (a test shuffles them):
the problems are gathered in the order of :data:`CHECKS`.

Adding a rule: give its id a constant in :mod:`~sitrep.model.data.rule_ids`, one line in
:data:`RULES` below, and name it in the ``reports`` of the check that reports it (a function
``(facts, facts_dir, out)`` reporting through the :class:`Collector` it is given).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from sitrep.model.analysis import origins
from sitrep.model.data import limits
from sitrep.model.data import rule_ids as R
from sitrep.model.data.errors import SitrepError
from sitrep.model.data.facts import Facts
from sitrep.model.data.problems import ERROR, WARNING, Collector, Problem, errors
from sitrep.model.rules import claimed, colours, domain, episodes

Run = Callable[[Facts, Path, Collector], None]


@dataclass(frozen=True)
class Rule:
    """One rule: ``id`` as messages show it, the ``table`` it concerns, ``doc`` in one line, its
    severity, and whether it is applied while reading or on the loaded facts."""

    id: str
    table: str
    doc: str
    severity: str = ERROR
    stage: str = "domain"


def _read(id_: str, table: str, doc: str) -> Rule:
    return Rule(id_, table, doc, stage="read")


_ANY = "every table"
RULES: tuple[Rule, ...] = (
    # -- read: the Table Schema, the descriptor, text hygiene, confinement -------------------
    _read(R.DATASET_LAYOUT, "facts/", "a data set is a folder holding facts/ with its tables"),
    _read(R.FILE_EXISTS, _ANY, "each table of the schema is a file in facts/"),
    _read(R.FILE_INSIDE_DATASET, _ANY, "only regular files inside the data set are read, within "
          "the size limit (no links out, devices or pipes)"),
    _read(R.FOLDER_INSIDE_DATASET, "facts/, sources/, geo/", "the data set's folders are real "
          "folders inside it (not links, not files)"),
    _read(R.UTF_8, _ANY, "tables and source texts are UTF-8"),
    _read(R.HEADER, _ANY, "a table has a header row"),
    _read(R.CSV, _ANY, "a row has no more cells than the header"),
    _read(R.UNKNOWN_COLUMN, _ANY, "every column is one the schema names"),
    _read(R.MISSING_COLUMN, _ANY, "every column the schema names is present"),
    _read(R.DESCRIPTOR, "datapackage.json", "datapackage.json is the schema's descriptor with "
          "a text title"),
    _read(R.SETTING, "datapackage.json", "a data set's settings (sitrep.*) are known names "
          "with valid values"),
    _read(R.REQUIRED, _ANY, "a required cell is not empty"),
    _read(R.TYPE, _ANY, "a cell has its field's type (whole number, plain number without "
          "thousands separators, list of ids)"),
    _read(R.FINITE, _ANY, "a number is finite (no inf, nan or 1e309)"),
    _read(R.RANGE, _ANY, "a number lies within what a chart can draw (a figure at most "
          f"{limits.NUMBER_MAX:.0e}, a whole number at most {limits.INTEGER_MAX:,})"),
    _read(R.DATE_SPAN, _ANY, f"a date lies between {limits.FIRST_DATE} and {limits.LAST_DATE}"),
    _read(R.LENGTH, _ANY, "a text is no longer than its field's limit (README, Limits)"),
    _read(R.LIST_LENGTH, _ANY, f"a list holds at most {limits.LIST_ITEMS} items"),
    _read(R.LIST_DUPLICATE, _ANY, "a list names each item once"),
    _read(R.ASCII_DIGITS, _ANY, "dates, numbers and ids are written in the digits "
          "0-9 (no fullwidth, Arabic-Indic or superscript digits)"),
    _read(R.DATE_FORMAT, _ANY, "a date is written YYYY-MM-DD"),
    _read(R.DATE_EXISTS, _ANY, "a date exists in the calendar"),
    _read(R.ENUM, _ANY, "a cell holds one of its field's allowed values"),
    _read(R.PATTERN, _ANY, "a cell matches its field's pattern"),
    _read(R.MINIMUM, _ANY, "a number is at least its field's minimum"),
    _read(R.UNIQUE, _ANY, "an id (or key) is used once"),
    _read(R.FOREIGN_KEY, _ANY, "an id names a row of the table it refers to (with 'did you "
          "mean')"),
    _read(R.CONTROL_CHARACTER, _ANY, "text holds no control character"),
    _read(R.BIDI_CONTROL, _ANY, "text holds no bidirectional control"),
    _read(R.INVISIBLE_CHARACTER, _ANY, "text holds no invisible character (zero-width space, "
          "word joiner, soft hyphen, bidirectional mark...), named with its position"),
    _read(R.GEO_FILE, "geo/", "a data set's own geo files are valid GeoJSON layers "
          "with the properties the map needs, within the vertex budget"),
    # -- read: the source texts, read by the loader (sitrep.model.loader.read_texts) -------------
    _read(R.CHECKSUM_REQUIRED, "sources", "a source with a held text records its sha256"),
    _read(R.DOCUMENT_EXISTS, "sources", "a held text is a file in sources/"),
    _read(R.CHECKSUM, "sources", "a held text is unedited: its sha256 is the recorded one"),
    # -- domain: read across the loaded tables ------------------------------------------------
    Rule(R.SENTENCE_SOURCE, "sentences", "sentences are listed for sources with a held text"),
    Rule(R.SENTENCE_EXISTS, "sentences", "a listed or cited sentence exists in the text"),
    Rule(R.SENTENCE_STARTS_WITH, "sentences", "a sentence's first words match the text, so "
         "the numbering cannot drift"),
    Rule(R.SENTENCE_COVERED, "sentences", "a sentence listed as claims is cited by a claim, "
         "and a cited one is listed as claims"),
    Rule(R.SENTENCE_ACCOUNTED, "sentences", "every sentence of a held text is listed (claims, "
         "heading or context)"),
    Rule(R.QUOTE_REQUIRED, "claims", "a claim on a held text quotes it"),
    Rule(R.QUOTE_IN_SOURCE, "claims", "a quote occurs verbatim in the sentences it cites"),
    Rule(R.HEDGE_IN_SOURCE, "claims", "a hedge occurs in the sentences the claim cites"),
    Rule(R.LIKELIHOOD_NEEDS_HEDGE, "claims", "an ICD 203 likelihood rests on a hedge"),
    Rule(R.QUOTE_WITHOUT_TEXT, "claims", "a claim on a source without held text has no quote "
         "or sentences, and says so in its paraphrase"),
    Rule(R.BOUNDS_ORDER, "quantities", "lower <= value <= upper"),
    Rule(R.VALUE_REQUIRED, "quantities", "a figure has its number (only a range may give bounds "
         "alone)"),
    Rule(R.UNIT_OF_MEASURE, "quantities", "a figure (and a derived figure's inputs) has its "
         "measure's unit"),
    Rule(R.QUALIFIER_BOUNDS, "quantities", "bounds fit the qualifier ('over' needs a lower "
         "bound and no upper one)"),
    Rule(R.PRECISION_OF_KIND, "places", "a place's ACLED precision fits its kind"),
    Rule(R.LISTED_ON_CLAIM, "positions, stances, relations", "actors and places of a detail "
         "are listed on its claim"),
    Rule(R.TAKEAWAY_KEEPS_HEDGE, "takeaways", "a takeaway keeps the hedges of the claims it "
         "cites"),
    Rule(R.TAKEAWAY_FIGURE, "takeaways", "a takeaway states only figures of the claims it "
         "cites"),
    Rule(R.TAKEAWAY_KEEPS_QUALIFIER, "takeaways", "a takeaway keeps a figure's qualifier "
         "('over', 'nearly', 'as many as')"),
    Rule(R.TAKEAWAY_KEEPS_MEASURES_APART, "takeaways", "a takeaway keeps measures apart: no "
         "sums across measures, one figure once per measure, each with its own unit"),
    Rule(R.ONE_BOTTOM_LINE, "takeaways", "a data set gives at most one bottom line (a takeaway "
         "with role bottom_line)"),
    Rule(R.GRADE_RATIONALE, "sources, claims", "an Admiralty grade comes with its rationale"),
    Rule(R.PART_BASIS, "measures", "a measure that is part of another says on what basis, and "
         "is not part of itself"),
    Rule(R.DERIVED_INPUT, "derived", "a derived figure is built from claims with exactly one "
         "number in the measure's unit"),
    Rule(R.DATE_AFTER_SOURCE, "claims", "a claim is not dated after its source could have been "
         "published"),
    Rule(R.END_PRECISION, "claims", "the end of a period has its precision, and only then"),
    Rule(R.PERIOD_ORDER, "claims", "a period does not end before it starts"),
    Rule(R.STATUS_FIELDS, "quantities", "a plan or projection has its target date, a "
         "hypothetical figure its condition, and only they"),
    Rule(R.PLAN_TARGET_DATE, "quantities", "a plan states its target date, or its note "
         f"says the source gives none ('{domain.NO_TARGET}')"),
    Rule(R.PROJECTION_AFTER_REFERENCE, "quantities", "a projection's target date does not end "
         "before the time its claim refers to"),
    Rule(R.TIME_OF_DAY, "claims", "a time of day (HH:MM) goes with a date read to the day, and "
         "an end time does not come before the start"),
    Rule(R.EPISODE_PERIOD, "episodes, claims", "an episode does not end before it starts (a "
         "claim outside its episode's period is a warning)"),
    Rule(R.UPDATE_SELF, "updates", "a claim does not update itself"),
    Rule(R.UPDATE_BASIS, "updates", "an inferred update has the analyst's rationale"),
    Rule(R.UPDATE_CYCLE, "updates", "updates do not run in a circle"),
    Rule(R.UPDATE_ORDER, "updates", "the updating claim's source is not published before the "
         "updated one's"),
    Rule(R.UPDATE_ORIGIN, "updates", "an update comes from the origin of the figure it updates, "
         "or says why not"),
    Rule(R.UPDATE_EPISODE, "updates", "a claim and the claim it updates belong to one episode"),
    Rule(R.UPDATE_MEASURE, "updates", "a claim and the claim it updates share a measure"),
    Rule(R.SIDE_PARTY, "actors", "a stated side is independent, unknown or a party or "
         "third party (an actor marked party or third_party)"),
    Rule(R.RELATION_NAMES, "claim_relations", "a claim relation names the claim it answers "
         "or its measure"),
    Rule(R.RELATION_SELF, "claim_relations", "a claim does not deny, dispute, confirm or "
         "admit itself"),
    Rule(R.RELATION_BASIS, "claim_relations", "an inferred relation has the analyst's "
         "rationale"),
    Rule(R.RELATION_MEASURE, "claim_relations", "a relation naming a target and a measure "
         "names a measure the target gives a figure of"),
    Rule(R.ASSESSMENT_BOUNDS, "assessments", "an assessment gives a figure, range or bound, in "
         "order and fitting its qualifier"),
    Rule(R.ASSESSMENT_PERIOD, "assessments", "an assessment's period does not end before it "
         "starts, and its end has its precision"),
    Rule(R.ASSESSMENT_RESTS_ON, "assessments", "each claim an assessment rests on gives a "
         "figure of its measure or answers it"),
    Rule(R.RELAY_IS_CLAIMANT, "claims", "a relay is not also the claimant"),
    Rule(R.RELAY_IS_OUTLET, "claims", "the source's own outlet is not a relay"),
    Rule(R.RELAY_CYCLE, "claims", "a chain of relays does not come back"),
    Rule(R.REPUBLISH_CYCLE, "sources", "a source does not republish itself, directly or not"),
    Rule(R.ORIGIN_CYCLE, "origins", "an origin does not draw on itself, directly or not"),
    Rule(R.PART_OF_CYCLE, "measures", "a measure is not part of itself, directly or not"),
    Rule(R.GRAPH_SIZE, "sources, origins, measures", "a graph searched for cycles has at most "
         f"{limits.GRAPH_NODES:,} rows"),
    Rule(R.ORIGIN_BASIS, "claims", "an origin has its basis (stated or inferred), an inferred "
         "one its rationale"),
    Rule(R.COLOUR_CONTRAST, "actors", "an actor's own colour (#rrggbb) keeps 3:1 against white"),
    Rule(R.PLACE_GEOMETRY, "places", "every place can be drawn: a town in the gazetteer, a region "
         "in the boundary layer, a part by a valid rule"),
    Rule(R.MAP_EXTENT, "places", "a place as drawn fits a map (within the extent limits)"),
    Rule(R.PLACE_IN_REGION, "places", "a town lies inside the unit its code names"),
    Rule(R.UNUSED_ACTOR, "actors", "an actor is named by some claim, source or detail", WARNING),
    Rule(R.UNUSED_PLACE, "places", "a place is named by some claim or detail", WARNING),
    Rule(R.FIRST_SOURCE, "sources", "a data set has at least one source", WARNING),
)

BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}

#: What a check may read besides the tables: the texts the loader read (``facts.texts`` and
#: ``facts.sentences_of``), the problems found before it (``out.before``: those of the reading
#: and of every check that reads no problems), and the data set's geo/ folder (its own layers).
TEXTS, PROBLEMS, GEO = "texts", "problems", "geo"


@dataclass(frozen=True)
class Check:
    """One domain check: the function, what it ``reads``, the rule ids it ``reports``; with
    ``quiet_after_errors`` what it reports is kept only when no other check reports an error."""

    run: Run
    reads: tuple[str, ...]
    reports: tuple[str, ...]
    quiet_after_errors: bool = False

    @property
    def name(self) -> str:
        return f"{self.run.__module__.rsplit('.', 1)[-1]}.{self.run.__name__}"


CHECKS: tuple[Check, ...] = (
    Check(domain._check_sentences, ("sources", "sentences", "claims", TEXTS),
          (R.SENTENCE_SOURCE, R.SENTENCE_EXISTS, R.SENTENCE_STARTS_WITH, R.SENTENCE_COVERED,
           R.SENTENCE_ACCOUNTED)),
    Check(domain._check_claims, ("claims", "sources", TEXTS),
          (R.REQUIRED, R.SENTENCE_EXISTS, R.QUOTE_REQUIRED, R.QUOTE_IN_SOURCE, R.HEDGE_IN_SOURCE,
           R.LIKELIHOOD_NEEDS_HEDGE, R.QUOTE_WITHOUT_TEXT)),
    Check(domain._check_quantities, ("quantities", "measures"),
          (R.BOUNDS_ORDER, R.VALUE_REQUIRED, R.UNIT_OF_MEASURE, R.QUALIFIER_BOUNDS)),
    Check(domain._check_places, ("places",), (R.PRECISION_OF_KIND,)),
    Check(domain._check_claim_mentions,
          ("claims", "positions", "stances", "relations", "actors", "places"),
          (R.LISTED_ON_CLAIM,)),
    Check(domain._check_takeaways, ("takeaways", "claims", "quantities", PROBLEMS),
          (R.ONE_BOTTOM_LINE, R.TAKEAWAY_KEEPS_HEDGE, R.TAKEAWAY_FIGURE,
           R.TAKEAWAY_KEEPS_QUALIFIER, R.TAKEAWAY_KEEPS_MEASURES_APART)),
    Check(domain._check_grades, ("sources", "claims"), (R.GRADE_RATIONALE,)),
    Check(domain._check_measures, ("measures",), (R.PART_BASIS,)),
    Check(domain._check_derived, ("derived", "quantities", "measures", "claims"),
          (R.DERIVED_INPUT, R.UNIT_OF_MEASURE)),
    Check(domain._check_claim_dates, ("claims", "sources"), (R.DATE_AFTER_SOURCE,)),
    Check(domain._check_periods, ("claims", "sources", "quantities"),
          (R.END_PRECISION, R.PERIOD_ORDER, R.DATE_AFTER_SOURCE)),
    Check(domain._check_status, ("quantities", "claims"),
          (R.STATUS_FIELDS, R.PLAN_TARGET_DATE, R.PROJECTION_AFTER_REFERENCE)),
    Check(episodes.check,
          ("claims", "episodes", "updates", "sources", "quantities", "origins", "actors"),
          (R.TIME_OF_DAY, R.EPISODE_PERIOD, R.UPDATE_SELF, R.UPDATE_BASIS, R.UPDATE_CYCLE,
           R.UPDATE_ORDER, R.UPDATE_ORIGIN, R.UPDATE_EPISODE, R.UPDATE_MEASURE)),
    Check(claimed.check, ("actors", "claim_relations", "assessments", "quantities"),
          (R.SIDE_PARTY, R.RELATION_NAMES, R.RELATION_SELF, R.RELATION_BASIS,
           R.RELATION_MEASURE, R.ASSESSMENT_BOUNDS, R.ASSESSMENT_PERIOD, R.ASSESSMENT_RESTS_ON)),
    Check(origins.check, ("claims", "sources", "origins", "measures"),
          (R.RELAY_IS_CLAIMANT, R.RELAY_IS_OUTLET, R.RELAY_CYCLE, R.REPUBLISH_CYCLE,
           R.ORIGIN_CYCLE, R.PART_OF_CYCLE, R.GRAPH_SIZE, R.ORIGIN_BASIS)),
    Check(colours.check, ("actors",), (R.COLOUR_CONTRAST,)),
    Check(domain._check_geometry, ("places", GEO, PROBLEMS),
          (R.PLACE_GEOMETRY, R.MAP_EXTENT, R.PLACE_IN_REGION, R.GEO_FILE)),
    Check(domain._check_unused,
          ("actors", "places", "claims", "sources", "positions", "stances", "relations",
           "origins"),
          (R.UNUSED_ACTOR, R.UNUSED_PLACE), quiet_after_errors=True),
    Check(domain._check_first_source, ("sources",), (R.FIRST_SOURCE,)),
)


class UndeclaredRule(SitrepError, AssertionError):
    """A check reported a rule id its :class:`Check` does not declare (a bug in sitrep)."""


class _Report(Collector):
    """What one check reports into: a collector of its own, counting from what the reading
    found (the per-rule limit holds across checks), with the cells the reading refused, and
    the problems found before it as ``before`` if it reads them."""

    def __init__(self, parent: Collector, check: Check, before: tuple[Problem, ...] | None):
        super().__init__(parent.limit)
        self.counts = dict(parent.counts)
        self.refused = set(parent.refused)
        self.check = check
        self._before = before

    @property
    def before(self) -> tuple[Problem, ...]:
        if self._before is None:
            raise UndeclaredRule(f"{self.check.name} reads the problems found before it: "
                                 f"declare {PROBLEMS!r} in its reads")
        return self._before


def _view(facts: Facts, check: Check) -> Facts:
    """The facts a check declared it reads: those tables only, and the texts if it reads them."""
    texts = TEXTS in check.reads
    return Facts(dataset=facts.dataset, title=facts.title, settings=facts.settings,
                 tables={name: facts.tables[name] for name in check.reads
                         if name in facts.tables},
                 texts=MappingProxyType(facts.texts) if texts else {},  # type: ignore[arg-type]
                 sentences_of=MappingProxyType(facts.sentences_of)  # type: ignore[arg-type]
                 if texts else {})


def _run(check: Check, facts: Facts, facts_dir: Path, out: Collector,
         before: tuple[Problem, ...] | None) -> _Report:
    report = _Report(out, check, before if PROBLEMS in check.reads else None)
    check.run(_view(facts, check), facts_dir, report)
    counted = {key[1] for key, count in report.counts.items() if count != out.counts.get(key)}
    stray = ({p.rule for p in report.problems} | counted) - set(check.reports)
    if stray:
        raise UndeclaredRule(f"{check.name} reported {sorted(stray)}, which it does not declare")
    return report


def check_domain(facts: Facts, facts_dir: Path, out: Collector, *,
                 shuffle: random.Random | None = None) -> None:
    """Apply every domain check to loaded facts (the reading applied the schema's rules and read
    the texts). First the checks that read no problems, then those that read what was found so
    far; each sees only its own problems, which are gathered in the order of :data:`CHECKS`, so
    the order the checks run in (``shuffle``: a random one, for tests) changes nothing."""
    first = [c for c in CHECKS if PROBLEMS not in c.reads]
    then = [c for c in CHECKS if PROBLEMS in c.reads]
    if shuffle is not None:
        shuffle.shuffle(first)
        shuffle.shuffle(then)
    reports = {c: _run(c, facts, facts_dir, out, None) for c in first}
    before = tuple(out.problems) + tuple(p for c in CHECKS if c in reports
                                         and not c.quiet_after_errors
                                         for p in reports[c].problems)
    reports.update({c: _run(c, facts, facts_dir, out, before) for c in then})
    if any(errors(reports[c].problems) for c in CHECKS if not c.quiet_after_errors) \
            or errors(out.problems):
        reports = {c: r for c, r in reports.items() if not c.quiet_after_errors}
    _gather(out, [reports[c] for c in CHECKS if c in reports])


def _gather(out: Collector, reports: Sequence[_Report]) -> None:
    """The checks' problems into ``out``, in order, within the limit per rule and file."""
    kept = Counter((p.file, p.rule) for p in out.problems)
    start = dict(out.counts)
    for report in reports:
        for problem in report.problems:
            key = (problem.file, problem.rule)
            if key in report.counts:  # reported through add: counted, and limited
                if kept[key] >= out.limit:
                    continue
                kept[key] += 1
            out.problems.append(problem)
        for key, count in report.counts.items():
            out.counts[key] = out.counts.get(key, 0) + count - start.get(key, 0)


def markdown() -> str:
    """The rules as a Markdown table: the README's list is this text."""
    lines = ["| rule | table | severity | what it asks |", "|---|---|---|---|"]
    lines += [f"| `{r.id}` | {r.table} | {r.severity} | {r.doc} |" for r in RULES]
    return "\n".join(lines) + "\n"
