"""Reported numbers: each figure with its bounds, qualifier, hedge, grade and attribution.

A figure is an interval: ``lo`` and ``hi`` (NaN where the text leaves the side open), each marked
strict or not ("over 10,000" is lo = 10,000, strict, hi open). Derived figures are computed from
reported ones by interval arithmetic, never typed in, and carry ``derived=True``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from sitrep.model.analysis import shared, sides, updates
from sitrep.model.analysis.attribution import attributions
from sitrep.model.analysis.origins import origin_of_claims
from sitrep.model.data import when
from sitrep.model.data.facts import Facts, about

#: How each qualifier is written before the number.
QUALIFIER_WORDS: dict[str, str] = {
    "exact": "",
    "about": "about",
    "nearly": "nearly",
    "over": "over",
    "at_least": "at least",
    "up_to": "up to",
    "under": "under",
    "estimated": "estimated",
    "potential": "potentially",
    "range": "",
}

#: The shape a figure is drawn as: a point, open to the right, open to the left, or a span.
SHAPES: dict[str, str] = {
    "exact": "point", "about": "point", "estimated": "point", "potential": "point",
    "over": "lower", "at_least": "lower", "nearly": "upper", "up_to": "upper", "under": "upper",
    "range": "span",
}

#: Hedge words that read well in front of a number; any other hedge follows it in brackets.
LEADING_HEDGES = {"estimated", "reportedly", "likely", "potential", "about"}

RELIABILITY = {"A": "completely reliable", "B": "usually reliable", "C": "fairly reliable",
               "D": "not usually reliable", "E": "unreliable", "F": "reliability cannot be judged"}
CREDIBILITY = {1: "confirmed", 2: "probably true", 3: "possibly true", 4: "doubtful",
               5: "improbable", 6: "truth cannot be judged"}

COLUMNS = ["measure_id", "label", "claim_id", "figure", "value", "lower", "upper", "unit",
           "qualifier", "shape", "lo", "hi", "lo_strict", "hi_strict", "hedge", "claimant",
           "relay", "outlet", "said_by", "published", "published_date", "source_id", "grade",
           "derived", "method", "ref_start", "ref_end", "reference", "status", "status_key",
           "origin", "origin_label", "independent", "side", "claimant_side", "side_name",
           "side_role", "anonymous", "tolerance", "cmp_lo", "cmp_hi", "episode", "episode_name",
           "ref_from", "ref_to", "voice", "chain", "position",
           "superseded_by", "update_kind", "updates", "update_basis", "window_stated",
           "measure_kind"]

#: Qualifiers that say a number is approximate: compared with a tolerance
#: (:func:`tolerance`), never as a point.
APPROXIMATE = {"about", "estimated", "potential"}

#: How each status reads beside a figure.
STATUS_WORDS = {"present": "", "plan": "planned", "projection": "projected",
                "hypothetical": "hypothetical"}


def tolerance(value: float, setting: str = "rounding") -> float:
    """How far an approximate figure may lie from its number when figures are compared.

    ``rounding``: half a unit of the number's last non-zero digit (10,000 -> 5,000; 11,000 ->
    500; 2.5 -> 0.05); ``'10%'``: that share of the number.
    """
    if value is None or pd.isna(value) or value == 0:
        return 0.0
    if setting.endswith("%"):
        return abs(float(value)) * float(setting[:-1]) / 100
    digits = f"{abs(float(value)):.6f}".rstrip("0").rstrip(".")
    whole, _, fraction = digits.partition(".")
    if fraction:
        return 0.5 * 10.0 ** -len(fraction)
    return 0.5 * 10.0 ** (len(whole) - len(whole.rstrip("0")))


def number(value: float) -> str:
    """A number with thousands separators and no spurious decimals: 50000 -> '50,000'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")


def figure_label(value: float, lower: float, upper: float, qualifier: str,
                 hedges: Iterable[str] = ()) -> str:
    """The figure as a reader should see it, hedge and qualifier kept: 'estimated over 10,000'."""
    if qualifier == "range":
        core = f"{number(lower)}\u2013{number(upper)}"
    else:
        core = f"{QUALIFIER_WORDS[qualifier]} {number(value)}".strip()
    missing = [h for h in hedges if h.lower() not in core.lower()]
    leading = [h for h in missing if h.lower() in LEADING_HEDGES]
    trailing = [h for h in missing if h.lower() not in LEADING_HEDGES]
    label = " ".join([*leading, core])
    return f"{label} ({'; '.join(trailing)})" if trailing else label


def interval(value: float, lower: float, upper: float, qualifier: str
             ) -> tuple[float, float, bool, bool]:
    """(lo, hi, lo_strict, hi_strict) of a reported figure; NaN marks an open side."""
    shape = SHAPES[qualifier]
    lo = lower if pd.notna(lower) else (value if shape in ("point",) else np.nan)
    hi = upper if pd.notna(upper) else (value if shape in ("point",) else np.nan)
    if shape == "lower":
        lo, hi = (lower if pd.notna(lower) else value), np.nan
    elif shape == "upper":
        lo, hi = np.nan, (upper if pd.notna(upper) else value)
    return float(lo), float(hi), qualifier == "over", qualifier in ("nearly", "under")


def with_unit(figure: str, unit: str) -> str:
    """'3,000–4,000 (conservative)' with 'troops': '3,000–4,000 troops (conservative)'; a
    percentage reads '53%'."""
    core, sep, rest = figure.partition(" (")
    unit = str(unit)
    joined = f"{core}%" if unit.strip() in ("%", "percent") else f"{core} {unit}".strip()
    return joined + (sep + rest if sep else "")


def interval_text(lo: float, hi: float, lo_strict: bool, hi_strict: bool) -> str:
    """An interval in words: '10,000 to 12,000', 'more than 10,000', 'at most 40,000'."""
    if pd.notna(lo) and pd.notna(hi):
        return number(lo) if lo == hi else f"{number(lo)} to {number(hi)}"
    if pd.notna(lo):
        return f"{'more than' if lo_strict else 'at least'} {number(lo)}, open-ended"
    if pd.notna(hi):
        return f"{'less than' if hi_strict else 'at most'} {number(hi)}"
    return "unbounded"


def grade(reliability: object, credibility: object) -> str:
    """Admiralty grade as written, e.g. 'B2'; a half-graded one names the ungraded half
    ('ungraded / 3', 'B / ungraded'), never a dash that reads as a minus; 'ungraded' for none."""
    letter = reliability if isinstance(reliability, str) and reliability else ""
    digit = str(int(credibility)) if pd.notna(credibility) else ""
    if not letter and not digit:
        return "ungraded"
    if letter and digit:
        return f"{letter}{digit}"
    return f"{letter or 'ungraded'} / {digit or 'ungraded'}"


def meets(grade_text: str, minimum: str) -> bool:
    """Whether a grade is at least as good as ``minimum`` (e.g. 'C3'); ungraded never is."""
    if not minimum:
        return True
    if len(grade_text) != 2 or "ungraded" in grade_text:
        return False
    return grade_text[0] <= minimum[0].upper() and int(grade_text[1]) <= int(minimum[1])


def _reported(facts: Facts) -> pd.DataFrame:
    measures = facts.measures[["measure_id", "label"]].assign(measure_kind=facts.measures.get(
        "kind", pd.Series("", index=facts.measures.index)).replace("", "level"))
    q = facts.quantities.merge(measures, on="measure_id")
    claims = facts.claims[["claim_id", "kind", "hedge", "credibility", "claimants"]].assign(
        episode=facts.claims.get("episode", pd.Series("", index=facts.claims.index)),
        # where the claim's words stand in its source: the first sentence it cites
        position=facts.claims["sentences"].map(lambda s: float(min(s)) if s else np.inf))
    q = q.merge(claims, on="claim_id")
    said = attributions(facts)[["claim_id", "said_by", "claimant", "relay", "outlet",
                                "published", "source_id"]]
    q = q.merge(said, on="claim_id")
    if q.empty:
        return pd.DataFrame(columns=[*COLUMNS, "kind", "credibility"])
    q = q.merge(windows(facts.claims), on="claim_id").merge(
        origin_of_claims(facts)[["claim_id", "origin", "origin_label", "independent", "side",
                                 "voice"]], on="claim_id").merge(
        updates.of_claims(facts), on="claim_id").merge(
        sides.of_claims(facts)[["claim_id", "claimant_side", "side_name", "side_role"]],
        on="claim_id")
    q = _supersede_per_measure(q, facts)
    names = updates.episode_names(facts)
    published = dict(zip(facts.sources["source_id"], facts.sources["published"], strict=True))
    reliability = dict(zip(facts.sources["source_id"], facts.sources["reliability"],
                           strict=True))
    unnamed = set(facts.actors.loc[facts.actors["kind"].eq("unnamed_sources"), "actor_id"])
    # zip over the few columns needed: iterating whole rows of 100,000 claims costs seconds
    numbers = list(zip(q["value"], q["lower"], q["upper"], q["qualifier"], strict=True))
    bounds = [interval(*n) for n in numbers]
    setting = facts.settings.get("approximate_tolerance", "rounding")
    slack = [tolerance(v, setting) if k in APPROXIMATE else 0.0
             for v, k in zip(q["value"], q["qualifier"], strict=True)]
    status = q["status"].where(q["status"].ne(""), "present")
    keys = [_status_key(st, t, tp, c) for st, t, tp, c in
            zip(status, q["target_date"], q["target_precision"], q["condition"], strict=True)]
    return q.assign(
        figure=[figure_label(*n, hedge) + (f" ({key})" if key else "")
                for n, hedge, key in zip(numbers, q["hedge"], keys, strict=True)],
        shape=q["qualifier"].map(SHAPES),
        lo=[b[0] for b in bounds], hi=[b[1] for b in bounds],
        lo_strict=[b[2] for b in bounds], hi_strict=[b[3] for b in bounds],
        published_date=q["source_id"].map(published),
        grade=[grade(reliability[s], c)
               for s, c in zip(q["source_id"], q["credibility"], strict=True)],
        derived=False, method="", status=status, status_key=keys,
        episode_name=q["episode"].map(names).fillna(""),
        anonymous=q["claimants"].map(lambda ids: bool(ids) and all(i in unnamed for i in ids)),
        tolerance=slack,
        cmp_lo=[b[0] - t for b, t in zip(bounds, slack, strict=True)],
        cmp_hi=[b[1] + t for b, t in zip(bounds, slack, strict=True)],
    )


def _supersede_per_measure(q: pd.DataFrame, facts: Facts) -> pd.DataFrame:
    """An update supersedes per measure: an earlier figure is superseded by the later claim
    that updates its claim and gives a figure of its measure ('2 radar sites' stays current
    when the update gives only a new count of missiles); a retraction withdraws the whole
    claim. Where several later claims qualify, the first by what they say
    (:func:`updates.claim_rank`)."""
    found = updates.links(facts)
    if found.empty:
        return q
    gives = updates.measures_of(facts)
    rank = updates.claim_rank(facts)
    later: dict[str, list[tuple[str, str]]] = {}
    for c, u, k in sorted(zip(found["claim_id"], found["updates"], found["kind"], strict=True),
                          key=lambda x: rank.get(x[0], ())):
        later.setdefault(u, []).append((c, k))
    by, how = [], []
    for claim, measure in zip(q["claim_id"], q["measure_id"], strict=True):
        hit = next(((c, k) for c, k in later.get(claim, ())
                    if k == "retracts" or measure in gives.get(c, ())), ("", ""))
        by.append(hit[0])
        how.append(hit[1])
    return q.assign(superseded_by=by, update_kind=how)


#: The claim columns a claim's reference window is computed from.
WINDOW_COLUMNS = ["refers_to", "time_precision", "refers_to_end", "end_precision",
                  "refers_to_time", "end_time"]


def windows(claims: pd.DataFrame) -> pd.DataFrame:
    """:func:`sitrep.model.data.when.windows`, computed once per distinct time a claim states
    (100,000 claims state a few thousand): the same table, row for row."""
    present = [c for c in WINDOW_COLUMNS if c in claims.columns]
    if len(claims) < 2 or "refers_to" not in present:
        return when.windows(claims)
    group = claims.groupby(present, sort=False, dropna=False).ngroup().to_numpy()
    first = np.unique(group, return_index=True)[1]
    distinct = when.windows(claims.iloc[first])
    found = distinct.iloc[np.searchsorted(group[first], group)]
    return found.set_axis(claims.index).assign(claim_id=claims["claim_id"])


def _status_key(status: str, target: object, precision: str, condition: str) -> str:
    """What a figure counts, in words: '' for a present count, 'projected for Jan 2025',
    'hypothetical: if ...'. Figures are compared only with figures of the same key."""
    if status == "present":
        return ""
    words = STATUS_WORDS[status]
    if pd.notna(target):
        words += f" for {when.date_label(pd.Timestamp(target), precision or 'day')}"
    if condition:
        words += f": {condition}"
    return words


def derive(facts: Facts, reported: pd.DataFrame | None = None) -> pd.DataFrame:
    """The derived figures of ``derived.csv``, computed from their inputs' intervals."""
    reported = _reported(facts) if reported is None else reported
    by_claim = reported.set_index("claim_id")
    labels = facts.measures.set_index("measure_id")
    rows = []
    for d in facts.derived.itertuples(index=False):
        inputs = [c for c in d.inputs if c in by_claim.index]
        if len(inputs) != len(d.inputs):
            continue  # an input was cut by as_of or a grade filter: nothing honest to show
        first, rest = by_claim.loc[inputs[0]], [by_claim.loc[c] for c in inputs[1:]]
        if d.operation == "difference":
            lo = first.lo - sum(r.hi for r in rest)
            hi = first.hi - sum(r.lo for r in rest)
            lo_strict = bool(first.lo_strict or any(r.hi_strict for r in rest))
            hi_strict = bool(first.hi_strict or any(r.lo_strict for r in rest))
            sign = " \u2212 "
        else:
            lo = sum(r.lo for r in [first, *rest])
            hi = sum(r.hi for r in [first, *rest])
            lo_strict = any(r.lo_strict for r in [first, *rest])
            hi_strict = any(r.hi_strict for r in [first, *rest])
            sign = " + "
        if pd.notna(lo) and lo <= 0:
            lo, lo_strict = np.nan, False  # a count is never below zero: no information
        qualifier = _qualifier_of(lo, hi, lo_strict, hi_strict)
        value = lo if pd.notna(lo) and not pd.notna(hi) else hi if pd.notna(hi) else lo
        method = sign.join(f"{by_claim.at[c, 'figure']} [{c}]" for c in inputs)
        rows.append({
            "measure_id": d.measure_id, "label": labels.at[d.measure_id, "label"],
            "claim_id": d.derived_id, "value": value,
            "lower": lo if pd.notna(lo) else np.nan, "upper": hi if pd.notna(hi) else np.nan,
            "unit": labels.at[d.measure_id, "unit"], "qualifier": qualifier,
            "shape": SHAPES[qualifier], "lo": lo, "hi": hi, "lo_strict": lo_strict,
            "hi_strict": hi_strict, "hedge": (),
            "figure": figure_label(value, lo, hi, qualifier),
            "claimant": "the analyst", "relay": "", "outlet": "",
            "said_by": f"derived by the analyst: {method}; assumes: {d.assumption}",
            "published": "", "published_date": max(by_claim.loc[inputs, "published_date"]),
            "source_id": "", "grade": "derived", "derived": True,
            "method": f"{method} = {interval_text(lo, hi, lo_strict, hi_strict)}",
            "ref_start": min(by_claim.loc[inputs, "ref_start"]),
            "ref_end": max(by_claim.loc[inputs, "ref_end"]),
            "reference": "; ".join(dict.fromkeys(by_claim.loc[inputs, "reference"])),
            "status": "present", "status_key": "", "origin": "derived",
            "origin_label": "derived by the analyst", "independent": "derived",
            "side": "the analyst", "claimant_side": "", "side_name": "derived by the analyst",
            "side_role": "", "position": np.inf, "anonymous": False, "tolerance": 0.0,
            "cmp_lo": lo, "cmp_hi": hi, **_derived_episode(by_claim, inputs, d.derived_id),
        })
    return pd.DataFrame(rows, columns=COLUMNS)


def _derived_episode(by_claim: pd.DataFrame, inputs: list[str], derived_id: str) -> dict:
    """A derived figure's episode (its inputs' one episode, else none) and window."""
    episodes = set(by_claim.loc[inputs, "episode"])
    episode = episodes.pop() if len(episodes) == 1 else ""
    name = dict(zip(by_claim["episode"], by_claim["episode_name"], strict=True)).get(episode, "")
    return {"episode": episode, "episode_name": name,
            "ref_from": min(by_claim.loc[inputs, "ref_from"]),
            "ref_to": max(by_claim.loc[inputs, "ref_to"]), "voice": (), "chain": derived_id,
            "superseded_by": "", "update_kind": "", "updates": "", "update_basis": "",
            "window_stated": True, "measure_kind": "level"}


def _qualifier_of(lo: float, hi: float, lo_strict: bool, hi_strict: bool) -> str:
    if pd.notna(lo) and pd.notna(hi):
        return "exact" if lo == hi else "range"
    if pd.notna(lo):
        return "over" if lo_strict else "at_least"
    return "under" if hi_strict else "up_to"


def figures(facts: Facts, kinds: tuple[str, ...] | None = ("force_size",),
            measures: Iterable[str] | None = None, min_grade: str = "",
            derived: bool = True) -> pd.DataFrame:
    """Tidy table of figures: one row per number, with everything needed to show it.

    ``kinds`` keeps reported claims of those kinds (None keeps all); ``measures`` keeps those
    measure ids; ``min_grade`` (e.g. 'C3') keeps reported figures graded at least that well;
    ``derived`` adds the derived figures whose inputs are all kept.

    Computed once per Facts object and filter (:meth:`Facts.memo`); the table is a copy, and
    it names the facts it comes from, so the reconciliation, pairs and corroboration of it are
    computed once too (:mod:`sitrep.model.analysis.shared`).
    """
    chosen = None if measures is None else tuple(measures)
    key = f"quantity.figures:{kinds!r}:{chosen!r}:{min_grade!r}:{derived!r}"
    table = facts.memo(key, lambda f: _figures(f, kinds, chosen, min_grade, derived))
    return shared.tag(table, facts)


def _figures(facts: Facts, kinds: tuple[str, ...] | None, measures: tuple[str, ...] | None,
             min_grade: str, derived: bool) -> pd.DataFrame:
    reported = facts.memo("quantity.reported", _reported)
    if kinds is not None:
        reported = reported[reported["kind"].isin(kinds)]
    if min_grade:
        reported = reported[reported["grade"].map(lambda g: meets(g, min_grade))]
    table = reported.reindex(columns=COLUMNS)
    if derived and len(facts.derived):
        extra = derive(facts, reported)
        if len(extra):
            table = pd.concat([table, extra], ignore_index=True) if len(table) else extra
    if measures is not None:
        table = table[table["measure_id"].isin(list(measures))]
    order = {m: i for i, m in enumerate(facts.measures["measure_id"])}
    table = table.astype({"derived": bool, "lo_strict": bool, "hi_strict": bool,
                          "lo": float, "hi": float, "value": float})
    table = table.assign(_m=table["measure_id"].map(order)).sort_values(
        ["_m", "derived", *CONTENT_ORDER], kind="stable").drop(columns="_m")
    return about(table.reset_index(drop=True), "figures")


#: The order of figures within a measure: by what they say and where, never by their rows or
#: claim ids alone (a claim id decides only between two figures alike in all of these).
CONTENT_ORDER = ["published_date", "ref_start", "source_id", "position", "claimant", "figure",
                 "claim_id"]


def side_by_side(table: pd.DataFrame) -> pd.DataFrame:
    """Every figure of every measure with its interval, the time it refers to, claimant, relay,
    publication date and grade (its origin is in the corroboration table), and whether its
    wording is a verbatim quote, a paraphrase or derived."""
    return about(pd.DataFrame({
        "measure": table["label"],
        "claim_id": table["claim_id"],
        "figure": table["figure"],
        "interval": [interval_text(*bounds) for bounds in zip(
            table["lo"], table["hi"], table["lo_strict"], table["hi_strict"], strict=True)],
        "refers_to": table["reference"],
        "claimant": table["claimant"],
        "relayed_by": table["relay"],
        "published": table["published"].where(~table["derived"], "(derived)"),
        "grade": table["grade"],
        "wording": ["derived" if derived else "paraphrase, text not held" if
                    said_by.endswith("(text not held: paraphrase)") else "verbatim quote"
                    for derived, said_by in zip(table["derived"], table["said_by"],
                                                strict=True)],
    }).reset_index(drop=True), "figures")


def derived_table(table: pd.DataFrame, facts: Facts) -> pd.DataFrame:
    """The derived figures shown, with their method and the assumption they rest on."""
    derived = table[table["derived"]]
    assumptions = facts.derived.set_index("derived_id")["assumption"]
    return about(pd.DataFrame({
        "derived_id": derived["claim_id"],
        "measure": derived["label"],
        "figure": derived["figure"],
        "method": derived["method"],
        "assumption": derived["claim_id"].map(assumptions),
    }).reset_index(drop=True), "derived figures")


def grades_table(facts: Facts) -> pd.DataFrame:
    """Every claim that carries an Admiralty grade (whole or half), with the rationales."""
    sources = facts.sources.set_index("source_id")
    graded_sources = set(sources.index[sources["reliability"].ne("")])
    claims = facts.claims[facts.claims["credibility"].notna()
                          | facts.claims["source_id"].isin(graded_sources)]
    rows = []
    for claim in claims.itertuples(index=False):
        source = sources.loc[claim.source_id]
        reliability = source["reliability"]
        rows.append({
            "claim_id": claim.claim_id,
            "grade": grade(reliability, claim.credibility),
            "source_reliability": (f"{reliability}: {RELIABILITY[reliability]}. "
                                   f"{source['reliability_rationale']}" if reliability
                                   else "ungraded"),
            "information_credibility": (
                f"{int(claim.credibility)}: {CREDIBILITY[int(claim.credibility)]}. "
                f"{claim.credibility_rationale}" if pd.notna(claim.credibility) else "ungraded"),
        })
    return pd.DataFrame(rows, columns=["claim_id", "grade", "source_reliability",
                                       "information_credibility"])


def parts_table(facts: Facts) -> pd.DataFrame:
    """Measures read as part of another, with the wording that reading rests on."""
    m = facts.measures
    labels = m.set_index("measure_id")["label"]
    parts = m[m["part_of"].ne("")]
    table = pd.DataFrame({"measure": parts["label"], "part_of": parts["part_of"].map(labels),
                          "part_basis": parts["part_basis"]}).reset_index(drop=True)
    return about(table, "measures read as part of another", filtered=False)
