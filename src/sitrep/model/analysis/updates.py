"""Updates from one origin, and the episodes claims belong to.

A claim may update an earlier one (``updates.csv``): a final count *completes* an interim count
for part of the window, a new figure *revises* or *corrects* an earlier one, a statement
*retracts* it. The earlier figure is then *superseded*: shown, with the chain that replaced it,
but never a conflict and never evidence for or against another figure. Claims linked by updates
form one *chain*, named after its earliest claim.

An episode (``episodes.csv``) is a named operation, exercise, battle, offensive or round of
talks; figures are read as a series, compared and called current only within one.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import pandas as pd

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
    earlier_of = {c: (u, b) for c, u, b in zip(found["claim_id"], found["updates"],
                                               found["basis"], strict=True)}
    parent = {c: u for c, (u, _) in earlier_of.items()}
    rows = []
    for claim in facts.claims["claim_id"]:
        later, kind = later_of.get(claim, ("", ""))
        earlier, basis = earlier_of.get(claim, ("", ""))
        rows.append((claim, _root(parent, claim), later, kind, earlier, basis))
    return pd.DataFrame(rows, columns=COLUMNS)


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


def episode_order(facts: Facts) -> dict[str, int]:
    """Episodes in time order (by start, then id); claims of no episode come first."""
    table = facts.tables.get("episodes")
    order = {"": -1}
    if table is not None and len(table):
        ranked = table.sort_values(["start", "episode_id"], kind="stable")["episode_id"]
        order.update({e: k for k, e in enumerate(ranked)})
    return order
