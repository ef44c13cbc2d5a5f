"""Key figures: one row per measure, the answer to "how many, when, how sure?" on one line.

Each measure's row is taken from the reconciliation (:mod:`reconcile`): at the latest reference
time of its present counts (or, for a measure with none, of whatever it has), the conservative
figure (the lowest well-sourced one, in ACLED's sense), the date that figure refers to (never its
publication date), the range every firm figure at that time allows, the figures and independent
origins behind that time, and flags: figures that disagree, a source that states the measure
twice, plans or projections beside the count, earlier reference times. A measure with derived
figures only gets its derived figure, labelled so. Nothing is averaged.

:func:`since_edition` adds the change from an earlier edition (the same rows computed on the
reporting as of an earlier day).
"""

from __future__ import annotations

import pandas as pd

from sitrep.model.analysis import contested, reconcile, updates
from sitrep.model.analysis.reconcile import Group
from sitrep.model.data.facts import Facts

COLUMNS = ["measure_id", "measure", "unit", "status", "claim_id", "figure", "claimant",
           "side_name", "side_role", "contested", "reference",
           "ref_start", "well_sourced", "firm_range", "figures", "origins", "times",
           "disagreements", "more_disagreements", "restated", "more_restated", "other_status",
           "window_note",
           "derived", "cmp_lo", "cmp_hi"]

#: Pairs that disagree, and sources stating a measure differently, a key figure names at most;
#: the rest are counted (``more_disagreements``, ``more_restated``): the reconciliation and the
#: pair table list them all, and a row of the summary stays a row at any size.
NAMED = reconcile.PAIRS_NAMED


def key_figures(table: pd.DataFrame, facts: Facts | None = None) -> pd.DataFrame:
    """One row per measure of ``table`` (``quantity.figures``), in the table's measure order.

    ``claim_id``/``figure``/``reference`` name the best figure (the conservative one; when no
    figure is well-sourced, ``well_sourced`` is False and the lowest figure stands in, said so);
    ``firm_range`` is the range every firm figure allows; ``figures`` and ``origins`` count the
    figures and independent origins at that reference time; ``times`` counts the measure's
    reference times; ``disagreements`` lists the pairs with no common value ('K09 and K24'),
    ``restated`` the claims of one source stating it differently, each at most :data:`NAMED`
    and the rest counted in ``more_disagreements`` and ``more_restated``; ``other_status`` a
    plan or projection of the same measure ('690,000 (planned) [K26]'); ``claimant`` and
    ``side_name`` say who gives the best figure and for which side; ``contested`` whether two
    voices, one a party, speak to the measure (:mod:`contested`): its key figure is then its
    lines (:func:`key_lines`), never the best figure alone. ``facts`` (the figures' data set)
    brings the claim relations and assessments."""
    rows = []
    units = table.drop_duplicates("measure_id").set_index("measure_id")["unit"] \
        if len(table) else pd.Series(dtype=str)
    reported: set[str] = set()
    for measure, label, parts in reconcile.groups(table):
        reported.add(measure)
        present = [g for g in parts if _status(g) == "present count"] or parts
        current = present[-1]
        others = [g for g in parts if _status(g) != _status(current)]
        rows.append(_row(measure, label, units.get(measure, ""), current, len(present), others,
                         contested.lines(current, measure, facts,
                                         reconcile.conservative_order)[1]))
    derived = table[table["derived"]] if len(table) else table
    for measure, group in derived.groupby("measure_id", sort=False):
        if measure in reported:
            continue
        last = group.sort_values("ref_start", kind="stable").iloc[-1]
        rows.append({
            "measure_id": measure, "measure": last["label"], "unit": last["unit"],
            "status": "derived", "claim_id": last["claim_id"], "figure": last["figure"],
            "claimant": "the analyst", "side_name": "derived by the analyst", "side_role": "",
            "contested": False, "reference": last["reference"], "ref_start": last["ref_start"],
            "well_sourced": True, "firm_range": "", "figures": 0, "origins": 0, "times": 1,
            "disagreements": "", "more_disagreements": 0, "restated": "", "more_restated": 0,
            "other_status": "", "window_note": "", "derived": True,
            "cmp_lo": last["cmp_lo"], "cmp_hi": last["cmp_hi"]})
    order = {m: k for k, m in enumerate(dict.fromkeys(table["measure_id"]))} if len(table) \
        else {}
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.sort_values("measure_id", key=lambda s: s.map(order), kind="stable") \
        .reset_index(drop=True)


def ranked(rows: pd.DataFrame, facts: Facts) -> pd.DataFrame:
    """Key figures in the order a reader needs them (README, "Key figures"): the measures whose
    claims the bottom line cites, then those the key takeaways cite (in their order), then the
    contested measures and those the analyst has assessed, then the rest by how much reporting
    they carry (figures, and claims that deny, admit or confirm them), most first; ties keep
    the order of measures.csv. ``rank_reason`` says which rule placed each row."""
    if rows.empty:
        return rows.assign(rank_reason=pd.Series(dtype=str))
    cited: dict[str, tuple[int, int]] = {}
    measure_of = {c: set(m) for c, m in updates.measures_of(facts).items()}
    answers = contested.answers(facts)
    for claim, measure in zip(answers["claim_id"], answers["measure_id"], strict=True):
        measure_of.setdefault(claim, set()).add(measure)
    t = facts.takeaways
    for k, (role, claims) in enumerate(zip(t["role"], t["claims"], strict=True)):
        tier = 0 if role == "bottom_line" else 1
        for c in claims:
            for m in measure_of.get(c, ()):
                cited[m] = min(cited.get(m, (tier, k)), (tier, k))
    assessed = set(facts.assessments["measure_id"])
    weight = answers.groupby("measure_id").size().to_dict()
    order = {m: k for k, m in enumerate(facts.measures["measure_id"])}
    keys, reasons = [], []
    for m, disputed, n in zip(rows["measure_id"], rows["contested"], rows["figures"],
                              strict=True):
        if m in cited:
            tier, k = cited[m]
            keys.append((tier, k, 0, order.get(m, 0)))
            reasons.append("cited by the bottom line" if tier == 0 else "cited by a takeaway")
        elif disputed or m in assessed:
            keys.append((2, 0, -(int(n) + weight.get(m, 0)), order.get(m, 0)))
            reasons.append("contested" if disputed else "assessed by the analyst")
        else:
            keys.append((3, 0, -(int(n) + weight.get(m, 0)), order.get(m, 0)))
            reasons.append("by the reporting it carries")
    position = sorted(range(len(rows)), key=lambda i: keys[i])
    return rows.assign(rank_reason=reasons).iloc[position].reset_index(drop=True)


def key_lines(table: pd.DataFrame, facts: Facts | None = None) -> pd.DataFrame:
    """Per measure at its latest reference time of present counts: one line a voice (a side's
    figure and its denials, admissions, confirmations), then the analyst's assessments
    (:func:`contested.lines`); ``contested`` marks the measures whose key figure is its lines."""
    rows = []
    for measure, _, parts in reconcile.groups(table):
        present = [g for g in parts if _status(g) == "present count"] or parts
        found, disputed = contested.lines(present[-1], measure, facts,
                                          reconcile.conservative_order)
        rows += [(*line, disputed) for line in found]
    return pd.DataFrame(rows, columns=[*contested.LINE_COLUMNS, "contested"])


def _status(g: Group) -> str:
    return g.cols["status_key"][0] or "present count"  # one cell, not every record


def _row(measure: str, label: str, unit: str, g: Group, times: int,
         others: list[Group], disputed: bool) -> dict:
    best = reconcile.lowest(g)
    well = best is not None
    if best is None:  # no well-sourced figure: the lowest stands in, and the row says so
        best = g.row(reconcile.conservative_order(g)[0])
    return {
        "measure_id": measure, "measure": label, "unit": unit, "status": _status(g),
        "claim_id": best["claim_id"], "figure": best["figure"], "claimant": best["claimant"],
        "side_name": best["side_name"], "side_role": best["side_role"], "contested": disputed,
        "reference": best["reference"],
        "ref_start": best["ref_start"], "well_sourced": well,
        "firm_range": reconcile.firm_range(g), "figures": len(g),
        "origins": len(set(g.column("independent"))), "times": times,
        **_named("disagreements", _disagreements(g)), **_named("restated", _restated(g)),
        "other_status": "; ".join(
            f"{o.cols['figure'][-1]} [{o.cols['claim_id'][-1]}]"
            for o in others[-2:]),
        "window_note": _window_note(g, best),
        "derived": False, "cmp_lo": best["cmp_lo"], "cmp_hi": best["cmp_hi"]}


def _window_note(g: Group, best: dict) -> str:
    """For a total, whether the best figure covers the window of its group's figures: '' when
    it does, else the span the others reach ('the figures reach 13 to 24 Jun 2025')."""
    if best.get("measure_kind") != "total" or len(g) < 2:
        return ""
    start, end = pd.Timestamp(g.t_from.min()), pd.Timestamp(g.t_to.max())
    if best["ref_from"] <= start and best["ref_to"] >= end:
        return ""
    return (f"covers {best['reference']} only; the figures of this time reach "
            f"{reconcile.span_words(g)}")


def _named(column: str, items: list[str]) -> dict[str, object]:
    return {column: "; ".join(items[:NAMED]), f"more_{column}": max(0, len(items) - NAMED)}


def _disagreements(g: Group) -> list[str]:
    if len(g) > reconcile.PAIR_LIMIT:
        return []
    i, j, verdict = reconcile.verdicts(g)
    ids = g.column("claim_id")
    return [f"{ids[a]} and {ids[b]}"
            for a, b in zip(i[verdict == "disagree"], j[verdict == "disagree"], strict=True)]


def _restated(g: Group) -> list[str]:
    ids = g.cols["claim_id"]
    return [", ".join(ids[k] for k in ks) for ks in reconcile.restated(g)]


def since_edition(now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """``now`` (:func:`key_figures`) with ``change``: how each measure's best figure stands to
    the one in the earlier edition ``before``: 'new' (the measure had no figure then),
    'unchanged' (the same claim), or the earlier figure and 'rise', 'fall', 'no clear change'
    or 'a new figure for the same time'; and ``before``: the earlier figure with its claim."""
    earlier = before.set_index("measure_id")
    changes, previous = [], []
    for row in now.itertuples(index=False):
        if row.measure_id not in earlier.index:
            changes.append("new")
            previous.append("")
            continue
        old = earlier.loc[row.measure_id]
        previous.append(f"{old['figure']} [{old['claim_id']}] ({old['reference']})")
        if old["claim_id"] == row.claim_id:
            changes.append("unchanged")
        elif old["ref_start"] < row.ref_start:
            changes.append(reconcile.change_words(old, row._asdict()))
        else:
            changes.append("a new figure for the same time")
    return now.assign(change=changes, before=previous)
