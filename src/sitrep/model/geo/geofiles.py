"""Reading a ``geo/`` folder's files (boundary layers and gazetteer) as untrusted input.

A data set may bring its own ``geo/`` folder, so each file is checked before it is used: read
only as a regular file inside the data set (:mod:`sitrep.model.data.confine`), GeoJSON of the right
shape (a FeatureCollection of Polygon or MultiPolygon features with the properties the maps use),
every coordinate finite and on the globe, at most :data:`MAX_VERTICES` vertices a file, and
property text free of control characters and within limits.GEO_NAME_LENGTH (``name``) and
limits.GEO_PROPERTY_LENGTH; an outline denser than limits.FEATURE_VERTICES is simplified as it
is read (:func:`drawable`). Anything else is one :class:`GeoFileError` naming the
file (and the feature or row), never a bare Python error, and nothing runs for minutes or fills
memory: the costly operations in :mod:`sitrep.model.geo.place` work on simplified outlines.
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from sitrep import paths
from sitrep.model.data import confine, hygiene, limits
from sitrep.model.data.errors import SitrepError

#: Vertices a boundary layer may hold: the shipped admin-1 layer has about 300,000.
MAX_VERTICES = limits.LAYER_VERTICES
#: A geo file's size limit, checked before it is parsed.
MAX_BYTES = 64 * 1024 * 1024
AREAS = ("Polygon", "MultiPolygon")
#: Properties each layer's features need (the maps and the place rules read them).
PROPERTIES = {"admin0.geojson": ("iso_a2", "name"),
              "admin1.geojson": ("iso_3166_2", "iso_a2")}
#: Properties the maps read that a data set's own layer may leave out: filled from others
#: (a unit without ``country``/``ne_admin`` is in its ``iso_a2`` country and not occupied;
#: without ``name`` it is named by its code).
DEFAULTS = {"admin0.geojson": (("country", "iso_a2"),),
            "admin1.geojson": (("name", "iso_3166_2"), ("country", "iso_a2"),
                               ("ne_admin", "country"))}
GAZETTEER_COLUMNS = ("name", "lat", "lon", "iso_3166_2", "geonameid", "source")


class GeoFileError(SitrepError, ValueError):
    """A geo file sitrep cannot use: its message names the file and what is wrong."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{paths.display(path)}: {message}")
        self.path, self.message = path, message


def read_text(path: Path, root: Path) -> str:
    """A geo file's text: read inside ``root`` only, gunzipped (.gz) within the size limit,
    UTF-8 and NFC."""
    try:
        data = confine.read_bytes(path, root, limit=MAX_BYTES)
    except confine.OutsideError as error:
        raise GeoFileError(path, str(error)) from None
    if path.suffix == ".gz":
        data = _gunzip(path, data)
    try:
        return hygiene.nfc(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise GeoFileError(path, f"must be UTF-8 (byte {error.start} cannot be decoded)") from None


def _gunzip(path: Path, data: bytes) -> bytes:
    """A gzip-compressed layer, decompressed up to MAX_BYTES (a small file cannot expand into
    gigabytes)."""
    inflate = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
    try:
        plain = inflate.decompress(data, MAX_BYTES + 1)
    except zlib.error:
        raise GeoFileError(path, "is not a valid gzip file") from None
    if len(plain) > MAX_BYTES:
        raise GeoFileError(path, f"expands past {MAX_BYTES:,} bytes: a layer is read only up "
                                 "to that size")
    return plain


def read_features(path: Path, root: Path) -> list:
    """The ``features`` list of a GeoJSON FeatureCollection file (confined, size- and
    nesting-bounded); a :class:`GeoFileError` naming the file otherwise."""
    text = read_text(path, root)
    try:
        data = limits.load_json(text)
    except ValueError as error:
        raise GeoFileError(path, f"is not valid JSON ({hygiene.terminal(str(error))[:80]})") \
            from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list) or data.get("type") != "FeatureCollection":
        raise GeoFileError(path, "must be a GeoJSON FeatureCollection with a 'features' list")
    return features


def read_layer(path: Path, root: Path) -> pd.DataFrame:
    """A boundary layer's features: their properties and a ``geometry`` column (lon/lat)."""
    features = read_features(path, root)
    needed = PROPERTIES.get(path.name.removesuffix(".gz"), ())
    rows, vertices = [], 0
    for number, feature in enumerate(features, start=1):
        row = _feature(path, number, feature, needed)
        vertices += shapely.get_num_coordinates(row["geometry"])
        if vertices > MAX_VERTICES:
            raise GeoFileError(path, f"holds more than {MAX_VERTICES:,} vertices (the budget of "
                                     "a boundary layer): simplify it first, e.g. with "
                                     "mapshaper or ogr2ogr -simplify")
        row["geometry"] = drawable(row["geometry"])
        rows.append(row)
    return _with_defaults(pd.DataFrame(rows), path.name.removesuffix(".gz"))


def _with_defaults(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """The properties the maps read, filled where a data set's own layer leaves them out."""
    for column, source in DEFAULTS.get(name, ()):
        if source not in frame.columns:
            continue
        if column not in frame.columns:
            frame[column] = frame[source]
        else:
            given = frame[column].map(lambda v: isinstance(v, str))
            frame[column] = frame[column].where(given, frame[source])
    return frame


def drawable(geometry: BaseGeometry) -> BaseGeometry:
    """An outline of at most limits.FEATURE_VERTICES vertices: a denser one is simplified
    (topology kept), from about 50 m of tolerance up, until it fits. The shipped layers'
    outlines all fit, so they are used as published."""
    tolerance = 0.0005
    while shapely.get_num_coordinates(geometry) > limits.FEATURE_VERTICES and tolerance < 1:
        geometry = simplified(geometry, tolerance)
        tolerance *= 2
    return geometry


def feature_properties(path: Path, number: int, feature: object) -> tuple[str, dict]:
    """(where, properties) of feature ``number``: an object with a 'geometry' object and a
    'properties' object; a :class:`GeoFileError` naming the feature otherwise."""
    where = f"feature {number}"
    if not isinstance(feature, dict) or not isinstance(feature.get("geometry"), dict):
        raise GeoFileError(path, f"{where} must be an object with a 'geometry' object")
    properties = feature.get("properties")
    if not isinstance(properties, dict):
        raise GeoFileError(path, f"{where} must have a 'properties' object")
    return where, properties


def _feature(path: Path, number: int, feature: object, needed: tuple[str, ...]) -> dict:
    where, properties = feature_properties(path, number, feature)
    for name in needed:
        if not isinstance(properties.get(name), str):  # may be empty (a disputed area)
            raise GeoFileError(path, f"{where} needs the text property {name!r}")
    for name, value in properties.items():
        shown = hygiene.terminal(str(name))[:40]
        if isinstance(value, str) and (hygiene.CONTROL.search(value)
                                       or hygiene.BIDI.search(value)):
            raise GeoFileError(path, f"{where} property {shown!r} "
                                     "holds a control or bidirectional character")
        longest = limits.GEO_NAME_LENGTH if name == "name" else limits.GEO_PROPERTY_LENGTH
        if len(str(name)) > limits.GEO_PROPERTY_LENGTH or (
                isinstance(value, str) and len(value) > longest):
            raise GeoFileError(path, f"{where} property {shown!r} must be at most "
                                     f"{longest:,} characters long")
    kind = feature["geometry"].get("type")
    if kind not in AREAS:
        raise GeoFileError(path, f"{where} must be a Polygon or MultiPolygon "
                                 f"(it is {hygiene.terminal(str(kind))[:30]!r})")
    try:
        geometry = shape(feature["geometry"])
    except Exception:  # shapely raises many kinds for malformed coordinates
        raise GeoFileError(path, f"{where} has malformed coordinates (rings of [lon, lat] "
                                 "pairs, each ring closed)") from None
    on_the_globe(path, where, shapely.get_coordinates(geometry))
    return {**properties, "geometry": geometry}


def on_the_globe(path: Path, where: str, xy: np.ndarray) -> None:
    """Every coordinate finite and on the globe, or a GeoFileError naming ``where``."""
    if not np.isfinite(xy).all():
        raise GeoFileError(path, f"{where} has a coordinate that is not a finite number")
    if len(xy) and ((np.abs(xy[:, 0]) > 180).any() or (np.abs(xy[:, 1]) > 90).any()):
        raise GeoFileError(path, f"{where} has a coordinate off the globe (longitude must lie "
                                 "in -180..180, latitude in -90..90)")


def read_gazetteer(path: Path, root: Path) -> pd.DataFrame:
    """The gazetteer's towns with a point ``geometry``; every row checked."""
    text = read_text(path, root)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise GeoFileError(path, f"is not a well-formed CSV table ({str(error)[:80]})") from None
    missing = [c for c in GAZETTEER_COLUMNS if c not in frame.columns]
    if missing:
        raise GeoFileError(path, f"lacks the column(s) {', '.join(missing)}")
    for column in frame.columns:
        bad = frame[column].str.contains(hygiene.CONTROL.pattern + "|" + hygiene.BIDI.pattern)
        if bad.any():
            raise GeoFileError(path, f"row {int(bad.idxmax()) + 2} field "
                                     f"{hygiene.terminal(str(column))[:40]!r} holds a control or "
                                     "bidirectional character")
    lon, lat = (pd.to_numeric(frame[c], errors="coerce") for c in ("lon", "lat"))
    ids = pd.to_numeric(frame["geonameid"].where(frame["geonameid"].str.fullmatch(r"[0-9]{1,10}")),
                        errors="coerce")
    bad_id = frame["geonameid"].ne("") & ~frame["geonameid"].str.fullmatch(r"[0-9]{1,10}")
    long = frame["name"].str.len().gt(limits.GEO_NAME_LENGTH)
    for column in frame.columns:
        long |= frame[column].str.len().gt(limits.GEO_PROPERTY_LENGTH)
    for bad, what in ((lon.isna() | lat.isna(), "lon and lat must be numbers"),
                      (bad_id, "geonameid must be a whole number (up to 10 digits) or empty"),
                      (long, f"a name is at most {limits.GEO_NAME_LENGTH} characters long, "
                             f"another field {limits.GEO_PROPERTY_LENGTH:,}")):
        if bad.any():
            raise GeoFileError(path, f"row {int(bad.idxmax()) + 2}: {what}")
    on_the_globe(path, "a row", np.column_stack([lon, lat]))
    frame["lon"], frame["lat"], frame["geonameid"] = lon, lat, ids.astype("Int64")
    frame["geometry"] = [Point(x, y) for x, y in zip(lon, lat, strict=True)]
    return frame


def simplified(geometry: BaseGeometry, tolerance: float) -> BaseGeometry:
    """An outline with detail below ``tolerance`` (its units) removed, topology kept: what the
    costly operations (buffers, overlays) work on, so their cost does not grow with the detail
    of a data set's own outlines."""
    return shapely.simplify(geometry, tolerance, preserve_topology=True)
