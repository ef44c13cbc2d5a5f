"""Independence and corroboration: how many independent origins stand behind each figure.

Two figures corroborate each other only when they come from different independent origins
(:mod:`origins`: sources sharing an origin count once, however many outlets relay
it; origins sharing a named actor, a ministry's afternoon briefing and its daily report, are one
voice) and agree for the same measure, episode and reference window (:mod:`reconcile`). A figure
superseded by an update (:mod:`updates`) is evidence for nothing and against nothing; it is
given no proposal, and a figure is never doubtful because of its own voice's interim count.
From what is found, sitrep *proposes* an Admiralty information credibility, shown beside the
analyst's grade and never written over it, with the reason in words:

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
from sitrep.model.analysis.updates import UPDATE_WORDS

COLUMNS = ["Claim", "Measure", "Figure", "Refers to", "Origin", "Claimant's side",
           "Agreeing origins", "Contradicting origins", "Proposed credibility",
           "Analyst's credibility", "reason", "episode", "episode_name"]

#: Why each credibility is proposed.
REASONS = {1: "another independent origin agrees and none contradicts",
           3: "independent origins both agree and contradict",
           4: "one independent origin contradicts and none agrees",
           5: "two or more independent origins contradict and none agrees",
           6: "no other independent origin gives a figure for this measure, episode and window"}


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
    it and that contradict it at its reference time, the proposed credibility, its ``reason``,
    and the analyst's (the proposal never replaces it)."""
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
    voices = g.voices
    first_label: dict[int, str] = {}
    # a voice is named after its first current figure (a superseded one only if none is)
    for current in (True, False):
        for v, label, gone in zip(voices, g.column("origin_label"), g.superseded, strict=True):
            if current != bool(gone):
                first_label.setdefault(v, label.replace(ANALYST_INFERENCE, ""))
    labels = [first_label[v] for v in range(len(first_label))]
    n = len(g)
    if n <= PAIR_LIMIT:
        i, j, verdict = verdicts(g)
        # evidence: another voice, both figures current, the same window (agree/meet/disagree)
        other = (voices[i] != voices[j]) & ~g.superseded[i] & ~g.superseded[j]
        agree = _linked(i, j, voices, other & np.isin(verdict, ["agree", "meet"]), n)
        against = _linked(i, j, voices, other & (verdict == "disagree"), n)
        own = _counted(i, j, n, np.isin(verdict, ["same_origin", "update"])
                       | ((voices[i] == voices[j]) & np.isin(verdict, ["agree", "meet",
                                                                          "disagree"])))
        gone = _counted(i, j, n, verdict == "superseded")
        apart = _counted(i, j, n, verdict == "other_window")
    else:
        agree = against = [[] for _ in range(n)]
        own = gone = apart = np.zeros(n, dtype=int)
    rows = []
    for k, row in enumerate(g.rows):
        proposed = None if row["superseded_by"] else propose(len(agree[k]), len(against[k]))
        rows.append({
            "Claim": row["claim_id"], "Measure": row["label"], "Figure": row["figure"],
            "Refers to": row["reference"], "Origin": row["origin_label"],
            "Claimant's side": row["side"],
            "Agreeing origins": _named(agree[k], labels),
            "Contradicting origins": _named(against[k], labels),
            "Proposed credibility": (f"{proposed}: {CREDIBILITY[proposed]}" if proposed
                                     else "none: superseded"),
            "Analyst's credibility": _analyst(row["grade"], proposed),
            "reason": _reason(row, proposed, int(own[k]), int(gone[k]), int(apart[k])),
            "episode": row["episode"], "episode_name": row["episode_name"],
        })
    return rows


def _counted(i: np.ndarray, j: np.ndarray, n: int, mask: np.ndarray) -> np.ndarray:
    """Per figure: how many pairs under ``mask`` it is in."""
    return np.bincount(np.concatenate([i[mask], j[mask]]), minlength=n)


def _analyst(grade: str, proposed: int | None) -> str:
    analyst = grade[1:] if len(grade) == 2 and grade[1].isdigit() else ""
    if not analyst:
        return "ungraded"
    differs = proposed is not None and int(analyst) != proposed
    return f"{analyst}: {CREDIBILITY[int(analyst)]}" + (
        " (differs from the proposal)" if differs else "")


def _reason(row: dict, proposed: int | None, own: int, gone: int, apart: int) -> str:
    """Why the credibility is proposed, and which figures were left out of the count."""
    if proposed is None:
        how = UPDATE_WORDS.get(row["update_kind"], "updates it")
        return (f"superseded by {row['superseded_by']} ({how}): a figure replaced by its own "
                "origin is evidence for nothing and against nothing")
    left = [f"{own:,} figure{'s' if own != 1 else ''} of its own origin" if own else "",
            f"{gone:,} superseded figure{'s' if gone != 1 else ''}" if gone else "",
            f"{apart:,} total{'s' if apart != 1 else ''} over another window" if apart else ""]
    left = [x for x in left if x]
    return REASONS[proposed] + (f"; not counted: {', '.join(left)}" if left else "")
