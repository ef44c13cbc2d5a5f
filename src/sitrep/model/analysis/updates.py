"""Updates from one origin, and the episodes claims belong to.

A claim may update an earlier one (``updates.csv``): a final count *completes* an interim count
for part of the window, a new figure *revises* or *corrects* an earlier one, a statement
*retracts* it. The earlier figure is then *superseded*: shown, with the chain that replaced it,
but never a conflict and never evidence for or against another figure. Claims linked by updates
form one *chain*, named after its earliest claim.

An episode (``episodes.csv``) is a named operation, exercise, battle, offensive or round of
talks; figures are read as a series, compared and called current only within one.

Here too: the figure columns episodes and updates add (:func:`complete` fills them for a table
built without them), the voices figures count under, and the readings of the pairs
:mod:`reconcile` does not compare (an update, a superseded figure, one voice at different
windows, totals over different windows).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from sitrep.model.analysis.origins import ANALYST_INFERENCE
from sitrep.model.data.facts import Facts

#: How each kind of update reads in a chain: '125 -> 153 (completes the interim count)'.
UPDATE_WORDS = {"completes": "completes the interim count", "revises": "revises it",
                "corrects": "corrects it", "retracts": "retracts it"}

COLUMNS = ["claim_id", "chain", "superseded_by", "update_kind", "updates", "update_basis"]


def links(facts: Facts) -> pd.DataFrame:
    """The updates whose two claims are both in the facts (an ``as_of`` cut may drop the later
    one: the earlier is then current again)."""
    table = facts.tables.get("updates")
    if table is None or table.empty:
        return pd.DataFrame(columns=["claim_id", "updates", "kind", "basis", "rationale"])
    held = set(facts.claims["claim_id"])
    kept = table[table["claim_id"].isin(held) & table["updates"].isin(held)
                 & table["claim_id"].ne(table["updates"])]
    return kept[["claim_id", "updates", "kind", "basis", "rationale"]].reset_index(drop=True)


def _root(parent: dict[str, str], claim: str) -> str:
    seen = {claim}
    while claim in parent and parent[claim] not in seen:
        claim = parent[claim]
        seen.add(claim)
    return claim


def of_claims(facts: Facts) -> pd.DataFrame:
    """Per claim: its ``chain`` (the earliest claim of its chain of updates; its own id when
    none), the claim that supersedes it and how (``superseded_by``, ``update_kind``: '' when
    current), and the claim it updates (``updates``, ``update_basis``)."""
    found = links(facts)
    later_of = {u: (c, k) for c, u, k in zip(found["claim_id"], found["updates"], found["kind"],
                                             strict=True)}
    # a claim that updates several earlier ones is chained to the first of them by what they
    # say (publication, time, words), never by their ids or rows
    rank = claim_rank(facts)
    earlier_of: dict[str, tuple[str, str]] = {}
    for c, u, b in sorted(zip(found["claim_id"], found["updates"], found["basis"], strict=True),
                          key=lambda x: rank.get(x[1], ())):
        earlier_of.setdefault(c, (u, b))
    parent = {c: u for c, (u, _) in earlier_of.items()}
    rows = []
    for claim in facts.claims["claim_id"]:
        later, kind = later_of.get(claim, ("", ""))
        earlier, basis = earlier_of.get(claim, ("", ""))
        rows.append((claim, _root(parent, claim), later, kind, earlier, basis))
    return pd.DataFrame(rows, columns=COLUMNS)


def measures_of(facts: Facts) -> dict[str, frozenset[str]]:
    """Per claim: the measures it gives a figure of (``quantities.csv``). Computed once per
    Facts object."""
    return facts.memo("updates.measures_of", _measures_of)


def _measures_of(facts: Facts) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for claim, measure in zip(facts.quantities["claim_id"], facts.quantities["measure_id"],
                              strict=True):
        found.setdefault(claim, set()).add(measure)
    return {claim: frozenset(measures) for claim, measures in found.items()}


def claim_rank(facts: Facts) -> dict[str, tuple]:
    """Claims in the order of what they say: publication, time, words (never their ids)."""
    published = dict(zip(facts.sources["source_id"], facts.sources["published"], strict=True))
    c = facts.claims
    return {claim: (published.get(source), refers, statement, claim)
            for claim, source, refers, statement in zip(c["claim_id"], c["source_id"],
                                                        c["refers_to"], c["statement"],
                                                        strict=True)}


def chain_text(rows: Mapping[str, Mapping], claim: str) -> str:
    """The chain of updates from ``claim`` on, earliest first, each figure with its claim and
    time: "125 [C1] (23 May 2024, 06:00 to 16:30) -> 153 [C2] (23 May 2024, 06:00 to 24 May
    2024, 06:00): completes the interim count". ``rows`` maps claim ids to figure records
    (figure, reference, superseded_by, update_kind, update_basis); '' when nothing updates."""
    order, current = [], claim
    while current in rows and current not in order:
        order.append(current)
        current = rows[current]["superseded_by"]
    if len(order) < 2 and not (order and rows[order[0]]["superseded_by"]):
        return ""
    steps = [f"{rows[order[0]]['figure']} [{order[0]}] ({rows[order[0]]['reference']})"]
    for earlier, later in itertools.pairwise(order):
        words = UPDATE_WORDS.get(rows[earlier]["update_kind"], "updates it")
        inferred = rows[later]["update_basis"] == "inferred"
        steps.append(f"{rows[later]['figure']} [{later}] ({rows[later]['reference']}): {words}"
                     + (" (the analyst's reading)" if inferred else ""))
    if current and current not in rows:  # updated by a claim not among these figures
        steps.append(f"[{current}]: {UPDATE_WORDS.get(rows[order[-1]]['update_kind'], '')}")
    return " \u2192 ".join(steps)


def episode_names(facts: Facts) -> dict[str, str]:
    """Episode id -> its name ('' -> '')."""
    table = facts.tables.get("episodes")
    names = {"": ""}
    if table is not None:
        names.update(zip(table["episode_id"], table["name"], strict=True))
    return names


#: Columns a figure table may lack (built before episodes and updates, or by hand), with
#: what they mean when absent: no episode, its own chain, current, a voice of its own.
DEFAULTS = {"episode": "", "episode_name": "", "chain": None, "superseded_by": "",
            "update_kind": "", "updates": "", "update_basis": "", "voice": (),
            "window_stated": True, "measure_kind": "level", "claimant_side": "unknown",
            "side_name": "side not stated", "side_role": "", "claimant": "", "unit": ""}


def complete(table: pd.DataFrame) -> pd.DataFrame:
    """The figure table with every column the comparison reads (see :data:`DEFAULTS`):
    ``ref_from`` and ``ref_to``, the half-open window to the minute, default to the days of
    ``ref_start`` and ``ref_end``."""
    missing = {}
    for name, default in DEFAULTS.items():
        if name not in table.columns:
            missing[name] = (table["claim_id"] if name == "chain" else
                             pd.Series([default] * len(table), index=table.index, dtype=object))
    if "ref_from" not in table.columns:
        missing["ref_from"] = pd.to_datetime(table["ref_start"])
    if "ref_to" not in table.columns:
        missing["ref_to"] = pd.to_datetime(table["ref_end"]) + pd.Timedelta(days=1)
    return table.assign(**missing) if missing else table


def voices_of(roots: list[str], voices: list[tuple[str, ...]]) -> np.ndarray:
    """Per figure: the code of the one voice it counts under. Figures of one independent
    root, or of origins sharing a named actor, are one voice (joined transitively)."""
    parent = list(range(len(roots)))

    def find(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    first: dict[str, int] = {}
    for k, (root, voice) in enumerate(zip(roots, voices, strict=True)):
        for key in (f"root:{root}", *(f"actor:{a}" for a in voice)):
            if key in first:
                parent[find(k)] = find(first[key])
            else:
                first[key] = k
    return pd.factorize(pd.Series([find(k) for k in range(len(roots))]))[0]


def content_key(row: Mapping) -> tuple:
    """A figure's place in a reading: its time, then its publication, source, claimant and
    words; its claim id only between two figures alike in all of these."""
    published = row.get("published_date")
    published = pd.Timestamp(published) if published is not None and pd.notna(published) \
        else pd.Timestamp.max
    position = row.get("position")
    position = float(position) if position is not None and pd.notna(position) else np.inf
    return (pd.Timestamp(row["ref_start"]), published, str(row.get("source_id", "")), position,
            str(row.get("claimant", "")), str(row.get("figure", "")), str(row["claim_id"]))


def _ordered(a: Mapping, b: Mapping) -> tuple[Mapping, Mapping]:
    return (a, b) if content_key(a) <= content_key(b) else (b, a)


def _said(row: Mapping) -> str:
    return f"{row['figure']} [{row['claim_id']}] ({row['reference']})"


def not_compared(a: Mapping, b: Mapping, verdict: str) -> str:
    """The reading of a pair that is not compared: an update, a superseded figure, or one
    voice at different windows."""
    if verdict == "update":
        if a["claim_id"] == b["updates"] or b["claim_id"] == a["updates"]:
            first, second = (a, b) if a["claim_id"] == b["updates"] else (b, a)
            how = UPDATE_WORDS.get(first["update_kind"], "updates it")
        else:
            first, second = _ordered(a, b)
            how = "further along one chain of updates"
        return (f"update, not a conflict: {_said(first)} \u2192 {_said(second)}: {how}; the "
                "earlier figure is superseded")
    if verdict == "superseded":
        gone = [r for r in (a, b) if r["superseded_by"]]
        return ("not compared: " + "; ".join(
            f"{r['figure']} [{r['claim_id']}] is superseded by {r['superseded_by']} "
            f"({UPDATE_WORDS.get(r['update_kind'], 'an update')})" for r in gone))
    first, second = _ordered(a, b)
    if verdict == "other_window":
        return (f"not comparable: different windows: {_said(first)} and {_said(second)} are "
                "totals over different windows; a total for part of a window is no conflict "
                "with the total for the whole")
    return (f"not comparable: same origin, different windows: {_said(first)} and "
            f"{_said(second)} come from one voice ({_voice_words(first, second)}) and count "
            "over different windows; no update is recorded between them")


def _voice_words(a: Mapping, b: Mapping) -> str:
    shared = sorted(set(a["voice"]) & set(b["voice"]))
    if a["independent"] == b["independent"] or not shared:
        return a["origin_label"].replace(ANALYST_INFERENCE, "")
    return "origins sharing " + ", ".join(shared)


#: Verdicts of pairs that are not compared, and their labels.
NOT_COMPARED = {"update": "update", "superseded": "superseded, not compared",
                "same_origin": "not comparable: same origin, different windows",
                "other_window": "not comparable: different windows"}


def not_compared_flags(chained: list[dict], ids: Sequence[str], i: np.ndarray, j: np.ndarray,
                       verdict: np.ndarray, named: int) -> list[str]:
    """The chains of updates in a group, earliest first, and the pairs of one voice at
    different windows (not comparable). ``chained``: the records of the group's figures whose
    chain holds another figure of the group, in the group's order; ``ids``: every figure's
    claim, indexed by ``i`` and ``j``."""
    by_id = {r["claim_id"]: r for r in chained}
    chains = list(dict.fromkeys(r["chain"] for r in chained))
    flags = [f"updated: {chain_text(by_id, _first_of(by_id, c))}" for c in chains[:named]]
    hits = np.flatnonzero(verdict == "same_origin")
    for k in hits[:named]:
        first, second = ids[i[k]], ids[j[k]]
        flags.append(f"{first} and {second} not comparable: same origin, different windows")
    if len(hits) > named:
        flags.append(f"{len(hits) - named:,} more pairs of one origin at different "
                     "windows")
    return flags


def _first_of(by_id: dict[str, dict], chain: str) -> str:
    """The earliest claim of a chain held in the group."""
    members = [c for c, r in by_id.items() if r["chain"] == chain]
    return chain if chain in by_id else min(members, key=lambda c: (by_id[c]["ref_from"],
                                                                    content_key(by_id[c])))
