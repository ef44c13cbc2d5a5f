"""The water layers of data/geo (built by scripts/build_water_geo.py) load and put known points
where they belong.

lakes.geojson.gz comes from a package that ships NE's lake outlines without their attributes, so
lakes are checked by geometry and lake_code, not by name. There is no marine layer (no reachable
package ships NE's named marine areas, see data/geo/SOURCE.md): seas and straits are drawn by the
analyst in a data set's own geo/areas.geojson (tests/model/geo/test_areas.py).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

GEO = Path(__file__).parents[3] / "data" / "geo"
LAKES = GEO / "lakes.geojson.gz"
SANAA = (44.2, 15.35)


def load(path: Path) -> gpd.GeoDataFrame:
    collection = json.loads(gzip.decompress(path.read_bytes()))
    return gpd.GeoDataFrame.from_features(collection["features"], crs="EPSG:4326")


@pytest.fixture(scope="module")
def lakes() -> gpd.GeoDataFrame:
    return load(LAKES)


def test_lakes_load_with_their_properties(lakes):
    assert len(lakes) > 1000
    assert {"lake_code", "name"} <= set(lakes.columns)
    assert lakes["lake_code"].is_unique
    assert lakes["lake_code"].str.fullmatch(r"ne10m-lakes-\d{4}").all()
    minx, miny, maxx, maxy = lakes.total_bounds
    assert -180 <= minx < maxx <= 180 and -90 <= miny < maxy <= 90  # lon-lat degrees
    assert lakes.geometry.is_valid.all()
    assert set(lakes.geom_type) == {"MultiPolygon"}


def test_lakes_file_is_small_and_reproducible_gzip():
    data = LAKES.read_bytes()
    assert len(data) < 1_000_000
    assert data[4:8] == b"\0\0\0\0"  # no time stamp in the gzip header
    assert gzip.decompress(data).startswith(b'{"type":"FeatureCollection"')


@pytest.mark.parametrize(("lake", "lon", "lat", "code"), [
    ("Lake Kivu", 29.2, -2.0, "ne10m-lakes-0502"),
    ("Lake Victoria", 33.0, -1.0, "ne10m-lakes-0478"),
    ("Lake Tanganyika", 29.5, -6.0, "ne10m-lakes-0477"),
    ("Lake Malawi", 34.5, -12.0, "ne10m-lakes-0476"),
])
def test_known_lake_points_fall_in_one_lake(lakes, lake, lon, lat, code):
    hits = lakes[lakes.contains(Point(lon, lat))]
    assert list(hits["lake_code"]) == [code], lake


@pytest.mark.parametrize(("place", "lon", "lat"), [
    ("Sanaa", *SANAA),
    ("Kigali", 30.06, -1.95),
    ("Red Sea (salt water, not a lake)", 38.5, 20.0),
])
def test_points_outside_lakes(lakes, place, lon, lat):
    assert not lakes.contains(Point(lon, lat)).any(), place
