"""What changed between two editions: the reporting as of ``since`` and as of ``as_of``.

ICD 203's standard for analytic products asks that they explain change to, or consistency of,
analytic judgments. Two cuts of one data set (:meth:`sitrep.model.data.facts.Facts.until`) are
compared: new claims; per measure (and episode, where claims name one), the latest figure before
and now with their claims; figures no longer current (a later reference time of the same
measure, episode and status has figures, or an update of the same origin supersedes them);
conflicts that appeared, conflicts resolved (only by an update: a correction, revision,
retraction or final count of one of the two figures), conflicts no longer current (both figures
have later ones: the disagreement itself stands) and conflicts no longer compared; key
takeaways added and dropped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sitrep.model.analysis import reconcile, shared
from sitrep.model.analysis.attribution import attributions
from sitrep.model.analysis.quantity import figures, windows
from sitrep.model.analysis.updates import UPDATE_WORDS, chain_text, complete
from sitrep.model.data import when
from sitrep.model.data.facts import Facts

#: Revised figures and conflicts a brief's short summary lists; the rest are counted (the
#: page does not grow with the corpus: 100,000 claims made 1.2 MB of conflict lines).
SHORT_LINES = 20

#: Days before the cut-off an edition is compared with when no ``since`` is given.
DEFAULT_WINDOW_DAYS = 7


@dataclass
class Changes:
    """The differences between two editions, each a tidy table (snake_case columns)."""

    since: str
    as_of: str
    new_claims: pd.DataFrame
    revised: pd.DataFrame
    not_current: pd.DataFrame
    conflicts: pd.DataFrame
    takeaways: pd.DataFrame
    #: What each edition's cut leaves out, in words ('' when nothing).
    left_out_before: str = ""
    left_out_now: str = ""
    #: Claims in the earlier edition.
    claims_before: int = 0

    def summary(self, *, short: bool = False) -> list[tuple[str, str]]:
        """Lines for a report: (what changed, the detail). ``short`` (for a brief) names the
        takeaways and conflicts by id only, and lists the first :data:`SHORT_LINES` revised
        figures and conflicts, counting the rest."""
        if self.new_claims.empty and self.takeaways.empty and self.conflicts.empty:
            return [(f"Nothing new was reported between {self.since} and {self.as_of}.", "")]
        lines = [(f"{len(self.new_claims)} new claim{'s' if len(self.new_claims) != 1 else ''} "
                  f"since {self.since}", ", ".join(self.new_claims["claim_id"].head(20)) +
                  (" and more" if len(self.new_claims) > 20 else ""))]
        limit = SHORT_LINES if short else None
        for row in self.revised.head(limit).itertuples(index=False):
            lines.append((f"{row.measure}: {row.before} \u2192 {row.now}", row.change))
        if len(self.revised) > len(self.revised.head(limit)):
            rest = len(self.revised) - SHORT_LINES
            lines.append((f"{rest:,} more revised figure{'s' if rest != 1 else ''}",
                          "the changes report lists every one"))
        for row in self.conflicts.head(limit).itertuples(index=False):
            lines.append((f"Conflict {row.status}: {row.pair}", "" if short else row.reading))
        if len(self.conflicts) > len(self.conflicts.head(limit)):
            rest = self.conflicts.iloc[SHORT_LINES:]["status"].value_counts(sort=False)
            lines.append((f"{rest.sum():,} more conflicts: " + ", ".join(
                f"{n:,} {status}" for status, n in rest.items()),
                "the changes report lists every one"))
        if short:
            for status, rows in self.takeaways.groupby("status", sort=False):
                lines.append((f"Key takeaways {status}: {', '.join(rows['takeaway_id'])}", ""))
        else:
            for row in self.takeaways.itertuples(index=False):
                lines.append((f"Takeaway {row.status}: {row.takeaway_id}", row.text))
        if len(self.not_current):
            lines.append((f"{len(self.not_current)} figure"
                          f"{'s' if len(self.not_current) != 1 else ''} no longer current",
                          ", ".join(self.not_current["claim_id"].head(20))))
        return lines


def default_since(facts: Facts, as_of: str | None) -> str:
    """The edition a report compares with when no ``since`` is given.

    The end is the cut-off (``as_of``) or, without one, the latest publication. Where the
    claims (up to the end) refer to nothing later than :data:`DEFAULT_WINDOW_DAYS` days
    before it, the data set is a retrospective (published after the events) and is compared
    with the previous edition of its own timeline: the latest day on which a source was
    published that lies at least a week before the last day its claims refer to. Otherwise
    (and where no source was published that early) a week before the end."""
    window = pd.Timedelta(days=DEFAULT_WINDOW_DAYS)
    published = pd.Series([when.period_end(d, p) for d, p in
                           zip(facts.sources["published"], facts.sources["published_precision"],
                               strict=True)], dtype="datetime64[ns]")
    if as_of:
        end = pd.Timestamp(as_of)
    else:
        end = published.max() if len(published) else pd.Timestamp.today().normalize()
    reporting = _reporting_end(facts, end)
    if pd.notna(reporting) and reporting < end - window:
        earlier = published[published <= reporting - window]
        if len(earlier):
            return earlier.max().strftime("%Y-%m-%d")
    return (end - window).strftime("%Y-%m-%d")


def _reporting_end(facts: Facts, end: pd.Timestamp) -> pd.Timestamp:
    """The last day the claims refer to (the end of a period, at its precision), ``end`` at
    the latest (a claim about the whole year, published in December, reaches its end); NaT
    when no claim is dated."""
    c = facts.claims
    if c.empty:
        return pd.NaT
    start = pd.to_datetime(c["refers_to"], errors="coerce")
    stop = pd.to_datetime(c["refers_to_end"], errors="coerce")
    days = [when.period_end(b, bp) if pd.notna(b) else when.period_end(a, ap)
            for a, ap, b, bp in zip(start, c["time_precision"], stop, c["end_precision"],
                                    strict=True) if pd.notna(a)]
    return min(max(days), end) if days else pd.NaT


def compare(whole: Facts, since: str, as_of: str | None = None, *,
            include_possible: bool = False) -> Changes:
    """The changes from the edition as of ``since`` to the one as of ``as_of`` (default: all
    reporting), both cut by the same rule."""
    before = whole.until(since, include_possible=include_possible)
    now = whole.until(as_of, include_possible=include_possible) if as_of else whole
    fig_before, fig_now = figures(before, derived=False), figures(now, derived=False)
    with shared.holding(fig_before, fig_now):
        return _changes(before, now, fig_before, fig_now, since, as_of)


def _changes(before: Facts, now: Facts, fig_before: pd.DataFrame, fig_now: pd.DataFrame,
             since: str, as_of: str | None) -> Changes:
    stale_now = _not_current(fig_now)
    # Only what changed between the editions: a figure already no longer current in the
    # earlier edition is no news in this one.
    stale_before = set(_not_current(fig_before)["claim_id"]) if len(fig_before) else set()
    return Changes(
        since=since, as_of=as_of or "all reporting",
        new_claims=_new_claims(before, now),
        revised=_revised(fig_before, fig_now),
        not_current=stale_now[~stale_now["claim_id"].isin(stale_before)].reset_index(
            drop=True),
        conflicts=_conflicts(fig_before, fig_now, set(stale_now["claim_id"])),
        takeaways=_takeaways(before, now),
        left_out_before=before.cut.summary() if before.cut is not None else "",
        left_out_now=now.cut.summary() if now.cut is not None else "",
        claims_before=len(before.claims),
    )


def _new_claims(before: Facts, now: Facts) -> pd.DataFrame:
    new = now.claims[~now.claims["claim_id"].isin(before.claims["claim_id"])]
    said = attributions(now).set_index("claim_id")
    refs = windows(new).set_index("claim_id")["reference"] if len(new) else pd.Series()
    return pd.DataFrame({
        "claim_id": new["claim_id"], "statement": new["statement"],
        "said_by": new["claim_id"].map(said["said_by"]),
        "published": new["claim_id"].map(said["published"]),
        "refers_to": new["claim_id"].map(refs),
    }).reset_index(drop=True)


def _latest(table: pd.DataFrame) -> dict[tuple[str, str, str], pd.Series]:
    """Per measure, episode and status: the conservative figure of the latest reference time."""
    last: dict[tuple[str, str, str], reconcile.Group] = {}
    for measure, _, parts in reconcile.groups(table):
        for g in parts:  # in time order: the last group of a key is its latest time
            last[(measure, g.cols["episode"][0], g.cols["status_key"][0])] = g
    found = {key: reconcile.lowest(g) for key, g in last.items()}
    return {key: row for key, row in found.items() if row is not None}


def _said(row: pd.Series | None) -> str:
    return "none" if row is None else f"{row['figure']} [{row['claim_id']}] ({row['reference']})"


def _revised(before: pd.DataFrame, now: pd.DataFrame) -> pd.DataFrame:
    old, new = _latest(before), _latest(now)
    records = _records(now)
    updated = records.superseded()
    rows = []
    for key, row in new.items():
        previous = old.get(key)
        if previous is not None and previous["claim_id"] == row["claim_id"]:
            continue
        if previous is None:
            change = "first reported"
        elif previous["claim_id"] in updated:
            change = "the earlier figure is superseded: " + chain_text(
                records, previous["claim_id"])
        elif previous["ref_start"] < row["ref_start"]:
            change = reconcile.change_words(previous, row)
        else:
            change = "a new figure for the same time"
        rows.append({"measure": row["label"] + (f" ({key[2]})" if key[2] else "")
                     + (f", {row['episode_name'] or key[1]}" if key[1] else ""),
                     "before": _said(previous), "now": _said(row), "change": change})
    return pd.DataFrame(rows, columns=["measure", "before", "now", "change"])


class _Records(Mapping):
    """Claim id -> the figure's record, written only for the claims looked up (a chain of
    updates names a few; writing every record of 100,000 figures took seconds)."""

    def __init__(self, table: pd.DataFrame) -> None:
        self.table = complete(table)
        # the last figure of a claim wins, as in a dict built from every record
        ids = self.table["claim_id"]
        self.at = pd.Series(np.arange(len(ids)), index=ids)[~ids.duplicated(keep="last").values]

    def __getitem__(self, claim: str) -> dict:
        return self.table.iloc[int(self.at[claim])].to_dict()

    def __contains__(self, claim: object) -> bool:
        return claim in self.at.index

    def __iter__(self) -> Iterator[str]:
        return iter(self.at.index)

    def __len__(self) -> int:
        return len(self.at)

    def superseded(self) -> set[str]:
        """The claims whose figure an update supersedes."""
        t = self.table
        return set(t.loc[t["superseded_by"].astype(bool), "claim_id"])


def _records(table: pd.DataFrame) -> _Records:
    return _Records(table)


def _not_current(table: pd.DataFrame) -> pd.DataFrame:
    """Figures no longer current: a later reference time of the same measure, episode and
    status has figures, or an update supersedes them."""
    table = complete(table)
    rows = []
    for _, of_measure in table.groupby(["measure_id", "episode", "status_key"], sort=False):
        current = of_measure[of_measure["superseded_by"].eq("")]
        latest_start = current["ref_start"].max() if len(current) else pd.NaT
        stale = of_measure[(of_measure["ref_end"] < latest_start) & of_measure[
            "superseded_by"].eq("")]
        newest = current[current["ref_start"] == latest_start]
        superseded_by = (", ".join(newest["claim_id"]) + " (" + newest["reference"].iat[0] + ")"
                         if len(stale) else "")
        for claim, label, figure, reference in zip(stale["claim_id"], stale["label"],
                                                   stale["figure"], stale["reference"],
                                                   strict=True):
            rows.append({"claim_id": claim, "measure": label, "figure": figure,
                         "refers_to": reference, "superseded_by": superseded_by})
        updated = of_measure[of_measure["superseded_by"].ne("")]
        for r in updated.itertuples(index=False):
            rows.append({"claim_id": r.claim_id, "measure": r.label, "figure": r.figure,
                         "refers_to": r.reference,
                         "superseded_by": f"{r.superseded_by} (update: "
                         f"{UPDATE_WORDS.get(r.update_kind, 'updates it')})"})
    return pd.DataFrame(rows, columns=["claim_id", "measure", "figure", "refers_to",
                                       "superseded_by"])


def _conflicts(before: pd.DataFrame, now: pd.DataFrame, stale: set[str]) -> pd.DataFrame:
    """Conflicts that appeared; resolved only when an update supersedes one of the two figures;
    no longer current when both have later figures (the disagreement stands, at its time); no
    longer compared when the pair is no longer at one reference time."""
    old, new = reconcile.disagreements(before), reconcile.disagreements(now)
    records = _records(now)
    gone = records.superseded()
    rows = [{"status": "appeared", "pair": " and ".join(k), "reading": v}
            for k, v in new.items() if k not in old]
    for pair, reading in old.items():
        updated = [c for c in pair if c in gone]
        if updated:
            rows.append({"status": "resolved", "pair": " and ".join(pair),
                         "reading": "by an update: " + "; ".join(
                             chain_text(records, c) for c in updated) + ". Was: " + reading})
        elif pair not in new:
            rows.append({"status": "no longer compared", "pair": " and ".join(pair),
                         "reading": "the two figures are no longer read as one reference time "
                         "(nothing resolved the disagreement): " + reading})
        elif set(pair) <= stale:
            rows.append({"status": "no longer current", "pair": " and ".join(pair),
                         "reading": "both figures have later ones; nothing resolved the "
                         "disagreement at their time: " + reading})
    return pd.DataFrame(rows, columns=["status", "pair", "reading"])


def _takeaways(before: Facts, now: Facts) -> pd.DataFrame:
    old = set(before.takeaways["takeaway_id"])
    new = set(now.takeaways["takeaway_id"])
    rows = [{"status": "added", "takeaway_id": r.takeaway_id, "text": r.text}
            for r in now.takeaways.itertuples(index=False) if r.takeaway_id not in old]
    rows += [{"status": "dropped", "takeaway_id": r.takeaway_id, "text": r.text}
             for r in before.takeaways.itertuples(index=False) if r.takeaway_id not in new]
    return pd.DataFrame(rows, columns=["status", "takeaway_id", "text"])
