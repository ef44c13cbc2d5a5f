"""The map of who is where doing what, each claim at the precision its source gives. Offline.

Every position (and every claim that names a place but puts no actor there) becomes a *mark*:
a row of :func:`marks`, with its claim, actor, activity, place and the place's geometry from
:mod:`sitrep.model.place`. :func:`position_map` draws them and returns the figure together with what
it drew (:class:`PositionMap`), so tests check the data, not only the picture.

How the map keeps the source's precision:

- a town (precision 1) is a dot at its gazetteer coordinates;
- a region the source names (precision 3) is a shaded area with a solid outline; one it names
  but does not delimit ("eastern Ukraine") has a dashed outline: the analyst's reading;
- a part of a region (precision 2) is a hatched zone with a dashed outline, drawn by the
  analyst's stated rule, never as a precise area;
- the claims about a place are listed in a box joined to it by a line: the box marks no point.
  In the box each claim is a symbol (colour: actor; shape: activity; hollow: the place is the
  actor's objective or target) with its claim id and its hedge.

Built on ``matplotlib.figure.Figure`` (never pyplot), projected with geopandas/pyproj to a
Lambert conformal conic centred on the view; no tiles, no network. Untrusted text is drawn
with ``parse_math=False``.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pandas as pd
import shapely
import shapely.errors
import shapely.prepared
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.offsetbox import AnnotationBbox, DrawingArea, HPacker, TextArea, VPacker
from matplotlib.patches import FancyArrow, Patch, PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.patheffects import withStroke
from matplotlib.transforms import ScaledTranslation
from shapely.geometry import Point, box
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from sitrep import paths
from sitrep.model.attribution import attributions, credit_line
from sitrep.model.facts import Facts
from sitrep.model.place import Layers, read_layers, resolve
from sitrep.views.labels import Placer
from sitrep.views.style import (
    INK,
    MUTED,
    NEUTRAL,
    OTHER_ACTORS,
    PRECISION_WORDS,
    actor_colours,
    claim_url,
    draw_text,
    rc,
)

# -- symbols ---------------------------------------------------------------------------------

#: Actor colours by country; their lightness differs, so they part in greyscale too.

#: Marker of each activity (matplotlib marker codes) and the word the legend uses.
ACTIVITY_MARKERS = {
    "massing": "^", "training": "s", "holding": "D", "striking": "*", "regaining": "P",
    "attacking": ">", "defending": "o", "fighting": "X", "deploying": "v",
}
NAMED = "named"  # a claim that names the place without putting an actor there
NAMED_MARKER = "_"
NAMED_COLOUR = NEUTRAL
HOLLOW_ROLES = {"objective", "target"}

ZONE_EDGE = "#333333"
ZONE_FILL = "#7d7d7d"
HATCHES = ["////", "\\\\\\\\", "||||", "----"]
LAND = {"UA": "#fcfbf7", "RU": "#ebe6dc"}
LAND_OTHER = "#f3f3f1"
SEA = "#dde8f0"
NOTE_SIZE = 6.2
LEGEND_SIZE = 6.6
OCCUPIED = "#8c1d18"
OCCUPIED_HATCH = "xx"


CRIMEA_NOTE = ("Crimea is drawn as Ukrainian territory occupied by Russia (hatched in red), "
               "following ISO 3166-2 and the internationally recognised border; the boundary "
               "layer's ne_admin field keeps Natural Earth's de facto view. The map shows no "
               "front line and no other occupied area: it places claims, not control.")
#: The same, short enough for inside the map.
CRIMEA_NOTE_SHORT = ("Crimea: Ukrainian territory occupied by Russia (hatched in red). No front "
                     "line or other occupied area is shown.")
BOX_NOTE = ("A box lists the claims about the place its line points to; it marks no point. "
            "Dashed outlines: the analyst's approximations of places the source does not "
            "delimit.")


@dataclass
class PositionMap:
    """A drawn map and what is on it."""

    figure: Figure
    marks: gpd.GeoDataFrame          # one row per claim mark (see :func:`marks`), + in_view
    zones: gpd.GeoDataFrame          # one row per place drawn: place_id, drawn_as, style
    labels: pd.DataFrame             # every label tried (sitrep.views.labels.Placer.table)
    extent: tuple[float, float, float, float]  # lon_min, lat_min, lon_max, lat_max shown
    crs: str
    credit: str                      # boundaries and coordinates, with their licences
    context_places: list[str] = field(default_factory=list)  # gazetteer towns drawn as context


def _style() -> dict:
    return rc(7.5, **{"hatch.linewidth": 0.6})


#: Past this many actors the least frequent share one symbol; past this many claims a place's
#: box lists the first ones and counts the rest.
MAX_ACTORS = 8
MAX_CALLOUT_ROWS = 8

#: A white halo keeps a map label legible over hatching and borders.
HALO = [withStroke(linewidth=2.2, foreground="white")]


# -- the marks -------------------------------------------------------------------------------

def _ids(actors: str | Sequence[str] | None) -> list[str] | None:
    if actors is None or actors == "":
        return None
    if isinstance(actors, str):
        actors = actors.split(",")
    chosen = [a.strip() for a in actors if a.strip()]
    return chosen or None


def marks(facts: Facts, actors: str | Sequence[str] | None = None,
          layers: Layers | None = None) -> gpd.GeoDataFrame:
    """One row per mark: each position, and each claim that names a place but carries no
    position. Columns: claim_id, actor_id, actor, activity, place_role, place_id, place,
    precision, drawn_as (point/zone), approximate, method, hedge, statement, said_by,
    geometry (lon/lat, EPSG:4326). ``actors``: ids (a list or "a,b"); empty means all."""
    chosen = _ids(actors)
    layers = layers or read_layers(paths.geo_dir(facts.dataset))
    located = resolve(facts.places, layers).set_index("place_id")
    names = facts.actors.set_index("actor_id")["name"]
    said = attributions(facts).set_index("claim_id")
    claims = facts.claims.set_index("claim_id")
    rows = []
    p = facts.positions
    if chosen is not None:
        p = p[p["actor_id"].isin(chosen)]
    for r in p.itertuples(index=False):
        rows.append({"claim_id": r.claim_id, "actor_id": r.actor_id,
                     "actor": str(names.get(r.actor_id, r.actor_id)), "activity": r.activity,
                     "place_role": r.place_role, "place_id": r.place_id})
    placed = set(facts.positions["claim_id"])
    for claim_id, places, claim_actors in zip(facts.claims["claim_id"], facts.claims["places"],
                                              facts.claims["actors"], strict=True):
        if claim_id in placed or not places:
            continue
        if chosen is not None and not set(claim_actors) & set(chosen):
            continue
        for place_id in places:
            rows.append({"claim_id": claim_id, "actor_id": "", "actor": "", "activity": NAMED,
                         "place_role": "named", "place_id": place_id})
    columns = ["claim_id", "actor_id", "actor", "activity", "place_role", "place_id", "place",
               "precision", "drawn_as", "approximate", "method", "hedge", "statement",
               "said_by", "geometry"]
    if not rows:
        return gpd.GeoDataFrame(columns=columns, geometry="geometry", crs="EPSG:4326")
    frame = pd.DataFrame(rows)
    frame["place"] = frame["place_id"].map(located["name"])
    for column in ("precision", "drawn_as", "approximate", "method", "geometry"):
        frame[column] = frame["place_id"].map(located[column])
    frame["hedge"] = frame["claim_id"].map(said["hedge"]).fillna("")
    frame["statement"] = frame["claim_id"].map(claims["statement"]).fillna("")
    frame["said_by"] = frame["claim_id"].map(said["said_by"]).fillna("")
    frame = _fold_actors(frame)
    frame = frame.sort_values(["place_id", "claim_id", "actor_id"], kind="stable")
    return gpd.GeoDataFrame(frame[columns].reset_index(drop=True), geometry="geometry",
                            crs="EPSG:4326")


def _project_by_place(table: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    """Project each place's geometry once, however many marks share it."""
    places = table.drop_duplicates("place_id").set_index("place_id").geometry.to_crs(crs)
    return gpd.GeoDataFrame(table.drop(columns="geometry"),
                            geometry=table["place_id"].map(places).to_numpy(), crs=crs)


def _fold_actors(frame: pd.DataFrame) -> pd.DataFrame:
    """Past MAX_ACTORS actors, the least frequent share one symbol, 'other actors (N)', so the
    legend stays readable; every claim is still listed."""
    counts = frame.loc[frame["actor_id"] != "", "actor_id"].value_counts()
    if len(counts) <= MAX_ACTORS:
        return frame
    rest = counts.index[MAX_ACTORS - 1:]
    folded = frame["actor_id"].isin(rest)
    return frame.assign(actor_id=frame["actor_id"].where(~folded, OTHER_ACTORS),
                        actor=frame["actor"].where(~folded, f"other actors ({len(rest):,})"))


# -- extent and projection ---------------------------------------------------------------------

def parse_extent(text: str | Sequence[float] | None) -> tuple[float, float, float, float] | None:
    """'30,44,42,53' (lon_min, lat_min, lon_max, lat_max) as numbers; empty: None."""
    if text is None or text == "" or (not isinstance(text, str) and len(text) == 0):
        return None
    parts = text.split(",") if isinstance(text, str) else list(text)
    try:
        lon0, lat0, lon1, lat1 = (float(x) for x in parts)
    except (TypeError, ValueError) as error:
        raise ValueError(f"an extent is four numbers 'lon_min,lat_min,lon_max,lat_max', "
                         f"not {text!r}") from error
    if not (-180 <= lon0 < lon1 <= 180 and -90 <= lat0 < lat1 <= 90):
        raise ValueError(f"extent {text!r}: need lon_min < lon_max and lat_min < lat_max, "
                         "in degrees")
    return lon0, lat0, lon1, lat1


def fit_extent(geometries: gpd.GeoSeries, pad: float = 0.08,
               minimum: float = 4.0) -> tuple[float, float, float, float]:
    """The lon/lat box around the marks, padded by ``pad`` of its span (room for the boxes of
    claims), at least ``minimum`` degrees each way."""
    if len(geometries) == 0:
        return (30.0, 45.0, 42.0, 54.0)
    lon0, lat0, lon1, lat1 = geometries.total_bounds
    px, py = (lon1 - lon0) * pad + 0.2, (lat1 - lat0) * pad + 0.2
    lon0, lat0, lon1, lat1 = lon0 - px, lat0 - py, lon1 + px, lat1 + py
    for low, high, i in ((lon0, lon1, 0), (lat0, lat1, 1)):
        if high - low < minimum:
            grow = (minimum - (high - low)) / 2
            if i == 0:
                lon0, lon1 = low - grow, high + grow
            else:
                lat0, lat1 = low - grow, high + grow
    return (float(lon0), float(lat0), float(lon1), float(lat1))


def projection(extent: tuple[float, float, float, float]) -> str:
    """A Lambert conformal conic for the view: centred on it, standard parallels at 1/6 and
    5/6 of its latitudes (north is up on the central meridian)."""
    lon0, lat0, lon1, lat1 = extent
    span = lat1 - lat0
    return (f"+proj=lcc +lat_1={lat0 + span / 6:.3f} +lat_2={lat1 - span / 6:.3f} "
            f"+lat_0={(lat0 + lat1) / 2:.3f} +lon_0={(lon0 + lon1) / 2:.3f} "
            "+datum=WGS84 +units=m +no_defs")


def _projected_box(extent, crs: str) -> BaseGeometry:
    return gpd.GeoSeries([box(*extent).segmentize(0.1)], crs="EPSG:4326").to_crs(crs).iloc[0]


# -- drawing helpers -------------------------------------------------------------------------

def _path(geometry: BaseGeometry) -> MplPath | None:
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


def _add_shape(ax, geometry: BaseGeometry, **kwargs) -> PathPatch | None:
    """A polygon on the axes in data coordinates (without recomputing the axes' limits)."""
    path = _path(geometry)
    if path is None:
        return None
    patch = PathPatch(path, transform=ax.transData, **kwargs)
    patch.set_clip_path(ax.patch)
    ax.add_artist(patch)
    return patch


def _add_shapes(ax, geometries: Sequence[BaseGeometry], facecolors: Sequence[str],
                edgecolor: str, lw: float, zorder: float) -> None:
    """Many polygons as one collection (the base map)."""
    drawn = [(path, face) for path, face in
             ((_path(g), f) for g, f in zip(geometries, facecolors, strict=True)) if path]
    if not drawn:
        return
    collection = PathCollection([p for p, _ in drawn], facecolors=[f for _, f in drawn],
                                edgecolors=edgecolor, linewidths=lw, zorder=zorder)
    ax.add_collection(collection, autolim=False)


def _marker_area(activity: str, colours: Sequence[str], hollow: bool,
                 size: float = 7.0) -> DrawingArea:
    """One symbol per actor, side by side: shape = activity, colour = actor."""
    step = size + 2.5
    area = DrawingArea(step * len(colours) + 1, size + 2, 0, 0)
    marker = NAMED_MARKER if activity == NAMED else ACTIVITY_MARKERS.get(activity, "o")
    for i, colour in enumerate(colours):
        line = Line2D([step * i + step / 2], [(size + 2) / 2], marker=marker, ls="",
                      ms=size * (1.3 if marker == "*" else 1.0),
                      mfc="white" if hollow else colour, mec=colour,
                      mew=1.6 if hollow or marker == NAMED_MARKER else 0.6)
        area.add_artist(line)
    return area


def _row_text(activity: str, role: str) -> str:
    if activity == NAMED:
        return "names this place"
    text = str(activity)
    if role in HOLLOW_ROLES or role == "origin":
        text += f" ({role})"
    return text


def _callout(place: str, precision: int, approximate: bool, rows: pd.DataFrame,
             colours: dict[str, str], compact: bool) -> VPacker:
    """The box of claims about one place: a line per claim and activity, one symbol per
    actor, the claim id, the activity and the hedge as written."""
    size = 6.8 if compact else 7.2
    where = PRECISION_WORDS.get(int(precision), "place")
    if approximate:
        where += ", approximate"
    children = [TextArea(textwrap.fill(place, 30), textprops={
        "fontsize": size + 0.3, "fontweight": "bold", "color": INK, "parse_math": False})]
    if not compact:
        children.append(TextArea(where, textprops={"fontsize": size - 0.8, "color": MUTED,
                                                   "fontstyle": "italic",
                                                   "parse_math": False}))
    keys = ["claim_id", "activity", "place_role", "hedge"]
    distinct = rows.drop_duplicates(keys)
    shown = distinct.head(MAX_CALLOUT_ROWS)
    first = rows[rows["claim_id"].isin(set(shown["claim_id"]))]
    for claim_id, activity, role, hedge in shown[keys].itertuples(index=False):
        group = first[(first["claim_id"] == claim_id) & (first["activity"] == activity)
                      & (first["place_role"] == role) & (first["hedge"] == hedge)]
        symbols = [colours.get(a, NAMED_COLOUR) for a in group["actor_id"]]
        parts = [_marker_area(activity, symbols, role in HOLLOW_ROLES),
                 TextArea(str(claim_id), textprops={"fontsize": size, "fontweight": "bold",
                                                    "color": INK, "parse_math": False,
                                                    "url": claim_url(claim_id)}),
                 TextArea(_row_text(activity, role), textprops={
                     "fontsize": size, "color": INK, "parse_math": False})]
        if hedge:
            parts.append(TextArea(str(hedge), textprops={
                "fontsize": size, "color": MUTED, "fontstyle": "italic",
                "parse_math": False}))
        children.append(HPacker(children=parts, align="center", pad=0, sep=3))
    if len(distinct) > MAX_CALLOUT_ROWS:
        children.append(TextArea(f"… and {len(distinct) - MAX_CALLOUT_ROWS:,} more claims "
                                 "(see the table)", textprops={
                                     "fontsize": size - 0.5, "color": MUTED,
                                     "parse_math": False}))
    return VPacker(children=children, align="left", pad=0, sep=1.5)


def _nice(length: float) -> float:
    """A round number of metres at most ``length``: 10, 20, 25, 50, 100, 200, 250, 500 km..."""
    for unit in (500e3, 250e3, 200e3, 100e3, 50e3, 25e3, 20e3, 10e3, 5e3, 1e3):
        if unit <= length:
            return unit
    return 1e3


def _scale_bar(ax, corner: str, xlim, ylim) -> list:
    """A scale bar in projected metres in a lower corner; returns its artists."""
    w, h = xlim[1] - xlim[0], ylim[1] - ylim[0]
    length = _nice(w * 0.2)
    x0 = xlim[0] + w * 0.035 if corner.endswith("left") else xlim[1] - w * 0.035 - length
    y0 = ylim[0] + h * 0.035
    bar = h * 0.008
    artists = [ax.add_patch(Rectangle((x0 - length * 0.06, y0 - bar * 1.5), length * 1.2,
                                      bar * 6.0, fc="white", ec="none", alpha=0.85,
                                      zorder=8))]
    for i in range(4):
        artists.append(ax.add_patch(Rectangle((x0 + i * length / 4, y0), length / 4, bar,
                                              fc=INK if i % 2 == 0 else "white", ec=INK,
                                              lw=0.6, zorder=9)))
    km = length / 1000
    for frac, label in ((0, "0"), (0.5, f"{km / 2:g}"), (1, f"{km:g} km")):
        artists.append(draw_text(ax, x0 + frac * length, y0 + bar * 1.6, label, fontsize=6.3,
                             ha="center", va="bottom", color=INK, zorder=9))
    return artists


def _north_arrow(ax, crs: str, corner: str, xlim, ylim) -> list:
    """An arrow to true north in an upper corner (its direction computed, not assumed)."""
    w, h = xlim[1] - xlim[0], ylim[1] - ylim[0]
    x = xlim[1] - w * 0.04 if corner.endswith("right") else xlim[0] + w * 0.04
    y = ylim[1] - h * 0.13
    here = gpd.GeoSeries(gpd.points_from_xy([x], [y]), crs=crs).to_crs("EPSG:4326").iloc[0]
    north = gpd.GeoSeries(gpd.points_from_xy([here.x], [here.y + 0.3]),
                          crs="EPSG:4326").to_crs(crs).iloc[0]
    dx, dy = north.x - x, north.y - y
    scale = h * 0.055 / math.hypot(dx, dy)
    arrow = FancyArrow(x, y, dx * scale, dy * scale, width=w * 0.004, head_width=w * 0.016,
                       head_length=h * 0.022, length_includes_head=True, fc=INK, ec=INK,
                       zorder=9)
    ax.add_patch(arrow)
    label = draw_text(ax, x + dx * scale * 1.1, y + dy * scale * 1.1, "N", fontsize=8,
                  fontweight="bold", ha="center", va="bottom", color=INK, zorder=9)
    return [arrow, label]


def _simplified(geometries: gpd.GeoSeries, tolerance: float) -> gpd.GeoSeries:
    """Borders simplified to what the map can show, shared borders once (a coverage), so
    neighbours keep meeting and the SVG stays small."""
    values = np.asarray(geometries.values, dtype=object)
    try:
        simple = shapely.coverage_simplify(values, tolerance)
    except (AttributeError, shapely.errors.GEOSException):
        simple = shapely.simplify(values, tolerance, preserve_topology=True)
    return gpd.GeoSeries(simple, index=geometries.index, crs=geometries.crs)


def _draw_land(ax, layers: Layers, crs: str, view: BaseGeometry, *, admin1: bool,
               lw: float = 1.0, tolerance: float = 0.0) -> gpd.GeoDataFrame:
    """Countries (and admin-1 units) clipped to ``view`` (lon/lat); Crimea hatched.

    A unit whose Natural Earth de facto admin (``ne_admin``) differs from its country is drawn
    in its country's colour with a red dotted hatch: occupied. ``tolerance`` (projected
    metres) simplifies the outlines to the map's resolution."""
    a1 = gpd.GeoDataFrame(layers.admin1, geometry="geometry", crs="EPSG:4326")
    a1 = a1[a1.intersects(view)].copy()
    a1["geometry"] = a1.intersection(view)
    a1 = a1.to_crs(crs)
    if tolerance:
        a1["geometry"] = _simplified(a1.geometry, tolerance)
    _add_shapes(ax, list(a1.geometry), [LAND.get(c, LAND_OTHER) for c in a1["iso_a2"]],
                "#bdb8ae" if admin1 else "none", 0.35 * lw, 1)
    for r in a1[a1["ne_admin"] != a1["country"]].itertuples():
        _add_shape(ax, r.geometry, fc="none", ec=OCCUPIED, hatch=OCCUPIED_HATCH, lw=0, zorder=1.5)
    a0 = gpd.GeoDataFrame(layers.admin0, geometry="geometry", crs="EPSG:4326")
    a0 = a0[a0.intersects(view)].copy()
    a0["geometry"] = a0.boundary.intersection(view)
    a0 = a0.to_crs(crs)
    if tolerance:
        a0["geometry"] = a0.geometry.simplify(tolerance)
    for r in a0.itertuples():
        for line in shapely.get_parts(r.geometry):
            if line.geom_type == "LineString":
                xy = np.asarray(line.coords)
                ax.plot(xy[:, 0], xy[:, 1], color="#5b5b5b", lw=0.9 * lw, zorder=2,
                        scalex=False, scaley=False)
    return a1


def _corners(xlim, ylim, size: tuple[float, float], features: BaseGeometry) -> list[str]:
    """The map's corners, emptiest first (how much of ``features`` a box of ``size``, in data
    units, would cover there)."""
    w, h = size
    boxes = {
        "upper left": box(xlim[0], ylim[1] - h, xlim[0] + w, ylim[1]),
        "upper right": box(xlim[1] - w, ylim[1] - h, xlim[1], ylim[1]),
        "lower left": box(xlim[0], ylim[0], xlim[0] + w, ylim[0] + h),
        "lower right": box(xlim[1] - w, ylim[0], xlim[1], ylim[0] + h),
    }
    covered = {name: (b.intersection(features).area if not features.is_empty else 0.0)
               for name, b in boxes.items()}
    # Among corners hiding as little, the one farthest from the marks: the boxes of claims
    # need the room near them.
    away = {name: (b.distance(features) if not features.is_empty else 0.0)
            for name, b in boxes.items()}
    return sorted(boxes, key=lambda name: (round(covered[name] / (w * h), 2), -away[name],
                                           list(boxes).index(name)))


# -- the map ---------------------------------------------------------------------------------

def position_map(facts: Facts, *, actors: str | Sequence[str] | None = None,
                 extent: str | Sequence[float] | None = None, width: float = 7.0,
                 compact: bool = False, title: str | None = None) -> PositionMap:
    """Draw the positions of ``facts`` (optionally only some ``actors``, within ``extent``
    'lon_min,lat_min,lon_max,lat_max'; empty: fit the marks). ``compact`` drops the
    overview inset, the oblast names and the precision line of each box (for the brief)."""
    layers = read_layers(paths.geo_dir(facts.dataset))
    table = marks(facts, actors, layers)
    chosen = parse_extent(extent) or fit_extent(gpd.GeoSeries(table.geometry,
                                                              crs="EPSG:4326"))
    crs = projection(chosen)
    with mpl.rc_context(_style()):
        if table.empty:
            return _empty(table, chosen, crs, width)
        return _draw(facts, table, layers, chosen, crs, width=width, compact=compact,
                     title=title)


def _empty(table: gpd.GeoDataFrame, extent, crs: str, width: float) -> PositionMap:
    """No positions to draw: a line that says so, not an empty map."""
    fig = Figure(figsize=(width, 0.6), dpi=100)
    draw_text(fig, 0.02, 0.5, "No positions or places recorded in the data set (up to the "
          "cut-off, if any).", fontsize=9, color=INK, va="center", ha="left")
    labels = Placer(fig).table()
    zones = gpd.GeoDataFrame(columns=["place_id", "drawn_as", "style", "geometry"],
                             geometry="geometry", crs="EPSG:4326")
    return PositionMap(figure=fig, marks=table.assign(in_view=[]), zones=zones, labels=labels,
                       extent=tuple(extent), crs=crs, credit="")


def report_title(facts: Facts) -> str:
    """'Actor positions: <data set title>' from the data set's datapackage.json."""
    return f"Actor positions: {facts.title}" if facts.title else "Actor positions"


def _view(chosen, crs: str, aspect: float):
    """The projected view: the chosen box grown (never shrunk) to the map's shape."""
    x0, y0, x1, y1 = _projected_box(chosen, crs).bounds
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w, h = x1 - x0, y1 - y0
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    return (cx - w / 2, cx + w / 2), (cy - h / 2, cy + h / 2)


def _draw(facts: Facts, table: gpd.GeoDataFrame, layers: Layers, chosen, crs: str, *,
          width: float, compact: bool, title: str | None) -> PositionMap:
    margin = 0.06
    map_h = width * (0.6 if compact else 0.63)
    xlim, ylim = _view(chosen, crs, (width - 2 * margin) / map_h)
    w, h = xlim[1] - xlim[0], ylim[1] - ylim[0]
    view_proj = box(xlim[0], ylim[0], xlim[1], ylim[1])
    view = gpd.GeoSeries([view_proj.segmentize(w / 50)], crs=crs).to_crs("EPSG:4326").iloc[0]
    view = view.buffer(0.05)
    lon0, lat0, lon1, lat1 = view.bounds
    shown_extent = (round(lon0, 2), round(lat0, 2), round(lon1, 2), round(lat1, 2))

    projected = _project_by_place(table, crs) if len(table) else table
    table = table.assign(in_view=list(projected.geometry.intersects(view_proj))
                         if len(table) else [])
    places = (projected.drop_duplicates("place_id").set_index("place_id")
              if len(table) else projected)
    point_places = [pid for pid in places.index if places.loc[pid, "drawn_as"] == "point"]
    # Context: the gazetteer's other towns in view (grey rings), not claims.
    gaz = gpd.GeoDataFrame(layers.gazetteer, geometry="geometry", crs="EPSG:4326")
    context = [(r.name, g.x, g.y) for r, g in zip(gaz.itertuples(), gaz.to_crs(crs).geometry,
                                                   strict=True)
               if view_proj.contains(g) and not any(
                   g.distance(places.loc[pid, "geometry"]) < 500 for pid in point_places)]

    colours = actor_colours(facts.actors, [a for a in table["actor_id"].unique() if a])
    keys = _legend_keys(table, colours)
    credit = geo_credit(table, [c[0] for c in context], layers)
    outside = table[~table["in_view"].astype(bool)] if len(table) else table
    notes = _notes(outside, geo_credit(table, [c[0] for c in context], layers, short=True),
                   width)
    legend_h, notes_h = _measure(keys, notes, width)
    title_h = 0.35 if title else 0.0
    gap = 0.12
    height = title_h + map_h + gap + legend_h + gap + notes_h + 0.05
    fig = Figure(figsize=(width, height), dpi=100)
    fig.patch.set_facecolor("white")
    ax = fig.add_axes((margin / width, (notes_h + legend_h + 2 * gap + 0.05) / height,
                       1 - 2 * margin / width, map_h / height))
    ax.set_facecolor(SEA)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#777777")
        spine.set_linewidth(0.8)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_autoscale_on(False)

    # Outlines simplified to a third of a point (here about 1 km, the layer's own accuracy).
    tolerance = w / (width * 72 * 3)
    a1 = _draw_land(ax, layers, crs, view, admin1=True, tolerance=tolerance)

    # Zones and points, as precise as the source.
    zone_rows: list[dict] = []
    hatch_at = 0
    for place_id in sorted(places.index, key=lambda pid: -places.loc[pid, "geometry"].area):
        place = places.loc[place_id]
        if place["drawn_as"] != "zone":
            continue
        approx = bool(place["approximate"])
        dashed = (0, (4, 2)) if approx else "solid"
        shape = place["geometry"].simplify(tolerance)
        if int(place["precision"]) >= 3:
            _add_shape(ax, shape, fc=ZONE_FILL, alpha=0.25, ec="none", zorder=3)
            _add_shape(ax, shape, fc="none", ec=ZONE_EDGE, lw=1.3, ls=dashed,
                       zorder=4)
            style = "shaded, " + ("dashed outline" if approx else "solid outline")
        else:
            hatch = HATCHES[hatch_at % len(HATCHES)]
            hatch_at += 1
            _add_shape(ax, shape, fc="none", ec=ZONE_EDGE, hatch=hatch, lw=0,
                       zorder=3)
            _add_shape(ax, shape, fc="none", ec=ZONE_EDGE, lw=1.2, ls=dashed,
                       zorder=4)
            style = f"hatched {hatch[:2]}, dashed outline"
        zone_rows.append({"place_id": place_id, "drawn_as": "zone", "style": style,
                          "geometry": _lonlat(table, place_id)})

    placer = Placer(fig)
    renderer = placer.renderer
    frame = ax.get_window_extent(renderer)
    placer.frame = (frame.x0 + 3, frame.y0 + 3, frame.x1 - 3, frame.y1 - 3)
    to_px = ax.transData.transform

    # Fixed furniture in the emptiest corners: inset, north arrow, scale bar.
    features = shapely.union_all([g if g.geom_type != "Point" else g.buffer(w * 0.03)
                                  for g in places.geometry]) if len(places) else Point()
    inset_w = 1.55
    inset_size = (inset_w / (width - 2 * margin) * w, inset_w * 1.05 / map_h * h)
    corners = _corners(xlim, ylim, inset_size, features)
    inset_corner = corners[0] if not compact else ""
    if not compact:
        inset = _inset(fig, ax, layers, crs, view, inset_corner, inset_w)
        placer.block(inset.get_window_extent(renderer).padded(4), "inset")
    upper = [c for c in corners if c.startswith("upper") and c != inset_corner]
    lower = [c for c in corners if c.startswith("lower") and c != inset_corner]
    for artist in _north_arrow(ax, crs, upper[0] if upper else "upper right", xlim, ylim):
        placer.block_artist(artist, "north arrow")
    for artist in _scale_bar(ax, lower[0] if lower else "lower left", xlim, ylim):
        placer.block_artist(artist, "scale bar")

    # Towns of the positions: a dot each; the context towns a grey ring each.
    for place_id in point_places:
        pt = places.loc[place_id, "geometry"]
        ax.plot([pt.x], [pt.y], "o", ms=5.5, mfc=INK, mec="white", mew=1.0, zorder=7)
        placer.block_point(*to_px((pt.x, pt.y)), 4.5, "town", str(places.loc[place_id,
                                                                              "place"]))
        zone_rows.append({"place_id": place_id, "drawn_as": "point", "style": "dot",
                          "geometry": _lonlat(table, place_id)})

    for name, x, y in context:
        ax.plot([x], [y], "o", ms=3.4, mfc="white", mec=MUTED, mew=0.9, zorder=6)
        placer.block_point(*to_px((x, y)), 3.0, "context town", name)

    # Names beside the dots: position towns (required), then context towns (if they fit).
    for place_id in point_places:
        pt = places.loc[place_id, "geometry"]
        _label_dot(placer, ax, str(places.loc[place_id, "place"]), (pt.x, pt.y),
                   kind="town name", required=True, fontsize=7.5, fontweight="bold",
                   color=INK)
    for name, x, y in context:
        _label_dot(placer, ax, name, (x, y), kind="context name", required=False,
                   fontsize=6.5, color=MUTED)

    # The boxes of claims, largest first; each joined to its place by a line.
    anchors = _anchors(places)
    hidden = _in_pixels(ax, [g for g in places.geometry if g.geom_type != "Point"])
    for place_id, xy in anchors.items():
        placer.block_point(*to_px(xy), 2.5, "anchor", place_id)
    groups = [(pid, table[(table["place_id"] == pid) & table["in_view"]]) for pid in anchors]
    groups = sorted(((pid, rows) for pid, rows in groups if len(rows)),
                    key=lambda g: (-len(g[1]), g[0]))
    for place_id, rows in groups:
        place = places.loc[place_id]
        content = _callout(str(place["place"]), int(place["precision"]),
                           bool(place["approximate"]), rows, colours, compact)
        _place_callout(placer, ax, content, anchors[place_id],
                       f"{place_id}: " + ", ".join(sorted(set(rows["claim_id"]))), hidden)

    _country_labels(ax, placer, layers, crs, view, features)
    if not compact:
        _unit_labels(ax, placer, a1, view_proj,
                     [g for g in places.geometry if g.geom_type != "Point"])

    # Keys and notes under the map.
    _add_legends(fig, keys, margin / width, (notes_h + legend_h + gap + 0.05) / height)
    draw_text(fig, margin / width, 0.05 / height, notes, fontsize=NOTE_SIZE, color=MUTED,
          va="bottom", ha="left", linespacing=1.25)
    if title:
        draw_text(fig, margin / width, 1 - 0.08 / height, title, fontsize=10.5, fontweight="bold",
              color=INK, va="top", ha="left")

    zones = gpd.GeoDataFrame(zone_rows, columns=["place_id", "drawn_as", "style", "geometry"],
                             geometry="geometry", crs="EPSG:4326")
    return PositionMap(figure=fig, marks=table, zones=zones, labels=placer.table(),
                       extent=shown_extent, crs=crs, credit=credit,
                       context_places=[c[0] for c in context])


def _in_pixels(ax, geometries: Sequence[BaseGeometry]) -> list:
    """Projected zones in display pixels, each with a prepared copy (what a box may hide)."""
    zones = [shapely.transform(g, ax.transData.transform) for g in geometries]
    return [(z, shapely.prepared.prep(z)) for z in zones if z.area > 0]


def _lonlat(table: gpd.GeoDataFrame, place_id: str) -> BaseGeometry:
    return table.loc[table["place_id"] == place_id, "geometry"].iloc[0]


def _anchors(places: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """Where each box's line ends: a town's dot, or the point deepest inside a zone, away from
    any smaller zone drawn over it (so two boxes never point at one spot)."""
    anchors: dict[str, tuple[float, float]] = {}
    zones = {pid: places.loc[pid, "geometry"] for pid in places.index
             if places.loc[pid, "drawn_as"] == "zone"}
    for pid in places.index:
        geometry = places.loc[pid, "geometry"]
        if places.loc[pid, "drawn_as"] == "point":
            anchors[pid] = (geometry.x, geometry.y)
            continue
        own = geometry
        for other, g in zones.items():
            if other != pid and g.area < geometry.area and g.intersects(geometry):
                rest = own.difference(g)
                if not rest.is_empty and rest.area > geometry.area * 0.1:
                    own = rest
        for other, g in zones.items():  # keep off the middle of larger zones' own anchors
            if other != pid and g.area > geometry.area and g.contains(geometry):
                continue
        pt = _pole(own)
        anchors[pid] = (pt.x, pt.y)
    return anchors


def _pole(geometry: BaseGeometry) -> Point:
    """The point deepest inside a polygon (of its largest part): its pole of inaccessibility."""
    parts = sorted(shapely.get_parts(geometry), key=lambda g: -g.area)
    biggest = parts[0] if len(parts) else geometry
    if biggest.geom_type != "Polygon":
        return biggest.representative_point()
    return polylabel(biggest, tolerance=math.sqrt(biggest.area) / 200)


def _label_dot(placer: Placer, ax, text: str, xy: tuple[float, float], *, kind: str,
               required: bool, **style) -> None:
    """A short label beside a dot: right, left, above, below, then the diagonals."""
    label = draw_text(ax, xy[0], xy[1], text, ha="left", va="bottom", zorder=10,
                  path_effects=HALO, **style)
    size = label.get_window_extent(placer.renderer)
    tw, th = size.width, size.height
    px, py = ax.transData.transform(xy)
    k = placer.figure.dpi / 72
    r = 4.5
    options = []
    for dx, dy, ha, va in ((r + 1, 0, "left", "center"), (-r - 1, 0, "right", "center"),
                           (0, r, "center", "bottom"), (0, -r, "center", "top"),
                           (r, r, "left", "bottom"), (-r, r, "right", "bottom"),
                           (r, -r, "left", "top"), (-r, -r, "right", "top")):
        x0 = px + dx * k - {"left": 0, "center": tw / 2, "right": tw}[ha]
        y0 = py + dy * k - {"bottom": 0, "center": th / 2, "top": th}[va]
        options.append(((dx, dy, ha, va), (x0, y0, x0 + tw, y0 + th), None))
    chosen = placer.choose(options, kind=kind, text=text, required=required)
    if chosen is None:
        label.remove()
        return
    dx, dy, ha, va = chosen
    label.set_ha(ha)
    label.set_va(va)
    label.set_transform(ax.transData + ScaledTranslation(dx / 72, dy / 72,
                                                         placer.figure.dpi_scale_trans))


def _callout_artist(content, anchor: tuple[float, float], offset: tuple[float, float],
                    alignment: tuple[float, float]) -> AnnotationBbox:
    return AnnotationBbox(content, anchor, xybox=offset, xycoords="data",
                          boxcoords="offset points", box_alignment=alignment, frameon=True,
                          pad=0.35, zorder=12,
                          bboxprops={"boxstyle": "round,pad=0.3,rounding_size=0.25",
                                     "fc": "white", "ec": "#8a8a8a", "lw": 0.7,
                                     "alpha": 0.95},
                          arrowprops={"arrowstyle": "-", "color": "#3a3a3a", "lw": 0.8,
                                      "shrinkA": 0, "shrinkB": 1.5})


def _place_callout(placer: Placer, ax, content, anchor: tuple[float, float], text: str,
                   hidden: list) -> None:
    """A box of claims joined to its anchor by a thin line, where it collides with nothing.

    The box is measured once (its size does not depend on where it goes), each candidate's
    box computed, and the box drawn where the placer chose."""
    renderer = placer.renderer
    probe = _callout_artist(content, anchor, (0, 0), (0, 0))
    ax.add_artist(probe)
    probe.update_positions(renderer)
    frame = probe.patch.get_window_extent(renderer)
    probe.remove()
    px, py = ax.transData.transform(anchor)
    ox, oy = frame.x0 - px, frame.y0 - py          # the frame's padding (negative)
    fw, fh = frame.width, frame.height
    k = placer.figure.dpi / 72
    angles = [45, 135, 315, 225, 0, 180, 90, 270, 22, 158, 338, 202, 68, 112, 292, 248]
    options = []
    for radius in (16, 28, 42, 58, 78, 100, 128, 160, 200, 250):
        for angle in angles:
            dx = radius * math.cos(math.radians(angle))
            dy = radius * math.sin(math.radians(angle))
            bx = 0.0 if dx > 1 else 1.0 if dx < -1 else 0.5
            by = 0.0 if dy > 1 else 1.0 if dy < -1 else 0.5
            x0 = px + dx * k + ox - bx * (fw + 2 * ox)
            y0 = py + dy * k + oy - by * (fh + 2 * oy)
            rect = (x0, y0, x0 + fw, y0 + fh)
            near_x = min(max(px, rect[0]), rect[2])
            near_y = min(max(py, rect[1]), rect[3])
            length = math.hypot(near_x - px, near_y - py)
            cut = max(0.0, (length - 7) / length) if length else 0.0  # off the anchor's mark
            leader = ((near_x, near_y), (near_x + (px - near_x) * cut,
                                         near_y + (py - near_y) * cut))
            options.append(((dx, dy, bx, by), rect, leader))
    def soft(rect) -> float:
        """How much of the map's zones the box would hide: the share of each zone, summed
        (hiding a third of a small zone is worse than a corner of a large one)."""
        area = box(*rect)
        return sum(zone.intersection(area).area / zone.area for zone, ready in hidden
                   if ready.intersects(area))

    chosen = placer.choose(options, kind="claims box", text=text, required=True, soft=soft)
    dx, dy, bx, by = chosen  # type: ignore[misc]
    ax.add_artist(_callout_artist(content, anchor, (dx, dy), (bx, by)))


def _country_labels(ax, placer: Placer, layers: Layers, crs: str, view: BaseGeometry,
                    features: BaseGeometry) -> None:
    """Country names in spaced capitals, in the largest part of each country in view that no
    zone covers, where they fit."""
    a0 = gpd.GeoDataFrame(layers.admin0, geometry="geometry", crs="EPSG:4326")
    a0 = a0[a0.intersects(view)].copy()
    a0["geometry"] = a0.intersection(view)
    a0 = a0.to_crs(crs)
    a0 = a0.assign(area=a0.area).sort_values("area", ascending=False)
    k = placer.figure.dpi / 72
    for r in a0.itertuples():
        free = r.geometry.difference(features) if not features.is_empty else r.geometry
        if free.is_empty:
            continue
        pt = _pole(free)
        label = draw_text(ax, pt.x, pt.y, " ".join(str(r.name).upper()), fontsize=8.5,
                      color="#9a9284", fontweight="bold", ha="center", va="center",
                      zorder=5)
        size = label.get_window_extent(placer.renderer)
        px, py = ax.transData.transform((pt.x, pt.y))
        options = []
        for dx, dy in ((0, 0), (0, 14), (0, -14), (24, 0), (-24, 0), (0, 28), (0, -28)):
            x0, y0 = px + dx * k - size.width / 2, py + dy * k - size.height / 2
            options.append(((dx, dy), (x0, y0, x0 + size.width, y0 + size.height), None))
        chosen = placer.choose(options, kind="country name", text=str(r.name),
                               required=False)
        if chosen is None:
            label.remove()
            continue
        label.set_transform(ax.transData + ScaledTranslation(
            chosen[0] / 72, chosen[1] / 72, placer.figure.dpi_scale_trans))


def _unit_labels(ax, placer: Placer, a1: gpd.GeoDataFrame, view_proj,
                 zones: Sequence[BaseGeometry] = ()) -> None:
    """Names of the admin-1 units of Ukraine and Russia in view, where they fit."""
    units = a1[a1["iso_a2"].isin(["UA", "RU"])].copy()
    units["visible"] = units.geometry.intersection(view_proj)
    units = units[units["visible"].area > 0].sort_values("iso_3166_2")
    k = placer.figure.dpi / 72
    for r in units.itertuples():
        pt = _pole(r.visible)
        # A halo only over a zone's hatching (halos cost a path each in the SVG).
        over = any(z.contains(pt) for z in zones)
        label = draw_text(ax, pt.x, pt.y, r.name, fontsize=6.2, color="#8a8070",
                      fontstyle="italic", ha="center", va="center", zorder=5,
                      path_effects=HALO if over else None)
        size = label.get_window_extent(placer.renderer)
        px, py = ax.transData.transform((pt.x, pt.y))
        options = []
        for dx, dy in ((0, 0), (0, 9), (0, -9), (14, 0), (-14, 0)):
            x0, y0 = px + dx * k - size.width / 2, py + dy * k - size.height / 2
            options.append(((dx, dy), (x0, y0, x0 + size.width, y0 + size.height), None))
        chosen = placer.choose(options, kind="unit name", text=r.name, required=False)
        if chosen is None:
            label.remove()
            continue
        label.set_transform(ax.transData + ScaledTranslation(
            chosen[0] / 72, chosen[1] / 72, placer.figure.dpi_scale_trans))


def _inset(fig: Figure, ax, layers: Layers, crs: str, view: BaseGeometry, corner: str,
           w_in: float):
    """An overview of the whole layer with the view outlined, in the given corner."""
    bbox = ax.get_position()
    fw, fh = fig.get_size_inches()
    whole = box(*shapely.total_bounds(list(layers.admin0.geometry)))
    region = box(23.5, 43.6, 46.5, 57.6).intersection(whole)
    rproj = gpd.GeoSeries([region.segmentize(0.25)], crs="EPSG:4326").to_crs(crs).iloc[0]
    rx0, ry0, rx1, ry1 = rproj.bounds
    h_in = w_in * (ry1 - ry0) / (rx1 - rx0)
    gap = 0.06
    left = bbox.x0 + gap / fw if corner.endswith("left") else bbox.x1 - (w_in + gap) / fw
    bottom = bbox.y1 - (h_in + gap) / fh if corner.startswith("upper") else bbox.y0 + gap / fh
    inset = fig.add_axes((left, bottom, w_in / fw, h_in / fh), zorder=20)
    inset.set_facecolor(SEA)
    inset.set_xticks([])
    inset.set_yticks([])
    for spine in inset.spines.values():
        spine.set_color("#555555")
        spine.set_linewidth(0.7)
    inset.set_xlim(rx0, rx1)
    inset.set_ylim(ry0, ry1)
    inset.set_aspect("equal")
    inset.set_autoscale_on(False)
    _draw_land(inset, layers, crs, region, admin1=False, lw=0.6,
               tolerance=(rx1 - rx0) / (w_in * 72))
    vproj = gpd.GeoSeries([view.envelope.segmentize(0.1)], crs="EPSG:4326").to_crs(crs).iloc[0]
    _add_shape(inset, vproj, fc="none", ec="#c0392b", lw=1.2, zorder=5)
    a0 = gpd.GeoDataFrame(layers.admin0, geometry="geometry", crs="EPSG:4326")
    for code in ("UA", "RU"):
        hit = a0[a0["iso_a2"] == code]
        piece = hit.geometry.iloc[0].intersection(region) if len(hit) else Point()
        if piece.is_empty:
            continue
        at = gpd.GeoSeries([_pole(piece)], crs="EPSG:4326").to_crs(crs).iloc[0]
        draw_text(inset, at.x, at.y, str(hit["name"].iloc[0]).upper(), fontsize=5.5,
              color="#333333", ha="center", va="center", zorder=6)
    return inset


def _legend_keys(table: gpd.GeoDataFrame, colours: dict[str, str]) -> list[tuple[str, list]]:
    """The keys under the map: who (colour), doing what (shape), role (fill), where (how
    precise). Only what the map shows is listed, and every symbol it shows is."""
    names = table.drop_duplicates("actor_id").set_index("actor_id")["actor"]
    who = [Line2D([], [], marker="o", ls="", ms=7, mfc=colour, mec=colour,
                  label=str(names.get(actor_id, actor_id)))
           for actor_id, colour in colours.items()]
    present = set(table["activity"])
    what = [Line2D([], [], marker=marker, ls="", ms=7 * (1.3 if marker == "*" else 1),
                   mfc="#4a4a4a", mec="#4a4a4a", label=activity)
            for activity, marker in ACTIVITY_MARKERS.items() if activity in present]
    roles = [Line2D([], [], marker="o", ls="", ms=7, mfc="#4a4a4a", mec="#4a4a4a",
                    label="filled: the actor is there")]
    if table["place_role"].isin(HOLLOW_ROLES).any():
        roles.append(Line2D([], [], marker="o", ls="", ms=7, mfc="white", mec="#4a4a4a",
                            mew=1.6, label="hollow: its objective\nor target"))
    if NAMED in present:
        roles.append(Line2D([], [], marker=NAMED_MARKER, ls="", ms=7, mew=1.6,
                            mec=NAMED_COLOUR, label="a claim names the\nplace, no position"))
    where = []
    kinds = {(d, int(p), bool(a)) for d, p, a in
             zip(table["drawn_as"], table["precision"], table["approximate"], strict=True)}
    if any(d == "point" for d, _, _ in kinds):
        where.append(Line2D([], [], marker="o", ls="", ms=5.5, mfc=INK, mec="white",
                            label="town the source names"))
    if ("zone", 3, False) in kinds:
        where.append(Patch(fc=(0.49, 0.49, 0.49, 0.25), ec=ZONE_EDGE, lw=1.2,
                           label="region the source names"))
    if any(d == "zone" and p >= 3 and a for d, p, a in kinds):
        where.append(Patch(fc=(0.49, 0.49, 0.49, 0.25), ec=ZONE_EDGE, lw=1.2, ls="--",
                           label="region the source does not\ndelimit: analyst's reading"))
    if any(d == "zone" and p <= 2 for d, p, _ in kinds):
        where.append(Patch(fc="none", ec=ZONE_EDGE, lw=1.0, ls="--", hatch="////",
                           label="part of a region:\nanalyst's approximation"))
    where.append(Patch(fc=LAND["UA"], ec=OCCUPIED, hatch=OCCUPIED_HATCH, lw=0.5,
                       label="Crimea: Ukrainian,\noccupied by Russia"))
    where.append(Line2D([], [], marker="o", ls="", ms=3.5, mfc="white", mec=MUTED,
                        label="other town, for orientation"))
    return [(title, handles) for title, handles in (
        ("Who (colour)", who), ("Doing what (shape)", what), ("Role", roles),
        ("Where, as precise as the source", where)) if handles]


def _add_legends(fig: Figure, keys: list[tuple[str, list]], left: float,
                 top: float) -> list:
    """The keys side by side from ``left`` (figure fraction), hanging from ``top``."""
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    fig_w = fig.get_figwidth() * fig.dpi
    x, legends = left, []
    for title, handles in keys:
        ncol = 2 if len(handles) > 4 and title.startswith("Doing") else 1
        legend = fig.legend(handles=handles, title=title, loc="upper left",
                            bbox_to_anchor=(x, top), frameon=False, fontsize=LEGEND_SIZE,
                            title_fontsize=LEGEND_SIZE + 0.4, ncol=ncol, handlelength=2.0,
                            handleheight=1.1,
                            handletextpad=0.45, columnspacing=0.7, labelspacing=0.45,
                            alignment="left", borderaxespad=0.0, borderpad=0.0)
        legend.get_title().set_fontweight("bold")
        legends.append(legend)
        x = (legend.get_window_extent(renderer).x1 + 16) / fig_w
    return legends


def _notes(outside: pd.DataFrame, credit: str, width: float) -> str:
    """The notes under the keys: what is outside the view, Crimea, the boxes, the credits."""
    notes = [CRIMEA_NOTE_SHORT, BOX_NOTE, credit]
    if len(outside):
        notes.insert(0, "Outside this view: " + ", ".join(
            f"{r.claim_id} ({r.place})" for r in outside.itertuples()) + ".")
    return "\n".join(textwrap.fill(n, int(width * 19.5)) for n in notes)


def _measure(keys: list[tuple[str, list]], notes: str, width: float) -> tuple[float, float]:
    """Heights (inches) of the keys and of the notes, drawn on a scratch figure."""
    with mpl.rc_context(_style()):
        scratch = Figure(figsize=(width, 4), dpi=100)
        FigureCanvasAgg(scratch)
        renderer = scratch.canvas.get_renderer()
        legends = _add_legends(scratch, keys, 0.0, 1.0)
        legend_h = max((lg.get_window_extent(renderer).height for lg in legends),
                       default=0.0) / scratch.dpi
        text = draw_text(scratch, 0, 0, notes, fontsize=NOTE_SIZE, linespacing=1.25)
        notes_h = text.get_window_extent(renderer).height / scratch.dpi
    return legend_h, notes_h


def geo_credit(table: pd.DataFrame, context: Sequence[str] = (),
               layers: Layers | None = None, *, short: bool = False) -> str:
    """Credit lines for the boundaries and every town's coordinates drawn, with licences
    (GeoNames is CC BY 4.0 and must be credited). ``short``: one line for inside the map."""
    layers = layers or read_layers()
    gaz = layers.gazetteer
    towns = set(context)
    points = table[table["drawn_as"] == "point"] if len(table) else table
    towns |= set(points["place"]) if len(points) else set()
    drawn = gaz[gaz["name"].isin(towns)]
    geonames = sorted(drawn.loc[drawn["coordinates_from"] == "GeoNames", "name"])
    natural = sorted(drawn.loc[drawn["coordinates_from"] != "GeoNames", "name"])
    if short:
        line = "Boundaries: Natural Earth (public domain)."
        if geonames:
            line += (f" Towns: GeoNames (CC BY 4.0) for {', '.join(geonames)}"
                     + ("; Natural Earth for the others." if natural else "."))
        elif natural:
            line += " Towns: Natural Earth."
        return line
    what = "Boundaries and other towns" if natural else "Boundaries"
    parts = [f"{what}: Natural Earth (naturalearthdata.com), public domain, 1:10m, "
             "simplified."]
    if geonames:
        parts.append("Town coordinates for " + ", ".join(geonames)
                     + ": GeoNames (geonames.org), CC BY 4.0.")
    return " ".join(parts)


def caption(facts: Facts, drawn: PositionMap) -> str:
    """The credit line under the map: the claims' sources, then boundaries and coordinates."""
    sources = credit_line(facts, drawn.marks["claim_id"])
    return f"{sources}. {drawn.credit}" if drawn.credit else sources


def key_table(drawn: PositionMap) -> pd.DataFrame:
    """The map's marks as a table, in claim order: claim, actor, what it does, the place as the
    source names it, how precise and how it is drawn, the hedge and the claim's statement."""
    m = drawn.marks.sort_values(["claim_id", "actor_id", "place_id"], kind="stable")

    def doing(r: pd.Series) -> str:
        return _row_text(r["activity"], r["place_role"])

    def drawn_as(r: pd.Series) -> str:
        how = "dot" if r["drawn_as"] == "point" else (
            "hatched zone" if int(r["precision"]) <= 2 else "shaded zone")
        word = PRECISION_WORDS.get(int(r["precision"]), "place")
        return f"{word}; {how}: {r['method']}"

    return pd.DataFrame({
        "Claim": m["claim_id"],
        "Actor": m["actor"].where(m["actor"].ne(""), "(none)"),
        "Doing": [doing(r) for _, r in m.iterrows()],
        "Place, as the source says": m["place"],
        "Precision and drawing": [drawn_as(r) for _, r in m.iterrows()],
        "Hedge": m["hedge"],
        "Statement": m["statement"],
    }).reset_index(drop=True)
