"""The rules of sides, claim relations and assessments, which a schema cannot state.

- ``side-party``: a stated side is ``independent``, ``unknown`` or the id of an actor marked
  ``party`` or ``third_party`` (a side is someone's side in the conflict).
- ``relation-names``: a claim relation names the claim it answers (``target``) or, failing
  that, its measure; ``relation-self``: a claim does not answer itself; ``relation-basis``: an
  inferred relation carries the analyst's rationale; ``relation-measure``: a relation that names
  both a target and a measure names one the target gives a figure of.
- ``assessment-bounds``: an assessment's bounds are in order and fit its qualifier (as a
  quantity's); ``assessment-period``: its period ends no earlier than it starts, with an end
  precision only with an end; ``assessment-rests-on``: each claim it rests on gives a figure of
  the assessed measure or answers it (a relation naming the measure, or a claim that does).

Every check is one pass over its table (a dictionary per look-up): linear in the rows.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sitrep import paths
from sitrep.model.analysis import updates
from sitrep.model.analysis.sides import INDEPENDENT, UNKNOWN
from sitrep.model.data import rule_ids as R
from sitrep.model.data.facts import Facts
from sitrep.model.data.problems import Collector
from sitrep.model.rules.domain import QUALIFIER_BOUNDS

RULE_SIDE = R.SIDE_PARTY
RULE_NAMES = R.RELATION_NAMES
RULE_SELF = R.RELATION_SELF
RULE_BASIS = R.RELATION_BASIS
RULE_MEASURE = R.RELATION_MEASURE
RULE_BOUNDS = R.ASSESSMENT_BOUNDS
RULE_PERIOD = R.ASSESSMENT_PERIOD
RULE_RESTS_ON = R.ASSESSMENT_RESTS_ON


def check(facts: Facts, facts_dir: Path, out: Collector) -> None:
    """Every rule of the module (see its docstring)."""
    _check_sides(facts, facts_dir, out)
    _check_relations(facts, facts_dir, out)
    _check_assessments(facts, facts_dir, out)


def _check_sides(facts: Facts, facts_dir: Path, out: Collector) -> None:
    a = facts.actors
    if "side" not in a.columns:
        return
    parties = set(a.loc[a["party"].ne(""), "actor_id"]) if "party" in a.columns else set()
    bad = a["side"].ne("") & ~a["side"].isin(parties | {INDEPENDENT, UNKNOWN})
    out.add_rows(paths.display(facts_dir / "actors.csv"), a, bad, "side", RULE_SIDE,
                 "a side is 'independent', 'unknown' or the actor id of a party or third "
                 "party (an actor marked party or third_party in actors.csv)")


def _check_relations(facts: Facts, facts_dir: Path, out: Collector) -> None:
    shown = paths.display(facts_dir / "claim_relations.csv")
    r = facts.claim_relations
    if r.empty:
        return
    out.add_rows(shown, r, r["target"].eq("") & r["measure_id"].eq(""), "target", RULE_NAMES,
                 "a claim relation names the claim it answers (target) or, where it answers "
                 "no one claim, the measure it concerns (measure_id)")
    out.add_rows(shown, r, r["target"].ne("") & r["target"].eq(r["claim_id"]), "target",
                 RULE_SELF, "a claim does not deny, dispute, confirm or admit itself")
    out.add_rows(shown, r, r["basis"].eq("inferred") & r["rationale"].str.strip().eq(""),
                 "rationale", RULE_BASIS, "an inferred relation needs the analyst's rationale")
    gives = updates.measures_of(facts)
    off = pd.Series([bool(t and m and gives.get(t) and m not in gives[t])
                     for t, m in zip(r["target"], r["measure_id"], strict=True)], index=r.index)
    out.add_rows(shown, r, off, "measure_id", RULE_MEASURE,
                 "the measure must be one the target claim gives a figure of (or leave it "
                 "empty)")


def answered(facts: Facts) -> dict[str, set[str]]:
    """Per claim: the measures its relations reach (named, or given by the claim answered), as
    :func:`sitrep.model.analysis.contested.answers` reads them, from the two tables this
    check declares."""
    gives = updates.measures_of(facts)
    found: dict[str, set[str]] = {}
    r = facts.claim_relations
    for claim, target, measure in zip(r["claim_id"], r["target"], r["measure_id"], strict=True):
        found.setdefault(claim, set()).update({measure} if measure else gives.get(target, ()))
    return found


def _check_assessments(facts: Facts, facts_dir: Path, out: Collector) -> None:
    shown = paths.display(facts_dir / "assessments.csv")
    a = facts.assessments
    if a.empty:
        return
    value, lower, upper = a["value"], a["lower"], a["upper"]
    for mask, fld, words in (
            ((lower > value).fillna(False), "lower", "the lower bound must not exceed the value"),
            ((upper < value).fillna(False), "upper", "the upper bound must not be below the "
             "value"),
            ((lower > upper).fillna(False), "lower", "the lower bound must not exceed the upper "
             "bound"),
            (value.isna() & lower.isna() & upper.isna(), "value", "an assessment gives a "
             "figure, a range or a bound")):
        out.add_rows(shown, a, mask, fld, RULE_BOUNDS, words)
    for qualifier, (need_low, need_up, no_low, no_up) in QUALIFIER_BOUNDS.items():
        this = a["qualifier"].eq(qualifier)
        for flag, column, missing in ((need_low, "lower", True), (need_up, "upper", True),
                                      (no_low, "lower", False), (no_up, "upper", False)):
            if not flag:
                continue
            bad = this & (a[column].isna() if missing else a[column].notna())
            words = (f"needs a {column} bound" if missing
                     else f"gives no {column} bound: leave it empty")
            out.add_rows(shown, a, bad, column, RULE_BOUNDS, f"the qualifier {qualifier!r} "
                         f"{words}", a["qualifier"])
    has_end = a["refers_to_end"].notna()
    out.add_rows(shown, a, has_end & a["end_precision"].eq(""), "end_precision", RULE_PERIOD,
                 "the end of a period needs its precision")
    out.add_rows(shown, a, ~has_end & a["end_precision"].ne(""), "end_precision", RULE_PERIOD,
                 "an end precision goes with refers_to_end only")
    out.add_rows(shown, a, has_end & (a["refers_to_end"] < a["refers_to"]), "refers_to_end",
                 RULE_PERIOD, "a period does not end before it starts")
    gives, answers = updates.measures_of(facts), answered(facts)
    bad_rows = []
    for index, measure, rests in zip(a.index, a["measure_id"], a["rests_on"], strict=True):
        off = [c for c in rests if measure not in gives.get(c, set()) | answers.get(c, set())]
        if off:
            bad_rows.append((index, ", ".join(off)))
    if bad_rows:
        mask = a.index.isin([i for i, _ in bad_rows])
        values = pd.Series(dict(bad_rows)).reindex(a.index)
        out.add_rows(shown, a, pd.Series(mask, index=a.index), "rests_on", RULE_RESTS_ON,
                     "each claim an assessment rests on gives a figure of the assessed measure "
                     "or answers it (claim_relations.csv)", values)
