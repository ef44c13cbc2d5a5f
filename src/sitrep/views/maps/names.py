"""Names on the map: the towns of the claims (a dot each), orientation towns (the world
gazetteer, a grey ring each: those in or next to the claims' areas first, then by
population), country names in spaced capitals and the first-level units of the countries
holding marks, each where it fits."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import pandas as pd
import shapely
from matplotlib.patheffects import withStroke
from matplotlib.text import Text
from matplotlib.transforms import ScaledTranslation
from shapely.geometry.base import BaseGeometry

from sitrep.model.geo import gazetteer
from sitrep.model.geo.place import Layers
from sitrep.views.labels import Placer, text_box
from sitrep.views.maps.callouts import pole
from sitrep.views.style import draw_text

#: A white halo keeps a map label legible over hatching and borders. It is drawn as a copy of
#: the label under it (:func:`halo`), never as a path effect on the label itself: a text with a
#: path effect is written as glyph outlines in SVG and PDF, which no search, screen reader or
#: pdftotext can read. The label stays text; only its white copy is outlines.
HALO = [withStroke(linewidth=2.2, foreground="white")]
#: Orientation towns a map shows at most (the most populous in view).
ORIENTATION_TOWNS = 10
ORIENTATION_TOWNS_COMPACT = 6


def orientation_towns(view_proj: BaseGeometry, view: BaseGeometry, crs: str,
                      points: Sequence[BaseGeometry], count: int,
                      areas: Sequence[BaseGeometry] = ()) -> list[tuple]:
    """Towns of the world gazetteer that orient a reader, away from the claims' own towns:
    first those inside the areas the claims are about (lon/lat ``areas``; the smallest, most
    specific area first, up to :data:`PER_AREA` an area, most populous first; then those next
    to an area, within :data:`NEXT_TO` degrees), at most ``count`` less :data:`KEEP_LARGEST`
    in all; then the most populous in view (lon/lat ``view``, projected ``view_proj``).
    Returns (name, x, y, geonameid) per town."""
    near_claims = _towns_near(areas, max(count - KEEP_LARGEST, 0))
    candidates = pd.concat([near_claims, gazetteer.largest_in(view.bounds, count * 4)],
                           ignore_index=True).drop_duplicates("geonameid")
    if candidates.empty:
        return []
    projected = gpd.GeoSeries(gpd.points_from_xy(candidates["lon"], candidates["lat"]),
                              crs="EPSG:4326").to_crs(crs)
    span = view_proj.bounds[2] - view_proj.bounds[0]
    chosen: list[tuple] = []
    ours = set(near_claims["geonameid"])
    for r, g in zip(candidates.itertuples(), projected, strict=True):
        near = [*points, *(c[4] for c in chosen)]
        # Towns of the claims' areas may stand closer together: they are what the claims
        # are about (the label placer still drops a name that does not fit).
        apart = span * (0.015 if r.geonameid in ours else 0.04)
        if not view_proj.contains(g) or any(g.distance(p) < apart for p in near):
            continue
        chosen.append((r.name, g.x, g.y, int(r.geonameid), g))
        if len(chosen) == count:
            break
    return [c[:4] for c in chosen]


#: How far (degrees) from an area of the claims a town still counts as next to it; how many
#: towns an area contributes; how many places are kept for the most populous towns in view.
NEXT_TO = 0.1
PER_AREA = 3
KEEP_LARGEST = 3


def _towns_near(areas: Sequence[BaseGeometry], count: int) -> pd.DataFrame:
    """Up to ``count`` towns in the claims' areas (lon/lat): for each area, smallest first,
    its most populous towns inside it, then (where it has too few) those next to it."""
    picked: list[pd.DataFrame] = []
    for area in sorted((a for a in areas if not a.is_empty), key=lambda a: a.area):
        around = area.buffer(NEXT_TO)
        towns = gazetteer.largest_in(around.bounds, 400)
        xy = towns["lon"].to_numpy(), towns["lat"].to_numpy()
        inside = shapely.contains_xy(area, *xy)
        beside = shapely.contains_xy(around, *xy) & ~inside
        picked.append(pd.concat([towns[inside], towns[beside]]).head(PER_AREA))
    if not picked or count <= 0:
        return pd.DataFrame(columns=["geonameid", "name", "lon", "lat", "population"])
    return pd.concat(picked, ignore_index=True).drop_duplicates("geonameid").head(count)


def halo(ax, label: Text) -> Text:
    """The white halo of a placed label: a copy of it in white with a white stroke, just
    under it (same place, alignment, transform and font). The label itself keeps no path
    effect, so it is written as text (``svg.fonttype`` none) and found in the PDF."""
    copy = draw_text(ax, *label.get_position(), label.get_text(), ha=label.get_ha(),
                     va=label.get_va(), fontproperties=label.get_fontproperties(),
                     color="white", zorder=label.get_zorder() - 0.01, path_effects=HALO,
                     transform=label.get_transform())
    copy.set_gid("halo")
    return copy


def label_dot(placer: Placer, ax, text: str, xy: tuple[float, float], *, kind: str,
               required: bool, **style) -> bool:
    """A short label beside a dot: right, left, above, below, then the diagonals. Returns
    whether it was placed (an optional one that fits nowhere is not)."""
    label = draw_text(ax, xy[0], xy[1], text, ha="left", va="bottom", zorder=10, **style)
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
        options.append(((dx, dy, ha, va), text_box((x0, y0, x0 + tw, y0 + th),
                                                   label.get_fontsize(), placer.figure.dpi),
                        None))
    chosen = placer.choose(options, kind=kind, text=text, required=required)
    if chosen is None:
        label.remove()
        return False
    dx, dy, ha, va = chosen
    label.set_ha(ha)
    label.set_va(va)
    label.set_transform(ax.transData + ScaledTranslation(dx / 72, dy / 72,
                                                         placer.figure.dpi_scale_trans))
    halo(ax, label)
    return True


def country_labels(ax, placer: Placer, layers: Layers, crs: str, view: BaseGeometry,
                    features: BaseGeometry) -> None:
    """Country names in spaced capitals, in the largest part of each country in view that no
    zone covers, where they fit."""
    a0 = gpd.GeoDataFrame(layers.admin0, geometry="geometry", crs="EPSG:4326")
    a0 = a0[a0.intersects(view) & a0["iso_a2"].ne("")].copy()
    a0["geometry"] = a0.intersection(view)
    a0 = a0.to_crs(crs)
    a0 = a0.assign(area=a0.area).sort_values("area", ascending=False)
    k = placer.figure.dpi / 72
    for r in a0.itertuples():
        free = r.geometry.difference(features) if not features.is_empty else r.geometry
        if free.is_empty:
            continue
        pt = pole(free)
        name = str(r.name).upper()
        # Spaced capitals for a short name; a long one ("Democratic Republic of the Congo")
        # stays unspaced, so it fits where it can.
        label = draw_text(ax, pt.x, pt.y, " ".join(name) if len(name) <= 12 else name,
                          fontsize=8.5, color="#9a9284", fontweight="bold", ha="center",
                          va="center", zorder=5)
        size = label.get_window_extent(placer.renderer)
        px, py = ax.transData.transform((pt.x, pt.y))
        options = []
        for dx, dy in ((0, 0), (0, 14), (0, -14), (24, 0), (-24, 0), (0, 28), (0, -28)):
            x0, y0 = px + dx * k - size.width / 2, py + dy * k - size.height / 2
            options.append(((dx, dy), text_box((x0, y0, x0 + size.width, y0 + size.height),
                                               label.get_fontsize(), placer.figure.dpi), None))
        chosen = placer.choose(options, kind="country name", text=str(r.name),
                               required=False)
        if chosen is None:
            label.remove()
            continue
        label.set_transform(ax.transData + ScaledTranslation(
            chosen[0] / 72, chosen[1] / 72, placer.figure.dpi_scale_trans))


def unit_labels(ax, placer: Placer, a1: gpd.GeoDataFrame, view_proj,
                zones: Sequence[BaseGeometry] = (), countries: Sequence[str] = ()) -> None:
    """Names of the admin-1 units in view of the countries holding marks, where they fit."""
    units = a1[a1["iso_a2"].isin(list(countries)[:2])].copy()
    units["visible"] = units.geometry.intersection(view_proj)
    units = units[units["visible"].area > 0].sort_values("iso_3166_2")
    k = placer.figure.dpi / 72
    for r in units.itertuples():
        pt = pole(r.visible)
        # A halo only over a zone's hatching (halos cost a path each in the SVG).
        over = any(z.contains(pt) for z in zones)
        label = draw_text(ax, pt.x, pt.y, r.name, fontsize=6.2, color="#8a8070",
                          fontstyle="italic", ha="center", va="center", zorder=5)
        size = label.get_window_extent(placer.renderer)
        px, py = ax.transData.transform((pt.x, pt.y))
        options = []
        for dx, dy in ((0, 0), (0, 9), (0, -9), (14, 0), (-14, 0)):
            x0, y0 = px + dx * k - size.width / 2, py + dy * k - size.height / 2
            options.append(((dx, dy), text_box((x0, y0, x0 + size.width, y0 + size.height),
                                               label.get_fontsize(), placer.figure.dpi), None))
        chosen = placer.choose(options, kind="unit name", text=r.name, required=False)
        if chosen is None:
            label.remove()
            continue
        label.set_transform(ax.transData + ScaledTranslation(
            chosen[0] / 72, chosen[1] / 72, placer.figure.dpi_scale_trans))
        if over:
            halo(ax, label)
