"""The whole world: boundary layers that cover every continent, countries as places, towns found
by GeoNames id or name anywhere, and maps whose extent, orientation towns and inset follow the
places drawn, not the Kursk case."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point

from sitrep import paths
from sitrep.model import load
from sitrep.model.geo import gazetteer, place
from sitrep.views import maps
from sitrep.views.maps import layout

DRC = paths.ROOT / "datasets" / "eastern-drc-2024-2025"
KURSK_TOWNS = {"Kursk", "Sudzha", "Korenevo", "Belgorod", "Sumy", "Kharkiv", "Pokrovsk",
               "Kurakhove", "Donetsk", "Kyiv", "Moscow"}


@pytest.fixture(scope="module")
def layers() -> place.Layers:
    return place.read_layers()


def test_layers_cover_the_world(layers):
    lon0, lat0, lon1, lat1 = shapely.total_bounds(list(layers.admin0.geometry))
    assert lon0 <= -179.9 and lon1 >= 179.9 and lat0 <= -89 and lat1 >= 83
    assert len(layers.admin0) > 230 and len(layers.admin1) > 4500
    assert shapely.is_valid(list(layers.admin0.geometry)).all()
    assert layers.admin1["name"].fillna("").ne("").all()   # every unit can be named


@pytest.mark.parametrize(("lon", "lat", "country"), [
    (-9.14, 38.72, "PT"),     # west of the old 22° E edge: land, not sea
    (-46.6, -23.5, "BR"), (-99.1, 19.4, "MX"), (151.2, -33.9, "AU"), (72.9, 19.1, "IN"),
    (29.2, -1.7, "CD"), (32.5, 15.6, "SD"), (36.2, 51.7, "RU"), (34.1, 44.9, "UA"),
    (-149.9, 61.2, "US"), (139.7, 35.7, "JP"),
])
def test_a_point_on_land_lies_in_its_country(layers, lon, lat, country):
    a0 = layers.admin0.set_index("iso_a2")
    assert a0.at[country, "geometry"].contains(Point(lon, lat))


@pytest.mark.parametrize("code", ["CD-NK", "CD-SK", "BR-SP", "US-CA", "AU-NSW", "IN-MH",
                                  "BI-CI", "RU-KRS", "UA-59", "PE-LIM"])
def test_first_level_units_on_every_continent(layers, code):
    unit = layers.unit(code)
    assert unit is not None and unit.area > 0


WORLD_PLACES = pd.DataFrame([
    # place_id, name, precision, kind, parent, iso, geonameid
    ("lima", "Lima", 1, "town", "", "PE", None),
    ("sydney", "Sydney", 1, "town", "", "AU", 2147714),
    ("mumbai", "Mumbai", 1, "town", "", "IN", None),
    ("toronto", "Toronto", 2, "town", "", "CA", 6167865),
    ("peru", "Peru", 3, "country", "", "PE", None),
    ("brazil", "Brazil", 3, "country", "", "BR", None),
    ("nk", "North Kivu", 3, "region", "", "CD-NK", None),
    ("nk_west", "western North Kivu", 2, "region_part", "nk", "CD-NK", None),
], columns=["place_id", "name", "geo_precision", "kind", "parent_id", "iso_3166_2",
            "geonameid"]).assign(members=[()] * 8, part=["", "", "", "", "", "", "", "west"],
                                 geonameid=lambda f: f["geonameid"].astype("Int64"))


def test_places_on_several_continents_resolve(layers):
    drawn = place.resolve(WORLD_PLACES, layers).set_index("place_id")
    a0 = layers.admin0.set_index("iso_a2")
    for pid, country in (("lima", "PE"), ("sydney", "AU"), ("mumbai", "IN")):
        assert drawn.at[pid, "drawn_as"] == "point"
        assert a0.at[country, "geometry"].contains(drawn.at[pid, "geometry"])
        assert drawn.at[pid, "coordinates_from"] == "GeoNames"
    assert drawn.at["toronto", "drawn_as"] == "zone" and drawn.at["toronto", "approximate"]
    assert drawn.at["peru", "geometry"].equals(a0.at["PE", "geometry"])
    assert drawn.at["brazil", "method"] == "country BR (Natural Earth)"
    assert drawn.at["nk_west", "geometry"].within(drawn.at["nk", "geometry"].buffer(1e-9))


@pytest.mark.parametrize("pid", ["lima", "sydney", "mumbai", "toronto", "peru", "nk"])
def test_the_map_extent_and_projection_fit_each_place(layers, pid):
    drawn = place.resolve(WORLD_PLACES, layers).set_index("place_id")
    geometry = drawn.at[pid, "geometry"]
    extent = layout.fit_extent(gpd.GeoSeries([geometry], crs="EPSG:4326"))
    assert shapely.box(*extent).contains(geometry)
    crs = layout.projection(extent)
    near_equator = extent[1] * extent[3] <= 0 or min(abs(extent[1]), abs(extent[3])) < 10
    assert crs.startswith("+proj=tmerc" if near_equator else "+proj=lcc")
    xlim, ylim = layout.view(extent, crs, 1.5)
    assert xlim[1] > xlim[0] and ylim[1] > ylim[0]
    region = layout.region_around(shapely.box(*extent))
    assert region.contains(shapely.box(*extent))


def test_a_town_by_name_or_id_needs_no_project_data():
    assert gazetteer.by_id(216281)["name"] == "Goma"
    assert [int(t["geonameid"]) for t in gazetteer.by_name("goma", "CD")] == [216281]
    assert gazetteer.by_id(999_999_999) is None


@pytest.fixture(scope="module")
def drc_map():
    return maps.position_map(load(DRC))


def test_the_drc_map_is_drawn_where_its_places_are(drc_map):
    lon0, lat0, lon1, lat1 = drc_map.extent
    assert lon0 < 29.2 < lon1 and lat0 < -1.7 < lat1          # Goma
    assert lon0 > 0 and lon1 < 60 and lat0 > -20 and lat1 < 20
    assert drc_map.crs.startswith("+proj=tmerc")
    assert drc_map.marks["in_view"].all()


def test_orientation_towns_come_from_the_maps_own_extent(drc_map):
    towns = drc_map.context_places
    assert towns and not set(towns) & KURSK_TOWNS
    table = gazetteer.towns()
    lon0, lat0, lon1, lat1 = drc_map.extent
    for name in towns:
        hits = table[table["name"] == name]
        assert ((hits["longitude"].between(lon0, lon1))
                & (hits["latitude"].between(lat0, lat1))).any(), name
    assert "towns for orientation" in drc_map.credit and "CC BY 4.0" in drc_map.credit


def test_the_inset_locates_the_map_in_its_region(drc_map):
    region = shapely.box(*drc_map.region)
    assert region.contains(shapely.box(*drc_map.extent))
    assert region.contains(Point(29.2, -1.7)) and not region.contains(Point(36.2, 51.7))
    assert len(drc_map.figure.axes) == 2


def test_no_occupation_note_where_nothing_is_occupied(drc_map):
    assert drc_map.occupied == [] and maps.occupation_note(drc_map.occupied) == ""
    legend = " ".join(t.get_text() for lg in drc_map.figure.legends for t in lg.get_texts())
    assert "Crimea" not in legend and "occupied" not in legend
