"""Reconciliation and corroboration tables laid out for a page: few, wide columns."""

from __future__ import annotations

import pandas as pd

from sitrep.views.display import about


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' if n != 1 else ''}"


def reconciliation_table(reconciled: pd.DataFrame) -> pd.DataFrame:
    """:func:`sitrep.model.analysis.reconcile.reconcile` in six columns: the measure (and what it
    counts, when not a present count), the reference time, the figures and their independent
    origins, the range, the conservative figure, the change and the flags."""
    r = reconciled
    counts = r["Counts"].where(~r["Counts"].isin(["present count", ""]), "")
    derived = r["Counts"].eq("derived")
    return about(pd.DataFrame({
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
    """:func:`sitrep.model.analysis.corroboration.corroboration` in six columns; the analyst's grade
    stays beside the proposal."""
    f = found
    return about(pd.DataFrame({
        "Claim": f["Claim"],
        "Figure": f["Figure"] + " (" + f["Refers to"] + ")",
        "Origin": f["Origin"] + " [" + f["Claimant's side"] + "]",
        "Agreeing origins": f["Agreeing origins"],
        "Contradicting origins": f["Contradicting origins"],
        "Credibility": "proposed " + f["Proposed credibility"] + "; analyst: "
        + f["Analyst's credibility"],
    }).reset_index(drop=True), "reported figures to corroborate")
