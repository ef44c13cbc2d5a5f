"""The map of who is where doing what, each claim at the precision its source gives. Offline.

Every position (and every claim that names a place but puts no actor there) becomes a *mark*:
a row of :func:`marks`, with its claim, actor, activity, place and the place's geometry from
:mod:`sitrep.model.geo.place`. :func:`position_map` draws them and returns the figure together with
what it drew (:class:`PositionMap`), so tests check the data, not only the picture.

How the map keeps the source's precision:

- a town (precision 1) is a dot at its gazetteer coordinates;
- a region the source names (precision 3) is a shaded area with a solid outline; one it names
  but does not delimit ("eastern Ukraine") has a dashed outline: the analyst's reading;
- a part of a region (precision 2) is a hatched zone with a dashed outline, drawn by the
  analyst's stated rule, never as a precise area;
- the claims about a place are listed in a box joined to it by a line: the box marks no point;
  on a crowded map (the plan's :attr:`PositionMap.mode` is ``numbered``) each place has a
  circled number instead, and :func:`number_key` is the table of what is claimed at each.

The world's land lies on the sea (Natural Earth, whole world); orientation towns are the most
populous of the world gazetteer in view; the inset locates the view in its region. Built on
``matplotlib.figure.Figure`` (never pyplot), projected with geopandas/pyproj to a conformal
projection centred on the view; no tiles, no network. Untrusted text is drawn with
``parse_math=False``.

The stages live in modules: :mod:`.marks` (what is drawn), :mod:`.layout` (extent, projection,
corners), :mod:`.zones` (land, sea, zones), :mod:`.furniture` (scale bar, north arrow, inset),
:mod:`.names` (towns and names), :mod:`.callouts` (the boxes of claims), :mod:`.margins`
(keys, notes, credits, the marks' table) and :mod:`.draw` (the stages in order).
"""

from sitrep.views.maps.callouts import ACTIVITY_MARKERS, HOLLOW_ROLES
from sitrep.views.maps.draw import position_map
from sitrep.views.maps.layout import fit_extent, projection
from sitrep.views.maps.margins import (
    BOX_NOTE,
    CRIMEA_NOTE,
    caption,
    geo_credit,
    key_table,
    number_key,
    occupation_note,
    report_title,
)
from sitrep.views.maps.marks import NAMED, marks
from sitrep.views.maps.plan import PositionMap

__all__ = ["ACTIVITY_MARKERS", "BOX_NOTE", "CRIMEA_NOTE", "HOLLOW_ROLES", "NAMED",
           "PositionMap", "caption", "fit_extent", "geo_credit", "key_table", "marks", "number_key",
           "occupation_note", "position_map", "projection", "report_title"]
