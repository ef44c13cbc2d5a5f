"""Reconciliation and corroboration tables laid out for a page: few, wide columns, under the
headings of :mod:`sitrep.views.headings`."""

from __future__ import annotations

import pandas as pd

from sitrep.model.analysis.quantity import CREDIBILITY
from sitrep.model.data.facts import about
from sitrep.views.display import NO_SCOPE, Output, Scope, paragraph, table
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


def _ungraded(found: pd.DataFrame) -> pd.Series:
    analyst = found["analyst_credibility"]
    return (analyst.isna() | analyst.eq(6)).fillna(True)


def _alone(found: pd.DataFrame) -> pd.Series:
    """The figures a row would add nothing for: no other independent origin speaks to them
    (proposed 6, nothing left out of the count) and the analyst gave no other grade."""
    return found["alone"].astype(bool) & _ungraded(found)


def _replaced(found: pd.DataFrame) -> pd.Series:
    """The figures their own origin superseded (an interim count completed, a correction),
    ungraded by the analyst: evidence for nothing and against nothing."""
    return found["proposed_credibility"].isna() & found["superseded_by"].ne("") \
        & _ungraded(found)


def _left_out(found: pd.DataFrame) -> pd.Series:
    return _alone(found) | _replaced(found)


#: What the corroboration table says when every figure is named in the lines under it.
ALL_ALONE = "No figure has another independent origin to agree or disagree with it (below)."


def alone_note(found: pd.DataFrame) -> str:
    """One line naming every figure left out of :func:`corroboration_table`, each by its claim:
    those nothing can corroborate, and those their own origin superseded; a row for each
    would only repeat the same words."""
    alone = found.loc[_alone(found), "claim_id"].tolist()
    replaced = found[_replaced(found)]
    parts = []
    if alone:
        parts.append(f"{_plural(len(alone), 'figure')} that no other independent origin speaks "
                     "to for its measure, episode and window, so nothing corroborates or "
                     f"contradicts {'it' if len(alone) == 1 else 'them'} (proposed "
                     f"{credibility_words(6)}; the analyst's grade, where given, is the same): "
                     + ", ".join(alone))
    if len(replaced):
        parts.append(f"{_plural(len(replaced), 'figure')} superseded by a later figure of "
                     f"{'its' if len(replaced) == 1 else 'their'} own origin, evidence for "
                     "nothing and against nothing (no "
                     "credibility proposed; ungraded by the analyst): " + ", ".join(
                         f"{c} (by {b})" for c, b in zip(replaced["claim_id"],
                                                         replaced["superseded_by"],
                                                         strict=True)))
    return ("Not in the table: " + "; ".join(parts) + ".") if parts else ""


def corroboration_table(found: pd.DataFrame) -> pd.DataFrame:
    """:func:`sitrep.model.analysis.corroboration.corroboration` in seven columns: the proposal's
    reason in its own; the analyst's grade stays beside the proposal. Where the data set names
    several episodes, each figure's episode follows its reference time. The figures that stand
    alone or that their own origin superseded are left to :func:`alone_note`, which names
    each."""
    f = found[~_left_out(found)]
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


#: The corroboration table's column widths on the page.
CORROBORATION_WIDTHS = {"Claim": "7%", "Origin": "20%", "Why": "20%"}


def corroboration_section(found: pd.DataFrame, *, scope: Scope = NO_SCOPE) -> list[Output]:
    """The corroboration as a report shows it: the table of the figures something corroborates
    or contradicts (or whose analyst's grade differs), then one line naming every figure that
    stands alone."""
    shown_table = table(corroboration_table(found), empty=ALL_ALONE,
                        widths=CORROBORATION_WIDTHS, scope=scope)
    note = alone_note(found)
    return [shown_table, *([paragraph(note, css_class="sitrep-note", scope=scope)] if note
                           else [])]
