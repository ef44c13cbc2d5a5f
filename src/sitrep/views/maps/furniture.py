"""The map's furniture: scale bar, north arrow (its direction computed, not assumed) and the
overview inset that locates the map in its region."""

from __future__ import annotations

import math
from collections.abc import Sequence

import geopandas as gpd
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrow, Rectangle
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from sitrep.model.geo.place import Layers
from sitrep.views.labels import text_box
from sitrep.views.maps.callouts import pole
from sitrep.views.maps.layout import region_around
from sitrep.views.maps.zones import SEA, add_shape, draw_land
from sitrep.views.style import INK, draw_text

#: The SVG ids of the furniture's groups (``map-`` ids: what a reader's browser measures, so
#: a test can find the furniture and hold the boxes and names off it).
SCALE_BAR_ID, NORTH_ARROW_ID, INSET_ID = "map-scale-bar", "map-north-arrow", "map-inset"


def _nice(length: float) -> float:
    """A round number of metres at most ``length``: 10, 20, 25, 50, 100, 200, 250, 500 km..."""
    for unit in (500e3, 250e3, 200e3, 100e3, 50e3, 25e3, 20e3, 10e3, 5e3, 1e3):
        if unit <= length:
            return unit
    return 1e3


def scale_bar(ax, corner: str, xlim, ylim) -> list:
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
    for artist in artists:
        artist.set_gid(SCALE_BAR_ID)
    return artists


def north_arrow(ax, crs: str, corner: str, xlim, ylim) -> list:
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
    arrow.set_gid(NORTH_ARROW_ID)
    label.set_gid(NORTH_ARROW_ID)
    return [arrow, label]


def inset(fig: Figure, ax, layers: Layers, crs: str, view: BaseGeometry, corner: str,
          w_in: float, marked: Sequence[str], tones: dict[str, str]):
    """An overview of the region around the view, with the view outlined in red, in the given
    corner; the countries holding the most marks named."""
    bbox = ax.get_position()
    fw, fh = fig.get_size_inches()
    region = region_around(view)
    rproj = gpd.GeoSeries([region.segmentize(0.25)], crs="EPSG:4326").to_crs(crs).iloc[0]
    rx0, ry0, rx1, ry1 = rproj.bounds
    h_in = min(w_in * (ry1 - ry0) / (rx1 - rx0), w_in * 1.4)
    gap = 0.06
    left = bbox.x0 + gap / fw if corner.endswith("left") else bbox.x1 - (w_in + gap) / fw
    bottom = bbox.y1 - (h_in + gap) / fh if corner.startswith("upper") else bbox.y0 + gap / fh
    overview = fig.add_axes((left, bottom, w_in / fw, h_in / fh), zorder=20)
    overview.set_gid(INSET_ID)
    overview.set_facecolor(SEA)
    overview.set_xticks([])
    overview.set_yticks([])
    for spine in overview.spines.values():
        spine.set_color("#555555")
        spine.set_linewidth(0.7)
    cy = (ry0 + ry1) / 2
    half_h = (rx1 - rx0) * h_in / w_in / 2
    overview.set_xlim(rx0, rx1)
    overview.set_ylim(cy - half_h, cy + half_h)
    overview.set_aspect("equal")
    overview.set_autoscale_on(False)
    draw_land(overview, layers, crs, region, admin1=False, lw=0.6, tones=tones,
              tolerance=(rx1 - rx0) / (w_in * 72))
    vproj = gpd.GeoSeries([view.envelope.segmentize(0.1)], crs="EPSG:4326").to_crs(crs).iloc[0]
    add_shape(overview, vproj, fc="none", ec="#c0392b", lw=1.2, zorder=5)
    a0 = layers.admin0
    renderer = fig.canvas.get_renderer()
    frame = overview.get_window_extent(renderer)
    named: list = []
    for code in marked[:2]:
        hit = a0[a0["iso_a2"] == code]
        piece = hit.geometry.iloc[0].intersection(region) if len(hit) else Point()
        if piece.is_empty or len(str(hit["name"].iloc[0])) > 14:  # too long for the inset
            continue
        at = gpd.GeoSeries([pole(piece)], crs="EPSG:4326").to_crs(crs).iloc[0]
        label = draw_text(overview, at.x, at.y, str(hit["name"].iloc[0]).upper(),
                          fontsize=5.5, color="#333333", ha="center", va="center", zorder=6,
                          clip_on=True)
        # A name that runs out of the inset or over the other one is left out.
        box = text_box(label.get_window_extent(renderer), 5.5, fig.dpi)
        if not _inside(box, frame) or any(_meet(box, other) for other in named):
            label.remove()
        else:
            named.append(box)
    return overview


def _inside(rect, frame) -> bool:
    return rect[0] >= frame.x0 and rect[1] >= frame.y0 and rect[2] <= frame.x1 \
        and rect[3] <= frame.y1


def _meet(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])
