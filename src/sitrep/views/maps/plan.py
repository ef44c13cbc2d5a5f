"""What a drawn position map holds: its figure and, as data, every mark, zone and label on it
(tests read this, not only the picture). Its own module, so that the drawing stages and the
margins share the type without importing each other."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
from matplotlib.figure import Figure
from shapely.geometry.base import BaseGeometry


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
    credit_brief: str = ""           # the same with the analyst's areas counted (summaries)
    context_places: list[str] = field(default_factory=list)  # orientation towns drawn
    occupied: list[tuple[str, str, str]] = field(default_factory=list)  # unit, country, holder
    region: tuple[float, float, float, float] | None = None  # the inset's lon/lat box
    symbols: pd.DataFrame | None = None  # each actor's symbol in a box: claim, actor, look
    covered: list[tuple[str, str, str]] = field(default_factory=list)  # box, mark under it
    #: The disputed lines drawn dashed (name, kind, country, geometry lon/lat), and the
    #: countries' outlines drawn solid (lon/lat): a disputed line is never among them.
    disputed: gpd.GeoDataFrame | None = None
    borders: BaseGeometry | None = None
    #: How the claims are shown: ``boxes`` (a box of claims per place) or ``numbered`` (a
    #: circled number per place, keyed by :func:`sitrep.views.maps.number_key` under the
    #: map), and why a map is numbered: too many places for boxes, or a box that fits
    #: nowhere free of the others, the names and the furniture.
    mode: str = "boxes"
    mode_reason: str = ""
    numbers: pd.DataFrame | None = None  # number, place_id, place (numbered maps)
