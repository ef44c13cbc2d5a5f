"""Independence and corroboration: how many independent origins stand behind each figure.

Two figures corroborate each other only when they come from different independent origins
(:mod:`sitrep.model.origins`: sources sharing an origin count once, however many outlets relay
it) and agree at the same reference time (:mod:`sitrep.model.reconcile`). From what is found,
sitrep *proposes* an Admiralty information credibility, shown beside the analyst's grade and
never written over it:

- 1 confirmed: another independent origin agrees, none contradicts;
- 3 possibly true: another independent origin agrees, another contradicts;
- 4 doubtful: one independent origin contradicts, none agrees;
- 5 improbable: two or more independent origins contradict, none agrees;
- 6 cannot be judged: no other independent origin gives a comparable figure (repeats of one
  origin by other outlets are not corroboration).
"""

from __future__ import annotations

import pandas as pd

from sitrep.model.quantity import CREDIBILITY
from sitrep.model.reconcile import PAIR_LIMIT, compare, grouped

COLUMNS = ["Claim", "Measure", "Figure", "Refers to", "Origin", "Claimant's side",
           "Agreeing origins", "Contradicting origins", "Proposed credibility",
           "Analyst's credibility"]


def propose(agreeing: int, contradicting: int) -> int:
    """The credibility the independent corroboration found suggests (see the module)."""
    if agreeing and not contradicting:
        return 1
    if agreeing:
        return 3
    if contradicting:
        return 4 if contradicting == 1 else 5
    return 6


def corroboration(table: pd.DataFrame) -> pd.DataFrame:
    """Per reported figure: its origin and side, the other independent origins that agree with
    it and that contradict it at its reference time, the proposed credibility and the
    analyst's (the proposal never replaces it)."""
    rows = []
    for _, group in grouped(table).groupby("group", sort=False):
        roots = group["independent"].tolist()
        agree: list[set[str]] = [set() for _ in roots]
        against: list[set[str]] = [set() for _ in roots]
        if len(group) <= PAIR_LIMIT:
            for i, j, verdict in compare(group).itertuples(index=False):
                if roots[i] == roots[j] or verdict == "series":
                    continue
                bucket = agree if verdict in ("agree", "meet") else against
                bucket[i].add(roots[j])
                bucket[j].add(roots[i])
        labels = dict(zip(group["independent"], group["origin_label"], strict=True))
        for k, row in enumerate(group.itertuples(index=False)):
            proposed = propose(len(agree[k]), len(against[k]))
            analyst = row.grade[1:] if len(row.grade) == 2 and row.grade[1].isdigit() else ""
            rows.append({
                "Claim": row.claim_id, "Measure": row.label, "Figure": row.figure,
                "Refers to": row.reference, "Origin": row.origin_label,
                "Claimant's side": row.side,
                "Agreeing origins": "; ".join(sorted(labels[r] for r in agree[k])) or "none",
                "Contradicting origins": "; ".join(sorted(labels[r] for r in against[k]))
                or "none",
                "Proposed credibility": f"{proposed}: {CREDIBILITY[proposed]}",
                "Analyst's credibility": (
                    f"{analyst}: {CREDIBILITY[int(analyst)]}"
                    + (" (differs from the proposal)" if int(analyst) != proposed else "")
                    if analyst else "ungraded"),
            })
    return pd.DataFrame(rows, columns=COLUMNS)
