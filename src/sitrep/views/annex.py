"""Annexes of what a report cites: the claims, sources and derived figures it shows, no more.

A report names the claims it rests on (:func:`brief_citations`, :func:`figure_citations`); its
annex lists exactly those (a filter that narrows the report narrows its annex too) and says how
many of the data set's claims it leaves to other reports. Tables are made compact for a page
(:func:`compact`): a column empty in every row is left out, and a value every row shares (an
origin 'inferred by sitrep: no origin recorded') is said once above the table, not in each row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd
from IPython.display import HTML

from sitrep.model.analysis import contested
from sitrep.model.data.facts import Facts
from sitrep.views.brief import claims_table, sources_table
from sitrep.views.display import NO_SCOPE, Scope, paragraph, table

#: Columns whose shared value or shared bracketed remark may be said once above the table.
COLLAPSIBLE = ("Kind", "Claimant", "Relayed by", "Origin", "Hedge", "Likelihood (ICD 203)",
               "Outlet", "Published", "Text", "Reliability (Admiralty)", "Date note")
_REMARK = re.compile(r"\s*\(([^()]+)\)$")
_BRACKETED = re.compile(r"\[([A-Za-z0-9][A-Za-z0-9_.-]*)\]")
MARK = "\u2020"  # dagger: the row's value carried the remark said above the table


def _in_order(facts: Facts, ids: Iterable[str]) -> list[str]:
    wanted = set(map(str, ids))
    return [c for c in facts.claims["claim_id"] if c in wanted]


def brief_citations(facts: Facts) -> list[str]:
    """The claims a brief shows: the bottom line's and takeaways' claims, every figure's
    (the key figures and the evidence's figure table), every position's (the map and the
    positions table) and every claim naming a place (the map lists it)."""
    ids = [c for claims in facts.takeaways["claims"] for c in claims]
    ids += list(facts.claims.loc[facts.claims["places"].map(bool), "claim_id"])
    ids += list(facts.quantities["claim_id"]) + list(facts.positions["claim_id"])
    ids += [c for inputs in facts.derived["inputs"] for c in inputs]
    return _in_order(facts, ids + claimed_citations(facts))


def claimed_citations(facts: Facts, measures: Iterable[str] | None = None) -> list[str]:
    """The claims the key figures cite beside the figures: the claims that deny, dispute,
    confirm or admit (and the claims they answer), and the claims an assessment rests on;
    only those of ``measures`` when given."""
    answers = contested.answers(facts)
    judged = facts.assessments
    if measures is not None:
        keep = set(measures)
        answers = answers[answers["measure_id"].isin(keep)]
        judged = judged[judged["measure_id"].isin(keep)]
    ids = list(answers["claim_id"]) + [t for t in answers["target"] if t]
    return ids + [c for rests in judged["rests_on"] for c in rests]


def figure_citations(facts: Facts, figures: pd.DataFrame) -> list[str]:
    """The claims a force-size report shows: those of the figures it draws (after its filters)
    and the inputs of the derived figures it draws."""
    ids = list(figures["claim_id"]) + claimed_citations(facts, set(figures["measure_id"]))
    if "method" in figures.columns:
        for method in figures.loc[figures["derived"].astype(bool), "method"]:
            ids += _BRACKETED.findall(str(method))
    return _in_order(facts, ids)


def compact(frame: pd.DataFrame, collapsible: Iterable[str] = COLLAPSIBLE
            ) -> tuple[pd.DataFrame, list[str]]:
    """``frame`` without its empty columns, and with what every row shares said once: a
    collapsible column holding one value in every row is left out and named in a note; a
    bracketed remark ending every entry of a column ('(inferred by sitrep: no origin
    recorded)') is cut from each and said once; a remark ending several but not all is
    replaced by a mark (†) explained once. Returns the table and the notes."""
    out = frame.loc[:, [c for c in frame.columns
                        if frame[c].fillna("").astype(str).str.strip().ne("").any()]].copy()
    notes: list[str] = []
    out.attrs.update(frame.attrs)
    if len(out) < 2:
        return out, notes
    for column in [c for c in out.columns if c in collapsible]:
        values = out[column].fillna("").astype(str)
        if values.nunique() == 1:
            notes.append(f"{column}: {values.iloc[0]} (every row).")
            out = out.drop(columns=column)
            continue
        remarks = values.map(lambda v: m.group(1) if (m := _REMARK.search(v)) else "")
        common = remarks[remarks.ne("")].value_counts()
        if common.empty or common.iloc[0] < 2:
            continue
        remark = common.index[0]
        has = remarks.eq(remark)
        stripped = values.where(~has, values.str.replace(_REMARK, "", regex=True))
        if has.all():
            notes.append(f"{column}: {remark}, for every row.")
            out[column] = stripped
        else:
            notes.append(f"{column}: {MARK} {remark}.")
            out[column] = stripped.where(~has, stripped + f" {MARK}")
    return out, notes


#: Sparse columns folded into a neighbour (filled in fewer than half the rows, a column of its
#: own would keep its width for a few words): column -> (into, how the words read there).
FOLDS = {"Relayed by": ("Claimant", "{into}, relayed by {value}"),
         "Likelihood (ICD 203)": ("Hedge", "{into}; ICD 203: {value}")}


def fold(frame: pd.DataFrame, folds: dict[str, tuple[str, str]] = FOLDS) -> pd.DataFrame:
    """``frame`` with each sparse column of ``folds`` written into its neighbour's cells
    (nothing is dropped: 'Dagens, relayed by The New York Times')."""
    out = frame.copy()
    for column, (into, words) in folds.items():
        if column not in out.columns or into not in out.columns:
            continue
        filled = out[column].fillna("").astype(str).str.strip().ne("")
        if filled.sum() * 2 >= len(out):
            continue
        out.loc[filled, into] = [
            words.format(into=i, value=v).lstrip(", ;") if i else v
            for i, v in zip(out.loc[filled, into], out.loc[filled, column], strict=True)]
        out = out.drop(columns=column)
    out.attrs.update(frame.attrs)
    return out


def _shown(frame: pd.DataFrame, notes: list[str], lead: str, **options) -> list[HTML]:
    parts = [paragraph(" ".join([lead, *notes]).strip(), css_class="sitrep-note")] \
        if lead or notes else []
    return [*parts, table(frame, **options)]


def claims(facts: Facts, cited: Iterable[str], *, scope: Scope = NO_SCOPE) -> list[HTML]:
    """The claims annex: the cited claims only, compact, with a note of how many of the data
    set's claims it lists."""
    ids = set(cited)
    full = claims_table(facts)
    listed = full[full["Claim"].isin(ids)].reset_index(drop=True)
    listed.attrs.update(full.attrs)
    frame, notes = compact(fold(listed))
    total = len(facts.claims)
    lead = (f"The {len(listed):,} claims this report cites, of the data set's {total:,}."
            if len(listed) < total else f"All {total:,} claims of the data set.")
    return _shown(frame, notes, lead if total else "", anchor="Claim", scope=scope,
                  widths={"Quote (verbatim)": "34%", "Origin": "18%"})


def sources(facts: Facts, cited: Iterable[str], *, scope: Scope = NO_SCOPE) -> list[HTML]:
    """The sources annex: the sources of the cited claims, compact."""
    ids = set(cited)
    used = set(facts.claims.loc[facts.claims["claim_id"].isin(ids), "source_id"])
    full = sources_table(facts)
    listed = full[full["Source"].isin(used)].reset_index(drop=True)
    listed.attrs.update(full.attrs)
    frame, notes = compact(listed)
    total = len(facts.sources)
    lead = (f"The {len(listed):,} sources of those claims, of the data set's {total:,}."
            if len(listed) < total else "")
    return _shown(frame, notes, lead, scope=scope)
