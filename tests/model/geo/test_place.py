"""Places resolve to geometries at the source's precision; a place the map cannot draw is a
validation problem (rule ``place-geometry``), never a silently missing mark.

Rows are spreadsheet rows of the shipped places.csv (header = row 1): 2 kursk_oblast,
3 kursk_west, 4 kursk_ua_held, 5 eastern_ukraine, 6 kurakhove, 7 pokrovsk.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely
from shapely.geometry import Point

from sitrep import paths
from sitrep.model import Problem, check, load
from sitrep.model.geo import place


@pytest.fixture(scope="module")
def layers() -> place.Layers:
    return place.read_layers()


@pytest.fixture(scope="module")
def located(layers):
    return place.resolve(load().places, layers).set_index("place_id")


def key(problem: Problem) -> tuple:
    return (Path(problem.file).name, problem.row, problem.field, problem.rule)


# -- the shipped places --------------------------------------------------------------------------

@pytest.mark.parametrize(("place_id", "drawn_as", "precision", "approximate"), [
    ("kursk_oblast", "zone", 3, False),
    ("kursk_west", "zone", 2, True),
    ("kursk_ua_held", "zone", 2, True),
    ("eastern_ukraine", "zone", 3, True),
    ("kurakhove", "point", 1, False),
    ("pokrovsk", "point", 1, False),
])
def test_each_place_is_drawn_at_its_precision(located, place_id, drawn_as, precision,
                                              approximate):
    row = located.loc[place_id]
    assert (row["drawn_as"], row["precision"], row["approximate"]) == (
        drawn_as, precision, approximate)
    assert (row["geometry"].geom_type == "Point") == (precision == 1)


def test_only_towns_at_precision_1_are_points(located):
    for place_id, row in located.iterrows():
        assert (row["drawn_as"] == "point") == (row["precision"] == 1), place_id


def test_kursk_region_is_the_admin1_unit(located, layers):
    assert located.loc["kursk_oblast", "geometry"].equals(layers.unit("RU-KRS"))


def test_western_kursk_is_west_of_the_oblast_centroid(located, layers):
    oblast = layers.unit("RU-KRS")
    west = located.loc["kursk_west", "geometry"]
    centre = place.area_centroid(oblast)
    assert west.within(oblast.buffer(1e-9))
    assert west.bounds[2] <= centre.x + 1e-9
    # the whole western half, not a sliver: between 35 % and 65 % of the oblast's area
    assert 0.35 < west.area / oblast.area < 0.65


def test_ukrainian_held_areas_hug_the_sumy_border(located, layers):
    oblast, sumy = layers.unit("RU-KRS"), layers.unit("UA-59")
    held = located.loc["kursk_ua_held", "geometry"]
    border = oblast.boundary.intersection(sumy.boundary)
    assert held.within(oblast.buffer(1e-9))
    # every vertex within 30 km of the border, measured in metres (equal-area projection)
    there, _ = place._transformers(35.5, 51.3)
    border_m = place._project(border, there)
    farthest = max(Point(xy).distance(border_m)
                   for xy in shapely.get_coordinates(place._project(held, there)))
    assert 25_000 < farthest < 30_000 * 1.01
    assert held.area < oblast.area * 0.5


def test_eastern_ukraine_is_the_analysts_three_oblasts(located, layers):
    expected = shapely.union_all([layers.unit(c) for c in ("UA-14", "UA-09", "UA-63")])
    assert located.loc["eastern_ukraine", "geometry"].symmetric_difference(expected).area < 1e-9
    assert "UA-14, UA-09, UA-63" in located.loc["eastern_ukraine", "method"]


@pytest.mark.parametrize(("place_id", "geonameid"), [("kurakhove", 695357),
                                                     ("pokrovsk", 704422)])
def test_towns_come_from_the_gazetteer_and_lie_in_donetsk_oblast(located, layers, place_id,
                                                                 geonameid):
    point = located.loc[place_id, "geometry"]
    town = layers.town(geonameid)
    assert point.equals(town["geometry"])
    assert layers.unit("UA-14").contains(point)
    assert located.loc[place_id, "coordinates_from"] == "GeoNames"


def test_part_rules(layers):
    oblast = layers.unit("RU-KRS")
    east, _ = place._part(oblast, "east", layers)
    west, _ = place._part(oblast, "west", layers)
    north, _ = place._part(oblast, "north", layers)
    anywhere, how = place._part(oblast, "anywhere", layers)
    assert abs(east.area + west.area - oblast.area) < 1e-6
    assert north.bounds[1] >= place.area_centroid(oblast).y - 1e-9
    assert anywhere.equals(oblast) and "does not say where" in how
    with pytest.raises(place.PlaceError, match="does not border"):
        place._part(oblast, "near UA-14 30 km", layers)


def test_layers_are_read_once(layers):
    assert place.read_layers() is layers


# -- places the map cannot draw ------------------------------------------------------------------

def _case(id: str, mutate, *expected: tuple, value: str | None = None):
    return pytest.param(mutate, set(expected), value, id=id)


CASES = [
    _case("town_not_in_gazetteer",
          lambda d: d.set_cell("places", 6, "geonameid", "999999"),
          ("places.csv", 6, "geonameid", "place-geometry"), value="999999"),
    _case("town_name_in_no_gazetteer",  # no id, and no town of that name in its country
          lambda d: (d.set_cell("places", 6, "geonameid", ""),
                     d.set_cell("places", 6, "name", "Nowhereville")),
          ("places.csv", 6, "geonameid", "place-geometry")),
    _case("town_name_ambiguous",  # several towns of that name in the country: the id decides
          lambda d: (d.set_cell("places", 6, "geonameid", ""),
                     d.set_cell("places", 6, "name", "Oleksandrivka"),
                     d.set_cell("places", 6, "iso_3166_2", "")),
          ("places.csv", 6, "geonameid", "place-geometry")),
    _case("country_code_not_in_layers",
          lambda d: (d.set_cell("places", 2, "kind", "country"),
                     d.set_cell("places", 2, "iso_3166_2", "XX")),
          ("places.csv", 2, "iso_3166_2", "place-geometry"), value="XX"),
    _case("town_outside_its_region",
          lambda d: d.set_cell("places", 6, "iso_3166_2", "UA-63"),
          ("places.csv", 6, "iso_3166_2", "place-in-region"), value="UA-63"),
    _case("region_code_not_in_layers",  # its two parts are not reported again
          lambda d: d.set_cell("places", 2, "iso_3166_2", "RU-XXX"),
          ("places.csv", 2, "iso_3166_2", "place-geometry"), value="RU-XXX"),
    _case("region_without_code",
          lambda d: d.set_cell("places", 2, "iso_3166_2", ""),
          ("places.csv", 2, "iso_3166_2", "place-geometry")),
    _case("member_not_in_layers",
          lambda d: d.set_cell("places", 5, "members", "UA-14;UA-99"),
          ("places.csv", 5, "members", "place-geometry"), value="UA-99"),
    _case("country_part_without_rule",
          lambda d: d.set_cell("places", 5, "members", ""),
          ("places.csv", 5, "part", "place-geometry")),
    _case("region_part_without_rule",
          lambda d: d.set_cell("places", 3, "part", ""),
          ("places.csv", 3, "part", "place-geometry")),
    _case("part_without_parent",
          lambda d: d.set_cell("places", 3, "parent_id", ""),
          ("places.csv", 3, "parent_id", "place-geometry")),
    _case("part_near_a_unit_it_does_not_border",
          lambda d: d.set_cell("places", 4, "part", "near UA-14 30 km"),
          ("places.csv", 4, "part", "place-geometry"), value="near UA-14 30 km"),
    _case("part_rule_misspelt",  # the schema's pattern says it; no second problem
          lambda d: d.set_cell("places", 3, "part", "western"),
          ("places.csv", 3, "part", "pattern"), value="western"),
    _case("geonameid_not_a_number",  # the type problem only, not also 'no geometry'
          lambda d: d.set_cell("places", 6, "geonameid", "Kurakhove"),
          ("places.csv", 6, "geonameid", "type"), value="Kurakhove"),
]


@pytest.mark.parametrize(("mutate", "expected", "value"), CASES)
def test_place_without_geometry_is_a_problem(broken_dataset, mutate, expected, value):
    problems = check(broken_dataset(mutate))
    assert {key(p) for p in problems} == expected, "\n".join(map(str, problems))
    if value is not None:
        (problem,) = problems
        assert problem.value == value
    for problem in problems:
        assert problem.message


def test_anywhere_draws_the_whole_parent(broken_dataset):
    dataset = broken_dataset(lambda d: d.set_cell("places", 3, "part", "anywhere"))
    facts = load(dataset)
    drawn = place.resolve(facts.places).set_index("place_id")
    assert drawn.loc["kursk_west", "geometry"].equals(drawn.loc["kursk_oblast", "geometry"])
    assert drawn.loc["kursk_west", "approximate"]


def test_a_town_is_found_by_name_in_the_world_gazetteer(broken_dataset):
    """Without a GeoNames id, a town is the world gazetteer's one town of that name in the
    country its code names: no project data to edit."""
    facts = load(broken_dataset(lambda d: d.set_cell("places", 6, "geonameid", "")))
    drawn = place.resolve(facts.places).set_index("place_id")
    kurakhove = drawn.loc["kurakhove"]
    assert kurakhove["coordinates_from"] == "GeoNames" and "695357" in kurakhove["method"]


def test_a_dataset_may_bring_its_own_layers(broken_dataset):
    """A data set's own geo/ folder replaces the shipped layers; a broken one is reported."""
    def own_layers(d) -> None:
        (d.root / "geo").mkdir()
        name = place.ADMIN0 + ".gz"
        (d.root / "geo" / name).write_bytes((paths.GEO / name).read_bytes())

    problems = check(broken_dataset(own_layers))
    assert [p.rule for p in problems] == ["geo-file"]
    assert "admin1" in problems[0].file and problems[0].row is None
