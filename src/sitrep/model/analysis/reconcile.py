"""Honest reconciliation: every pair of figures of one measure compared, or said not comparable.

Figures of one measure are grouped by what they count (their status: a present count, a plan, a
projection for a date, a hypothetical under a condition) and by the time they refer to: figures
whose reference windows overlap, directly or through others, form one *reference time*. Within
one, every pair is compared as intervals:

- a figure qualified 'about', 'estimated' or 'potential' is widened by the data set's tolerance
  (:func:`quantity.tolerance`, half a unit of its last non-zero digit by default),
  never skipped;
- a strict bound ('nearly 50,000', 'over 10,000') that only touches the other figure's number
  *meets it at the bound*: reported numbers are rounded, so 'nearly 50,000' and '50,000' are not
  called a conflict, but the pair says so;
- two figures that leave no common value *disagree*; a flag always names two different claims.

Figures at different reference times form a *series* (the change is shown, never a conflict);
figures of different status are *not comparable*, with the reason. Nothing is averaged: each
reference time shows its figures, how many independent origins stand behind them
(:mod:`origins`), the range every firm figure allows, and a conservative figure in
ACLED's sense: the lowest well-sourced one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from itertools import pairwise

import numpy as np
import pandas as pd

from sitrep.model.analysis import shared
from sitrep.model.analysis.grouping import (
    AGREE,
    MEET,
    Group,
    first_seen,
    groups,
    verdicts,
)
from sitrep.model.analysis.origins import ANALYST_INFERENCE
from sitrep.model.analysis.quantity import APPROXIMATE, interval_text, meets, number
from sitrep.model.analysis.updates import (
    NOT_COMPARED,
    content_key,
    not_compared,
    not_compared_flags,
)
from sitrep.model.data import when

#: Figures in one reference time compared pair by pair; a larger group is counted, not listed.
PAIR_LIMIT = 3000
#: Pairs named in one flag; the rest are counted.
PAIRS_NAMED = 3
#: A figure is well-sourced unless its claimant is unnamed or its full grade is below this.
WELL_SOURCED = "C3"

PAIR_COLUMNS = ["measure_id", "measure", "first", "second", "verdict", "reading"]


def compare(frame: pd.DataFrame) -> pd.DataFrame:
    """Every pair (i < j) of one reference time: ``verdict`` agree, meet, disagree or series."""
    i, j, verdict = verdicts(Group.of(frame))
    return pd.DataFrame({"i": i, "j": j, "verdict": verdict})


def _change(a: Mapping, b: Mapping) -> str:
    """How figure ``b`` (later) stands to ``a`` (earlier): rise, fall or no clear change."""
    a_lo, a_hi = _num(a["cmp_lo"], -np.inf), _num(a["cmp_hi"], np.inf)
    b_lo, b_hi = _num(b["cmp_lo"], -np.inf), _num(b["cmp_hi"], np.inf)
    if b_lo > a_hi:
        return "rise"
    if b_hi < a_lo:
        return "fall"
    return "no clear change (the figures overlap)"


def change_words(a: Mapping, b: Mapping) -> str:
    """'rise', 'fall' or 'no clear change' from figure ``a`` to the later figure ``b``."""
    return _change(a, b)


def _num(value: object, default: float) -> float:
    return default if pd.isna(value) else float(value)


def _tolerance_words(row: Mapping) -> str:
    return (f"\u2018{row['figure']}\u2019 read as {number(row['value'] - row['tolerance'])} to "
            f"{number(row['value'] + row['tolerance'])}" if row["tolerance"] else "")


def _reading(a: Mapping, b: Mapping, verdict: str) -> str:
    said = f"{a['figure']} [{a['claim_id']}] and {b['figure']} [{b['claim_id']}]"
    if verdict in NOT_COMPARED:
        return not_compared(a, b, verdict)
    if verdict == "series":
        first, second = (a, b) if content_key(a) <= content_key(b) else (b, a)
        return (f"series: {first['figure']} [{first['claim_id']}] ({first['reference']}) "
                f"\u2192 {second['figure']} [{second['claim_id']}] ({second['reference']}): "
                f"{_change(first, second)}")
    widened = "; ".join(w for w in (_tolerance_words(a), _tolerance_words(b)) if w)
    within = f" (approximate, with the tolerance: {widened})" if widened else ""
    shared = (" They share one origin." if a["independent"] == b["independent"] else "")
    if verdict == "disagree" and (a["ref_from"], a["ref_to"]) != (b["ref_from"], b["ref_to"]):
        longer, inner = (a, b) if (a["ref_from"] <= b["ref_from"] and a["ref_to"] >= b["ref_to"]
                                   ) else (b, a)
        return (f"{longer['figure']} [{longer['claim_id']}] over {longer['reference']} is "
                f"below {inner['figure']} [{inner['claim_id']}] over {inner['reference']}, a "
                f"window it contains: a total cannot shrink as its window grows{within}."
                f"{shared}")
    if verdict == "disagree":
        return f"{said} leave no common value{within}.{shared}"
    if verdict == "meet":
        return (f"{said} meet only at their bound: rounded figures, read as agreeing"
                f"{within}.{shared}")
    return f"{said} overlap{within}.{shared}"


def _label(verdict: str, a: Mapping, b: Mapping) -> str:
    if verdict == "agree" and (a["tolerance"] or b["tolerance"]):
        return "agree within tolerance"
    return {"agree": "agree", "meet": "meet at a bound", "disagree": "disagree",
            "series": "series", **NOT_COMPARED}[verdict]


def _claims(g: Group, limit: int = 6) -> str:
    ids = g.cols["claim_id"]
    return ", ".join(ids[:limit]) + (f" and {len(ids) - limit:,} more" if len(ids) > limit
                                     else "")


#: Pairs listed one by one per measure; past it each reference time's rest is one counted row.
PAIRS_LISTED = 200


def pairs(table: pd.DataFrame) -> pd.DataFrame:
    """Every pair of reported figures of each measure: compared (agree, agree within tolerance,
    meet at a bound, disagree), a series (different reference times), or not comparable, each
    with its reason. Pairs between whole reference times or statuses are one row each; past
    :data:`PAIRS_LISTED` pairs of one measure the rest are counted by verdict. Computed once
    per figure table (:mod:`sitrep.model.analysis.shared`)."""
    return shared.once(table, "reconcile.pairs", _pairs)


def _pairs(table: pd.DataFrame) -> pd.DataFrame:
    rows = [row for measure, label, parts in groups(table)
            for row in _pair_rows(measure, label, parts)]
    table = pd.DataFrame(rows, columns=PAIR_COLUMNS)
    table.attrs["subject"] = "pairs of figures"  # what an empty table says is empty
    return table


def _listed(parts: list[Group]) -> Iterator[tuple[Group, np.ndarray, np.ndarray, np.ndarray,
                                                  int]]:
    """Per reference time of one measure: its pairs (i, j, verdict) and how many of them are
    listed (the first :data:`PAIRS_LISTED` of the measure); a group past :data:`PAIR_LIMIT`
    figures is not compared (empty arrays)."""
    budget = PAIRS_LISTED
    for g in parts:
        if len(g) > PAIR_LIMIT:
            yield g, np.empty(0, int), np.empty(0, int), np.empty(0, str), -1
            continue
        i, j, verdict = verdicts(g)
        shown = min(budget, len(i))
        budget -= shown
        yield g, i, j, verdict, shown


def disagreements(table: pd.DataFrame) -> dict[tuple[str, str], str]:
    """The listed pairs of :func:`pairs` whose verdict is disagree, as {(claim, claim) in the
    group's order (what the figures say, never their ids): reading}; only those pairs'
    readings are written."""
    return shared.once(table, "reconcile.disagreements", _disagreements)


def _disagreements(table: pd.DataFrame) -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], str] = {}
    for _, _, parts in groups(table):
        for g, i, j, verdict, shown in _listed(parts):
            for k in np.flatnonzero(verdict[:max(shown, 0)] == "disagree"):
                first, second = g.row(i[k]), g.row(j[k])
                found[(first["claim_id"], second["claim_id"])] = _reading(
                    first, second, "disagree")
    return found


def _pair_rows(measure: str, label: str, parts: list[Group]) -> Iterator[tuple[str, ...]]:
    for g, i, j, verdict, shown in _listed(parts):
        if shown < 0:
            n = len(g)
            yield (measure, label, _claims(g), "", "not compared",
                   f"{n:,} figures at one reference time ({n * (n - 1) // 2:,} pairs): past "
                   f"{PAIR_LIMIT:,} figures pairs are not compared one by one; narrow the "
                   "measure or the time")
            continue
        for a, b, v in zip(i[:shown], j[:shown], verdict[:shown], strict=True):
            first, second = g.row(a), g.row(b)
            yield (measure, label, first["claim_id"], second["claim_id"],
                   _label(v, first, second), _reading(first, second, v))
        if len(i) > shown:
            rest = pd.Series(verdict[shown:]).value_counts()
            counted = ", ".join(f"{n:,} {v}" for v, n in rest.items())
            yield (measure, label, f"{len(i) - shown:,} more pairs ({_span(g)})", "",
                   "counted", f"compared, not listed: {counted}")
    yield from _between(measure, label, parts)


def _between(measure: str, label: str, parts: list[Group]) -> Iterator[tuple[str, ...]]:
    """Reference times one after another are listed; the further pairs of times are counted.
    Figures of different episodes are neither a series nor compared."""
    for k, (first, second) in enumerate(pairwise(parts)):
        if _episode(first) != _episode(second):
            verdict = "not comparable"
            reading = (f"different episodes: {_episode_words(first)} vs "
                       f"{_episode_words(second)}; not a series, not a conflict")
        elif _status(first) == _status(second):
            verdict = "series"
            reading = (f"different reference times ({_span(first)}; {_span(second)}): a "
                       f"series, not a conflict; {_conservative_change(first, second)}")
        else:
            verdict = "not comparable"
            reading = (f"different status: {_status(first)} vs {_status(second)}; a plan, a "
                       "projection or a hypothetical is not a count of what is")
        yield (measure, label, _claims(first), _claims(second), verdict, reading)
        later = parts[k + 2:]
        if later:
            apart = sum(len(first) * len(g) for g in later if _episode(g) != _episode(first))
            kin = [g for g in later if _episode(g) == _episode(first)]
            same = sum(len(first) * len(g) for g in kin if _status(g) == _status(first))
            other = sum(len(first) * len(g) for g in kin) - same
            counted = "; ".join(x for x in (
                f"{same:,} series (later reference times)" if same else "",
                f"{other:,} not comparable (different status)" if other else "",
                f"{apart:,} not comparable (different episode)" if apart else "") if x)
            times = f"{len(later):,} later reference time{'s' if len(later) != 1 else ''}"
            yield (measure, label, _claims(first), times, "counted",
                   f"{counted}: each later group is compared with the one before it above")


def _episode(g: Group) -> str:
    return g.cols["episode"][0]


def _episode_words(g: Group) -> str:
    return g.cols["episode_name"][0] or g.cols["episode"][0] or "no named episode"


def _status(g: Group) -> str:
    return g.cols["status_key"][0] or "present count"


def _span(g: Group) -> str:
    """The reference time of a group: its one label, or from its earliest to its latest day."""
    labels = pd.unique(g.cols["reference"])
    if len(labels) == 1:
        return labels[0]
    return (f"{when.date_label(pd.Timestamp(g.start.min()), 'day')} to "
            f"{when.date_label(pd.Timestamp(g.end.max()), 'day')}")


def span_words(g: Group) -> str:
    """The reference time of a group in words (:func:`_span`)."""
    return _span(g)


def _conservative_change(first: Group, second: Group) -> str:
    a, b = lowest(first), lowest(second)
    if a is None or b is None:
        return "no well-sourced figure at one of the times"
    return (f"{a['figure']} [{a['claim_id']}] \u2192 {b['figure']} [{b['claim_id']}]: "
            f"{_change(a, b)}")


def _grade_ok(grade: str) -> bool:
    graded = len(grade) == 2 and grade[0] in "ABCDEF" and grade[1].isdigit()
    return not (graded and not meets(grade, WELL_SOURCED))


def _well_sourced_mask(g: Group) -> np.ndarray:
    grades = g.cols["grade"]
    ok = {grade: _grade_ok(grade) for grade in pd.unique(grades)}
    return ~g.cols["anonymous"].astype(bool) & np.array([ok[x] for x in grades], dtype=bool)


def lowest(g: Group) -> dict | None:
    """The group's conservative figure, computed once per group."""
    if "conservative" not in g.found:
        g.found["conservative"] = _conservative(g)
    return g.found["conservative"]


def _conservative(g: Group) -> dict | None:
    """The lowest well-sourced current figure of a group, by :func:`conservative_order`; a
    figure superseded by an update is never it. None when no current figure is
    well-sourced."""
    good = np.flatnonzero(_well_sourced_mask(g) & ~g.superseded)
    if not len(good):
        return None
    return g.row(conservative_order(g, good)[0])


def _grade_rank(grade: str) -> tuple[int, int]:
    """A grade as (reliability, credibility) ranks, best first; ungraded halves last."""
    letter = grade[0] if grade[:1] in tuple("ABCDEF") and grade[1:2] != " " else ""
    digit = next((c for c in reversed(grade) if c.isdigit()), "")
    return ("ABCDEF".index(letter) if letter else 6, int(digit) if digit else 7)


def conservative_order(g: Group, among: np.ndarray | None = None) -> list[int]:
    """The figures ``among`` (default: all) of a group, lowest first, in one total order that
    neither the order of rows nor the claim ids decide (README, "The conservative figure"):

    1. the figure's lowest stated number: its value; a range without a value by its lower
       bound; a bound alone by its number ('over 10,000' by 10,000, 'up to 500' by 500);
    2. then its highest (an open upper side last): '35-40' before '35-60';
    3. then more independent origins behind a figure compatible with it;
    4. then the better-graded source (reliability, then credibility; ungraded last);
    5. then the earlier publication (a date not known last), then the earlier reference time;
    6. then the source id, and only for two figures of one source alike in all of these, the
       claim id.
    """
    picks = np.arange(len(g)) if among is None else np.asarray(among)
    if not len(picks):
        return []
    c = g.cols
    value = np.asarray(c["value"], dtype=float)
    lo = np.asarray(c["lo"], dtype=float)
    hi = np.asarray(c["hi"], dtype=float)
    point = np.where(np.isnan(value), np.where(np.isnan(lo), hi, lo), value)
    high = np.where(np.isnan(hi), np.inf, hi)
    behind = _agreeing_origins(g)
    ranks = {x: _grade_rank(x) for x in pd.unique(c["grade"])}
    published = c.get("published_date")
    never = pd.Timestamp.max

    def key(k: int) -> tuple:
        day = published[k] if published is not None else None
        day = pd.Timestamp(day) if day is not None and pd.notna(day) else never
        return (np.nan_to_num(point[k], nan=np.inf), high[k], -behind[k], ranks[c["grade"][k]],
                day, pd.Timestamp(c["ref_start"][k]), str(c["source_id"][k]),
                str(c["claim_id"][k]))

    return sorted(picks.tolist(), key=key)


def _agreeing_origins(g: Group) -> np.ndarray:
    """Per figure: how many independent origins stand behind a figure compatible with it at
    its reference time (its own included; figures of one claim count together)."""
    claim, root = first_seen(g.code("claim_id")), first_seen(g.code("independent"))
    k = int(root.max()) + 1
    ends = [claim * k + root]
    if len(g) <= PAIR_LIMIT:
        i, j = np.triu_indices(len(g), k=1)
        agree = np.isin(g.codes, [AGREE, MEET])
        i, j = i[agree], j[agree]
        ends += [claim[i] * k + root[j], claim[j] * k + root[i]]
    found = np.unique(np.concatenate(ends))
    return np.bincount(found // k, minlength=int(claim.max()) + 1)[claim]


def _firm_range(g: Group) -> str:
    """The values every firm current figure allows (a superseded figure constrains nothing)."""
    firm = ~np.isin(g.cols["qualifier"], list(APPROXIMATE)) & ~g.superseded
    if not firm.any():
        return "no firm figure (all approximate)"
    within = ""
    if (g.cols["measure_kind"] == "total").any() and (
            len(set(g.t_from[firm].tolist())) > 1 or len(set(g.t_to[firm].tolist())) > 1):
        # totals over different windows are never intersected: the longest window's figures
        length = np.where(firm, g.t_to - g.t_from, np.timedelta64(-1, "ns"))
        k = int(np.argmax(length))
        firm = firm & (g.t_from == g.t_from[k]) & (g.t_to == g.t_to[k])
        within = f"over {g.cols['reference'][k]}: "
    lo, hi = g.lo[firm], g.hi[firm]
    lo_strict, hi_strict = g.lo_strict[firm], g.hi_strict[firm]
    low, high = lo.max(), hi.min()
    if low > high:
        return within + "none: the firm figures leave no common value"
    return within + interval_text(low if np.isfinite(low) else np.nan, high if np.isfinite(high)
                         else np.nan, bool(lo_strict[lo.argmax()]) and low < high,
                         bool(hi_strict[hi.argmin()]) and low < high)


def firm_range(g: Group) -> str:
    """The range every firm (not approximate) figure of a reference time allows, in words."""
    return _firm_range(g)


def _spread(g: Group) -> str:
    """From the lowest number stated to the highest, and which figures are open-ended; figures
    superseded by an update are named apart."""
    gone = g.superseded
    current = ~gone if not gone.all() else np.ones(len(g), dtype=bool)
    lo = g.cols["lo"][current].astype(float)
    hi = g.cols["hi"][current].astype(float)
    numbers = np.concatenate([lo[~np.isnan(lo)], hi[~np.isnan(hi)]])
    low, high = float(numbers.min()), float(numbers.max())
    text = number(low) if low == high else f"{number(low)} to {number(high)}"
    open_up = g.cols["claim_id"][current][np.isnan(hi)].tolist()
    if open_up:
        text += f"; open-ended above ({', '.join(open_up)})"
    if gone.any() and current.sum() < len(g):
        text += "; superseded: " + ", ".join(
            f"{f} [{c}]" for f, c in zip(g.cols["figure"][gone], g.cols["claim_id"][gone],
                                         strict=True))
    return text


RECONCILE_COLUMNS = ["measure_id", "episode", "episode_name", "measure", "refers_to", "counts",
                     "figures", "independent_origins", "spread", "firm_range",
                     "conservative_figure", "change", "flags"]


def reconcile(table: pd.DataFrame) -> pd.DataFrame:
    """Per measure and reference time: the figures, their independent origins, the spread, the
    range all firm figures allow, the conservative figure (the lowest well-sourced one), the
    change from the previous reference time, and the flags. Nothing is averaged or dropped.
    Computed once per figure table (:mod:`sitrep.model.analysis.shared`)."""
    return shared.once(table, "reconcile", _reconcile)


def _reconcile(table: pd.DataFrame) -> pd.DataFrame:
    rows = []
    reported = set()
    for measure, label, parts in groups(table):
        reported.add(measure)
        previous: dict[tuple[str, str], Group] = {}
        for g in parts:
            key = (_episode(g), _status(g))
            before = previous.get(key)
            change = ("first reported time" if before is None
                      else f"since {_span(before)}: {_conservative_change(before, g)}")
            previous[key] = g
            low = lowest(g)
            rows.append({
                "measure_id": measure, "episode": _episode(g),
                "episode_name": g.cols["episode_name"][0], "measure": label,
                "refers_to": _span(g), "counts": _status(g), "figures": len(g),
                "independent_origins": len(set(g.voices)),
                "spread": _spread(g), "firm_range": _firm_range(g),
                "conservative_figure": (
                    f"{low['figure']} [{low['claim_id']}]" if low is not None else
                    "none well-sourced and current" if g.superseded.any() else
                    "none well-sourced (unnamed claimants or graded below C3)"),
                "change": change, "flags": "; ".join(_flags(g)) or "none"})
    derived = table[table["derived"]]
    for (measure, label), group in derived.groupby(["measure_id", "label"], sort=False):
        if measure in reported:
            continue
        episodes = set(group.get("episode", pd.Series([""])))
        episode = episodes.pop() if len(episodes) == 1 else ""
        name = dict(zip(group.get("episode", []), group.get("episode_name", []), strict=True))
        rows.append({"measure_id": measure, "episode": episode,
                     "episode_name": name.get(episode, ""), "measure": label,
                     "refers_to": _span(Group.of(group)), "counts": "derived", "figures": 0,
                     "independent_origins": 0,
                     "spread": "derived only: " + ", ".join(
                         f"{r.figure} [{r.claim_id}]" for r in group.itertuples()),
                     "firm_range": "no reported figure",
                     "conservative_figure": "no reported figure", "change": "",
                     "flags": "none"})
    return pd.DataFrame(rows, columns=RECONCILE_COLUMNS)


SOURCES_NAMED = 3  # sources named in a restatement flag; the rest are counted


def _flags(g: Group) -> list[str]:
    flags = _restatements(g)
    if len(g) > PAIR_LIMIT:
        return [*flags, f"{len(g):,} figures: pairs not compared one by one"]
    i, j, verdict = verdicts(g)
    ids = g.column("claim_id")
    for name, words in (("disagree", "disagree (no common value)"),
                        ("meet", "meet only at their bound (read as agreeing)")):
        hits = np.flatnonzero(verdict == name)
        for k in hits[:PAIRS_NAMED]:
            first, second = ids[i[k]], ids[j[k]]
            flags.append(f"{first} and {second} {words}")
        if len(hits) > PAIRS_NAMED:
            rest = len(hits) - PAIRS_NAMED
            flags.append(f"{rest:,} more pair{'s' if rest > 1 else ''} {words.split(' (')[0]}")
    chain = first_seen(g.code("chain"))
    chained = [g.row(k) for k in np.flatnonzero(np.bincount(chain)[chain] > 1)]
    flags.extend(not_compared_flags(chained, ids, i, j, verdict, PAIRS_NAMED))
    root = first_seen(g.code("independent"))
    for code in np.flatnonzero(np.bincount(root) > 1)[:SOURCES_NAMED]:
        members = np.flatnonzero(root == code)
        label = g.cols["origin_label"][members[0]].replace(ANALYST_INFERENCE, "")
        flags.append(f"{', '.join(g.cols['claim_id'][members])} rest on one origin "
                     f"({label}): they count once")
    return flags


def restated(g: Group) -> list[list[int]]:
    """The figures of one source that state the measure differently: per source, claimant
    and stated window, the current figures (an update's earlier figure is read as the update),
    when they are more than one figure and not all of one chain of updates. Two claimants
    quoted in one article are two voices, not a restatement; an interim and a daily count
    (different stated windows) are not one either."""
    by_source: dict[tuple, list[int]] = {}
    c = g.cols
    claimant = c["claimant"] if "claimant" in c else np.full(len(g), "", dtype=object)
    for k, (source, who, start, end, stated, gone) in enumerate(zip(
            c["source_id"], claimant, c["ref_from"], c["ref_to"], c["window_stated"],
            g.superseded, strict=True)):
        if not gone:
            by_source.setdefault((source, who, (start, end) if stated else ()), []).append(k)
    figure, chain = c["figure"], c["chain"]
    return [ks for ks in by_source.values()
            if len({figure[k] for k in ks}) > 1 and len({chain[k] for k in ks}) > 1]


def _restatements(g: Group) -> list[str]:
    """Flags for a source whose one claimant states one measure twice, differently, for one
    window (:func:`restated`)."""
    twice = restated(g)
    figure, ids = g.cols["figure"], g.cols["claim_id"]
    flags = [("one source states it differently: " + " vs ".join(
        f"{ids[k]} \u2018{figure[k]}\u2019" for k in ks)) for ks in twice[:SOURCES_NAMED]]
    if len(twice) > SOURCES_NAMED:
        flags.append(f"{len(twice) - SOURCES_NAMED:,} more sources state it differently")
    return flags
