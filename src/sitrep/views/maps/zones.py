"""Land, sea and the zones of the claims: the base map from the world boundary layers (sea is
the axes' background, land every country of admin-0, lakes painted as water over it), occupied
units hatched, and each place the source delimits shaded, each one it does not hatched, as
precise as the source. A sea or air area the analyst drew comes with the land cut out
(sitrep.model.geo.areas), so it is shaded or hatched at sea only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.errors
from matplotlib.collections import PathCollection
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath
from shapely.geometry import MultiPolygon
from shapely.geometry.base import BaseGeometry

from sitrep.model.geo import disputed, water
from sitrep.model.geo.areas import AT_SEA
from sitrep.model.geo.place import Layers

ZONE_EDGE = "#333333"
ZONE_FILL = "#7d7d7d"
#: A sea or air area the analyst drew is shaded in a deeper blue than the sea: water on water.
SEA_ZONE_FILL = "#3f6f99"
HATCHES = ["////", "\\\\\\\\", "||||", "----"]
#: Land tones: the countries holding the most marks first, every other country the last tone.
LAND_TONES = ["#fcfbf7", "#ebe6dc", "#f7f2e6"]
LAND_OTHER = "#f3f3f1"
SEA = "#dde8f0"
LAKE_EDGE = "#9fb6c6"
OCCUPIED = "#8c1d18"
OCCUPIED_HATCH = "xx"
#: A disputed boundary or claim line (sitrep.model.geo.disputed): dashed, never a plain border.
DISPUTED_EDGE = "#4a4a4a"
DISPUTED_DASHES = (0, (3.0, 2.0))
#: How near (metres) a country's outline runs along a disputed line for that stretch to be
#: drawn as the dashed line rather than as a border (the layers are simplified to about 3 km).
DISPUTED_SNAP = 4000.0

#: The only units a map hatches as occupied: ISO 3166-2 code -> (the country holding it, the
#: source). An explicit list, never Natural Earth's ``ne_admin`` (a unit whose de facto admin
#: name differs from its country's is not thereby occupied: every district of Serbia, the
#: Caribbean Netherlands and the Indian Ocean Territories differ by name alone). Crimea and
#: Sevastopol: UN General Assembly resolution 68/262, "Territorial integrity of Ukraine",
#: 27 March 2014 (A/RES/68/262), calls on states not to recognise any change in their status.
#: Left out on purpose: the parts of Donetsk, Luhansk, Zaporizhzhia and Kherson oblasts held
#: by Russia since 2022 (hatching a whole unit would claim control of all of it, and the map
#: shows no front line), and de facto entities (Northern Cyprus, Somaliland), which this map
#: makes no claim about. Add a unit here only with its source.
OCCUPIED_UNITS: dict[str, tuple[str, str]] = {
    "UA-43": ("Russia", "UN General Assembly resolution 68/262 (27 March 2014)"),
    "UA-40": ("Russia", "UN General Assembly resolution 68/262 (27 March 2014)"),
}


def land_colours(marked: Sequence[str]) -> dict[str, str]:
    """A land tone per country code holding marks (the rest: LAND_OTHER)."""
    return {code: LAND_TONES[i] for i, code in enumerate(marked[:len(LAND_TONES)])}


def path(geometry: BaseGeometry) -> MplPath | None:
    """A matplotlib path of a (multi)polygon, holes included."""
    vertices, codes = [], []
    for polygon in shapely.get_parts(geometry):
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        for ring_ in (polygon.exterior, *polygon.interiors):
            xy = np.asarray(ring_.coords)[:, :2]
            if len(xy) < 4:
                continue
            vertices.append(xy)
            codes.append([MplPath.MOVETO] + [MplPath.LINETO] * (len(xy) - 2)
                         + [MplPath.CLOSEPOLY])
    if not vertices:
        return None
    return MplPath(np.concatenate(vertices), np.concatenate(codes))


def add_shape(ax, geometry: BaseGeometry, **kwargs) -> PathPatch | None:
    """A polygon on the axes in data coordinates (without recomputing the axes' limits)."""
    drawn = path(geometry)
    if drawn is None:
        return None
    patch = PathPatch(drawn, transform=ax.transData, **kwargs)
    patch.set_clip_path(ax.patch)
    ax.add_artist(patch)
    return patch


def _add_shapes(ax, geometries: Sequence[BaseGeometry], facecolors: Sequence[str],
                edgecolor: str, lw: float, zorder: float) -> None:
    """Many polygons as one collection (the base map)."""
    drawn = [(p, face) for p, face in
             ((path(g), f) for g, f in zip(geometries, facecolors, strict=True)) if p]
    if not drawn:
        return
    collection = PathCollection([p for p, _ in drawn], facecolors=[f for _, f in drawn],
                                edgecolors=edgecolor, linewidths=lw, zorder=zorder)
    ax.add_collection(collection, autolim=False)


def _simplified(geometries: gpd.GeoSeries, tolerance: float) -> gpd.GeoSeries:
    """Borders simplified to what the map can show, shared borders once (a coverage), so
    neighbours keep meeting and the SVG stays small."""
    values = np.asarray(geometries.values, dtype=object)
    try:
        simple = shapely.coverage_simplify(values, tolerance)
    except (AttributeError, shapely.errors.GEOSException):
        simple = shapely.simplify(values, tolerance, preserve_topology=True)
    return gpd.GeoSeries(simple, index=geometries.index, crs=geometries.crs)


def _clipped(frame: pd.DataFrame, view: BaseGeometry, crs: str) -> gpd.GeoDataFrame:
    layer = gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")
    layer = layer[layer.intersects(view)].copy()
    layer["geometry"] = [_polygonal(g) for g in layer.intersection(view)]
    return layer[~layer.geometry.is_empty].to_crs(crs)


def _polygonal(geometry: BaseGeometry) -> BaseGeometry:
    """The polygons of a clipped unit (a clip can leave stray lines and points)."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    return MultiPolygon([g for g in shapely.get_parts(geometry) if g.geom_type == "Polygon"])


class Land(NamedTuple):
    """What :func:`draw_land` drew (projected): the admin-1 units, the countries' outlines
    drawn solid (borders and coasts) and the disputed lines drawn dashed (name, kind,
    country, geometry)."""

    units: gpd.GeoDataFrame
    borders: BaseGeometry
    disputed: gpd.GeoDataFrame


def draw_land(ax, layers: Layers, crs: str, view: BaseGeometry, *, admin1: bool,
              tones: dict[str, str], lw: float = 1.0, tolerance: float = 0.0) -> Land:
    """Land (countries, and admin-1 units when ``admin1``) clipped to ``view`` (lon/lat) on the
    sea; occupied units hatched; disputed lines dashed. Returns what it drew (:class:`Land`).

    A unit of :data:`OCCUPIED_UNITS` is drawn in its country's colour with a red cross hatch:
    occupied. A disputed boundary or claim line in view (Natural Earth's, see
    sitrep.model.geo.disputed) is dashed, and where a country's outline runs along it the
    outline is left out there: a disputed line is never drawn as a plain border. ``tolerance``
    (projected metres) simplifies the outlines to the map's resolution."""
    a1 = _clipped(layers.admin1, view, crs)
    if tolerance:
        a1["geometry"] = _simplified(a1.geometry, tolerance)
    _add_shapes(ax, list(a1.geometry), [tones.get(c, LAND_OTHER) for c in a1["iso_a2"]],
                "#bdb8ae" if admin1 else "none", 0.35 * lw, 1)
    lakes = water.lakes_in(view)
    if len(lakes):
        lakes = lakes.to_crs(crs)
        if tolerance:
            lakes["geometry"] = lakes.geometry.simplify(tolerance)
        _add_shapes(ax, list(lakes.geometry), [SEA] * len(lakes), LAKE_EDGE, 0.3 * lw, 1.2)
    for r in occupied(a1).itertuples():
        add_shape(ax, r.geometry, fc="none", ec=OCCUPIED, hatch=OCCUPIED_HATCH, lw=0,
                  zorder=1.5)
    a0 = gpd.GeoDataFrame(layers.admin0, geometry="geometry", crs="EPSG:4326")
    a0 = a0[a0.intersects(view)].copy()
    a0["geometry"] = a0.boundary.intersection(view)
    a0 = a0.to_crs(crs)
    if tolerance:
        a0["geometry"] = a0.geometry.simplify(tolerance)
    lines = disputed.lines_in(view).to_crs(crs)
    cut = shapely.union_all(list(lines.geometry.buffer(DISPUTED_SNAP))) if len(lines) \
        else None
    solid = []
    for geometry in a0.geometry:
        if cut is not None:
            geometry = geometry.difference(cut)
        solid.append(geometry)
        _plot_lines(ax, geometry, color="#5b5b5b", lw=0.9 * lw, zorder=2)
    for geometry in lines.geometry:
        _plot_lines(ax, geometry, color=DISPUTED_EDGE, lw=1.0 * lw, zorder=2.1,
                    ls=DISPUTED_DASHES)
    return Land(a1, shapely.union_all(solid) if solid else shapely.GeometryCollection(),
                lines[["name", "kind", "country", "geometry"]])


def _plot_lines(ax, geometry: BaseGeometry, **style) -> None:
    for line in shapely.get_parts(geometry):
        if line.geom_type == "LineString":
            xy = np.asarray(line.coords)
            ax.plot(xy[:, 0], xy[:, 1], scalex=False, scaley=False, **style)
        elif line.geom_type in ("MultiLineString", "GeometryCollection"):
            _plot_lines(ax, line, **style)


def occupied(a1: pd.DataFrame) -> pd.DataFrame:
    """The units of :data:`OCCUPIED_UNITS`, with the country holding each (``holder``)."""
    units = a1[a1["iso_3166_2"].isin(list(OCCUPIED_UNITS))]
    return units.assign(holder=[OCCUPIED_UNITS[code][0] for code in units["iso_3166_2"]])


def draw_zones(ax, places: pd.DataFrame, table: gpd.GeoDataFrame,
               tolerance: float) -> list[dict]:
    """Each zone as precise as its source: a region shaded (dashed outline where the analyst
    reads it), a part of a region hatched with a dashed outline; largest first."""
    rows: list[dict] = []
    hatch_at = 0
    for place_id in sorted(places.index, key=lambda pid: -places.loc[pid, "geometry"].area):
        place = places.loc[place_id]
        if place["drawn_as"] != "zone":
            continue
        approx = bool(place["approximate"])
        dashed = (0, (4, 2)) if approx else "solid"
        shape = place["geometry"].simplify(tolerance)
        if int(place["precision"]) >= 3:
            fill = SEA_ZONE_FILL if place.get("kind", "") in AT_SEA else ZONE_FILL
            add_shape(ax, shape, fc=fill, alpha=0.25, ec="none", zorder=3)
            add_shape(ax, shape, fc="none", ec=ZONE_EDGE, lw=1.3, ls=dashed, zorder=4)
            style = "shaded, " + ("dashed outline" if approx else "solid outline")
        else:
            hatch = HATCHES[hatch_at % len(HATCHES)]
            hatch_at += 1
            add_shape(ax, shape, fc="none", ec=ZONE_EDGE, hatch=hatch, lw=0, zorder=3)
            add_shape(ax, shape, fc="none", ec=ZONE_EDGE, lw=1.2, ls=dashed, zorder=4)
            style = f"hatched {hatch[:2]}, dashed outline"
        rows.append({"place_id": place_id, "drawn_as": "zone", "style": style,
                     "geometry": lonlat(table, place_id)})
    return rows


def lonlat(table: gpd.GeoDataFrame, place_id: str) -> BaseGeometry:
    return table.loc[table["place_id"] == place_id, "geometry"].iloc[0]
