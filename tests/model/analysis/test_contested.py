"""Claimed and assessed: who claims each figure, what the other side says, what the analyst
assesses. Each test is named after the failure it guards against; most read the fixture
``two_parties_contradict`` (a fictional war of two parties with every case), the rest every
shipped data set."""

from __future__ import annotations

import dataclasses
import random
import re

import numpy as np
import pandas as pd
import pytest

from sitrep import paths
from sitrep.model import load
from sitrep.model.analysis import contested, corroboration, quantity, reconcile, sides
from sitrep.model.analysis.grouping import Group
from sitrep.model.analysis.keyfigures import key_figures, key_lines
from sitrep.model.data.facts import Facts
from sitrep.views import summary

FIXTURE = paths.ROOT / "tests" / "data" / "two_parties_contradict"
SHIPPED = [paths.ROOT / "data", *sorted((paths.ROOT / "datasets").iterdir()),
           paths.ROOT / "tests" / "data" / "fictional", FIXTURE]


@pytest.fixture(scope="module")
def war() -> Facts:
    return load(FIXTURE)


def _lines(facts: Facts, measure: str) -> pd.DataFrame:
    table = quantity.figures(facts, kinds=None)
    found = key_lines(table, facts)
    return found[found["measure_id"].eq(measure)]


def _table(facts: Facts) -> pd.DataFrame:
    return summary.key_figures_table(summary.key_figures_rows(facts, facts))


def test_party_claim_is_never_an_unattributed_best_figure(war):
    rows = summary.key_figures_rows(war, war)
    aircraft = rows.set_index("measure_id").loc["aircraft_lost"]
    assert aircraft["contested"]
    lines = _lines(war, "aircraft_lost")
    who = lines["who"].tolist()
    # parties first, by name; then independents; then the analyst
    assert who[0].startswith("Castrovia (party)") and who[1].startswith("Veldoria (party)")
    assert who[2].startswith("independent") and who[3] == "the analyst's assessment"
    shown = _table(war)
    block = shown.iloc[:4]
    assert "denies Veldoria's claim [V1]" in block["Figure"].iloc[0]
    assert block["Figure"].str.contains(r"claims 5 aircraft \[V1\]").iloc[1]
    assert "Best figure" not in shown.columns
    # an uncontested measure keeps its best figure, with its claimant and side
    radar = shown[shown["Measure"].eq("Radar sites struck")].iloc[0]
    assert radar["Who says"] == "Veldorian defence ministry (Veldoria, party)"


@pytest.mark.parametrize("dataset", SHIPPED, ids=lambda p: p.name)
def test_every_key_figure_says_who_says_it(dataset):
    shown = _table(load(dataset))
    assert shown["Who says"].ne("").all(), dataset.name


def test_range_without_value_never_wins_by_row_order(war):
    table = quantity.figures(war, kinds=None)
    depots = table[table["measure_id"].eq("depots_hit")]
    for order in (depots, depots.iloc[::-1]):
        best = reconcile.lowest(Group.of(order))
        assert best["claim_id"] == "R2", "11 is lower than 35-40, whichever row comes first"
    # a range without a value is ordered by its lower bound, a bound alone by its number
    g = Group.of(depots)
    ids = g.cols["claim_id"]
    assert [ids[k] for k in reconcile.conservative_order(g)] == ["R2", "R1"]


def test_admission_without_number_reaches_its_measure(war):
    lines = _lines(war, "aircraft_lost")
    castrovia = lines[lines["claimant_side"].eq("castrovia")].iloc[0]
    assert "admits it, no number [C2]" in castrovia["figure"]
    assert "C2" in castrovia["claims"]


def test_nested_windows_are_compared(war):
    pairs = reconcile.pairs(quantity.figures(war, kinds=None))
    killed = pairs[pairs["measure_id"].eq("soldiers_killed")].iloc[0]
    assert killed["verdict"] == "disagree"
    assert "a window it contains" in killed["reading"]
    # a consistent pair of nested totals is no conflict
    aircraft = pairs[pairs["measure_id"].eq("aircraft_lost")]
    held = aircraft[{"C1", "M1"} == aircraft[["first", "second"]].apply(set, axis=1)]
    assert held["verdict"].str.startswith("not comparable").all()


def test_two_claimants_in_one_source_are_two_voices(war):
    rows = key_figures(quantity.figures(war, kinds=None), war).set_index("measure_id")
    drones = rows.loc["drones_launched"]
    assert drones["restated"] == "" and drones["disagreements"] == "C4 and V3"
    # one claimant stating it twice in one source is still flagged
    claims = war.claims.copy()
    twice = claims[claims["claim_id"].eq("V3")].assign(claim_id="V3b")
    quantities = war.quantities.copy()
    more = quantities[quantities["claim_id"].eq("V3")].assign(claim_id="V3b", value=12.0)
    again = dataclasses.replace(war, tables={**war.tables, "claims": pd.concat(
        [claims, twice], ignore_index=True), "quantities": pd.concat(
        [quantities, more], ignore_index=True)}, derived_cache={})
    rows = key_figures(quantity.figures(again, kinds=None), again).set_index("measure_id")
    assert rows.loc["drones_launched", "restated"] == "V3, V3b"


def test_update_supersedes_only_its_own_measures(war):
    table = quantity.figures(war, kinds=None)
    u1 = table[table["claim_id"].eq("U1")].set_index("measure_id")
    assert u1.loc["missiles_fired", "superseded_by"] == "U2"
    assert u1.loc["radar_sites", "superseded_by"] == ""
    rows = key_figures(table, war).set_index("measure_id")
    assert rows.loc["radar_sites", "firm_range"] == "2"
    assert rows.loc["missiles_fired", "claim_id"] == "U2"


def test_assessment_is_shown_apart_from_claims(war):
    table = quantity.figures(war, kinds=None)
    assert "A1" not in set(table["claim_id"]), "an assessment is never a figure"
    judged = contested.assessments(war).set_index("assessment_id").loc["A1"]
    assert judged["line"] == ("2–5 aircraft: likely, moderate confidence; rests on V1, C2, "
                              "M1")
    lines = _lines(war, "aircraft_lost")
    own = lines[lines["role"].eq("assessment")]
    assert own["who"].tolist() == ["the analyst's assessment"]
    voices = lines[lines["role"].eq("voice")]
    assert not voices["figure"].str.contains("likely").any()
    section = summary.assessments_table(war)
    assert section["Probability"].tolist() == ["likely"]
    assert section["Rests on"].tolist() == ["V1, C2, M1"]


def test_sides_derived_by_the_documented_rule(war):
    found = sides.of_actors(war).set_index("actor_id")
    assert found.loc["veldoria_mod", "side"] == "veldoria"  # officials of a party's state
    assert found.loc["castrovia_tv", "side"] == "castrovia"  # state media, stated
    assert found.loc["herald", "side"] == sides.INDEPENDENT  # a third party's outlet
    assert found.loc["monitor", "side"] == sides.INDEPENDENT  # an independent body
    assert found.loc["castrovia_tv", "side_basis"] == "stated"


# -- neither order nor names decide ---------------------------------------------------------

#: Tables whose row order is the analyst's order of presentation (README, "Sides"): kept.
ORDERED = {"takeaways", "measures"}


def _readings(facts: Facts) -> dict[str, pd.DataFrame]:
    table = quantity.figures(facts, kinds=None)
    keys = summary.key_figures_table(summary.key_figures_rows(facts, facts))
    return {"key figures": keys, "reconcile": reconcile.reconcile(table),
            "pairs": reconcile.pairs(table), "corroboration": corroboration.corroboration(table)}


def _shuffled(facts: Facts, seed: int) -> Facts:
    rng = np.random.default_rng(seed)
    tables = {name: (frame if name in ORDERED or len(frame) < 2 else
                     frame.iloc[rng.permutation(len(frame))].reset_index(drop=True))
              for name, frame in facts.tables.items()}
    return dataclasses.replace(facts, tables=tables, derived_cache={})


@pytest.mark.parametrize("dataset", SHIPPED, ids=lambda p: p.name)
def test_row_order_changes_nothing(dataset):
    facts = load(dataset)
    before = _readings(facts)
    for seed in (1, 2):
        after = _readings(_shuffled(facts, seed))
        for name, frame in before.items():
            pd.testing.assert_frame_equal(frame.reset_index(drop=True),
                                          after[name].reset_index(drop=True), obj=name)


def _renamed(facts: Facts, mapping: dict[str, str]) -> Facts:
    def one(value: object) -> object:
        return mapping.get(value, value) if isinstance(value, str) else value

    def many(value: object) -> object:
        return tuple(mapping.get(v, v) for v in value) if isinstance(value, tuple) else value

    columns = {"claims": ["claim_id"], "quantities": ["claim_id"], "positions": ["claim_id"],
               "stances": ["claim_id"], "relations": ["claim_id"], "updates": [
                   "claim_id", "updates"], "claim_relations": ["claim_id", "target"]}
    lists = {"takeaways": ["claims"], "derived": ["inputs"], "assessments": ["rests_on"]}
    tables = dict(facts.tables)
    for name, cols in columns.items():
        tables[name] = tables[name].assign(**{c: tables[name][c].map(one) for c in cols})
    for name, cols in lists.items():
        tables[name] = tables[name].assign(**{c: tables[name][c].map(many) for c in cols})
    return dataclasses.replace(facts, tables=tables, derived_cache={})


@pytest.mark.parametrize("dataset", SHIPPED, ids=lambda p: p.name)
def test_claim_ids_change_nothing(dataset):
    """Claim ids renamed consistently (shuffled among new names) give the same readings, read
    back through the renaming."""
    facts = load(dataset)
    ids = facts.claims["claim_id"].tolist()
    new = [f"Z{k:05d}" for k in range(len(ids))]
    random.Random(7).shuffle(new)
    forward = dict(zip(ids, new, strict=True))
    back = {v: k for k, v in forward.items()}
    pattern = re.compile(r"Z\d{5}")

    def read_back(value: object) -> object:
        if isinstance(value, str):
            return pattern.sub(lambda m: back.get(m.group(0), m.group(0)), value)
        if isinstance(value, tuple):
            return tuple(read_back(v) for v in value)
        return value

    before = _readings(facts)
    after = _readings(_renamed(facts, forward))
    for name, frame in before.items():
        restored = after[name].map(read_back)
        pd.testing.assert_frame_equal(frame.reset_index(drop=True),
                                      restored.reset_index(drop=True), obj=name)


@pytest.mark.parametrize("dataset", SHIPPED, ids=lambda p: p.name)
def test_body_ranks_cited_measures_first(dataset):
    """The measures the bottom line cites come first, then those the takeaways cite, then the
    contested and assessed ones, then the rest: the rank never goes back a tier."""
    facts = load(dataset)
    rows = summary.key_figures_rows(facts, facts)
    tiers = {"cited by the bottom line": 0, "cited by a takeaway": 1, "contested": 2,
             "assessed by the analyst": 2, "by the reporting it carries": 3}
    ranks = [tiers[r] for r in rows["rank_reason"]]
    assert ranks == sorted(ranks), dataset.name
    if len(facts.takeaways):
        assert ranks[0] <= 1, "a data set with takeaways opens with a measure they cite"


def test_body_shows_the_contested_measure_on_page_one(war):
    rows = summary.key_figures_rows(war, war)
    shown = rows.head(summary.body_count(rows))
    assert "aircraft_lost" in set(shown["measure_id"])
