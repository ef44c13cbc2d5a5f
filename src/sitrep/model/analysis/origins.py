"""Where information originates, apart from who asserts it and who relays it.

A claim's *origin* is the first-hand place its information comes from: a government's statement,
officials speaking to one newspaper, an outlet's own reporting, a leaked document (``origins.csv``,
linked from ``claims.origin`` with a basis: stated in the text, or the analyst's inference with a
rationale). A source may republish another (``sources.republishes``): a wire story run by an
aggregator carries the wire's origins. Where a claim records no origin, sitrep infers one and
says so: the claimants speaking to the first relay in the chain (officials to The New York
Times), or, with no relay, the claimants' own statement in the source at the root of its
republishing chain. An origin that draws on another (``origins.draws_on``) is not independent of
it: :func:`origin_of_claims` gives each claim the *root* it counts under, so that sources sharing
an origin count once.

The rules checked here: no relay equal to a claimant, no outlet relaying its own claim, no relay
listed twice in a chain, no source republishing itself through a cycle, no origin drawing on
itself through a cycle, no measure part of itself through others, a basis with every origin and
a rationale with every inferred one. Every walk visits each row once (:func:`cyclic`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sitrep import paths
from sitrep.model.data import limits
from sitrep.model.data import rule_ids as R
from sitrep.model.data.facts import Facts
from sitrep.model.data.problems import Collector, records, row_number

COLUMNS = ["claim_id", "origin", "origin_label", "origin_kind", "origin_basis", "independent",
           "party", "sector", "side", "voice"]

#: The sector an actor's kind implies when the analyst leaves ``sector`` empty.
SECTOR_OF_KIND = {"state": "government", "state_forces": "government",
                  "external_forces": "government", "officials": "government",
                  "intelligence": "government", "news_outlet": "press",
                  "organisation": "independent"}

#: Added to an origin's label where the analyst infers it for a claim (origin_basis inferred).
ANALYST_INFERENCE = " (the analyst's inference)"

PARTY_WORDS = {"party": "party to the conflict", "third_party": "third party"}


def cyclic(edges: dict[str, list[str]]) -> list[set[str]]:
    """The groups of nodes that lie on a cycle (strongly connected components with more than
    one node, or one node with an edge to itself). Tarjan's algorithm, iterative: each node and
    edge is visited once, so an 80-layer lattice of origins takes as long as 80 rows."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    for start in edges:
        if start in index:
            continue
        work = [(start, iter(edges.get(start, ())))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges.get(child, ()))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1 or node in edges.get(node, ()):
                    groups.append(group)
    return groups


def cycle_through(edges: dict[str, list[str]], start: str, group: set[str]) -> list[str]:
    """One cycle through ``start`` inside its group (breadth first: the shortest)."""
    before: dict[str, str] = {}
    queue = [start]
    for node in queue:
        for child in edges.get(node, ()):
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(before[path[-1]])
                return [*reversed(path), start]
            if child in group and child not in before:
                before[child] = node
                queue.append(child)
    return [start, start]


def check(facts: Facts, facts_dir: Path, out: Collector) -> None:
    """The rules of relays, republishing and origins (see the module's docstring)."""
    _check_relays(facts, facts_dir, out)
    _check_cycles(facts, facts_dir, out)
    _check_origin_basis(facts, facts_dir, out)


def _check_relays(facts: Facts, facts_dir: Path, out: Collector) -> None:
    shown = paths.display(facts_dir / "claims.csv")
    outlets = dict(zip(facts.sources["source_id"], facts.sources["outlet_id"], strict=True))
    for index, claim in records(facts.claims[["claim_id", "source_id", "claimants", "relays"]]):
        relays, row = claim["relays"], row_number(index)
        for relay in dict.fromkeys(r for r in relays if r in claim["claimants"]):
            out.add(shown, row, "relays", R.RELAY_IS_CLAIMANT, relay,
                    "a relay passes on what someone else said: it cannot also be the claimant "
                    "(an outlet's own reporting has the outlet as claimant and no relay)")
        outlet = outlets.get(claim["source_id"])
        if outlet in relays and outlet not in claim["claimants"]:
            out.add(shown, row, "relays", R.RELAY_IS_OUTLET, outlet,
                    "relays are the intermediaries between the claimant and the source: the "
                    "source's own outlet is not one of them")
        repeated = [r for i, r in enumerate(relays) if r in relays[:i]]
        if repeated:
            out.add(shown, row, "relays", R.RELAY_CYCLE, ";".join(relays),
                    f"{repeated[0]} appears twice in the chain of relays: a chain runs from the "
                    "claimant to the source without coming back")


#: Cycles spelled out in messages, per table; rows beyond are named with a shorter message.
SHOWN_CYCLES = 50


def _check_cycles(facts: Facts, facts_dir: Path, out: Collector) -> None:
    for table, key, column, rule, what in (
            ("sources", "source_id", "republishes", R.REPUBLISH_CYCLE,
             "a source cannot republish itself, directly or through the sources it republishes"),
            ("origins", "origin_id", "draws_on", R.ORIGIN_CYCLE,
             "an origin cannot draw on itself, directly or through the origins it draws on"),
            ("measures", "measure_id", "part_of", R.PART_OF_CYCLE,
             "a measure cannot be part of itself through the measures it is part of")):
        frame = facts.tables[table]
        shown = paths.display(facts_dir / f"{table}.csv")
        if len(frame) > limits.GRAPH_NODES:
            out.add(shown, None, column, R.GRAPH_SIZE, None,
                    f"has {len(frame):,} rows: cycles are looked for in at most "
                    f"{limits.GRAPH_NODES:,}")
            continue
        edges = {k: ([v] if isinstance(v, str) and v else list(v) if isinstance(v, tuple)
                     else []) for k, v in zip(frame[key], frame[column], strict=True)}
        group_of = {node: group for group in cyclic(edges) for node in group}
        spelled = 0
        for index, row in records(frame[[key, column]]):
            group = group_of.get(row[key])
            if group is None or (table == "measures" and len(group) == 1):
                continue  # a measure part of itself directly is reported with its basis
            spelled += 1
            cycle = (" -> ".join(cycle_through(edges, row[key], group)) if spelled <= SHOWN_CYCLES
                     else row[key])
            out.add(shown, row_number(index), column, rule, cycle, what)


def _check_origin_basis(facts: Facts, facts_dir: Path, out: Collector) -> None:
    shown = paths.display(facts_dir / "claims.csv")
    c = facts.claims
    has = c["origin"].ne("")
    out.add_rows(shown, c, has & c["origin_basis"].eq(""), "origin_basis", R.ORIGIN_BASIS,
                 "an origin needs its basis: stated (the text says so) or inferred (the "
                 "analyst's reading)", c["origin"])
    out.add_rows(shown, c, ~has & c["origin_basis"].ne(""), "origin_basis", R.ORIGIN_BASIS,
                 "a basis is given only with an origin")
    out.add_rows(shown, c, has & c["origin_basis"].eq("inferred") & c["origin_rationale"].eq(""),
                 "origin_rationale", R.ORIGIN_BASIS,
                 "an inferred origin needs the analyst's rationale", c["origin"])


def _roots(step: dict[str, str]) -> dict[str, str]:
    """For every node, the last node reached by following ``step`` (stopping before a node seen
    on the way). Memoised: each node is walked once, however many claims share a chain."""
    root: dict[str, str] = {}
    for start in step:
        if start in root:
            continue
        path, seen = [], set()
        node = start
        while node not in root and node not in seen:
            seen.add(node)
            path.append(node)
            nxt = step.get(node)
            if not nxt or nxt in seen:
                break
            node = nxt
        end = root.get(node, path[-1])
        for member in path:
            root[member] = end
    return root


def _root_source(republishes: dict[str, str], source_id: str,
                 roots: dict[str, str] | None = None) -> str:
    """The source at the root of a republishing chain."""
    roots = roots if roots is not None else _roots(
        {k: v for k, v in republishes.items() if isinstance(v, str)})
    return roots.get(source_id, source_id)


def _root_origin(draws_on: dict[str, tuple[str, ...]], origin_id: str,
                 roots: dict[str, str] | None = None) -> str:
    """The first origin reached by following ``draws_on`` (sorted, so the choice is stable)."""
    roots = roots if roots is not None else _roots(_first_drawn(draws_on))
    return roots.get(origin_id, origin_id)


def _first_drawn(draws_on: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {k: sorted(v)[0] for k, v in draws_on.items() if v}


def origin_of_claims(facts: Facts) -> pd.DataFrame:
    """Per claim: its origin (recorded or inferred), the independent root it counts under, and
    the claimant's side. Computed once per Facts object."""
    return facts.memo("origins", _origin_of_claims)


def _origin_of_claims(facts: Facts) -> pd.DataFrame:
    names = dict(zip(facts.actors["actor_id"], facts.actors["name"], strict=True))
    o = facts.origins
    labels = dict(zip(o["origin_id"], o["label"], strict=True))
    kinds = dict(zip(o["origin_id"], o["kind"], strict=True))
    speakers = dict(zip(o["origin_id"], o["actors"], strict=True))
    # unnamed officials in two outlets are not known to be the same people: no shared voice
    unnamed = set(facts.actors.loc[facts.actors["kind"].eq("unnamed_sources"), "actor_id"])
    draws = dict(zip(o["origin_id"], o["draws_on"], strict=True))
    republishes = dict(zip(facts.sources["source_id"], facts.sources["republishes"],
                           strict=True))
    outlets = dict(zip(facts.sources["source_id"], facts.sources["outlet_id"], strict=True))
    sides = _sides(facts)
    source_roots = _roots({k: v for k, v in republishes.items() if isinstance(v, str) and v})
    origin_roots = _roots(_first_drawn(draws))
    rows = []
    for claim in facts.claims.itertuples(index=False):
        who = " and ".join(names.get(a, a) for a in claim.claimants)
        if claim.origin:
            origin, label, kind = claim.origin, labels.get(claim.origin, claim.origin), \
                kinds.get(claim.origin, "")
            basis = claim.origin_basis
            root = _root_origin(draws, origin, origin_roots)
            if basis == "inferred":
                label += ANALYST_INFERENCE
        elif claim.relays:
            first = claim.relays[0]
            origin = f"~{'+'.join(claim.claimants)}@{first}"
            label = f"{who} to {names.get(first, first)} (inferred by sitrep: no origin recorded)"
            kind = "inferred"
            basis, root = "inferred by sitrep: claimants to the first relay", origin
        else:
            source = _root_source(republishes, claim.source_id, source_roots)
            outlet = outlets.get(source, source)
            origin = f"~{'+'.join(claim.claimants)}@{source}"
            label = (f"{who}, own reporting" if claim.claimants == (outlet,)
                     else f"{who}, as published by {names.get(outlet, outlet)}")
            label += " (inferred by sitrep: no origin recorded)"
            kind = "inferred"
            basis, root = "inferred by sitrep: the claimants' own statement", origin
        party, sector = sides.get(claim.claimants, ("", ""))
        side = "; ".join(x for x in (PARTY_WORDS.get(party, ""), sector) if x) or "not stated"
        voice = tuple(sorted(a for a in (speakers.get(claim.origin, ()) if claim.origin
                                         else claim.claimants) if a not in unnamed))
        rows.append((claim.claim_id, origin, label, kind, basis, root, party, sector, side,
                     voice))
    return pd.DataFrame(rows, columns=COLUMNS)


def one_voice(root_a: str, voice_a: tuple[str, ...], root_b: str,
              voice_b: tuple[str, ...]) -> bool:
    """Whether two figures come from one origin: the same independent root, or origins that
    share a named actor (a ministry's afternoon briefing and its daily report). Such figures
    neither corroborate nor contradict each other. A claim's voice is its recorded origin's
    actors, or its claimants when no origin is recorded; unnamed sources are nobody's voice."""
    return root_a == root_b or bool(set(voice_a) & set(voice_b))


def _sides(facts: Facts) -> dict[tuple[str, ...], tuple[str, str]]:
    """The party and sector of each group of claimants (all alike, or 'mixed')."""
    a = facts.actors.set_index("actor_id")
    party = a["party"].to_dict()
    sector = a["sector"].where(a["sector"].ne(""), a["kind"].map(SECTOR_OF_KIND).fillna(""))
    sector = sector.to_dict()
    out: dict[tuple[str, ...], tuple[str, str]] = {}
    for claimants in set(facts.claims["claimants"]):
        parties = {party.get(c, "") for c in claimants}
        sectors = {sector.get(c, "") for c in claimants}
        out[claimants] = (parties.pop() if len(parties) == 1 else "mixed",
                          sectors.pop() if len(sectors) == 1 else "mixed")
    return out
