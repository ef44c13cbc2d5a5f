"""Honest reconciliation: every pair of figures of one measure compared, or said not comparable.

Figures of one measure are grouped by what they count (their status: a present count, a plan, a
projection for a date, a hypothetical under a condition) and by the time they refer to: figures
whose reference windows overlap, directly or through others, form one *reference time*. Within
one, every pair is compared as intervals:

- a figure qualified 'about', 'estimated' or 'potential' is widened by the data set's tolerance
  (:func:`sitrep.model.quantity.tolerance`, half a unit of its last non-zero digit by default),
  never skipped;
- a strict bound ('nearly 50,000', 'over 10,000') that only touches the other figure's number
  *meets it at the bound*: reported numbers are rounded, so 'nearly 50,000' and '50,000' are not
  called a conflict, but the pair says so;
- two figures that leave no common value *disagree*; a flag always names two different claims.

Figures at different reference times form a *series* (the change is shown, never a conflict);
figures of different status are *not comparable*, with the reason. Nothing is averaged: each
reference time shows its figures, how many independent origins stand behind them
(:mod:`sitrep.model.origins`), the range every firm figure allows, and a conservative figure in
ACLED's sense: the lowest well-sourced one.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from sitrep.model import when
from sitrep.model.quantity import APPROXIMATE, interval_text, meets, number

#: Figures in one reference time compared pair by pair; a larger group is counted, not listed.
PAIR_LIMIT = 3000
#: Pairs named in one flag; the rest are counted.
PAIRS_NAMED = 3
#: A figure is well-sourced unless its claimant is unnamed or its full grade is below this.
WELL_SOURCED = "C3"

PAIR_COLUMNS = ["measure_id", "Measure", "First", "Second", "Verdict", "Reading"]


def grouped(table: pd.DataFrame) -> pd.DataFrame:
    """The reported figures with ``group``: one number per measure, status and reference time
    (connected runs of overlapping reference windows), in time order."""
    reported = table[~table["derived"]].copy()
    if reported.empty:
        return reported.assign(group=pd.Series(dtype=int))
    order = {m: k for k, m in enumerate(dict.fromkeys(table["measure_id"]))}
    reported = reported.assign(_m=reported["measure_id"].map(order)).sort_values(
        ["_m", "status_key", "ref_start", "claim_id"], kind="stable").drop(columns="_m")
    groups, current, key, reach = [], -1, None, None
    for m, s, start, end in zip(reported["measure_id"], reported["status_key"],
                                reported["ref_start"], reported["ref_end"], strict=True):
        if (m, s) != key or start > reach:
            current += 1
            key, reach = (m, s), end
        reach = max(reach, end)
        groups.append(current)
    return reported.assign(group=groups)


def _bounds(frame: pd.DataFrame) -> tuple[np.ndarray, ...]:
    lo = frame["cmp_lo"].fillna(-np.inf).to_numpy(dtype=float)
    hi = frame["cmp_hi"].fillna(np.inf).to_numpy(dtype=float)
    return (lo, hi, frame["lo_strict"].to_numpy(dtype=bool),
            frame["hi_strict"].to_numpy(dtype=bool))


def compare(frame: pd.DataFrame) -> pd.DataFrame:
    """Every pair (i < j) of one reference time: ``verdict`` agree, meet, disagree or series."""
    n = len(frame)
    i, j = np.triu_indices(n, k=1)
    lo, hi, lo_strict, hi_strict = _bounds(frame)
    start = frame["ref_start"].to_numpy()
    end = frame["ref_end"].to_numpy()
    same_time = (start[i] <= end[j]) & (start[j] <= end[i])
    low = np.maximum(lo[i], lo[j])
    high = np.minimum(hi[i], hi[j])
    # which side sets the common bound, and whether it excludes its own number
    low_strict = np.where(lo[i] >= lo[j], lo_strict[i], lo_strict[j])
    high_strict = np.where(hi[i] <= hi[j], hi_strict[i], hi_strict[j])
    meet = (low == high) & (low_strict | high_strict)
    verdict = np.where(low > high, "disagree", np.where(meet, "meet", "agree"))
    verdict = np.where(same_time, verdict, "series")
    return pd.DataFrame({"i": i, "j": j, "verdict": verdict})


def _change(a: pd.Series, b: pd.Series) -> str:
    """How figure ``b`` (later) stands to ``a`` (earlier): rise, fall or no clear change."""
    a_lo, a_hi = _num(a["cmp_lo"], -np.inf), _num(a["cmp_hi"], np.inf)
    b_lo, b_hi = _num(b["cmp_lo"], -np.inf), _num(b["cmp_hi"], np.inf)
    if b_lo > a_hi:
        return "rise"
    if b_hi < a_lo:
        return "fall"
    return "no clear change (the figures overlap)"


def change_words(a: pd.Series, b: pd.Series) -> str:
    """'rise', 'fall' or 'no clear change' from figure ``a`` to the later figure ``b``."""
    return _change(a, b)


def _num(value: object, default: float) -> float:
    return default if pd.isna(value) else float(value)


def _tolerance_words(row: pd.Series) -> str:
    return (f"\u2018{row['figure']}\u2019 read as {number(row['value'] - row['tolerance'])} to "
            f"{number(row['value'] + row['tolerance'])}" if row["tolerance"] else "")


def _reading(a: pd.Series, b: pd.Series, verdict: str) -> str:
    said = f"{a['figure']} [{a['claim_id']}] and {b['figure']} [{b['claim_id']}]"
    if verdict == "series":
        first, second = (a, b) if (a["ref_start"], a["claim_id"]) <= (
            b["ref_start"], b["claim_id"]) else (b, a)
        return (f"series: {first['figure']} [{first['claim_id']}] ({first['reference']}) "
                f"\u2192 {second['figure']} [{second['claim_id']}] ({second['reference']}): "
                f"{_change(first, second)}")
    widened = "; ".join(w for w in (_tolerance_words(a), _tolerance_words(b)) if w)
    within = f" (approximate, with the tolerance: {widened})" if widened else ""
    shared = (" They share one origin." if a["independent"] == b["independent"] else "")
    if verdict == "disagree":
        return f"{said} leave no common value{within}.{shared}"
    if verdict == "meet":
        return (f"{said} meet only at their bound: rounded figures, read as agreeing"
                f"{within}.{shared}")
    return f"{said} overlap{within}.{shared}"


def _label(verdict: str, a: pd.Series, b: pd.Series) -> str:
    if verdict == "agree" and (a["tolerance"] or b["tolerance"]):
        return "agree within tolerance"
    return {"agree": "agree", "meet": "meet at a bound", "disagree": "disagree",
            "series": "series"}[verdict]


def _claims(frame: pd.DataFrame, limit: int = 6) -> str:
    ids = frame["claim_id"].tolist()
    return ", ".join(ids[:limit]) + (f" and {len(ids) - limit:,} more" if len(ids) > limit
                                     else "")


def pairs(table: pd.DataFrame) -> pd.DataFrame:
    """Every pair of reported figures of each measure: compared (agree, agree within tolerance,
    meet at a bound, disagree), a series (different reference times), or not comparable, each
    with its reason. Pairs between whole reference times or statuses are one row each."""
    rows = list(_pair_rows(grouped(table)))
    return pd.DataFrame(rows, columns=PAIR_COLUMNS)


def _pair_rows(figures: pd.DataFrame) -> Iterator[tuple[str, ...]]:
    for (measure, label), of_measure in figures.groupby(["measure_id", "label"], sort=False):
        parts = [g for _, g in of_measure.groupby("group", sort=True)]
        for group in parts:
            if len(group) > PAIR_LIMIT:
                n = len(group)
                yield (measure, label, _claims(group), "", "not compared",
                       f"{n:,} figures at one reference time ({n * (n - 1) // 2:,} pairs): "
                       f"past {PAIR_LIMIT:,} figures pairs are counted in the reconciliation "
                       "only; narrow the measure or the time")
                continue
            found = compare(group)
            records = group.to_dict("records")
            for i, j, verdict in found.itertuples(index=False):
                a, b = pd.Series(records[i]), pd.Series(records[j])
                yield (measure, label, a["claim_id"], b["claim_id"], _label(verdict, a, b),
                       _reading(a, b, verdict))
        for k, first in enumerate(parts):
            for second in parts[k + 1:]:
                if first["status_key"].iat[0] == second["status_key"].iat[0]:
                    verdict = "series"
                    reading = (f"different reference times ({_span(first)}; {_span(second)}): "
                               "a series, not a conflict; "
                               f"{_conservative_change(first, second)}")
                else:
                    verdict = "not comparable"
                    reading = (f"different status: {_status(first)} vs {_status(second)}; "
                               "a plan, a projection or a hypothetical is not a count of what "
                               "is")
                yield (measure, label, _claims(first), _claims(second), verdict, reading)


def _status(group: pd.DataFrame) -> str:
    return group["status_key"].iat[0] or "present count"


def _span(group: pd.DataFrame) -> str:
    """The reference time of a group: its one label, or from its earliest to its latest day."""
    labels = list(dict.fromkeys(group["reference"]))
    if len(labels) == 1:
        return labels[0]
    return (f"{when.date_label(group['ref_start'].min(), 'day')} to "
            f"{when.date_label(group['ref_end'].max(), 'day')}")


def _conservative_change(first: pd.DataFrame, second: pd.DataFrame) -> str:
    a, b = conservative_row(first), conservative_row(second)
    if a is None or b is None:
        return "no well-sourced figure at one of the times"
    return (f"{a['figure']} [{a['claim_id']}] \u2192 {b['figure']} [{b['claim_id']}]: "
            f"{_change(a, b)}")


def _well_sourced(group: pd.DataFrame) -> pd.Series:
    full = group["grade"].str.fullmatch(r"[A-F][1-6]")
    graded_low = full & ~group["grade"].map(lambda g: meets(g, WELL_SOURCED))
    return ~group["anonymous"].astype(bool) & ~graded_low


def conservative_row(group: pd.DataFrame) -> pd.Series | None:
    """The lowest well-sourced figure of a group (ties: more independent origins behind it,
    then the earliest); None when no figure is well-sourced."""
    good = group[_well_sourced(group)]
    if good.empty:
        return None
    origins = good["claim_id"].map(_agreeing_origins(group))
    ordered = good.assign(_n=-origins).sort_values(["value", "_n", "ref_start", "claim_id"])
    return ordered.iloc[0]


def _agreeing_origins(group: pd.DataFrame) -> dict[str, int]:
    """Per claim: how many independent origins stand behind a figure compatible with it at its
    reference time (its own included)."""
    if len(group) > PAIR_LIMIT:
        return dict.fromkeys(group["claim_id"], 1)
    found = compare(group)
    roots = group["independent"].to_numpy()
    ids = group["claim_id"].to_numpy()
    behind = {c: {r} for c, r in zip(ids, roots, strict=True)}
    for i, j, verdict in found.itertuples(index=False):
        if verdict in ("agree", "meet"):
            behind[ids[i]].add(roots[j])
            behind[ids[j]].add(roots[i])
    return {c: len(r) for c, r in behind.items()}


def _firm_range(group: pd.DataFrame) -> str:
    firm = group[~group["qualifier"].isin(APPROXIMATE)]
    if firm.empty:
        return "no firm figure (all approximate)"
    lo, hi, lo_strict, hi_strict = _bounds(firm)
    low, high = lo.max(), hi.min()
    if low > high:
        return "none: the firm figures leave no common value"
    return interval_text(low if np.isfinite(low) else np.nan, high if np.isfinite(high)
                         else np.nan, bool(lo_strict[lo.argmax()]) and low < high,
                         bool(hi_strict[hi.argmin()]) and low < high)


def _spread(group: pd.DataFrame) -> str:
    """From the lowest number stated to the highest, and which figures are open-ended."""
    numbers = group[["lo", "hi"]].stack().dropna()
    low, high = numbers.min(), numbers.max()
    text = number(low) if low == high else f"{number(low)} to {number(high)}"
    open_up = group.loc[group["hi"].isna(), "claim_id"].tolist()
    if open_up:
        text += f"; open-ended above ({', '.join(open_up)})"
    return text


RECONCILE_COLUMNS = ["measure_id", "Measure", "Refers to", "Counts", "Figures",
                     "Independent origins", "Spread", "Range the firm figures allow",
                     "Conservative figure", "Change", "Flags"]


def reconcile(table: pd.DataFrame) -> pd.DataFrame:
    """Per measure and reference time: the figures, their independent origins, the spread, the
    range all firm figures allow, the conservative figure (the lowest well-sourced one), the
    change from the previous reference time, and the flags. Nothing is averaged or dropped."""
    figures = grouped(table)
    rows = []
    for (measure, label), of_measure in figures.groupby(["measure_id", "label"], sort=False):
        previous: dict[str, pd.DataFrame] = {}
        for _, group in of_measure.groupby("group", sort=True):
            key = group["status_key"].iat[0]
            before = previous.get(key)
            change = ("first reported time" if before is None
                      else f"since {_span(before)}: {_conservative_change(before, group)}")
            previous[key] = group
            conservative = conservative_row(group)
            rows.append({
                "measure_id": measure, "Measure": label, "Refers to": _span(group),
                "Counts": _status(group), "Figures": len(group),
                "Independent origins": group["independent"].nunique(),
                "Spread": _spread(group), "Range the firm figures allow": _firm_range(group),
                "Conservative figure": (
                    f"{conservative['figure']} [{conservative['claim_id']}]"
                    if conservative is not None else
                    "none well-sourced (unnamed claimants or graded below C3)"),
                "Change": change, "Flags": "; ".join(_flags(group)) or "none"})
    derived = table[table["derived"]]
    for (measure, label), group in derived.groupby(["measure_id", "label"], sort=False):
        if measure in set(figures["measure_id"]):
            continue
        rows.append({"measure_id": measure, "Measure": label, "Refers to": _span(group),
                     "Counts": "derived", "Figures": 0, "Independent origins": 0,
                     "Spread": "derived only: " + ", ".join(
                         f"{r.figure} [{r.claim_id}]" for r in group.itertuples()),
                     "Range the firm figures allow": "no reported figure",
                     "Conservative figure": "no reported figure", "Change": "",
                     "Flags": "none"})
    return pd.DataFrame(rows, columns=RECONCILE_COLUMNS)


SOURCES_NAMED = 3  # sources named in a restatement flag; the rest are counted


def _flags(group: pd.DataFrame) -> list[str]:
    flags = _restatements(group)
    if len(group) > PAIR_LIMIT:
        return [*flags, f"{len(group):,} figures: pairs not compared one by one"]
    found = compare(group)
    ids = group["claim_id"].to_numpy()
    for verdict, words in (("disagree", "disagree (no common value)"),
                           ("meet", "meet only at their bound (read as agreeing)")):
        hits = found[found["verdict"] == verdict]
        for i, j in zip(hits["i"][:PAIRS_NAMED], hits["j"][:PAIRS_NAMED], strict=True):
            first, second = sorted((ids[i], ids[j]))
            flags.append(f"{first} and {second} {words}")
        if len(hits) > PAIRS_NAMED:
            rest = len(hits) - PAIRS_NAMED
            flags.append(f"{rest:,} more pair{'s' if rest > 1 else ''} {words.split(' (')[0]}")
    shared = group.groupby("independent", sort=False).agg(
        claims=("claim_id", list), label=("origin_label", "first"))
    for row in shared[shared["claims"].map(len) > 1].head(SOURCES_NAMED).itertuples():
        flags.append(f"{', '.join(row.claims)} rest on one origin ({row.label}): they count "
                     "once")
    return flags


def _restatements(reported: pd.DataFrame) -> list[str]:
    """Flags for a source that states one measure twice, differently."""
    labels = reported.groupby("source_id", sort=False)["figure"].nunique()
    twice = labels[labels > 1].index
    flags = []
    for source_id in twice[:SOURCES_NAMED]:
        same = reported[reported["source_id"] == source_id]
        listed = " vs ".join(f"{c} \u2018{f}\u2019"
                             for c, f in zip(same["claim_id"], same["figure"], strict=True))
        flags.append(f"one source states it differently: {listed}")
    if len(twice) > SOURCES_NAMED:
        flags.append(f"{len(twice) - SOURCES_NAMED:,} more sources state it differently")
    return flags
