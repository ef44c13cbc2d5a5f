"""Independence and corroboration: how many independent origins stand behind each figure.

Two figures corroborate each other only when they come from different independent origins
(:mod:`origins`: sources sharing an origin count once, however many outlets relay
it) and agree at the same reference time (:mod:`reconcile`). From what is found,
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

import numpy as np
import pandas as pd

from sitrep.model.analysis.origins import ANALYST_INFERENCE
from sitrep.model.analysis.quantity import CREDIBILITY
from sitrep.model.analysis.reconcile import PAIR_LIMIT, Group, groups, verdicts

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
    for _, _, parts in groups(table):
        for g in parts:
            rows.extend(_rows(g))
    return pd.DataFrame(rows, columns=COLUMNS)


#: Origins named in a cell; the rest are counted.
ORIGINS_NAMED = 3


def _linked(i: np.ndarray, j: np.ndarray, code: np.ndarray, mask: np.ndarray,
            n: int) -> list[list[int]]:
    """Per figure: the distinct root codes of the figures it is paired with under ``mask``."""
    k = int(code.max()) + 1 if len(code) else 1
    ends = np.concatenate([i[mask] * k + code[j[mask]], j[mask] * k + code[i[mask]]])
    found = np.unique(ends)
    owner, root = found // k, found % k
    starts = np.searchsorted(owner, np.arange(n + 1))
    return [root[starts[f]:starts[f + 1]].tolist() for f in range(n)]


def _named(codes: list[int], labels: list[str]) -> str:
    if not codes:
        return "none"
    # codes run in the group's time order: the first origins to report are named
    rest = len(codes) - ORIGINS_NAMED
    return "; ".join(labels[c] for c in codes[:ORIGINS_NAMED]) + (
        f"; and {rest:,} more" if rest > 0 else "")


def _rows(g: Group) -> list[dict]:
    roots = g.column("independent")
    code, uniques = pd.factorize(pd.Series(roots))
    first_label = dict(zip(roots, g.column("origin_label"), strict=True))
    labels = [first_label[r].replace(ANALYST_INFERENCE, "") for r in uniques]
    n = len(g)
    if n <= PAIR_LIMIT:
        i, j, verdict = verdicts(g)
        other = code[i] != code[j]
        agree = _linked(i, j, code, other & np.isin(verdict, ["agree", "meet"]), n)
        against = _linked(i, j, code, other & (verdict == "disagree"), n)
    else:
        agree = against = [[] for _ in range(n)]
    rows = []
    for k, row in enumerate(g.rows):
        proposed = propose(len(agree[k]), len(against[k]))
        grade = row["grade"]
        analyst = grade[1:] if len(grade) == 2 and grade[1].isdigit() else ""
        rows.append({
            "Claim": row["claim_id"], "Measure": row["label"], "Figure": row["figure"],
            "Refers to": row["reference"], "Origin": row["origin_label"],
            "Claimant's side": row["side"],
            "Agreeing origins": _named(agree[k], labels),
            "Contradicting origins": _named(against[k], labels),
            "Proposed credibility": f"{proposed}: {CREDIBILITY[proposed]}",
            "Analyst's credibility": (
                f"{analyst}: {CREDIBILITY[int(analyst)]}"
                + (" (differs from the proposal)" if int(analyst) != proposed else "")
                if analyst else "ungraded"),
        })
    return rows
