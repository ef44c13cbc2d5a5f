"""Claimed and assessed: what each side says of a measure, and what the analyst assesses.

In a war most figures come from the parties to it. A measure is *contested* when two or more
voices speak to it at its latest reference time, at least one of them a party to the conflict:
two parties, or a party and independent observers (a voice is a side, :mod:`sides`; its words
are its figures and its relations to other claims, ``claim_relations.csv``). A contested
measure's key figure is never one party's figure alone: it is one line a side (what each party
claims, denies or admits, with its claim ids), the independent figures, and the analyst's
assessment where there is one. A measure only one side, or only independents, speak to keeps
its best-figure line, with its claimant and side.

An *assessment* (``assessments.csv``) is the analyst's own row, never derived: a figure, range
or bound, how likely the true figure lies there (PHIA probability yardstick), the analyst's
confidence (ICD 203), the claims it rests on and why.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sitrep.model.analysis import sides, updates
from sitrep.model.analysis.attribution import attributions
from sitrep.model.analysis.grouping import Group
from sitrep.model.analysis.quantity import figure_label, with_unit
from sitrep.model.data import when
from sitrep.model.data.facts import Facts

#: How each relation reads in a line of its side.
RELATION_WORDS = {"denies": "denies", "disputes": "disputes", "confirms": "confirms",
                  "admits": "admits"}

#: Words of an admission that gives no number.
ADMITS_NO_NUMBER = "admits it, no number"

ANSWER_COLUMNS = ["measure_id", "claim_id", "relation", "target", "claimant_side",
                  "side_name", "words", "basis", "rationale"]
ASSESSMENT_COLUMNS = ["assessment_id", "measure_id", "figure", "reference", "lo", "hi",
                      "probability", "confidence", "rests_on", "rationale", "assessed",
                      "line"]
#: ``figure`` is a line's whole text; ``answers`` its denials, disputes, admissions and
#: confirmations alone (what a best-figure row adds to its figure).
LINE_COLUMNS = ["measure_id", "order", "who", "claimant_side", "role", "figure", "claims",
                "reference", "answers"]


def answers(facts: Facts) -> pd.DataFrame:
    """Per claim relation and measure it reaches: who answers (side), how ('denies Iran's
    claim', 'admits losses, no number'), and on what basis. A relation names its measure, or
    reaches every measure its target claim gives a figure of. Computed once per Facts."""
    return facts.memo("contested.answers", _answers)


def _answers(facts: Facts) -> pd.DataFrame:
    r = facts.claim_relations
    if r.empty:
        return pd.DataFrame(columns=ANSWER_COLUMNS)
    of_claim = sides.of_claims(facts).set_index("claim_id")
    claimants = _claimant_names(facts)
    gives = updates.measures_of(facts)
    rows = []
    for claim, relation, target, measure, basis, rationale in zip(
            r["claim_id"], r["relation"], r["target"], r["measure_id"], r["basis"],
            r["rationale"], strict=True):
        side = of_claim.at[claim, "claimant_side"] if claim in of_claim.index else sides.UNKNOWN
        name = of_claim.at[claim, "side_name"] if claim in of_claim.index else ""
        reach = [measure] if measure else sorted(gives.get(target, ()))
        whose = ""
        if target and target in of_claim.index:
            side_of = of_claim.at[target, "claimant_side"]
            owner = (of_claim.at[target, "side_name"] if side_of not in sides.WORDS
                     else claimants.get(target, "") or of_claim.at[target, "side_name"])
            whose = f"{owner}'s claim [{target}]"
        for m in dict.fromkeys(reach):
            if relation == "admits" and m not in gives.get(claim, ()):
                words = ADMITS_NO_NUMBER + f" [{claim}]"
            else:
                words = f"{RELATION_WORDS[relation]} {whose or 'it'} in [{claim}]"
            rows.append((m, claim, relation, target, side, name, words, basis, rationale))
    rank = updates.claim_rank(facts)
    rows.sort(key=lambda r: (rank.get(r[1], ()), r[2], rank.get(r[3], ())))
    return pd.DataFrame(rows, columns=ANSWER_COLUMNS)



def assessments(facts: Facts) -> pd.DataFrame:
    """The analyst's assessments, one row each: the figure in words, the time it refers to,
    its interval (``lo``/``hi``), probability and confidence, the claims it rests on, and
    ``line``: how a key figure states it ('0 aircraft: highly likely, moderate confidence;
    rests on I12, I15')."""
    return facts.memo("contested.assessments", _assessments)


def _assessments(facts: Facts) -> pd.DataFrame:
    a = facts.assessments
    if a.empty:
        return pd.DataFrame(columns=ASSESSMENT_COLUMNS)
    units = dict(zip(facts.measures["measure_id"], facts.measures["unit"], strict=True))
    rows = []
    for r in a.itertuples(index=False):
        one = r.qualifier == "range" and pd.notna(r.lower) and r.lower == r.upper
        figure = (figure_label(r.lower, np.nan, np.nan, "exact") if one
                  else figure_label(r.value, r.lower, r.upper, r.qualifier))
        unit = str(units.get(r.measure_id, ""))
        reference = when.date_label(r.refers_to, r.time_precision)
        if pd.notna(r.refers_to_end):
            reference += " to " + when.date_label(r.refers_to_end, r.end_precision or "day")
        lo = r.lower if pd.notna(r.lower) else r.value
        hi = r.upper if pd.notna(r.upper) else r.value if r.qualifier in (
            "exact", "about", "estimated", "range") else np.nan
        line = (f"{figure} {unit}".strip() + f": {r.probability}, {r.confidence} confidence; "
                f"rests on {', '.join(r.rests_on)}")
        rows.append((r.assessment_id, r.measure_id, figure, reference, lo, hi, r.probability,
                     r.confidence, ", ".join(r.rests_on), r.rationale,
                     when.date_label(r.assessed, "day"), line))
    return pd.DataFrame(rows, columns=ASSESSMENT_COLUMNS)


def _claimant_names(facts: Facts) -> dict[str, str]:
    """Per claim: its claimants' names, as the attributions write them."""
    said = attributions(facts)
    return dict(zip(said["claim_id"], said["claimant"], strict=True))


def _published(g: Group, k: int) -> pd.Timestamp:
    day = g.cols["published_date"][k] if "published_date" in g.cols else None
    return pd.Timestamp(day) if day is not None and pd.notna(day) else pd.Timestamp.min


#: The order in which voices are listed: parties (in actors.csv order), then the rest.
LATER = {sides.INDEPENDENT: 1, sides.MIXED: 2, sides.UNKNOWN: 3}


def lines(g: Group, measure: str, facts: Facts | None,
          conservative_order) -> tuple[list[tuple], bool]:
    """The key-figure lines of a measure at its latest reference time ``g``: one a voice
    (:data:`LINE_COLUMNS`), then the analyst's assessments; and whether it is contested."""
    current = np.flatnonzero(~g.superseded)
    by_side: dict[str, list[int]] = {}
    for k in current.tolist():
        by_side.setdefault(g.cols["claimant_side"][k], []).append(k)
    said = answers(facts) if facts is not None else pd.DataFrame(columns=ANSWER_COLUMNS)
    said = said[said["measure_id"].eq(measure)]
    names = dict(zip(g.cols["claimant_side"], g.cols["side_name"], strict=True))
    for side, name in zip(said["claimant_side"], said["side_name"], strict=True):
        names.setdefault(side, name)
    voices = list(dict.fromkeys([*by_side, *said["claimant_side"]]))
    roles = {} if facts is None else dict(zip(sides.of_claims(facts)["claimant_side"],
                                              sides.of_claims(facts)["side_role"], strict=True))
    parties = sides.parties(facts) if facts is not None else []
    contested = len(voices) >= 2 and any(v in parties for v in voices)
    # parties first, then third parties, independents, mixed and unknown; by name within each
    voices.sort(key=lambda v: (LATER.get(v, 0 if v in parties else 0.5), names.get(v, v), v))
    out = []
    answering = {} if facts is None else _claimant_names(facts)
    for order, side in enumerate(voices):
        ks = by_side.get(side, [])
        speaker = ""
        words = []
        claims: list[str] = []
        figure, reference = "", ""
        if ks:
            ranked = conservative_order(g, np.array(ks))
            best = max(ranked, key=lambda k: _published(g, k))  # stable: ties keep the order
            figure = with_unit(g.cols["figure"][best], g.cols["unit"][best])
            reference = g.cols["reference"][best]
            claims.append(g.cols["claim_id"][best])
            verb = "claims" if side not in sides.WORDS else "reports"
            words.append(f"{verb} {figure} [{claims[0]}]")
            if len(ks) > 1:
                words.append(f"its latest of {len(ks):,} figures")
            speaker = g.cols["claimant"][best]
        mine = said[said["claimant_side"].eq(side)]
        words += mine["words"].tolist()
        claims += mine["claim_id"].tolist()
        who = names.get(side, side)
        if roles.get(side):
            who += f" ({roles[side]})"
        if not ks and len(mine):
            speaker = answering.get(mine["claim_id"].iloc[0], "")
        if (ks or len(mine)) and speaker and speaker != names.get(side):
            who += f": {speaker}"
        out.append((measure, order, who, side, "voice", "; ".join(words), claims, reference,
                    "; ".join(mine["words"])))
    assessed = assessments(facts) if facts is not None else pd.DataFrame(
        columns=ASSESSMENT_COLUMNS)
    for r in assessed[assessed["measure_id"].eq(measure)].itertuples(index=False):
        out.append((measure, len(out), "the analyst's assessment", "", "assessment", r.line,
                    [c.strip() for c in r.rests_on.split(",")], r.reference, ""))
    return out, contested
