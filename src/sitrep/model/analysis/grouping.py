"""The figures of a measure grouped by what they count and when, and every pair of a group
compared at once (:mod:`reconcile` writes the readings, :mod:`corroboration` counts voices).

A group is one measure, episode and status at one reference time: figures whose reference
windows overlap, directly or through others. Its columns are arrays taken from the figure table
once (no record per figure is written unless a reading needs it), and its pairs' verdicts are
one byte each, computed once per group and shared by every table of a report
(:mod:`sitrep.model.analysis.shared`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise

import numpy as np
import pandas as pd

from sitrep.model.analysis import shared
from sitrep.model.analysis.updates import complete, voices_of


def grouped(table: pd.DataFrame) -> pd.DataFrame:
    """The reported figures with ``group``: one number per measure, episode, status and
    reference time (connected runs of overlapping reference windows), in time order. Figures
    of different episodes are never in one group."""
    reported = complete(table[~table["derived"]])
    if reported.empty:
        return reported.assign(group=pd.Series(dtype=int))
    order = {m: k for k, m in enumerate(dict.fromkeys(table["measure_id"]))}
    # episodes in the order they begin in the reporting; figures of no episode first
    first = reported.groupby("episode")["ref_from"].min()
    rank = {e: k for k, e in enumerate(sorted(first.index, key=lambda e: (e != "", first[e], e)))}
    reported = reported.assign(
        _m=reported["measure_id"].map(order), _e=reported["episode"].map(rank)
    ).sort_values(["_m", "_e", "status_key", "ref_from", *(
        c for c in _CONTENT_ORDER if c in reported.columns)], kind="stable"
                  ).drop(columns=["_m", "_e"])
    starts, ends = _instants(reported["ref_from"]), _instants(reported["ref_to"])
    groups, current, key, reach = [], -1, None, None
    for m, e, s, start, end in zip(reported["measure_id"].tolist(), reported["episode"].tolist(),
                                   reported["status_key"].tolist(), starts, ends, strict=True):
        if (m, e, s) != key or start >= reach:
            current += 1
            key, reach = (m, e, s), end
        reach = max(reach, end)
        groups.append(current)
    return reported.assign(group=groups)


#: Within a time, figures in the order of what they say (``quantity.CONTENT_ORDER``).
_CONTENT_ORDER = ["published_date", "source_id", "position", "claimant", "figure", "claim_id"]


def _instants(column: pd.Series) -> list:
    """A datetime column as nanosecond integers (quick to compare in a loop over 100,000
    figures); as Timestamps when it holds NaT, which compares as no integer does."""
    values = pd.to_datetime(column).to_numpy(dtype="datetime64[ns]")
    if np.isnat(values).any():
        return list(pd.to_datetime(column))
    return values.view("i8").tolist()


#: The columns a group's records carry (what the readings, flags and tables use).
RECORD_COLUMNS = ["measure_id", "label", "claim_id", "figure", "value", "qualifier", "lo", "hi",
                  "cmp_lo", "cmp_hi", "tolerance", "source_id", "grade", "ref_start",
                  "reference", "status_key", "independent", "origin_label", "side",
                  "anonymous", "episode", "episode_name", "voice", "chain", "superseded_by",
                  "update_kind", "updates", "update_basis", "ref_from", "ref_to",
                  "window_stated", "measure_kind", "claimant_side", "side_name", "claimant",
                  "published_date", "unit", "side_role", "position"]


@dataclass
class Group:
    """The figures of one measure, episode, status and reference time: their columns
    (:data:`RECORD_COLUMNS`, each an array of Python values; :meth:`row` writes one figure's
    record, for the few a reading needs) and comparison arrays (``start``/``end`` the days,
    ``t_from``/``t_to`` the half-open window to the minute)."""

    cols: dict[str, np.ndarray]
    lo: np.ndarray
    hi: np.ndarray
    lo_strict: np.ndarray
    hi_strict: np.ndarray
    start: np.ndarray
    end: np.ndarray
    t_from: np.ndarray
    t_to: np.ndarray
    #: Integer codes of the columns compared for equality (:data:`CODED`), taken from the
    #: whole table at once; :meth:`code` factorises a group built alone.
    coded: dict[str, np.ndarray] = field(default_factory=dict)
    #: What readers derive from the group, computed once (the conservative figure).
    found: dict = field(default_factory=dict)

    @classmethod
    def of(cls, frame: pd.DataFrame) -> Group:
        frame = complete(frame)
        return cls(_columns(frame), *_arrays(frame))

    def code(self, name: str) -> np.ndarray:
        """Integer codes of column ``name``, equal where its values are equal."""
        if name not in self.coded:
            self.coded[name] = pd.factorize(self.cols[name], use_na_sentinel=False)[0]
        return self.coded[name]

    def __len__(self) -> int:
        return len(self.cols["claim_id"])

    def column(self, name: str) -> list:
        return self.cols[name].tolist()

    def row(self, k: int) -> dict:
        """Figure ``k``'s record (what ``DataFrame.to_dict('records')`` would give)."""
        return {name: pd.Timestamp(values[k]) if values.dtype.kind == "M" else values[k]
                for name, values in self.cols.items()}

    @property
    def rows(self) -> list[dict]:
        """Every figure's record: for small groups only (a reading, a flag)."""
        return [self.row(k) for k in range(len(self))]

    @cached_property
    def codes(self) -> np.ndarray:
        """Every pair's verdict as a code into :data:`VERDICTS` (one byte a pair: kept for
        the report, where strings would take 48)."""
        return _compare(self)

    @property
    def pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        i, j = np.triu_indices(len(self), k=1)
        return i, j, VERDICTS[self.codes]

    @cached_property
    def voices(self) -> np.ndarray:
        """Per figure: the code of the one voice it counts under. Figures of one independent
        root, or of origins sharing a named actor, are one voice
        (:func:`sitrep.model.analysis.origins.one_voice`), joined transitively."""
        return voices_of(self.column("independent"), self.column("voice"))

    @cached_property
    def superseded(self) -> np.ndarray:
        return self.cols["superseded_by"].astype(bool)


def _columns(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """The record columns as arrays of Python values (floats, bools, str), datetimes as
    ``datetime64`` (:meth:`Group.row` gives Timestamps)."""
    return {c: frame[c].to_numpy(dtype="datetime64[ns]" if _is_datetime(frame[c]) else object)
            for c in RECORD_COLUMNS if c in frame.columns}


def _is_datetime(column: pd.Series) -> bool:
    return pd.api.types.is_datetime64_any_dtype(column.dtype)


#: Columns coded as integers once per table (what pairs and flags compare for equality).
CODED = ("chain", "claim_id", "independent")


def first_seen(codes: np.ndarray) -> np.ndarray:
    """Codes renumbered 0, 1, 2... in the order they first appear (as ``pd.factorize``)."""
    unique, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    rank = np.empty(len(unique), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(unique))
    return rank[inverse.ravel()]


def _arrays(frame: pd.DataFrame) -> tuple[np.ndarray, ...]:
    return (frame["cmp_lo"].fillna(-np.inf).to_numpy(dtype=float),
            frame["cmp_hi"].fillna(np.inf).to_numpy(dtype=float),
            frame["lo_strict"].to_numpy(dtype=bool), frame["hi_strict"].to_numpy(dtype=bool),
            frame["ref_start"].to_numpy(dtype="datetime64[ns]"),
            frame["ref_end"].to_numpy(dtype="datetime64[ns]"),
            frame["ref_from"].to_numpy(dtype="datetime64[ns]"),
            frame["ref_to"].to_numpy(dtype="datetime64[ns]"))


def groups(table: pd.DataFrame) -> Iterator[tuple[str, str, list[Group]]]:
    """Per measure (id, label): its groups in order, built with one pass over the table."""
    figures = grouped(table)
    if figures.empty:
        return
    yield from shared.once(table, "reconcile.groups", _groups)


def _groups(table: pd.DataFrame) -> list[tuple[str, str, list[Group]]]:
    figures = grouped(table)
    if figures.empty:
        return []
    arrays, cols = _arrays(figures), _columns(figures)
    coded = {c: pd.factorize(cols[c], use_na_sentinel=False)[0] for c in CODED}
    bounds = np.flatnonzero(np.diff(figures["group"].to_numpy())) + 1
    cuts = [0, *bounds.tolist(), len(figures)]
    by_measure: dict[tuple[str, str], list[Group]] = {}
    for a, b in pairwise(cuts):
        part = Group({c: v[a:b] for c, v in cols.items()}, *(x[a:b] for x in arrays),
                     coded={c: v[a:b] for c, v in coded.items()})
        by_measure.setdefault((cols["measure_id"][a], cols["label"][a]), []).append(part)
    return [(measure, label, parts) for (measure, label), parts in by_measure.items()]


def verdicts(g: Group) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair (i < j) of a group: verdict agree, meet, disagree, series, update (one
    updates the other, directly or along a chain), superseded (one of them is superseded by a
    later figure: not compared), same_origin (one voice, different stated windows: not
    comparable) or other_window (totals over different stated windows: not comparable);
    computed once per group."""
    return g.pairs


#: The verdicts of pairs, by code (:attr:`Group.codes`).
VERDICTS = np.array(["agree", "meet", "disagree", "series", "other_window", "same_origin",
                     "superseded", "update"])
AGREE, MEET, DISAGREE, SERIES, OTHER_WINDOW, SAME_ORIGIN, SUPERSEDED, UPDATE = range(8)


def _compare(g: Group) -> np.ndarray:
    i, j = np.triu_indices(len(g), k=1)
    lo, hi = g.lo, g.hi
    same_time = (g.t_from[i] < g.t_to[j]) & (g.t_from[j] < g.t_to[i])
    low = np.maximum(lo[i], lo[j])
    high = np.minimum(hi[i], hi[j])
    # which side sets the common bound, and whether it excludes its own number
    # (a bound both share is strict when either figure's is: the order of the pair never
    # decides whether 'nearly 50,000' and '50,000' meet)
    low_strict = np.where(lo[i] > lo[j], g.lo_strict[i], np.where(
        lo[j] > lo[i], g.lo_strict[j], g.lo_strict[i] | g.lo_strict[j]))
    high_strict = np.where(hi[i] < hi[j], g.hi_strict[i], np.where(
        hi[j] < hi[i], g.hi_strict[j], g.hi_strict[i] | g.hi_strict[j]))
    meet = (low == high) & (low_strict | high_strict)
    verdict = np.where(low > high, DISAGREE, np.where(meet, MEET, AGREE)).astype(np.uint8)
    verdict = np.where(same_time, verdict, SERIES)
    chain = g.code("chain")
    voice = g.voices
    # windows both stated and different (a point dated only to a month is no window of its own)
    stated = g.cols["window_stated"].astype(bool)
    other_window = ((g.t_from[i] != g.t_from[j]) | (g.t_to[i] != g.t_to[j])) \
        & stated[i] & stated[j]
    total = (g.cols["measure_kind"] == "total").astype(bool)
    # totals over nested windows: the longer window's total may not fall below the contained
    # window's lower bound (40 killed over two days, 5 over the four days around them)
    i_holds = (g.t_from[i] <= g.t_from[j]) & (g.t_to[i] >= g.t_to[j])
    j_holds = (g.t_from[j] <= g.t_from[i]) & (g.t_to[j] >= g.t_to[i])
    below = (i_holds & (hi[i] < lo[j])) | (j_holds & (hi[j] < lo[i]))
    nested = total[i] & other_window & (i_holds | j_holds)
    verdict = np.where(same_time & total[i] & other_window,
                       np.where(nested & below, DISAGREE, OTHER_WINDOW), verdict)
    verdict = np.where(same_time & (voice[i] == voice[j]) & other_window, SAME_ORIGIN, verdict)
    verdict = np.where(g.superseded[i] | g.superseded[j], SUPERSEDED, verdict)
    return np.where(chain[i] == chain[j], UPDATE, verdict).astype(np.uint8)
