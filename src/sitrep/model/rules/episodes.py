"""The rules of episodes, updates and times of day, which a schema cannot state.

- ``time-of-day``: a time of day (``refers_to_time``, ``end_time``) belongs to a date read to the
  day; ``end_time`` needs ``refers_to_end``; a window with times ends after it starts.
- ``episode-period``: an episode ends no earlier than it starts; a claim of an episode whose
  window lies wholly outside the episode's period is a warning (it may be the run-up).
- ``update-self``, ``update-cycle``: a claim does not update itself, directly or along a chain.
- ``update-order``: the updating claim's source is published no earlier than the updated one's.
- ``update-basis``: an inferred update carries the analyst's rationale.
- ``update-origin``: an update comes from the origin that gave the earlier figure (the same
  independent root, or origins sharing a named actor); across origins it needs a rationale.
- ``update-episode``: both claims belong to the same episode.
- ``update-measure``: where both claims give figures, they share a measure.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sitrep import paths
from sitrep.model.analysis.origins import cycle_through, cyclic, one_voice, origin_of_claims
from sitrep.model.data import rule_ids as R
from sitrep.model.data import when
from sitrep.model.data.facts import Facts
from sitrep.model.data.problems import WARNING, Collector, records, row_number


def check(facts: Facts, facts_dir: Path, out: Collector) -> None:
    """Every rule of the module (see its docstring)."""
    _check_times(facts, facts_dir, out)
    _check_episodes(facts, facts_dir, out)
    _check_updates(facts, facts_dir, out)


def _check_times(facts: Facts, facts_dir: Path, out: Collector) -> None:
    shown = paths.display(facts_dir / "claims.csv")
    c = facts.claims
    start_time, end_time = c["refers_to_time"], c["end_time"]
    out.add_rows(shown, c, start_time.ne("") & c["time_precision"].ne("day"), "refers_to_time",
                 R.TIME_OF_DAY, "a time of day belongs to a date read to the day "
                 "(time_precision day)", start_time)
    has_end = c["refers_to_end"].notna()
    out.add_rows(shown, c, end_time.ne("") & ~has_end, "end_time", R.TIME_OF_DAY,
                 "an end time needs the end of the period (refers_to_end)", end_time)
    out.add_rows(shown, c, end_time.ne("") & has_end & ~c["end_precision"].isin(["", "day"]),
                 "end_time", R.TIME_OF_DAY, "an end time belongs to an end read to the day "
                 "(end_precision day)", end_time)
    well_formed = end_time.str.fullmatch(when.CLOCK.pattern) & (
        start_time.eq("") | start_time.str.fullmatch(when.CLOCK.pattern))
    both = has_end & well_formed.fillna(False).astype(bool) & c["time_precision"].eq("day")
    if both.any():
        starts = [when.clock(d, t) for d, t in zip(c["refers_to"], start_time, strict=True)]
        ends = [when.clock(pd.Timestamp(d), t) if pd.notna(d) else pd.NaT
                for d, t in zip(c["refers_to_end"], end_time, strict=True)]
        backwards = both & pd.Series([pd.notna(e) and e <= s for s, e in
                                      zip(starts, ends, strict=True)], index=c.index)
        out.add_rows(shown, c, backwards, "end_time", R.TIME_OF_DAY,
                     "a window ends after it starts (refers_to with refers_to_time)", end_time)


def _check_episodes(facts: Facts, facts_dir: Path, out: Collector) -> None:
    e = facts.tables["episodes"]
    shown = paths.display(facts_dir / "episodes.csv")
    out.add_rows(shown, e, (e["end"] < e["start"]).fillna(False).astype(bool), "end",
                 R.EPISODE_PERIOD, "an episode cannot end before it starts",
                 e["end"].dt.strftime("%Y-%m-%d"))
    if e.empty:
        return
    periods = {r["episode_id"]: (r["start"], r["end"]) for _, r in records(e)}
    claims_shown = paths.display(facts_dir / "claims.csv")
    c = facts.claims
    for index, claim in records(c[["claim_id", "episode", "refers_to", "time_precision",
                                   "refers_to_end", "end_precision"]]):
        if claim["episode"] not in periods or pd.isna(claim["refers_to"]):
            continue  # empty, or unknown: reported as a foreign key; no date: reported
        start, end = periods[claim["episode"]]
        first, last = when.reference_window(claim["refers_to"], claim["time_precision"],
                                            claim["refers_to_end"], claim["end_precision"])
        if (pd.notna(start) and last < start) or (pd.notna(end) and first > end):
            out.add(claims_shown, row_number(index), "episode", R.EPISODE_PERIOD,
                    claim["episode"], "the claim refers to a time wholly outside the "
                    "episode's period (episodes.csv start and end): check the episode or the "
                    "date", severity=WARNING)


def _check_updates(facts: Facts, facts_dir: Path, out: Collector) -> None:
    u = facts.tables["updates"]
    if u.empty:
        return
    shown = paths.display(facts_dir / "updates.csv")
    c = facts.claims.set_index("claim_id")
    known = set(c.index)
    self_update = u["claim_id"].eq(u["updates"])
    out.add_rows(shown, u, self_update, "updates", R.UPDATE_SELF,
                 "a claim cannot update itself", u["updates"])
    out.add_rows(shown, u, u["basis"].eq("inferred") & u["rationale"].eq(""), "rationale",
                 R.UPDATE_BASIS, "an inferred update needs the analyst's rationale", u["updates"])
    edges: dict[str, list[str]] = {}
    for later, earlier in zip(u["claim_id"], u["updates"], strict=True):
        edges.setdefault(later, []).append(earlier)
    # Cycles found once for the whole table (linear), then spelled out for their members.
    group_of = {node: group for group in cyclic(edges) for node in group}
    origin = origin_of_claims(facts).set_index("claim_id")
    published = dict(zip(facts.sources["source_id"], facts.sources["published"], strict=True))
    measures = facts.quantities.groupby("claim_id")["measure_id"].agg(set).to_dict()
    for index, row in records(u):
        later, earlier = row["claim_id"], row["updates"]
        if later == earlier or later not in known or earlier not in known:
            continue  # reported above, or as a foreign key
        where = row_number(index)
        if later in group_of:
            cycle = cycle_through(edges, later, group_of[later])
            out.add(shown, where, "updates", R.UPDATE_CYCLE, " -> ".join(cycle),
                    "updates cannot run in a circle: a claim cannot update itself through "
                    "the claims it updates")
        if published[c.at[later, "source_id"]] < published[c.at[earlier, "source_id"]]:
            out.add(shown, where, "claim_id", R.UPDATE_ORDER, later,
                    f"the updating claim's source is published before {earlier}'s: the "
                    "later claim updates the earlier, not the other way round")
        a, b = origin.loc[later], origin.loc[earlier]
        if not one_voice(a["independent"], a["voice"], b["independent"], b["voice"]) \
                and not row["rationale"]:
            out.add(shown, where, "rationale", R.UPDATE_ORIGIN, f"{later} updates {earlier}",
                    f"{later} ({a['origin_label']}) and {earlier} ({b['origin_label']}) come "
                    "from different origins: an update normally comes from the origin that "
                    "gave the earlier figure; say why in rationale, or record a disagreement")
        if c.at[later, "episode"] != c.at[earlier, "episode"]:
            out.add(shown, where, "updates", R.UPDATE_EPISODE, earlier,
                    f"{later} (episode {c.at[later, 'episode'] or 'none'}) and {earlier} "
                    f"(episode {c.at[earlier, 'episode'] or 'none'}) must belong to the same "
                    "episode: figures of different episodes do not update each other")
        ours, theirs = measures.get(later, set()), measures.get(earlier, set())
        if ours and theirs and not ours & theirs:
            out.add(shown, where, "updates", R.UPDATE_MEASURE, earlier,
                    f"{later} and {earlier} give figures of no common measure "
                    f"({', '.join(sorted(ours))} vs {', '.join(sorted(theirs))})")
