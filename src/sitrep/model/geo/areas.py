"""The analyst's own areas and points: a data set's ``geo/areas.geojson`` (plain or .gz).

No package reachable by this project ships Natural Earth's named marine polygons (see
``data/geo/SOURCE.md``), and seas, straits, air or drill zones and small islands are not in the
boundary layers or the gazetteer. So the analyst draws them, each feature with its own credit:

==============  ==============================================================================
property        meaning
==============  ==============================================================================
``id``          the ``place_id`` of the place in ``places.csv`` drawn from this feature
``name``        its name (text, not empty)
``kind``        one of :data:`KINDS`: ``sea_area``, ``strait``, ``air_zone``, ``drill_zone``
                (Polygon or MultiPolygon), ``island`` (a polygon or a Point), ``point`` (a
                Point)
``source``      who drew it from what, in words (text, not empty): the map credits it as
                "drawn by the analyst: <source>", never as Natural Earth's or GeoNames'
==============  ==============================================================================

The file is checked like a boundary layer (:mod:`sitrep.model.geo.geofiles`): a
FeatureCollection, each geometry of the type its kind allows, valid (no self-intersection),
every coordinate finite and on the globe, unique ids, at most :data:`MAX_VERTICES` vertices;
so a file that checks clean always draws. Sea and air areas are drawn at sea only: the land of
the boundary layers is cut out of them (:func:`at_sea`), and the map says so.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from sitrep.model.data import hygiene
from sitrep.model.geo import geofiles
from sitrep.model.geo.geofiles import GeoFileError

AREAS = "areas.geojson"
#: The kinds of the analyst's features, with the geometry types each allows.
KINDS: dict[str, tuple[str, ...]] = {
    "sea_area": ("Polygon", "MultiPolygon"),
    "strait": ("Polygon", "MultiPolygon"),
    "air_zone": ("Polygon", "MultiPolygon"),
    "drill_zone": ("Polygon", "MultiPolygon"),
    "island": ("Polygon", "MultiPolygon", "Point"),
    "point": ("Point",),
}
#: Kinds drawn at sea only: the land of the boundary layers is cut out of them.
AT_SEA = frozenset({"sea_area", "strait", "air_zone", "drill_zone"})
#: Vertices the analyst's file may hold (hand-drawn areas need a few hundred).
MAX_VERTICES = 50_000
#: Pieces of a sea area smaller than this (square degrees, about 1 km²) left between the
#: analyst's outline and the coast are slivers, not sea: dropped.
MIN_PART = 1e-4
#: How a feature's credit reads on the map.
CREDIT = "drawn by the analyst: {source}"
COLUMNS = ["id", "name", "kind", "source", "geometry"]
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def empty() -> pd.DataFrame:
    """No analyst's areas."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})


def read_areas(path: Path, root: Path) -> pd.DataFrame:
    """The analyst's features (id, name, kind, source, geometry), every one checked; a
    :class:`GeoFileError` naming the file, the feature and the rule otherwise."""
    features = geofiles.read_features(path, root)
    rows, vertices, seen = [], 0, set()
    for number, feature in enumerate(features, start=1):
        row = _feature(path, number, feature)
        if row["id"] in seen:
            raise GeoFileError(path, f"feature {number}: id {row['id']!r} is used twice")
        seen.add(row["id"])
        vertices += shapely.get_num_coordinates(row["geometry"])
        if vertices > MAX_VERTICES:
            raise GeoFileError(path, f"holds more than {MAX_VERTICES:,} vertices (the budget "
                                     "of the analyst's areas): simplify them")
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS) if rows else empty()


def _feature(path: Path, number: int, feature: object) -> dict:
    where, properties = geofiles.feature_properties(path, number, feature)
    for name in ("id", "name", "kind", "source"):
        value = properties.get(name)
        if not isinstance(value, str) or not value.strip():
            raise GeoFileError(path, f"{where} needs the property {name!r} as text, not empty "
                                     "(id, name, kind and source: the map names and credits "
                                     "every feature)")
        if hygiene.CONTROL.search(value) or hygiene.BIDI.search(value):
            raise GeoFileError(path, f"{where} property {name!r} holds a control or "
                                     "bidirectional character")
    if not _ID.fullmatch(properties["id"]):
        raise GeoFileError(path, f"{where}: id must be a place_id (letters, digits, _ . -)")
    kind = properties["kind"]
    if kind not in KINDS:
        raise GeoFileError(path, f"{where}: kind {hygiene.terminal(kind)[:30]!r} must be one "
                                 f"of {', '.join(KINDS)}")
    geometry_type = feature["geometry"].get("type")
    if geometry_type not in KINDS[kind]:
        raise GeoFileError(path, f"{where}: a {kind} must be a {' or '.join(KINDS[kind])} "
                                 f"(it is {hygiene.terminal(str(geometry_type))[:30]!r})")
    try:
        geometry = shape(feature["geometry"])
    except Exception:  # shapely raises many kinds for malformed coordinates
        raise GeoFileError(path, f"{where} has malformed coordinates") from None
    geofiles.on_the_globe(path, where, shapely.get_coordinates(geometry))
    if geometry.is_empty:
        raise GeoFileError(path, f"{where} has an empty geometry")
    if not geometry.is_valid:
        reason = shapely.is_valid_reason(geometry)
        raise GeoFileError(path, f"{where} is not a valid {geometry_type} ({reason[:60]}): "
                                 "rings must not cross themselves or each other")
    if geometry_type != "Point" and geometry.area == 0:
        raise GeoFileError(path, f"{where} encloses no area")
    return {"id": properties["id"], "name": hygiene.nfc(properties["name"]), "kind": kind,
            "source": hygiene.nfc(properties["source"]), "geometry": geometry}


def at_sea(geometry: BaseGeometry, land: list[BaseGeometry]) -> BaseGeometry:
    """``geometry`` with the ``land`` polygons cut out (only the polygons that remain, slivers
    below MIN_PART dropped)."""
    near = [g for g in land if g.intersects(geometry)]
    if not near:
        return geometry
    rest = geometry.difference(shapely.union_all(near))
    parts = [g for g in shapely.get_parts(rest)
             if g.geom_type == "Polygon" and g.area > MIN_PART]
    return shapely.MultiPolygon(parts) if len(parts) != 1 else parts[0]
