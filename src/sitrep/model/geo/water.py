"""Inland water drawn as water on every map: Natural Earth's lakes (``data/geo/lakes.geojson.gz``,
public domain, unnamed; see ``data/geo/SOURCE.md``). The boundary layers include the lakes in
the land, so the maps paint them over it in the sea's colour."""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
from shapely.geometry.base import BaseGeometry

from sitrep import paths
from sitrep.model.geo import geofiles

LAKES = "lakes.geojson.gz"
#: The credit of a map with lakes in view: boundaries and lakes share publisher and licence.
CREDIT = ("Boundaries and lakes: Natural Earth (naturalearthdata.com), public domain, 1:10m, "
          "simplified.")
CREDIT_SHORT = "Lakes: Natural Earth (public domain)."


@lru_cache(maxsize=1)
def lakes() -> gpd.GeoDataFrame:
    """Every lake of the shipped layer: lake_code, name (empty) and geometry (lon/lat); no
    lakes when the layer is absent."""
    path = paths.GEO / LAKES
    if not path.is_file():
        return gpd.GeoDataFrame({"lake_code": [], "name": []}, geometry=[], crs="EPSG:4326")
    frame = geofiles.read_layer(path, paths.GEO.parent)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")


def lakes_in(view: BaseGeometry) -> gpd.GeoDataFrame:
    """The lakes that meet ``view`` (lon/lat), clipped to it."""
    layer = lakes()
    hits = layer.iloc[layer.sindex.query(view, predicate="intersects")].copy()
    hits["geometry"] = hits.intersection(view)
    return hits[~hits.geometry.is_empty]
