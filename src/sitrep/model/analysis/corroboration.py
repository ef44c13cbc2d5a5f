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

from sitrep.model.analysis import shared
from sitrep.model.analysis.grouping import (
    AGREE,
    DISAGREE,
    MEET,
    OTHER_WINDOW,
    SAME_ORIGIN,
    SUPERSEDED,
    UPDATE,
    Group,
    groups,
)
from sitrep.model.analysis.origins import ANALYST_INFERENCE
from sitrep.model.analysis.reconcile import PAIR_LIMIT
from sitrep.model.analysis.updates import UPDATE_WORDS

COLUMNS = ["claim_id", "measure", "figure", "refers_to", "origin", "claimant_side",
           "agreeing_origins", "contradicting_origins", "proposed_credibility",
           "analyst_credibility", "reason", "alone", "superseded_by", "episode", "episode_name"]
#: The credibility columns: codes 1 to 6 (:data:`~sitrep.model.analysis.quantity.CREDIBILITY`),
#: missing where no credibility is proposed (a superseded figure) or the analyst gave none.
CODES = {"proposed_credibility": "Int64", "analyst_credibility": "Int64"}

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
    and the analyst's (the proposal never replaces it), both as codes 1 to 6 (missing: none
    proposed, a superseded figure; or none given by the analyst); ``alone`` when no other
    independent origin speaks to the figure and none was left out of the count. Computed once
    per figure table (:mod:`sitrep.model.analysis.shared`)."""
    return shared.once(table, "corroboration", _corroboration)


def _corroboration(table: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for _, _, parts in groups(table):
        for g in parts:
            rows.extend(_rows(g))
    return pd.DataFrame(rows, columns=COLUMNS).astype(CODES)


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
    voices, gone = g.voices, g.superseded
    origin = g.cols["origin_label"]
    # a voice is named after its first current figure (a superseded one only if none is)
    order = np.concatenate([np.flatnonzero(~gone), np.flatnonzero(gone)])
    first = order[np.unique(voices[order], return_index=True)[1]]
    labels = [origin[k].replace(ANALYST_INFERENCE, "") for k in first]
    n = len(g)
    if n <= PAIR_LIMIT:
        i, j = np.triu_indices(n, k=1)
        code = g.codes
        # evidence: another voice, both figures current, the same window (agree/meet/disagree)
        other = (voices[i] != voices[j]) & ~gone[i] & ~gone[j]
        compared = np.isin(code, [AGREE, MEET])
        agree = _linked(i, j, voices, other & compared, n)
        against = _linked(i, j, voices, other & (code == DISAGREE), n)
        own = _counted(i, j, n, np.isin(code, [SAME_ORIGIN, UPDATE])
                       | ((voices[i] == voices[j]) & (compared | (code == DISAGREE))))
        superseded = _counted(i, j, n, code == SUPERSEDED)
        apart = _counted(i, j, n, code == OTHER_WINDOW)
    else:
        agree = against = [[] for _ in range(n)]
        own = superseded = apart = np.zeros(n, dtype=int)
    c = g.cols
    rows = []
    for k in range(n):
        proposed = None if c["superseded_by"][k] else propose(len(agree[k]), len(against[k]))
        rows.append({
            "claim_id": c["claim_id"][k], "measure": c["label"][k], "figure": c["figure"][k],
            "refers_to": c["reference"][k], "origin": origin[k],
            "claimant_side": c["side"][k],
            "agreeing_origins": _named(agree[k], labels),
            "contradicting_origins": _named(against[k], labels),
            "proposed_credibility": proposed,
            "analyst_credibility": _analyst(c["grade"][k]),
            "reason": _reason(c["superseded_by"][k], c["update_kind"][k], proposed,
                              int(own[k]), int(superseded[k]), int(apart[k])),
            # no other independent origin speaks to it, and no figure was left out of the count
            "alone": proposed == 6 and not (own[k] or superseded[k] or apart[k]),
            "superseded_by": c["superseded_by"][k],
            "episode": c["episode"][k], "episode_name": c["episode_name"][k],
        })
    return rows


def _counted(i: np.ndarray, j: np.ndarray, n: int, mask: np.ndarray) -> np.ndarray:
    """Per figure: how many pairs under ``mask`` it is in."""
    return np.bincount(np.concatenate([i[mask], j[mask]]), minlength=n)


def _analyst(grade: str) -> int | None:
    """The information credibility of a whole grade ('B2': 2); None for a half grade or none."""
    return int(grade[1]) if len(grade) == 2 and grade[1].isdigit() else None


def _reason(superseded_by: str, update_kind: str, proposed: int | None, own: int, gone: int,
            apart: int) -> str:
    """Why the credibility is proposed, and which figures were left out of the count."""
    if proposed is None:
        how = UPDATE_WORDS.get(update_kind, "updates it")
        return (f"superseded by {superseded_by} ({how}): a figure replaced by its own "
                "origin is evidence for nothing and against nothing")
    left = [f"{own:,} figure{'s' if own != 1 else ''} of its own origin" if own else "",
            f"{gone:,} superseded figure{'s' if gone != 1 else ''}" if gone else "",
            f"{apart:,} total{'s' if apart != 1 else ''} over another window" if apart else ""]
    left = [x for x in left if x]
    return REASONS[proposed] + (f"; not counted: {', '.join(left)}" if left else "")
