"""How much of a curated data set the draft finds, and how much of what it proposes is right:
recall and precision of quantities (value, bounds, unit and qualifier all equal), hedges,
claimants, places and headings, per held source text.

A curated row counts as found when the draft proposes it for one of the sentences its claim
cites; a proposed row counts as right when a curated claim citing its sentence has it.
Claimants and places are matched to the data set's own actors and places by name and by
geometry key, as they are when an analyst drafts a second source into a data set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sitrep import paths
from sitrep.authoring.draft import (
    Context,
    Draft,
    draft_text,
    name_tokens,
    preferred_countries,
)
from sitrep.model.data.facts import Facts
from sitrep.model.data.wording import says
from sitrep.model.geo import place
from sitrep.model.loader import load

KINDS = ("quantities", "hedges", "claimants", "places", "headings")


@dataclass
class Recall:
    """Found and total per kind of row, and the rows missed (for the README and the test)."""

    found: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    missed: list[str] = field(default_factory=list)
    #: Proposed rows, those right, and those wrong (for precision).
    proposed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    wrong: list[str] = field(default_factory=list)

    def rate(self, kind: str) -> float:
        return self.found[kind] / self.total[kind] if self.total[kind] else float("nan")

    def precision(self, kind: str) -> float:
        return self.right[kind] / self.proposed[kind] if self.proposed[kind] else float("nan")

    def propose(self, kind: str, hit: bool, what: str) -> None:
        self.proposed[kind] += 1
        self.right[kind] += hit
        if not hit:
            self.wrong.append(f"{kind}: {what}")

    def count(self, kind: str, hit: bool, what: str) -> None:
        self.total[kind] += 1
        self.found[kind] += hit
        if not hit:
            self.missed.append(f"{kind}: {what}")

    def table(self) -> pd.DataFrame:
        return pd.DataFrame({"found": self.found, "total": self.total,
                             "recall": {k: round(self.rate(k), 3) for k in self.total},
                             "right": self.right, "proposed": self.proposed,
                             "precision": {k: round(self.precision(k), 3) for k in self.total}})


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
    _precision(facts, claims, figures, hedges, claimants, places, headings,
               set(curated["sentence"].astype(int)), recall)


def _precision(facts: Facts, claims: pd.DataFrame, figures: dict[int, set], hedges: dict,
               claimants: dict, places: dict, headings: set, curated_headings: set[int],
               recall: Recall) -> None:
    """Count each proposed row right when a curated claim citing its sentence has it."""
    held: dict[str, dict[int, list]] = {k: {} for k in KINDS}
    keys = {c: [] for c in claims["claim_id"]}
    for q in facts.quantities[facts.quantities["claim_id"].isin(keys)].itertuples(index=False):
        keys[q.claim_id].append(_quantity_key(q))
    for claim in claims.itertuples(index=False):
        for number in claim.sentences:
            held["quantities"].setdefault(number, []).extend(keys[claim.claim_id])
            held["hedges"].setdefault(number, []).extend(claim.hedge)
            held["claimants"].setdefault(number, []).extend(claim.claimants)
            held["places"].setdefault(number, []).extend(claim.places)
    for number, proposed in sorted(figures.items()):
        for key in proposed:
            recall.propose("quantities", key in held["quantities"].get(number, []),
                           f"sentence {number} {key}")
    for number, words in sorted(hedges.items()):
        for word in dict.fromkeys(words):
            recall.propose("hedges", any(says(word, h) for h in held["hedges"].get(number, [])),
                           f"sentence {number} {word!r}")
    for kind, proposed in (("claimants", claimants), ("places", places)):
        for number, ids in sorted(proposed.items()):
            for one in dict.fromkeys(ids):
                recall.propose(kind, one in held[kind].get(number, []),
                               f"sentence {number} {one}")
    for number in sorted(headings):
        recall.propose("headings", int(number) in curated_headings, f"sentence {number}")


def _quantity_key(q) -> tuple:
    def number(v) -> float | None:
        return None if v is None or pd.isna(v) else float(v)

    return (number(q.value), number(q.lower), number(q.upper), q.unit, q.qualifier)


#: What is scored on an annotated text (tests/data/draft_unseen): figures, places, claimants,
#: the kinds of the claimants found, the reference dates, headings.
ANNOTATED_KINDS = ("quantities", "places", "claimants", "actor_kinds", "dates", "headings")


def measure_annotated(text: str, expected: dict, layers) -> Recall:
    """Draft ``text`` and score it against an analyst's annotation (``expected``: per sentence,
    figures as [value, qualifier], places by name, claimants as [name, kind], refers_to)."""
    context = Context("unseen", "OUTLET", expected["published"], pd.DataFrame(
        columns=["actor_id", "name", "role"]), pd.DataFrame(
        columns=["place_id", "geonameid", "iso_3166_2", "geo_precision", "part"]), layers)
    drafted = draft_text(text, context)
    score = Recall(*(dict.fromkeys(ANNOTATED_KINDS, 0) for _ in range(2)), [],
                   *(dict.fromkeys(ANNOTATED_KINDS, 0) for _ in range(2)), [])
    claims = drafted.tables["claims"]
    actors = {a["actor_id"]: a for a in drafted.tables["actors"].to_dict("records")} \
        if len(drafted.tables["actors"]) else {}
    places = dict(zip(drafted.tables["places"].get("place_id", []),
                      drafted.tables["places"].get("name", []), strict=True))
    headings = set(drafted.tables["sentences"].query("role == 'heading'")["sentence"])
    quantities = drafted.tables["quantities"]
    for number, want in expected["sentences"].items():
        number = int(number)
        if want.get("heading"):
            score.count("headings", number in headings, f"sentence {number}")
            continue
        rows = claims[claims["sentences"] == number]
        ids = set(rows["claim_id"])
        got = {(float(q.value), q.qualifier) for q in quantities.itertuples(index=False)
               if q.claim_id in ids} if len(quantities) else set()
        _score_set(score, "quantities", number, {(float(v), q) for v, q in want["figures"]},
                   got)
        named = {places.get(p, p).lower() for cell in rows["places"] for p in
                 str(cell).split(";") if p}
        _score_set(score, "places", number, {p.lower() for p in want["places"]}, named)
        said = [actors[a] for cell in rows["claimants"] for a in str(cell).split(";")
                if a in actors]
        _score_claimants(score, number, want["claimants"], said)
        dates = set(rows["refers_to"])
        score.count("dates", want["refers_to"] in dates, f"sentence {number} {want['refers_to']}")
        for day in dates:
            score.propose("dates", day == want["refers_to"], f"sentence {number} {day}")
    for number in headings:
        score.propose("headings", expected["sentences"].get(str(number), {}).get("heading",
                                                                                 False),
                      f"sentence {number}")
    return score


def _score_set(score: Recall, kind: str, number: int, wanted: set, got: set) -> None:
    for item in wanted:
        score.count(kind, item in got, f"sentence {number} {item}")
    for item in got:
        score.propose(kind, item in wanted, f"sentence {number} {item}")


def _score_claimants(score: Recall, number: int, wanted: list, said: list[dict]) -> None:
    def same(name: str, actor: dict) -> bool:
        want, have = name_tokens(name), name_tokens(str(actor["name"]))
        return bool(want) and (want <= have or have <= want)

    for name, kind in wanted:
        match = next((a for a in said if same(name, a)), None)
        score.count("claimants", match is not None, f"sentence {number} {name}")
        if match is not None:
            score.count("actor_kinds", match["kind"] == kind,
                        f"sentence {number} {name}: {match['kind']} for {kind}")
            score.propose("actor_kinds", match["kind"] == kind, f"sentence {number} {name}")
    for actor in said:
        score.propose("claimants", any(same(name, actor) for name, _ in wanted),
                      f"sentence {number} {actor['name']}")
