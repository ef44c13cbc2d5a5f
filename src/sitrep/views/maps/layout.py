"""Where the map looks and how it is laid out: the extent, the projection, the view grown to
the map's shape, and the emptiest corners for the furniture."""

from __future__ import annotations

import geopandas as gpd
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

Extent = tuple[float, float, float, float]  # lon_min, lat_min, lon_max, lat_max


def fit_extent(geometries: gpd.GeoSeries, pad: float = 0.08, minimum: float = 4.0) -> Extent:
    """The lon/lat box around the marks, padded by ``pad`` of its span (room for the boxes of
    claims), at least ``minimum`` degrees each way."""
    if len(geometries) == 0:
        return (-180.0, -60.0, 180.0, 80.0)
    lon0, lat0, lon1, lat1 = geometries.total_bounds
    px, py = (lon1 - lon0) * pad + 0.2, (lat1 - lat0) * pad + 0.2
    lon0, lat0, lon1, lat1 = lon0 - px, lat0 - py, lon1 + px, lat1 + py
    if lon1 - lon0 < minimum:
        grow = (minimum - (lon1 - lon0)) / 2
        lon0, lon1 = lon0 - grow, lon1 + grow
    if lat1 - lat0 < minimum:
        grow = (minimum - (lat1 - lat0)) / 2
        lat0, lat1 = lat0 - grow, lat1 + grow
    return (float(max(lon0, -180.0)), float(max(lat0, -85.0)), float(min(lon1, 180.0)),
            float(min(lat1, 85.0)))


def projection(extent: Extent) -> str:
    """A conformal projection centred on the view, north up on its central meridian: a
    Lambert conformal conic (standard parallels at 1/6 and 5/6 of its latitudes) away from the
    equator; a transverse Mercator where the view reaches within 10 degrees of it (a cone
    cannot be fitted there)."""
    lon0, lat0, lon1, lat1 = extent
    lon_c, lat_c = (lon0 + lon1) / 2, (lat0 + lat1) / 2
    if lat0 * lat1 <= 0 or min(abs(lat0), abs(lat1)) < 10:
        return (f"+proj=tmerc +lat_0={lat_c:.3f} +lon_0={lon_c:.3f} +k=1 "
                "+datum=WGS84 +units=m +no_defs")
    span = lat1 - lat0
    return (f"+proj=lcc +lat_1={lat0 + span / 6:.3f} +lat_2={lat1 - span / 6:.3f} "
            f"+lat_0={lat_c:.3f} +lon_0={lon_c:.3f} +datum=WGS84 +units=m +no_defs")


def projected_box(extent: Extent, crs: str) -> BaseGeometry:
    return gpd.GeoSeries([box(*extent).segmentize(0.1)], crs="EPSG:4326").to_crs(crs).iloc[0]


def view(chosen: Extent, crs: str, aspect: float) -> tuple[tuple[float, float],
                                                           tuple[float, float]]:
    """The projected view: the chosen box grown (never shrunk) to the map's shape."""
    x0, y0, x1, y1 = projected_box(chosen, crs).bounds
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w, h = x1 - x0, y1 - y0
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    return (cx - w / 2, cx + w / 2), (cy - h / 2, cy + h / 2)


def region_around(view_lonlat: BaseGeometry) -> BaseGeometry:
    """The region an overview shows: the view grown to three times its span, at least 24 by 18
    degrees, kept inside the world's latitudes (so the inset locates the map in its region)."""
    lon0, lat0, lon1, lat1 = view_lonlat.bounds
    cx, cy = (lon0 + lon1) / 2, (lat0 + lat1) / 2
    half_w = max((lon1 - lon0) * 1.5, 12.0)
    half_h = max((lat1 - lat0) * 1.5, 9.0)
    south, north = max(cy - half_h, -58.0), min(cy + half_h, 82.0)
    return box(max(cx - half_w, -180.0), south, min(cx + half_w, 180.0), north)


def corners(xlim, ylim, size: tuple[float, float], features: BaseGeometry) -> list[str]:
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
