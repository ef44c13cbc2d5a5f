"""Reconciliation and corroboration tables laid out for a page: few, wide columns, under the
headings of :mod:`sitrep.views.headings`."""

from __future__ import annotations

import pandas as pd

from sitrep.model.analysis.quantity import CREDIBILITY
from sitrep.model.data.facts import about
from sitrep.views.headings import shown


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' if n != 1 else ''}"


def several_episodes(table: pd.DataFrame) -> bool:
    """Whether a model table names more than one episode (figures of no episode count as one):
    only then do the views group by episode."""
    return "episode" in table.columns and table["episode"].nunique() > 1 \
        and table["episode"].ne("").any()


def episode_words(table: pd.DataFrame) -> pd.Series:
    """Each row's episode for a page: its name, or 'no named episode'."""
    name = table["episode_name"].where(table["episode_name"].ne(""), table["episode"])
    return name.where(name.ne(""), "no named episode")


def reconciliation_table(reconciled: pd.DataFrame) -> pd.DataFrame:
    """:func:`sitrep.model.analysis.reconcile.reconcile` in six columns: the measure (and what it
    counts, when not a present count), the reference time, the figures and their independent
    origins, the range, the conservative figure, the change and the flags. Where the data set
    names several episodes, an Episode column comes first (the rows run episode by episode
    within each measure)."""
    r = reconciled
    counts = r["counts"].where(~r["counts"].isin(["present count", ""]), "")
    derived = r["counts"].eq("derived")
    episode = ({"episode": episode_words(r)} if several_episodes(r) else {})
    return about(shown(pd.DataFrame({
        **episode,
        "measure": r["measure"] + counts.map(lambda c: f" ({c})" if c else ""),
        "refers_to": r["refers_to"],
        "figures": [("no reported figure" if d else
                     f"{_plural(n, 'figure')}, {_plural(k, 'independent origin')}")
                    for n, k, d in zip(r["figures"], r["independent_origins"], derived,
                                       strict=True)],
        "range": [s if d else f"stated: {s}; every firm figure allows: {a}"
                  for s, a, d in zip(r["spread"], r["firm_range"], derived, strict=True)],
        "conservative_figure": r["conservative_figure"],
        "change_and_flags": [c + ("" if f == "none" else ("; " if c else "") + f)
                             for c, f in zip(r["change"], r["flags"], strict=True)],
    }).reset_index(drop=True)), "figures to reconcile")


def credibility_words(code: object) -> str:
    """An information credibility code as the reader sees it: '3: possibly true'."""
    return f"{int(code)}: {CREDIBILITY[int(code)]}"


def _credibility(proposed: object, analyst: object) -> str:
    """'proposed 1: confirmed; analyst: 3: possibly true (differs from the proposal)'."""
    said = "none: superseded" if pd.isna(proposed) else credibility_words(proposed)
    if pd.isna(analyst):
        own = "ungraded"
    else:
        differs = pd.notna(proposed) and int(analyst) != int(proposed)
        own = credibility_words(analyst) + (" (differs from the proposal)" if differs else "")
    return f"proposed {said}; analyst: {own}"


def corroboration_table(found: pd.DataFrame) -> pd.DataFrame:
    """:func:`sitrep.model.analysis.corroboration.corroboration` in seven columns: the proposal's
    reason in its own; the analyst's grade stays beside the proposal. Where the data set names
    several episodes, each figure's episode follows its reference time."""
    f = found
    when = f["refers_to"]
    if several_episodes(f):
        when = when + "; " + episode_words(f)
    return about(shown(pd.DataFrame({
        "claim_id": f["claim_id"],
        "figure": f["figure"] + " (" + when + ")",
        "origin": f["origin"] + " [" + f["claimant_side"] + "]",
        "agreeing_origins": f["agreeing_origins"],
        "contradicting_origins": f["contradicting_origins"],
        "credibility": [_credibility(p, a) for p, a in zip(
            f["proposed_credibility"], f["analyst_credibility"], strict=True)],
        "reason": f["reason"] if "reason" in f.columns else "",
    }).reset_index(drop=True)), "reported figures to corroborate")
