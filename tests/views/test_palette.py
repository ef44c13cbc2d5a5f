"""Actor colours that mean something and never drift (issue 19, item 4): every colour an actor
can get keeps 3:1 against what it is drawn on (WCAG relative luminance, computed here), actors
differ by more than hue, the look is fixed by the data set (the same on the map, the relations
diagram and every re-render), and an analyst's own colour is checked."""

from __future__ import annotations

import matplotlib.colors
import matplotlib.patches
import pandas as pd
import pytest

from sitrep.model.data.problems import ERROR
from sitrep.model.loader import check, load
from sitrep.model.rules import colours as rule
from sitrep.views import maps, stance, style
from sitrep.views.maps import zones

#: What actors' marks are drawn on: the page and boxes (white), and the map's land tones.
BACKGROUNDS = ["#ffffff", *zones.LAND_TONES, zones.LAND_OTHER]
PALETTE = sorted({*style.PARTY_COLOURS, *style.THIRD_COLOURS,
                  *style.COUNTRY_COLOURS.values(), style.NEUTRAL})
#: The charts' inks, drawn on white only.
CHART_INKS = [style.INK, style.PART, style.DERIVED, style.MUTED]


@pytest.mark.parametrize(("colour", "expected"), [
    ("#ffffff", 1.0), ("#000000", 0.0), ("#808080", 0.2158605)])
def test_relative_luminance_is_wcags(colour, expected):
    assert rule.relative_luminance(colour) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(("a", "b", "ratio"), [
    ("#000000", "#ffffff", 21.0), ("#767676", "#ffffff", 4.54), ("#f0a202", "#ffffff", 2.13)])
def test_contrast_ratio_is_wcags(a, b, ratio):
    assert rule.contrast(a, b) == pytest.approx(ratio, abs=0.01)


@pytest.mark.parametrize("background", BACKGROUNDS)
@pytest.mark.parametrize("colour", PALETTE)
def test_every_actor_colour_keeps_3_to_1(colour, background):
    assert rule.contrast(colour, background) >= 3.0, (colour, background)


@pytest.mark.parametrize("colour", CHART_INKS)
def test_every_chart_ink_keeps_3_to_1_on_white(colour):
    assert rule.contrast(colour) >= 3.0, colour


def _actors(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame([{"actor_id": a, "name": a, "kind": k, "country": c, "party": p,
                          "colour": ""} for a, k, c, p in rows])


EIGHT_PARTIES = _actors([(f"army{i}", "state_forces", f"Q{chr(65 + i)}", "party")
                         for i in range(8)])


def test_eight_parties_differ_by_colour_and_pattern():
    looks = style.actor_looks(EIGHT_PARTIES)
    assert len({look.colour for look in looks.values()}) == 8
    assert len({look.pattern for look in looks.values()}) == 8


def test_parties_saturated_third_parties_quieter():
    actors = _actors([("army", "state_forces", "AA", ""), ("paper", "news_outlet", "AA", "party"),
                      ("ngo", "organisation", "", "third_party"),
                      ("rebels", "organisation", "", "party")])
    looks = style.actor_looks(actors)
    assert looks["army"].party and looks["rebels"].party
    assert not looks["paper"].party and not looks["ngo"].party
    assert looks["army"].colour in style.PARTY_COLOURS
    assert looks["rebels"].colour in style.PARTY_COLOURS
    assert {looks["paper"].colour, looks["ngo"].colour} <= set(style.THIRD_COLOURS)


def test_look_does_not_depend_on_which_actors_a_view_shows():
    facts = load("datasets/eastern-drc-2024-2025")
    full = style.actor_colours(facts.actors, list(facts.actors["actor_id"]))
    few = style.actor_colours(facts.actors, ["m23", "rdf"])
    backwards = style.actor_colours(facts.actors, list(facts.actors["actor_id"])[::-1])
    assert few == {a: full[a] for a in ("m23", "rdf")}
    assert backwards == full
    assert len({full["fardc"], full["m23"], full["rdf"]}) == 3


def test_analysts_colour_is_used(broken_dataset):
    dataset = broken_dataset(lambda d: (
                                        d.set_cell("actors", 3, "colour", "#005f5f")))
    facts = load(dataset)
    assert style.actor_looks(facts.actors)["russian_forces"].colour == "#005f5f"


@pytest.mark.parametrize(("colour", "rule_broken"), [
    ("#f0a202", rule.RULE),      # North Korea's old amber: 2.1:1
    ("amber", "pattern"),
])
def test_bad_actor_colour_is_refused(broken_dataset, colour, rule_broken):
    dataset = broken_dataset(lambda d: (
                                        d.set_cell("actors", 4, "colour", colour)))
    found = [(p.file.split("/")[-1], p.row, p.field, p.rule) for p in check(dataset)
             if p.severity == ERROR]
    assert ("actors.csv", 4, "colour", rule_broken) in found


def _diagram_colours(facts) -> dict[str, str]:
    """The colour of each actor's disc in the relations diagram as drawn (labelled with its
    actor id)."""
    fig, _ = stance.relations_diagram(stance.relations(facts), facts)
    return {artist.get_label(): matplotlib.colors.to_hex(artist.get_facecolor()[:3])
            for artist in fig.artists if isinstance(artist, matplotlib.patches.Circle)}


@pytest.mark.slow
@pytest.mark.parametrize("dataset", [None, "datasets/eastern-drc-2024-2025"])
def test_colours_identical_across_renders_and_across_map_and_diagram(dataset):
    facts = load(dataset)
    first, second = maps.position_map(facts), maps.position_map(facts)
    a, b = (m.symbols[m.symbols["actor_id"].ne("")].drop_duplicates("actor_id")
            .set_index("actor_id") for m in (first, second))
    assert a[["colour", "pattern"]].equals(b[["colour", "pattern"]])
    diagram = _diagram_colours(facts)
    assert diagram, "the relations diagram drew no actor"
    both = set(diagram) & set(a.index)
    assert both, "no actor is both on the map and in the diagram"
    assert {x: diagram[x] for x in both} == {x: a.loc[x, "colour"] for x in both}
    for actor_id in list(a.index)[:2]:  # a map of one actor alone draws it alike
        alone = maps.position_map(facts, actors=[actor_id]).symbols
        assert set(alone.loc[alone["actor_id"] == actor_id, "colour"]) == {a.loc[actor_id,
                                                                                 "colour"]}


SHIPPED = [None, "datasets/eastern-drc-2024-2025", "datasets/red-sea-2023-2024",
           "datasets/kursk-2024-sources", "tests/data/fictional"]


def test_two_actors_never_share_a_look(tmp_path):
    from sitrep.authoring import synthetic

    one_country = load(synthetic.generate(tmp_path / "one-country", 60, actors=12,
                                          country="RU"), cache=False)
    for facts in [*map(load, SHIPPED), one_country]:
        looks = style.actor_looks(facts.actors)
        assert set(looks) == set(facts.actors["actor_id"])
        pairs = [(look.colour, look.pattern) for look in looks.values()]
        assert len(set(pairs)) == len(pairs), facts.actors["actor_id"].head(3).tolist()
        assert all(rule.contrast(look.colour) >= 3.0 for look in looks.values())
    # Actors of one country share its hue family: Russia's red, lighter or darker.
    russian = [looks[a] for a in one_country.actors["actor_id"] if a.startswith("actor")]
    assert len(russian) == 12 and russian[0].colour == style.COUNTRY_COLOURS["RU"]
    for look in russian:
        red, green, blue = (int(look.colour[i:i + 2], 16) for i in (1, 3, 5))
        assert red > 2 * max(green, blue), look.colour


def test_a_navy_and_its_coast_guard_differ():
    actors = _actors([("navy", "state_forces", "CN", "party"),
                      ("coast_guard", "state_forces", "CN", "party"),
                      ("ministry", "state", "CN", "party")])
    looks = style.actor_looks(actors)
    assert len({(look.colour, look.pattern) for look in looks.values()}) == 3
    assert len({look.colour for look in looks.values()}) == 3  # shades of one hue
