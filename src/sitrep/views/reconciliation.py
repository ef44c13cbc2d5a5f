"""Reconciliation and corroboration tables laid out for a page: few, wide columns."""

from __future__ import annotations

import pandas as pd

from sitrep.model.data.facts import about


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
    counts = r["Counts"].where(~r["Counts"].isin(["present count", ""]), "")
    derived = r["Counts"].eq("derived")
    episode = ({"Episode": episode_words(r)} if several_episodes(r) else {})
    return about(pd.DataFrame({
        **episode,
        "Measure": r["Measure"] + counts.map(lambda c: f" ({c})" if c else ""),
        "Refers to": r["Refers to"],
        "Figures": [("no reported figure" if d else
                     f"{_plural(n, 'figure')}, {_plural(k, 'independent origin')}")
                    for n, k, d in zip(r["Figures"], r["Independent origins"], derived,
                                       strict=True)],
        "Range": [s if d else f"stated: {s}; every firm figure allows: {a}"
                  for s, a, d in zip(r["Spread"], r["Range the firm figures allow"], derived,
                                     strict=True)],
        "Conservative figure": r["Conservative figure"],
        "Change and flags": [c + ("" if f == "none" else ("; " if c else "") + f)
                             for c, f in zip(r["Change"], r["Flags"], strict=True)],
    }).reset_index(drop=True), "figures to reconcile")


def corroboration_table(found: pd.DataFrame) -> pd.DataFrame:
    """:func:`sitrep.model.analysis.corroboration.corroboration` in seven columns: the proposal's
    reason in its own; the analyst's grade stays beside the proposal. Where the data set names
    several episodes, each figure's episode follows its reference time."""
    f = found
    when = f["Refers to"]
    if several_episodes(f):
        when = when + "; " + episode_words(f)
    return about(pd.DataFrame({
        "Claim": f["Claim"],
        "Figure": f["Figure"] + " (" + when + ")",
        "Origin": f["Origin"] + " [" + f["Claimant's side"] + "]",
        "Agreeing origins": f["Agreeing origins"],
        "Contradicting origins": f["Contradicting origins"],
        "Credibility": "proposed " + f["Proposed credibility"] + "; analyst: "
        + f["Analyst's credibility"],
        "Why": f["reason"] if "reason" in f.columns else "",
    }).reset_index(drop=True), "reported figures to corroborate")
