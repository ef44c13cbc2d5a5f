"""Disputed boundary lines, drawn as such on every map: Natural Earth's boundary lines of
disputed and breakaway areas (``data/geo/disputed.geojson.gz``, NE 4.1.0, public domain; see
``data/geo/SOURCE.md`` and ``scripts/build_disputed_geo.py``).

sitrep follows Natural Earth's de facto point of view (each area in the country that controls
it, the disputed lines marked), with one list of its own beside it: the occupied units of
``sitrep.views.maps.zones.OCCUPIED_UNITS``, each with its source (Crimea and Sevastopol are
drawn as Ukrainian, occupied). A line NE marks as a claim, a ceasefire line or a former
boundary is never drawn as a plain international border. A line that no longer holds (a line
of contact of 2015, the Nagorno-Karabakh ceasefire line) is kept in the file, marked
``superseded`` with the reason, and drawn on no map.
"""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from sitrep import paths
from sitrep.model.geo import geofiles

DISPUTED = "disputed.geojson.gz"
COLUMNS = ["name", "kind", "adm0_a3", "country", "ne_record", "release", "status", "note"]
CURRENT = "current"
#: The point of view, as the maps and the README state it.
POINT_OF_VIEW = ("Boundaries follow Natural Earth's de facto point of view; its disputed "
                 "boundaries and claim lines are dashed (Natural Earth 4.1.0), and sitrep's "
                 "list of occupied units is hatched beside it.")
CREDIT_SHORT = "Disputed lines: Natural Earth 4.1.0 (public domain)."


@lru_cache(maxsize=1)
def lines() -> gpd.GeoDataFrame:
    """Every line of the shipped layer (current and superseded), lon/lat; none when the
    layer is absent."""
    path = paths.GEO / DISPUTED
    if not path.is_file():
        return gpd.GeoDataFrame({c: [] for c in COLUMNS}, geometry=[], crs="EPSG:4326")
    features = geofiles.read_features(path, paths.GEO.parent)
    rows = [{**{c: f["properties"].get(c, "") for c in COLUMNS},
             "geometry": shape(f["geometry"])} for f in features]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def lines_in(view: BaseGeometry) -> gpd.GeoDataFrame:
    """The current disputed lines that meet ``view`` (lon/lat), clipped to it."""
    layer = lines()
    layer = layer[layer["status"].eq(CURRENT)]
    hits = layer.iloc[layer.sindex.query(view, predicate="intersects")].copy()
    hits["geometry"] = hits.intersection(view)
    return hits[~hits.geometry.is_empty]
