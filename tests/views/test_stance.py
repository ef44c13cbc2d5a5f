"""Stances and relations: every stance and exchange of the seed is in the views, each traced to
its claim with its verbatim quote, hedge and who said it; the diagram's labels do not collide;
untrusted text stays text."""

from __future__ import annotations

import io
import itertools
import math
import random
import re

import matplotlib as mpl
import pandas as pd
import pytest
from conftest import overlapping_labels

from sitrep.model import load
from sitrep.pipeline import parameters
from sitrep.views import display, stance


@pytest.fixture(scope="module")
def facts():
    return load()


@pytest.fixture(scope="module")
def tidy(facts):
    return stance.stances(facts)


@pytest.fixture(scope="module")
def links(facts):
    return stance.relations(facts)


# -- stances -----------------------------------------------------------------------------------

#: The seed's stances: (issue label, actor, stance, claim, hedge).
SEED_STANCES = [
    ("Ending the war in Ukraine quickly", "Donald Trump", "supports", "C19", ""),
    ("Russia keeping occupied Ukrainian territory", "JD Vance", "supports", "C22", "suggested"),
    ("Reducing U.S. commitments abroad", "Trump's campaign", "supports", "C21", ""),
    ("North Korean troops for Russia, in return for missile technology and diplomatic backing",
     "North Korea", "seeks", "C26", "reportedly"),
    ("Defending Kurakhove and Pokrovsk", "Volodymyr Zelensky", "supports", "C23", ""),
    ("Retaking the Ukrainian-held part of the Kursk region", "Russia", "seeks", "C02", ""),
]


@pytest.mark.parametrize(("issue", "actor", "word", "claim_id", "hedge"), SEED_STANCES)
def test_each_seed_stance_is_a_cell_with_its_note(tidy, issue, actor, word, claim_id, hedge):
    table = stance.stance_table(tidy).set_index("Issue")
    (row,) = tidy[(tidy["issue"] == issue) & (tidy["actor"] == actor)].itertuples()
    assert table.loc[issue, actor] == f"{word} [{row.note}]"
    assert (row.stance, row.claim_id, row.hedge) == (word, claim_id, hedge)
    text, detail = stance.stance_notes(tidy)[row.note - 1]
    assert text.startswith(f"{claim_id}: {actor} {word}")
    assert row.quote and f"\u201c{row.quote}\u201d" in text
    assert f"Hedge: {hedge or 'none'}." in detail
    assert f"Said by: {row.said_by}." in detail


def test_every_stance_of_the_data_set_is_shown_once(facts, tidy):
    assert len(tidy) == len(facts.stances)
    assert list(tidy["note"]) == list(range(1, len(tidy) + 1))
    cells = " ".join(stance.stance_table(tidy).iloc[:, 1:].to_numpy().ravel())
    assert sorted(int(n) for n in re.findall(r"\[(\d+)\]", cells)) == list(tidy["note"])


def test_stance_matrix_is_actors_by_issues(facts, tidy):
    table = stance.stance_table(tidy)
    assert list(table["Issue"]) == list(facts.issues["label"])   # the data set's issue order
    assert set(table.columns[1:]) == set(tidy["actor"])


def test_actors_parameter_filters_stances(facts):
    only = stance.stances(facts, parameters.check("actors", "trump, vance"))
    assert set(only["actor_id"]) == {"trump", "vance"}
    assert list(only["note"]) == [1, 2]


def test_no_stances_is_an_empty_table(facts):
    tidy = stance.stances(facts.until("2024-11-01"))
    assert tidy.empty and stance.stance_table(tidy).empty
    assert stance.stance_notes(tidy) == []


# -- relations -----------------------------------------------------------------------------------

#: Who gives what to whom in the seed: (from, relation word, to, items, claim, hedge).
SEED_RELATIONS = [
    ("Russia", "gives", "North Korean forces", "Russian uniforms, equipment", "C11",
     "Sources indicate"),
    ("Russia", "gives", "North Korean forces",
     "sniper rifles, anti-tank missiles, grenade launchers", "C13", ""),
    ("North Korean forces", "joins", "Russian forces", "troops", "C09", "estimated"),
    ("North Korea", "gives", "Russia", "military support", "C26", "reportedly"),
    ("North Korea", "seeks from", "Russia", "missile technology, diplomatic backing", "C26",
     "reportedly"),
]


@pytest.mark.parametrize(("giver", "word", "taker", "items", "claim_id", "hedge"),
                         SEED_RELATIONS)
def test_each_seed_exchange_is_a_row_with_its_quote(facts, links, giver, word, taker, items,
                                                    claim_id, hedge):
    table = stance.relations_table(links)
    rows = table[(table["From"] == giver) & (table["Relation"] == word)
                 & (table["To"] == taker) & (table["Claim"] == claim_id)]
    assert len(rows) == 1
    row = rows.iloc[0]
    assert row["What"].startswith(items)
    assert row["Hedge"] == hedge
    quote = facts.claims.set_index("claim_id").loc[claim_id, "quote"]
    assert row["Quote (verbatim)"] == quote


def test_every_relation_item_is_shown(facts, links):
    table = stance.relations_table(links)
    shown = " ".join(table["What"])
    for item in facts.relations["item"]:
        assert item in shown


def test_relations_diagram_shows_every_exchange_without_collisions(facts, links):
    figure, placed = stance.relations_diagram(links, facts)
    assert overlapping_labels(placed) == []
    assert (placed["overlap"] == 0).all()
    buffer = io.BytesIO()
    with mpl.rc_context({"svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg")
    text = " ".join(re.findall(r"<text[^>]*>(.*?)</text>", buffer.getvalue().decode(), re.S))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text))
    for claim_id in links["claim_id"].unique():
        assert claim_id in text
    for item in links["item"]:
        assert all(word in text for word in item.split()), item
    for name in ("Russia", "North Korea", "Russian forces", "North Korean forces"):
        assert name in text
    assert "sought by North Korea" in text and "reportedly" in text


def test_relations_filtered_by_actor(facts):
    only = stance.relations(facts, parameters.check("actors", "north_korea"))
    assert set(only["claim_id"]) == {"C26"}


def test_no_relations_draws_a_sentence(facts):
    empty = stance.relations(facts.until("2024-11-01"))
    figure, _ = stance.relations_diagram(empty, facts)
    assert figure.get_figheight() < 1


# -- untrusted text --------------------------------------------------------------------------------

def test_untrusted_text_is_escaped_in_the_views(broken_dataset):
    dataset = broken_dataset(lambda d: d.set_cell("actors", 14, "name", "<b>Trump</b> $x$"))
    facts = load(dataset)
    tidy = stance.stances(facts)
    html = display.table(stance.stance_table(tidy)).data
    assert "&lt;b&gt;Trump&lt;/b&gt; $x$" in html and "<b>Trump" not in html
    notes = display.items(stance.stance_notes(tidy), ordered=True).data
    assert "&lt;b&gt;Trump&lt;/b&gt;" in notes and "<b>Trump" not in notes


# -- a claim whose source's text is not held ------------------------------------------------


@pytest.fixture(scope="module")
def drc():
    from sitrep import paths

    return load(paths.ROOT / "datasets" / "eastern-drc-2024-2025")


def test_text_not_held_shows_the_analysts_paraphrase_in_notes_and_relations(drc):
    """A stance or relation from a source without text reads the analyst's statement, marked
    as a paraphrase, never a bare '(text not held)'."""
    statements = drc.claims.set_index("claim_id")["statement"]
    notes = stance.stance_notes(stance.stances(drc))
    assert notes
    for (text, _), claim_id in zip(notes, stance.stances(drc)["claim_id"], strict=True):
        assert f"(text not held) paraphrase: {statements[claim_id]}" in text
    table = stance.relations_table(stance.relations(drc))
    assert not table.empty
    for _, row in table.iterrows():
        assert row["Quote (verbatim)"] == f"(text not held) paraphrase: {statements[row['Claim']]}"


# -- the relations as a network --------------------------------------------------------------------

def _random_relations(n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` actors (of two countries) and random relations among them, some both ways."""
    rng = random.Random(seed)
    ids = [f"a{i}" for i in range(n)]
    actors = pd.DataFrame({"actor_id": ids, "name": [f"Actor {i}" for i in range(n)],
                           "kind": "state", "country": [("RU", "KP")[i % 2] for i in range(n)]})
    rows = []
    for k in range(rng.randint(n, 3 * n)):
        giver, taker = rng.sample(ids, 2)
        relation = rng.choice(["provides", "seeks", "joins"])
        rows.append({"claim_id": f"C{k}", "from_id": giver, "from": giver, "relation": relation,
                     "to_id": taker, "to": taker, "item": "things"})
        if rng.random() < 0.3:  # the other way too
            rows.append({**rows[-1], "claim_id": f"C{k}b", "from_id": taker, "to_id": giver})
    return pd.DataFrame(rows), actors


def _distance(c, p, q) -> float:
    (cx, cy), (px, py), (qx, qy) = c, p, q
    dx, dy = qx - px, qy - py
    t = max(0.0, min(1.0, ((cx - px) * dx + (cy - py) * dy) / (dx * dx + dy * dy)))
    return math.hypot(cx - px - t * dx, cy - py - t * dy)


@pytest.mark.parametrize("n", range(3, 16))
def test_relations_edge_never_crosses_a_node(n):
    for seed in range(5):
        tidy, actors = _random_relations(n, seed)
        plan = stance.relations_plan(tidy, actors)
        drawn = set(tidy["from_id"]) | set(tidy["to_id"])
        if len(drawn) > stance.MAX_NETWORK:
            assert plan.kind == "matrix" and plan.edges.empty
            matrix = stance.relations_matrix(tidy)
            assert len(matrix) and matrix.shape[1] > 1
            continue
        assert plan.kind == "network" and set(plan.nodes["actor_id"]) == drawn
        width, height = plan.size
        nodes = plan.nodes.set_index("actor_id")
        assert ((nodes["x"] > 0) & (nodes["x"] < width) & (nodes["y"] > 0)
                & (nodes["y"] < height)).all()
        assert len(plan.edges) == len({(s, t, r) for s, t, r in zip(
            plan.edges["source"], plan.edges["target"], plan.edges["relation"], strict=True)})
        for edge in plan.edges.itertuples(index=False):
            points = edge.points
            assert points[0] == tuple(nodes.loc[edge.source, ["x", "y"]])
            assert points[-1] == tuple(nodes.loc[edge.target, ["x", "y"]])
            for actor, node in nodes.iterrows():
                if actor in (edge.source, edge.target):
                    continue
                closest = min(_distance((node["x"], node["y"]), p, q)
                              for p, q in itertools.pairwise(points))
                assert closest > node["radius"], (n, seed, edge.source, edge.target, actor)
        # Two arrows of one pair never share a path.
        lines = [frozenset((round(x, 6), round(y, 6)) for x, y in e) for e in plan.edges["points"]]
        assert len(set(lines)) == len(lines)


def test_a_dozen_actors_are_a_readable_network(facts):
    tidy, actors = _random_relations(12, 1)
    plan = stance.relations_plan(tidy, actors)
    nodes = plan.nodes[["x", "y"]].to_numpy()
    gaps = [math.dist(a, b) for a, b in itertools.combinations(nodes, 2)]
    assert min(gaps) > 6 * stance.NODE  # the discs and their names stand apart
