"""How much of a curated data set the draft finds: recall of quantities (value, bounds, unit
and qualifier all equal), hedges, claimants, places and headings, per held source text.

A curated row counts as found when the draft proposes it for one of the sentences its claim
cites. Claimants and places are matched to the data set's own actors and places by name and by
geometry key, as they are when an analyst drafts a second source into a data set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sitrep import paths
from sitrep.authoring.draft import Context, Draft, draft_text, preferred_countries
from sitrep.model.data.facts import Facts
from sitrep.model.data.wording import says
from sitrep.model.geo import place
from sitrep.model.load import load

KINDS = ("quantities", "hedges", "claimants", "places", "headings")


@dataclass
class Recall:
    """Found and total per kind of row, and the rows missed (for the README and the test)."""

    found: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    missed: list[str] = field(default_factory=list)

    def rate(self, kind: str) -> float:
        return self.found[kind] / self.total[kind] if self.total[kind] else float("nan")

    def count(self, kind: str, hit: bool, what: str) -> None:
        self.total[kind] += 1
        self.found[kind] += hit
        if not hit:
            self.missed.append(f"{kind}: {what}")

    def table(self) -> pd.DataFrame:
        return pd.DataFrame({"found": self.found, "total": self.total,
                             "recall": {k: round(self.rate(k), 3) for k in KINDS}})


def draft_source(facts: Facts, source_id: str) -> Draft:
    """The draft of one held source of a data set, with the data set's actors and places."""
    source = facts.sources.set_index("source_id").loc[source_id]
    layers = place.read_layers(paths.geo_dir(facts.dataset))
    context = Context(source_id, str(source["outlet_id"]),
                      pd.Timestamp(source["published"]).strftime("%Y-%m-%d"), facts.actors,
                      facts.places, layers,
                      preferred=preferred_countries(facts.places, facts.title, layers))
    return draft_text(facts.texts[source_id], context)


def measure(dataset: Path | str) -> Recall:
    """Draft every held source of a data set and compare with its curated rows."""
    facts = load(Path(dataset), cache=False)
    recall = Recall()
    for source_id in facts.texts:
        _compare(facts, source_id, draft_source(facts, source_id), recall)
    return recall


def _by_sentence(frame: pd.DataFrame, column: str) -> dict[int, list]:
    out: dict[int, list] = {}
    for number, value in zip(frame["sentences"], frame[column], strict=True):
        out.setdefault(int(number), []).extend(str(value).split(";") if value else [])
    return out


def _compare(facts: Facts, source_id: str, draft: Draft, recall: Recall) -> None:
    proposed = draft.tables["claims"]
    claim_of = dict(zip(proposed["claim_id"], proposed["sentences"], strict=True))
    figures: dict[int, set] = {}
    for q in draft.tables["quantities"].itertuples(index=False):
        figures.setdefault(int(claim_of[q.claim_id]), set()).add(_quantity_key(q))
    hedges, claimants = _by_sentence(proposed, "hedge"), _by_sentence(proposed, "claimants")
    places = _by_sentence(proposed, "places")
    claims = facts.claims[facts.claims["source_id"] == source_id]
    sentences_of = dict(zip(claims["claim_id"], claims["sentences"], strict=True))
    for q in facts.quantities[facts.quantities["claim_id"].isin(sentences_of)].itertuples(
            index=False):
        numbers = sentences_of[q.claim_id]
        hit = any(_quantity_key(q) in figures.get(n, set()) for n in numbers)
        recall.count("quantities", hit, f"{q.claim_id} {_quantity_key(q)}")
    for claim in claims.itertuples(index=False):
        numbers = claim.sentences
        for hedge in claim.hedge:
            hit = any(says(h, hedge) for n in numbers for h in hedges.get(n, []))
            recall.count("hedges", hit, f"{claim.claim_id} {hedge!r}")
        for actor in claim.claimants:
            hit = any(actor in claimants.get(n, []) for n in numbers)
            recall.count("claimants", hit, f"{claim.claim_id} {actor}")
        for place_id in claim.places:
            hit = any(place_id in places.get(n, []) for n in numbers)
            recall.count("places", hit, f"{claim.claim_id} {place_id}")
    drafted = draft.tables["sentences"]
    headings = set(drafted.loc[drafted["role"] == "heading", "sentence"])
    curated = facts.sentences[(facts.sentences["source_id"] == source_id)
                              & (facts.sentences["role"] == "heading")]
    for number in curated["sentence"]:
        recall.count("headings", int(number) in headings, f"{source_id} sentence {number}")


def _quantity_key(q) -> tuple:
    def number(v) -> float | None:
        return None if v is None or pd.isna(v) else float(v)

    return (number(q.value), number(q.lower), number(q.upper), q.unit, q.qualifier)
