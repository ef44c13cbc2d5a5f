"""A data set's own geo/areas.geojson: sea and air areas, straits, islands and points that the
analyst draws. Checked like any untrusted file (so a file that checks clean always draws), drawn
at sea only (land cut out), and credited to the analyst, never to Natural Earth or GeoNames.

The mutations edit a copy of the shipped seed data set: row 7 of places.csv (pokrovsk, named by
claims C23 and C24) becomes the analyst's place.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import box, mapping

from sitrep import paths
from sitrep.model import check, load
from sitrep.model.geo import areas, place, water
from sitrep.views import maps

#: A box over the Sea of Azov that also covers the land around it (Ukraine and Russia).
AZOV = box(35.0, 45.6, 39.2, 47.4)
SOURCE = "Sea of Azov outline traced by hand from the boundary layers' coast"


def _feature(id: str = "pokrovsk", kind: str = "sea_area", geometry=AZOV, **extra) -> dict:
    props = {"id": id, "name": "Sea of Azov", "kind": kind, "source": SOURCE, **extra}
    return {"type": "Feature", "properties": props,
            "geometry": geometry if isinstance(geometry, dict) else mapping(geometry)}


def _collection(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def own_areas(data: object, kind: str = "sea_area", precision: str = "2", raw: str = ""):
    """The seed with pokrovsk as the analyst's ``kind`` and ``data`` as geo/areas.geojson."""
    def mutate(d) -> None:
        (d.root / "geo").mkdir(exist_ok=True)
        text = raw or json.dumps(data)
        (d.root / "geo" / areas.AREAS).write_text(text, encoding="utf-8")
        for column, value in (("kind", kind), ("geo_precision", precision), ("geonameid", ""),
                              ("iso_3166_2", ""), ("name", "Sea of Azov")):
            d.set_cell("places", 7, column, value)
    return mutate


def land_near(geometry) -> shapely.Geometry:
    a0 = place.read_layers().admin0
    return shapely.union_all([g for g in a0.geometry if g.intersects(geometry)])


# -- drawn at sea ------------------------------------------------------------------------------

def test_zone_at_sea_drawn_at_sea(broken_dataset):
    """The analyst's box covers land; the map plan's hatched zone does not (beyond the
    map's simplification), and the key and credit say the land was cut out."""
    facts = load(broken_dataset(own_areas(_collection(_feature()))))
    assert AZOV.intersection(land_near(AZOV)).area > 1.0  # the drawing does cover land
    drawn = maps.position_map(facts)
    zone = drawn.zones.set_index("place_id").loc["pokrovsk"]
    assert zone["drawn_as"] == "zone" and zone["style"].startswith("hatched")
    on_land = zone["geometry"].intersection(land_near(zone["geometry"])).area
    assert zone["geometry"].area > 1.0
    assert on_land < 0.002 * zone["geometry"].area, on_land
    mark = drawn.marks[drawn.marks["place_id"] == "pokrovsk"].iloc[0]
    assert "land cut out" in mark["method"]
    assert f"Sea of Azov: drawn by the analyst: {SOURCE} (drawn at sea only: land cut out)." \
        in drawn.credit
    texts = [t.get_text() for legend in drawn.figure.legends for t in legend.get_texts()]
    assert any("at sea only" in t and "land cut out" in t for t in texts), texts


def test_an_area_wholly_on_land_is_a_problem(broken_dataset):
    inland = box(36.0, 48.5, 37.0, 49.5)  # Donetsk and Kharkiv oblasts
    problems = check(broken_dataset(own_areas(_collection(_feature(geometry=inland)))))
    assert [(Path(p.file).name, p.row, p.rule) for p in problems] == \
        [("places.csv", 7, "place-geometry")]
    assert "wholly on land" in problems[0].message


def test_lakes_are_drawn_as_water():
    """Goma sits on Lake Kivu: the DR Congo map paints the lake and credits it."""
    facts = load(paths.ROOT / "datasets" / "eastern-drc-2024-2025")
    drawn = maps.position_map(facts)
    in_view = water.lakes_in(shapely.box(*drawn.extent))
    assert "ne10m-lakes-0502" in set(in_view["lake_code"])
    assert water.CREDIT in drawn.credit
    seas = [c for c in drawn.figure.axes[0].collections
            if len(c.get_facecolors()) and (c.get_facecolors()[:, :3] * 255).round().tolist()
            [0] == [0xdd, 0xe8, 0xf0]]
    assert seas, "no lake painted in the sea's colour"


# -- credited to the analyst -------------------------------------------------------------------

def test_own_geo_credited_to_analyst(broken_dataset):
    """The analyst's point (geo/areas.geojson) and the analyst's own gazetteer row (found by
    name, no GeoNames id) are credited to the analyst and their source, never to Natural Earth
    or GeoNames, and no GeoNames id is invented for them."""
    point = {"type": "Point", "coordinates": [37.55, 47.1]}

    def mutate(d) -> None:
        own_areas(_collection(_feature(kind="point", geometry=point)), "point", "1")(d)
        (d.root / "geo" / place.GAZETTEER).write_text(
            "name,lat,lon,iso_3166_2,geonameid,source\n"
            "Kurakhove,47.98,37.28,UA-14,,the analyst's reading of a 2024 road map\n",
            encoding="utf-8")
        d.set_cell("places", 6, "geonameid", "")

    facts = load(broken_dataset(mutate))
    assert check(facts.dataset) == []
    drawn = maps.position_map(facts)
    by_place = drawn.marks.drop_duplicates("place_id").set_index("place_id")
    for place_id, source in (("pokrovsk", SOURCE),
                             ("kurakhove", "the analyst's reading of a 2024 road map")):
        assert by_place.loc[place_id, "drawn_as"] == "point"
        assert by_place.loc[place_id, "method"] == f"drawn by the analyst: {source}"
        assert "geonameid" not in by_place.loc[place_id, "method"]
    credit = drawn.credit
    assert f"Sea of Azov: drawn by the analyst: {SOURCE}." in credit
    assert "Kurakhove: drawn by the analyst: the analyst's reading" in credit
    assert "Natural Earth." not in credit.split("simplified.", 1)[1].split("Lakes")[0]
    assert "Kurakhove" not in credit.split("GeoNames")[0].split("simplified.")[1]
    assert "Town coordinates for Kurakhove" not in credit
    resolved = place.resolve(facts.places, place.read_layers(facts.dataset / "geo"))
    assert set(resolved.set_index("place_id").loc[["pokrovsk", "kurakhove"],
                                                  "coordinates_from"]) == {"the analyst"}


def test_own_layers_without_country_properties_still_draw(broken_dataset):
    """A data set's own admin-1 layer that gives only the properties the check requires
    (no country, ne_admin or name) draws, and only units of the explicit list are hatched as
    occupied (never a unit whose names merely differ)."""
    def mutate(d) -> None:
        (d.root / "geo").mkdir()
        for name in (place.ADMIN0, place.ADMIN1):
            data = json.loads(gzip.decompress((paths.GEO / f"{name}.gz").read_bytes()))
            for feature in data["features"]:
                if name == place.ADMIN1:
                    for key in ("country", "ne_admin", "name"):
                        feature["properties"].pop(key, None)
            (d.root / "geo" / name).write_text(json.dumps(data), encoding="utf-8")

    facts = load(broken_dataset(mutate))
    assert check(facts.dataset) == []
    drawn = maps.position_map(facts)
    from sitrep.views.maps import zones

    assert {code for code, *_ in drawn.occupied} <= set(zones.OCCUPIED_UNITS)
    assert set(drawn.zones["place_id"]) >= {"kursk_oblast", "pokrovsk"}


# -- a hostile own areas file ------------------------------------------------------------------

BOWTIE = {"type": "Polygon", "coordinates": [[[35, 45.6], [39, 47.4], [39, 45.6], [35, 47.4],
                                              [35, 45.6]]]}
MANY = shapely.segmentize(AZOV, 0.0001)  # about 100,000 vertices


@pytest.mark.parametrize(("data", "message"), [
    pytest.param(None, "not valid JSON", id="not_json"),
    pytest.param([1, 2], "FeatureCollection", id="a_list"),
    pytest.param(_collection({"type": "Feature", "properties": {}, "geometry": None}),
                 "'geometry' object", id="no_geometry"),
    pytest.param(_collection(_feature(source="")), "'source' as text", id="no_source"),
    pytest.param(_collection(_feature(name=7)), "'name' as text", id="name_a_number"),
    pytest.param(_collection(_feature(kind="ocean")), "must be one of", id="unknown_kind"),
    pytest.param(_collection(_feature(id="../x")), "id must be a place_id", id="bad_id"),
    pytest.param(_collection(_feature(geometry={"type": "Point", "coordinates": [36, 46]})),
                 "a sea_area must be a Polygon or MultiPolygon", id="sea_area_a_point"),
    pytest.param(_collection(_feature(geometry=BOWTIE)), "not a valid Polygon",
                 id="self_intersecting"),
    pytest.param(_collection(_feature(geometry=box(170, 45, 190, 47))), "off the globe",
                 id="off_the_globe"),
    pytest.param(_collection(_feature(geometry={"type": "Polygon", "coordinates": [[["a", 1]]]})),
                 "malformed coordinates", id="malformed"),
    pytest.param(_collection(_feature(geometry={"type": "Polygon", "coordinates": [
        [[35, 45], [36, 45], [36, 45], [35, 45]]]})), "not a valid Polygon", id="no_area"),
    pytest.param(_collection(_feature(), _feature()), "used twice", id="duplicate_id"),
    pytest.param(_collection(_feature(name="Azov\u202esea")), "control or bidirectional",
                 id="bidi_in_name"),
    pytest.param(_collection(_feature(geometry=MANY)), "more than 50,000 vertices",
                 id="over_the_vertex_budget"),
])
def test_hostile_areas_file_is_one_problem(broken_dataset, data, message):
    raw = "{not json" if data is None else ""
    problems = check(broken_dataset(own_areas(data, raw=raw)))
    assert [(Path(p.file).name, p.rule) for p in problems] == [(areas.AREAS, "geo-file")]
    assert message in problems[0].message, problems[0].message


def test_nan_coordinate_is_refused(broken_dataset):
    raw = json.dumps(_collection(_feature(geometry={"type": "Polygon", "coordinates": [
        [[35, 45.6], [39, 45.6], [39, float("nan")], [35, 45.6]]]})))
    problems = check(broken_dataset(own_areas(None, raw=raw)))
    assert [p.rule for p in problems] == ["geo-file"]
    assert "not a finite number" in problems[0].message


@pytest.mark.parametrize(("data", "kind", "precision", "field", "rule", "words"), [
    pytest.param(_collection(), "sea_area", "2", "place_id", "place-geometry",
                 "geo/areas.geojson", id="no_feature_for_the_place"),
    pytest.param(_collection(_feature(kind="strait")), "sea_area", "2", "kind",
                 "place-geometry", "is a strait, not a sea_area", id="kind_disagrees"),
    pytest.param(_collection(_feature()), "drill_zone", "3", "geo_precision",
                 "precision-of-kind", "drill_zone 2", id="precision_of_kind"),
])
def test_place_and_areas_file_disagree(broken_dataset, data, kind, precision, field, rule,
                                       words):
    problems = check(broken_dataset(own_areas(data, kind, precision)))
    assert [(Path(p.file).name, p.row, p.field, p.rule) for p in problems] == \
        [("places.csv", 7, field, rule)]
    assert words in problems[0].message


def test_clean_areas_always_draw(broken_dataset):
    """Every kind the file allows, checked clean, draws on the map."""
    island = box(36.9, 46.0, 37.1, 46.1)
    for kind, geometry, precision in (("strait", AZOV, "3"), ("air_zone", AZOV, "2"),
                                      ("drill_zone", AZOV, "2"), ("island", island, "1"),
                                      ("point", {"type": "Point", "coordinates": [37, 46.5]},
                                       "2")):
        facts = load(broken_dataset(own_areas(_collection(_feature(kind=kind,
                                                                     geometry=geometry)),
                                              kind, precision)))
        assert check(facts.dataset) == [], kind
        drawn = maps.position_map(facts)
        assert "pokrovsk" in set(drawn.zones["place_id"]), kind
        assert isinstance(drawn.zones, gpd.GeoDataFrame)


# -- the shipped maritime data set ---------------------------------------------------------------

RED_SEA = paths.ROOT / "datasets" / "red-sea-2023-2024"


@pytest.fixture(scope="module")
def red_sea_map():
    return maps.position_map(load(RED_SEA))


def test_red_sea_checks_clean():
    assert check(RED_SEA) == []


@pytest.mark.parametrize("place_id", ["red_sea", "southern_red_sea", "gulf_of_aden",
                                      "bab_el_mandeb", "off_hodeidah", "off_aden"])
def test_red_sea_areas_drawn_at_sea_and_credited(red_sea_map, place_id):
    zones = red_sea_map.zones.set_index("place_id")
    zone = zones.loc[place_id, "geometry"]
    assert zone.intersection(land_near(zone)).area < 0.002 * zone.area
    mark = red_sea_map.marks[red_sea_map.marks["place_id"] == place_id].iloc[0]
    feature = place.read_layers(RED_SEA / "geo").areas.loc[place_id]
    assert f"drawn by the analyst: {feature['source']}" in red_sea_map.credit
    assert mark["method"].startswith("drawn by the analyst")


def test_own_areas_only_keeps_the_shipped_layers_in_the_digest():
    """A geo folder with only areas.geojson draws on the shipped layers: they count in the
    data set's checksum (a changed layer re-renders its reports)."""
    from sitrep.model.data.digest import dataset_digest

    assert dataset_digest(RED_SEA).count("+") == 2
    assert dataset_digest(paths.ROOT / "datasets" / "eastern-drc-2024-2025").count("+") == 1
