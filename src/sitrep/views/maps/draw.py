"""The position map drawn in named stages: layout, zones, furniture, towns, callouts, names,
margins. Each stage adds to one :class:`Canvas` (the figure, the map's axes, the projected view
and the label placer), so every stage is short and testable by what it leaves behind."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import matplotlib as mpl
import pandas as pd
import shapely
from matplotlib.figure import Figure
from shapely.geometry import Point, box
from shapely.geometry.base import BaseGeometry

from sitrep import paths
from sitrep.model.data.facts import Facts
from sitrep.model.geo import disputed, water
from sitrep.model.geo.place import Layers, read_layers
from sitrep.views.labels import Placer
from sitrep.views.maps import callouts, furniture, layout, margins, marks, names, zones
from sitrep.views.maps.plan import PositionMap
from sitrep.views.style import INK, MUTED, Look, actor_looks, draw_text

MARGIN = 0.06  # inches either side of the map
GAP = 0.12     # inches between the map, the keys and the notes


@dataclass
class Canvas:
    """What the stages share: the view (projected and lon/lat), the figure and the placer."""

    crs: str
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    view: BaseGeometry                # lon/lat
    view_proj: BaseGeometry           # projected
    width: float
    map_h: float
    compact: bool
    fig: Figure | None = None
    ax: object = None
    placer: Placer | None = None

    @property
    def span(self) -> tuple[float, float]:
        return self.xlim[1] - self.xlim[0], self.ylim[1] - self.ylim[0]

    @property
    def tolerance(self) -> float:
        """Outlines simplified to a third of a point at the map's scale."""
        return self.span[0] / (self.width * 72 * 3)


def position_map(facts: Facts, *, actors: Sequence[str] | None = None,
                 extent: tuple[float, float, float, float] | None = None, width: float = 7.0,
                 compact: bool = False, title: str | None = None) -> PositionMap:
    """Draw the positions of ``facts`` (only those of ``actors`` when given; within ``extent``
    (lon_min, lat_min, lon_max, lat_max) when given, else fitted to the marks). Both come parsed
    and checked from sitrep.pipeline.parameters. ``compact`` drops the overview inset, the unit
    names and the precision line of each box (for the brief)."""
    layers = read_layers(paths.geo_dir(facts.dataset))
    table = marks.marks(facts, actors, layers)
    chosen = tuple(extent) if extent else layers_fit(table)
    crs = layout.projection(chosen)
    with mpl.rc_context(margins.style()):
        if table.empty:
            return _empty(table, chosen, crs, width)
        drawn = _draw(facts, table, layers, chosen, crs, width=width, compact=compact,
                      title=title)
        if isinstance(drawn, str):  # the boxes do not fit: numbered places and a key
            drawn = _draw(facts, table, layers, chosen, crs, width=width, compact=compact,
                          title=title, numbered=drawn)
        return drawn  # type: ignore[return-value]


def layers_fit(table: gpd.GeoDataFrame) -> tuple[float, float, float, float]:
    return layout.fit_extent(gpd.GeoSeries(table.geometry, crs="EPSG:4326"))


def _empty(table: gpd.GeoDataFrame, extent, crs: str, width: float) -> PositionMap:
    """No positions to draw: a line that says so, not an empty map."""
    fig = Figure(figsize=(width, 0.6), dpi=100)
    draw_text(fig, 0.02, 0.5, "No positions or places recorded in the data set (up to the "
              "cut-off, if any).", fontsize=9, color=INK, va="center", ha="left")
    labels = Placer(fig).table()
    drawn = gpd.GeoDataFrame(columns=["place_id", "drawn_as", "style", "geometry"],
                             geometry="geometry", crs="EPSG:4326")
    return PositionMap(figure=fig, marks=table.assign(in_view=[]), zones=drawn, labels=labels,
                       extent=tuple(extent), crs=crs, credit="")


def _layout(chosen, crs: str, width: float, compact: bool) -> Canvas:
    map_h = width * (0.6 if compact else 0.63)
    xlim, ylim = layout.view(chosen, crs, (width - 2 * MARGIN) / map_h)
    view_proj = box(xlim[0], ylim[0], xlim[1], ylim[1])
    view = gpd.GeoSeries([view_proj.segmentize((xlim[1] - xlim[0]) / 50)],
                         crs=crs).to_crs("EPSG:4326").iloc[0].buffer(0.05)
    return Canvas(crs, xlim, ylim, view, view_proj, width, map_h, compact)


def _figure(canvas: Canvas, below: float, title_h: float) -> None:
    """The figure and the map's axes (sea as background), ``below`` inches under the map."""
    height = title_h + canvas.map_h + below
    fig = Figure(figsize=(canvas.width, height), dpi=100)
    fig.patch.set_facecolor("white")
    ax = fig.add_axes((MARGIN / canvas.width, below / height, 1 - 2 * MARGIN / canvas.width,
                       canvas.map_h / height))
    ax.set_facecolor(zones.SEA)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#777777")
        spine.set_linewidth(0.8)
    ax.set_xlim(*canvas.xlim)
    ax.set_ylim(*canvas.ylim)
    ax.set_aspect("equal")
    ax.set_autoscale_on(False)
    canvas.fig, canvas.ax = fig, ax
    canvas.placer = Placer(fig)
    frame = ax.get_window_extent(canvas.placer.renderer)
    canvas.placer.frame = (frame.x0 + 3, frame.y0 + 3, frame.x1 - 3, frame.y1 - 3)


def _occupied_in_view(layers: Layers, view: BaseGeometry) -> list[tuple[str, str, str]]:
    a1 = layers.admin1
    units = zones.occupied(a1)
    return sorted({(r.name, r.country, r.holder) for r in units.itertuples()
                   if r.geometry.intersects(view)})


def _furniture(canvas: Canvas, layers: Layers, places: pd.DataFrame, marked: list[str],
               tones: dict[str, str]) -> tuple[BaseGeometry, tuple | None]:
    """Inset, north arrow and scale bar in the emptiest corners; returns what the marks cover
    (projected) and the inset's lon/lat box."""
    w, h = canvas.span
    features = shapely.union_all([g if g.geom_type != "Point" else g.buffer(w * 0.03)
                                  for g in places.geometry]) if len(places) else Point()
    inset_w = 1.55
    size = (inset_w / (canvas.width - 2 * MARGIN) * w, inset_w * 1.05 / canvas.map_h * h)
    order = layout.corners(canvas.xlim, canvas.ylim, size, features)
    corner, region = "" if canvas.compact else order[0], None
    renderer = canvas.placer.renderer
    if not canvas.compact:
        overview = furniture.inset(canvas.fig, canvas.ax, layers, canvas.crs, canvas.view,
                                   corner, inset_w, marked, tones)
        canvas.placer.block(overview.get_window_extent(renderer).padded(4), "inset")
        region = tuple(round(v, 2) for v in layout.region_around(canvas.view).bounds)
    upper = [c for c in order if c.startswith("upper") and c != corner]
    lower = [c for c in order if c.startswith("lower") and c != corner]
    for artist in furniture.north_arrow(canvas.ax, canvas.crs, upper[0] if upper else
                                        "upper right", canvas.xlim, canvas.ylim):
        canvas.placer.block_artist(artist, "north arrow")
    for artist in furniture.scale_bar(canvas.ax, lower[0] if lower else "lower left",
                                      canvas.xlim, canvas.ylim):
        canvas.placer.block_artist(artist, "scale bar")
    return features, region


def _towns(canvas: Canvas, places: pd.DataFrame, point_places: list[str],
           context: list[tuple], table: gpd.GeoDataFrame) -> tuple[list[dict], list]:
    """The claims' towns as dots and the orientation towns as grey rings, then the claims'
    towns' names (required). Returns the zones' rows and the rings."""
    ax, placer = canvas.ax, canvas.placer
    to_px = ax.transData.transform
    rows = []
    for place_id in point_places:
        pt = places.loc[place_id, "geometry"]
        ax.plot([pt.x], [pt.y], "o", ms=5.5, mfc=INK, mec="white", mew=1.0, zorder=7)
        placer.block_point(*to_px((pt.x, pt.y)), 4.5, "town", str(places.loc[place_id,
                                                                              "place"]))
        rows.append({"place_id": place_id, "drawn_as": "point", "style": "dot",
                     "geometry": zones.lonlat(table, place_id)})
    rings = []
    for name, x, y, _ in context:
        rings += ax.plot([x], [y], "o", ms=3.4, mfc="white", mec=MUTED, mew=0.9, zorder=6)
        placer.block_point(*to_px((x, y)), 3.0, "context town", name)
    for place_id in point_places:
        pt = places.loc[place_id, "geometry"]
        names.label_dot(placer, ax, str(places.loc[place_id, "place"]), (pt.x, pt.y),
                        kind="town name", required=True, fontsize=7.5, fontweight="bold",
                        color=INK)
    return rows, rings


def _context_names(canvas: Canvas, context: list[tuple], rings: list) -> list[str]:
    """The orientation towns' names where they fit, after the boxes of claims (which come
    first); a ring whose name fits nowhere is removed (it would orient no one). Returns the
    towns drawn."""
    drawn = []
    for (name, x, y, _), ring in zip(context, rings, strict=True):
        if names.label_dot(canvas.placer, canvas.ax, name, (x, y), kind="context name",
                           required=False, fontsize=6.5, color=MUTED):
            drawn.append(name)
        else:
            ring.remove()
    return drawn


def _groups(places: pd.DataFrame, table: gpd.GeoDataFrame) -> list[tuple[str, pd.DataFrame]]:
    """Each place with claims in view and its marks, the place with the most marks first."""
    groups = [(pid, table[(table["place_id"] == pid) & table["in_view"]]) for pid in places.index]
    return sorted(((pid, rows) for pid, rows in groups if len(rows)),
                  key=lambda g: (-len(g[1]), g[0]))


def _callouts(canvas: Canvas, places: pd.DataFrame, table: gpd.GeoDataFrame,
              looks: dict[str, Look], trial: bool) -> pd.DataFrame | str:
    """The boxes of claims, largest first; each joined to its place by a line. Returns the
    symbols drawn: claim_id, actor_id, colour, pattern, style (filled, hollow, dashed). On a
    ``trial`` (the plan has not yet ruled out boxes), a box that fits nowhere free stops the
    boxes: the reason is returned instead, and the map is drawn numbered."""
    drawn: list[tuple[str, str, str, str, str]] = []
    ax, placer = canvas.ax, canvas.placer
    anchors = callouts.anchors(places)
    hidden = callouts.in_pixels(ax, [g for g in places.geometry if g.geom_type != "Point"])
    for place_id, xy in anchors.items():
        placer.block_point(*ax.transData.transform(xy), 2.5, "anchor", place_id)
    for index, (place_id, rows) in enumerate(_groups(places, table), start=1):
        place = places.loc[place_id]
        content = callouts.callout(str(place["place"]), int(place["precision"]),
                                   bool(place["approximate"]), rows, looks, canvas.compact,
                                   kind=str(place.get("kind", "")), drawn=drawn)
        callouts.place_callout(placer, ax, content, anchors[place_id],
                               f"{place_id}: " + ", ".join(sorted(set(rows["claim_id"]))),
                               hidden, gid=str(index))
        if trial and placer.placed_cost > 0 and placer.last_covers():
            return (f"the box of {place['place']} fits nowhere on the map without covering "
                    "another box, a name or the furniture")
    return pd.DataFrame(drawn, columns=["claim_id", "actor_id", "colour", "pattern", "style"])


def _numbers(canvas: Canvas, places: pd.DataFrame, table: gpd.GeoDataFrame) -> pd.DataFrame:
    """The places with claims numbered in reading order, each number on its place or joined
    to it by a line. Returns the numbers: number, place_id, place."""
    ax, placer = canvas.ax, canvas.placer
    anchors = callouts.anchors(places)
    for place_id, xy in anchors.items():
        placer.block_point(*ax.transData.transform(xy), 2.5, "anchor", place_id,
                           owner=place_id)
    with_claims = {pid for pid, _ in _groups(places, table)}
    pixels = {pid: tuple(ax.transData.transform(xy)) for pid, xy in anchors.items()
              if pid in with_claims}
    order = callouts.reading_order(pixels, canvas.placer.frame[3] - canvas.placer.frame[1]
                                   if canvas.placer.frame else 1.0)
    rows = []
    for number, place_id in enumerate(order, start=1):
        on_spot = places.loc[place_id, "drawn_as"] != "point"
        callouts.place_number(placer, ax, number, anchors[place_id], place_id, on_spot)
        rows.append({"number": number, "place_id": place_id,
                     "place": str(places.loc[place_id, "place"])})
    return pd.DataFrame(rows, columns=["number", "place_id", "place"])


def _draw(facts: Facts, table: gpd.GeoDataFrame, layers: Layers, chosen, crs: str, *,
          width: float, compact: bool, title: str | None,
          numbered: str = "") -> PositionMap | str:
    """The map, with boxes of claims, or with its places numbered (``numbered``: why, the
    plan's reason). Boxes are tried when the plan allows them (at most
    :data:`callouts.MAX_BOXES` places with claims); when one of them fits nowhere free, the
    reason is returned instead of a map and the caller draws it numbered."""
    canvas = _layout(chosen, crs, width, compact)
    lon0, lat0, lon1, lat1 = canvas.view.bounds
    projected = marks.project_by_place(table, crs)
    table = table.assign(in_view=list(projected.geometry.intersects(canvas.view_proj)))
    places = projected.drop_duplicates("place_id").set_index("place_id")
    boxes = len(_groups(places, table))
    if not numbered and boxes > callouts.MAX_BOXES:
        numbered = (f"{boxes:,} places with claims, more than the {callouts.MAX_BOXES} boxes "
                    "a map holds legibly")
    point_places = [pid for pid in places.index if places.loc[pid, "drawn_as"] == "point"]
    context = names.orientation_towns(
        canvas.view_proj, canvas.view, crs, [places.loc[p, "geometry"] for p in point_places],
        names.ORIENTATION_TOWNS_COMPACT if compact else names.ORIENTATION_TOWNS,
        [zones.lonlat(table, p) for p in places.index if places.loc[p, "drawn_as"] == "zone"])
    marked = marks.countries_marked(table, layers)
    tones = zones.land_colours(marked)
    occupied = _occupied_in_view(layers, canvas.view)
    looks = actor_looks(facts.actors)
    shown = {a: looks[a] for a in table["actor_id"].unique() if a in looks}
    in_dispute = len(disputed.lines_in(canvas.view)) > 0
    keys = margins.legend_keys(table, shown, occupied_units=occupied,
                               with_towns=bool(context), disputed_lines=in_dispute,
                               numbered=bool(numbered))
    context_names = [c[0] for c in context]
    outside = table[~table["in_view"].astype(bool)]
    lakes = len(water.lakes_in(canvas.view)) > 0
    notes = margins.notes(outside, margins.geo_credit(table, context_names, short=True,
                                                      lakes=lakes), width, occupied,
                          claims=bool(table["shown_as"].eq(marks.AS_CLAIM).any()),
                          disputed_lines=in_dispute, numbered=bool(numbered))
    legend_h, notes_h = margins.measure(keys, notes, width, MARGIN / width)
    below = notes_h + legend_h + 2 * GAP + 0.05
    _figure(canvas, below, 0.35 if title else 0.0)

    land = zones.draw_land(canvas.ax, layers, crs, canvas.view, admin1=True, tones=tones,
                           tolerance=canvas.tolerance)
    a1 = land.units
    zone_rows = zones.draw_zones(canvas.ax, places, table, canvas.tolerance)
    features, region = _furniture(canvas, layers, places, marked, tones)
    town_rows, rings = _towns(canvas, places, point_places, context, table)
    zone_rows += town_rows
    numbers = None
    if numbered:
        numbers = _numbers(canvas, places, table)
        symbols = pd.DataFrame(columns=["claim_id", "actor_id", "colour", "pattern", "style"])
    else:
        symbols = _callouts(canvas, places, table, looks, trial=True)
        if isinstance(symbols, str):
            return symbols
    shown_towns = _context_names(canvas, context, rings)
    names.country_labels(canvas.ax, canvas.placer, layers, crs, canvas.view, features)
    if not compact:
        names.unit_labels(canvas.ax, canvas.placer, a1, canvas.view_proj,
                          [g for g in places.geometry if g.geom_type != "Point"], marked)
    _margins(canvas, keys, notes, legend_h, notes_h, title)
    drawn = gpd.GeoDataFrame(zone_rows, columns=["place_id", "drawn_as", "style", "geometry"],
                             geometry="geometry", crs="EPSG:4326")
    return PositionMap(figure=canvas.fig, marks=table, zones=drawn,
                       labels=canvas.placer.table(),
                       extent=(round(lon0, 2), round(lat0, 2), round(lon1, 2), round(lat1, 2)),
                       crs=crs, credit=margins.geo_credit(table, context_names, lakes=lakes),
                       credit_brief=margins.geo_credit(table, context_names, lakes=lakes,
                                                       areas_counted=True),
                       context_places=shown_towns, occupied=occupied, region=region,
                       symbols=symbols, mode="numbered" if numbered else "boxes",
                       mode_reason=numbered, numbers=numbers,
                       covered=canvas.placer.covered("claims box")
                       + canvas.placer.covered("place number"),
                       disputed=land.disputed.to_crs("EPSG:4326"),
                       borders=gpd.GeoSeries([land.borders], crs=crs).to_crs(
                           "EPSG:4326").iloc[0])


def _margins(canvas: Canvas, keys, notes: str, legend_h: float, notes_h: float,
             title: str | None) -> None:
    """The keys and notes under the map, the title above it."""
    fig = canvas.fig
    height = fig.get_figheight()
    margins.add_legends(fig, keys, MARGIN / canvas.width,
                        (notes_h + legend_h + GAP + 0.05) / height)
    draw_text(fig, MARGIN / canvas.width, 0.05 / height, notes, fontsize=margins.NOTE_SIZE,
              color=MUTED, va="bottom", ha="left", linespacing=1.25)
    if title:
        draw_text(fig, MARGIN / canvas.width, 1 - 0.08 / height, title, fontsize=10.5,
                  fontweight="bold", color=INK, va="top", ha="left")
