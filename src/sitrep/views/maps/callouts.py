"""The boxes of claims: each place's claims listed in a box joined to the place by a thin line
(the box marks no point), placed where it collides with nothing. In a box each claim is a
symbol per actor (colour: actor; shape: activity; hollow: the place is the actor's objective or
target) with its claim id, its activity and its hedge as written."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import pandas as pd
import shapely
import shapely.prepared
from matplotlib.artist import Artist
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.offsetbox import AnnotationBbox, DrawingArea, HPacker, TextArea, VPacker
from matplotlib.patches import PathPatch
from matplotlib.text import Text
from matplotlib.transforms import Affine2D, ScaledTranslation
from shapely.geometry import Point, box
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from sitrep.views.labels import Placer
from sitrep.views.maps.marks import NAMED
from sitrep.views.style import (
    INK,
    MUTED,
    NEUTRAL,
    Look,
    actor_look,
    claim_url,
    draw_text,
    precision_words,
)

#: Marker of each activity (matplotlib marker codes) and the word the legend uses.
ACTIVITY_MARKERS = {
    "massing": "^", "training": "s", "holding": "D", "striking": "*", "regaining": "P",
    "attacking": ">", "defending": "o", "fighting": "X", "deploying": "v",
    # at sea and in the air (matplotlib's caret codes 4 to 8 are filled arrowheads)
    "exercising": "h", "patrolling": "p", "blockading": "H", "intercepting": "<",
    "escorting": "8", "shadowing": "d", "boarding": 4, "seizing": 5, "mine_laying": 6,
    "transiting": 7, "encircling": 8,
}
NAMED_MARKER = "_"
NAMED_COLOUR = NEUTRAL
HOLLOW_ROLES = {"objective", "target", "simulated_target"}
#: Past this many claims a place's box lists the first ones and counts the rest.
MAX_CALLOUT_ROWS = 8
#: Claims that only name a place whose ids a box writes on their line (more go below it).
NAMED_INLINE = 3
#: Past this many places with claims a map numbers its places and keys them in a table under
#: it (:func:`sitrep.views.maps.number_key`): so many boxes do not fit legibly on a page's map.
#: Fewer boxes are numbered too when one of them cannot be placed free of every other box,
#: name and piece of furniture (the plan records which, :attr:`PositionMap.mode`).
MAX_BOXES = 12
#: A place's number: a bold numeral in a white circle, at most this far (points) from its
#: place when the place is crowded.
NUMBER_SIZE = 6.5
NUMBER_REACH = 200


#: The outline of a claim's symbol (a position another side contests): dashed, on white.
CLAIM_DASHES = (0, (1.6, 1.1))


def symbol(marker: str, xy: tuple[float, float], size: float, look: Look,
           hollow: bool, claimed: bool = False) -> Artist:
    """One actor's symbol (points): the activity's shape in the actor's colour, filled with
    the actor's pattern (white lines on the colour; coloured lines on white when hollow), so
    actors differ by more than hue. ``claimed``: a position another side denies or disputes,
    drawn as a claim: hollow, with a dashed outline, never as a position."""
    if marker == NAMED_MARKER:
        return Line2D([xy[0]], [xy[1]], marker=marker, ls="", ms=size, mec=look.colour,
                      mew=1.6)
    style = MarkerStyle(marker)
    scale = size * (1.3 if marker == "*" else 1.0)
    outline = style.get_path().transformed(style.get_transform() + Affine2D().scale(scale)
                                           .translate(*xy))
    hollow = hollow or claimed
    patch = PathPatch(outline, fc="white" if hollow else look.colour, ec=look.colour,
                      lw=1.3 if hollow else 0.6, hatch=look.pattern or None,
                      hatchcolor=look.colour if hollow else "white",
                      ls=CLAIM_DASHES if claimed else "solid")
    patch.set_hatch_linewidth(0.7)
    return patch


def symbol_style(role: str, claimed: bool) -> str:
    """How a symbol is drawn, as the plan records it: dashed (a contested claim), hollow (the
    place is the actor's objective or target) or filled (the actor is there)."""
    return "dashed" if claimed else "hollow" if role in HOLLOW_ROLES else "filled"


def _marker_area(activity: str, looks: Sequence[Look], hollow: bool,
                 size: float = 7.0, claimed: bool = False) -> DrawingArea:
    """One symbol per actor, side by side: shape = activity, colour and pattern = actor."""
    step = size + 2.5
    area = DrawingArea(step * len(looks) + 1, size + 2, 0, 0)
    marker = NAMED_MARKER if activity == NAMED else ACTIVITY_MARKERS.get(activity, "o")
    for i, look in enumerate(looks):
        area.add_artist(symbol(marker, (step * i + step / 2, (size + 2) / 2), size, look,
                               hollow, claimed))
    return area


def row_text(activity: str, role: str) -> str:
    if activity == NAMED:
        return "names this place"
    text = str(activity).replace("_", "-")
    if role in HOLLOW_ROLES or role == "origin":
        text += f" ({role.replace('_', ' ')})"
    return text


def _id_lines(ids: Sequence[str], size: float, per_line: int = 6,
              lines: int = 2) -> list[HPacker]:
    """Claim ids as linked text, ``per_line`` a line, at most ``lines`` lines (then '…')."""
    shown = list(ids[:per_line * lines])
    out = []
    for start in range(0, len(shown), per_line):
        chunk = shown[start:start + per_line]
        last = start + per_line >= len(shown)
        parts = [TextArea(f"{claim_id}{'' if last and i == len(chunk) - 1 else ','}",
                          textprops={"fontsize": size, "fontweight": "bold", "color": INK,
                                     "parse_math": False, "url": claim_url(claim_id)})
                 for i, claim_id in enumerate(chunk)]
        if last and len(ids) > len(shown):
            parts.append(TextArea("…", textprops={"fontsize": size, "color": MUTED,
                                                  "parse_math": False}))
        out.append(HPacker(children=parts, align="baseline", pad=0, sep=2.5))
    return out


def named_words(count: int, others: bool) -> str:
    """'and 12 claims that name this place:' (after positions), '3 claims name this place:'."""
    noun = "claim" if count == 1 else "claims"
    if others:
        return f"and {count:,} {noun} that name{'s' if count == 1 else ''} this place:"
    return f"{count:,} {noun} name{'s' if count == 1 else ''} this place:"


def claim_rows(rows: pd.DataFrame) -> list[tuple[str, list[tuple[str, str, list[str]]], str,
                                                 str]]:
    """The claims with a position at a place, each once, in the order of the marks: (claim
    id, its (activity, role, actors) in order, the contest words, the hedge)."""
    positioned = rows[rows["activity"] != NAMED]
    out = []
    for claim_id in dict.fromkeys(positioned["claim_id"]):
        group = positioned[positioned["claim_id"] == claim_id]
        doing = []
        for (activity, role), part in group.groupby(["activity", "place_role"], sort=False):
            doing.append((str(activity), str(role), [str(a) for a in part["actor_id"]]))
        contest = next((str(c) for c in group.get("contest", pd.Series(dtype=str))
                        if str(c)), "")
        hedge = next((str(h) for h in group["hedge"] if str(h)), "")
        out.append((str(claim_id), doing, contest, hedge))
    return out


def callout(place: str, precision: int, approximate: bool, rows: pd.DataFrame,
             looks: dict[str, Look], compact: bool, kind: str = "",
             drawn: list[tuple[str, str, str, str, str]] | None = None) -> VPacker:
    """The box of claims about one place: each claim once, with one symbol per actor and
    activity, the claim id, the activity, who says it and who denies it where another side
    does (a claim, drawn dashed), and the hedge as written; then the claims that only name
    the place, counted with their ids ("and 12 claims that name this place: I05, I06, …").
    Each symbol drawn is added to ``drawn`` as (claim id, actor id, colour, pattern,
    style)."""
    drawn = [] if drawn is None else drawn
    size = 6.8 if compact else 7.2
    where = precision_words(int(precision), kind)
    if approximate:
        where += ", approximate"
    children = [TextArea(textwrap.fill(place, 30), textprops={
        "fontsize": size + 0.3, "fontweight": "bold", "color": INK, "parse_math": False})]
    if not compact:
        children.append(TextArea(where, textprops={"fontsize": size - 0.8, "color": MUTED,
                                                   "fontstyle": "italic",
                                                   "parse_math": False}))
    claims = claim_rows(rows)
    for claim_id, doing, contest, hedge in claims[:MAX_CALLOUT_ROWS]:
        parts: list = []
        words = []
        for activity, role, actors in doing:
            symbols = [actor_look(looks, a) for a in actors]
            style = symbol_style(role, bool(contest))
            drawn.extend((claim_id, a, look.colour, look.pattern, style)
                         for a, look in zip(actors, symbols, strict=True))
            parts.append(_marker_area(activity, symbols, role in HOLLOW_ROLES,
                                      claimed=bool(contest)))
            words.append(row_text(activity, role))
        parts.append(TextArea(claim_id, textprops={"fontsize": size, "fontweight": "bold",
                                                   "color": INK, "parse_math": False,
                                                   "url": claim_url(claim_id)}))
        parts.append(TextArea(", ".join(dict.fromkeys(words)), textprops={
            "fontsize": size, "color": INK, "parse_math": False}))
        if contest:
            parts.append(TextArea(f"({contest})", textprops={
                "fontsize": size, "color": INK, "fontweight": "bold", "parse_math": False}))
        if hedge:
            parts.append(TextArea(hedge, textprops={
                "fontsize": size, "color": MUTED, "fontstyle": "italic",
                "parse_math": False}))
        children.append(HPacker(children=parts, align="center", pad=0, sep=3))
    if len(claims) > MAX_CALLOUT_ROWS:
        children.append(TextArea(f"… and {len(claims) - MAX_CALLOUT_ROWS:,} more claims "
                                 "with a position here (see the table)", textprops={
                                     "fontsize": size - 0.5, "color": MUTED,
                                     "parse_math": False}))
    named = list(dict.fromkeys(rows.loc[rows["activity"] == NAMED, "claim_id"].astype(str)))
    if named:
        look = actor_look(looks, "")
        drawn.extend((claim_id, "", look.colour, look.pattern, "filled") for claim_id in named)
        lead = [_marker_area(NAMED, [look], False),
                TextArea(named_words(len(named), bool(claims)), textprops={
                    "fontsize": size, "color": INK, "parse_math": False})]
        if len(named) <= NAMED_INLINE:  # a few ids on the line itself, else lines below
            children.append(HPacker(children=[*lead, *_id_lines(named, size, NAMED_INLINE)],
                                    align="center", pad=0, sep=3))
        else:
            children.append(HPacker(children=lead, align="center", pad=0, sep=3))
            children.append(VPacker(children=_id_lines(named, size - 0.3), align="left",
                                    pad=0, sep=1.5))
    return VPacker(children=children, align="left", pad=0, sep=1.5)


def in_pixels(ax, geometries: Sequence[BaseGeometry]) -> list:
    """Projected zones in display pixels, each with a prepared copy (what a box may hide)."""
    zones = [shapely.transform(g, ax.transData.transform) for g in geometries]
    return [(z, shapely.prepared.prep(z)) for z in zones if z.area > 0]


def anchors(places: pd.DataFrame) -> dict[str, tuple[float, float]]:
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
        pt = pole(own)
        anchors[pid] = (pt.x, pt.y)
    return anchors


def pole(geometry: BaseGeometry) -> Point:
    """The point deepest inside a polygon (of its largest part): its pole of inaccessibility."""
    parts = sorted(shapely.get_parts(geometry), key=lambda g: -g.area)
    biggest = parts[0] if len(parts) else geometry
    if biggest.geom_type != "Polygon":
        return biggest.representative_point()
    return polylabel(biggest, tolerance=math.sqrt(biggest.area) / 200)


def _callout_artist(content, anchor: tuple[float, float], offset: tuple[float, float],
                    alignment: tuple[float, float], gid: str = "") -> AnnotationBbox:
    """A box joined to its anchor by a line. In the SVG the whole (box, line, text) is the
    group ``map-callout-<gid>`` and its frame alone ``map-box-<gid>``."""
    artist = AnnotationBbox(content, anchor, xybox=offset, xycoords="data",
                          boxcoords="offset points", box_alignment=alignment, frameon=True,
                          pad=0.35, zorder=12,
                          bboxprops={"boxstyle": "round,pad=0.3,rounding_size=0.25",
                                     "fc": "white", "ec": "#8a8a8a", "lw": 0.7,
                                     "alpha": 0.95},
                          arrowprops={"arrowstyle": "-", "color": "#3a3a3a", "lw": 0.8,
                                      "shrinkA": 0, "shrinkB": 1.5})
    if gid:
        artist.set_gid(f"map-callout-{gid}")
        artist.patch.set_gid(f"map-box-{gid}")
    return artist


def _option(anchor_px: tuple[float, float], rect: tuple[float, float, float, float],
            candidate: tuple[float, float, float, float]) -> tuple:
    """A candidate (offset and alignment), its box and its leader: from the box's nearest
    point to 7 px short of the anchor (off the anchor's own mark)."""
    px, py = anchor_px
    near_x = min(max(px, rect[0]), rect[2])
    near_y = min(max(py, rect[1]), rect[3])
    length = math.hypot(near_x - px, near_y - py)
    cut = max(0.0, (length - 7) / length) if length else 0.0
    leader = ((near_x, near_y), (near_x + (px - near_x) * cut, near_y + (py - near_y) * cut))
    return candidate, rect, leader


#: Grid step (pixels) of the second search, over the whole map, when no position around the
#: anchor is free.
GRID_STEP = 16


def place_callout(placer: Placer, ax, content, anchor: tuple[float, float], text: str,
                   hidden: list, gid: str = "") -> AnnotationBbox:
    """A box of claims joined to its anchor by a thin line, where it collides with nothing.

    The box is measured once (its size does not depend on where it goes), each candidate's
    box computed, and the box drawn where the placer chose. Candidates ring the anchor,
    nearest first; when none of them is free, every position of a grid over the whole map is
    tried too (a long leader is better than a box over another mark)."""
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
            options.append(_option((px, py), (x0, y0, x0 + fw, y0 + fh), (dx, dy, bx, by)))
    if placer.frame is not None and not any(
            placer.cost(rect, leader) == 0.0 for _, rect, leader in options):
        fx0, fy0, fx1, fy1 = placer.frame
        grid = []
        for x0 in range(int(fx0), int(fx1 - fw), GRID_STEP):
            for y0 in range(int(fy0), int(fy1 - fh), GRID_STEP):
                candidate = ((x0 - px - ox) / k, (y0 - py - oy) / k, 0.0, 0.0)
                grid.append(_option((px, py), (x0, y0, x0 + fw, y0 + fh), candidate))
        grid.sort(key=lambda o: math.hypot(o[2][0][0] - px, o[2][0][1] - py))
        options += grid

    def soft(rect) -> float:
        """How much of the map's zones the box would hide: the share of each zone, summed
        (hiding a third of a small zone is worse than a corner of a large one)."""
        area = box(*rect)
        return sum(zone.intersection(area).area / zone.area for zone, ready in hidden
                   if ready.intersects(area))

    chosen = placer.choose(options, kind="claims box", text=text, required=True, soft=soft)
    dx, dy, bx, by = chosen  # type: ignore[misc]
    return ax.add_artist(_callout_artist(content, anchor, (dx, dy), (bx, by), gid))


def reading_order(anchors_px: dict[str, tuple[float, float]], height: float) -> list[str]:
    """Places in reading order of their anchors (display pixels): by bands of an eighth of the
    map's height, top first, then left to right, so a reader finds number 5 after 4."""
    band = max(height / 8, 1.0)
    return sorted(anchors_px, key=lambda p: (-int(anchors_px[p][1] // band),
                                             anchors_px[p][0], p))


def place_number(placer: Placer, ax, number: int, anchor: tuple[float, float], owner: str,
                 on_spot: bool) -> Text:
    """A place's number, a circled numeral: on the place itself (``on_spot``, a zone's
    anchor, which the placer lets its own number cover), else as near it as is free, joined to
    it by a thin line; never over another number, a name, a box or the furniture. In the SVG
    its circle and numeral are the group ``map-number-<number>``."""
    renderer = placer.renderer
    k = placer.figure.dpi / 72
    label = draw_text(ax, *anchor, str(number), fontsize=NUMBER_SIZE, fontweight="bold",
                      color=INK, ha="center", va="center", zorder=13,
                      bbox={"boxstyle": "circle,pad=0.22", "fc": "white", "ec": INK,
                            "lw": 0.8})
    label.set_gid(f"map-number-{number}")
    label.update_bbox_position_size(renderer)
    frame = label.get_bbox_patch().get_window_extent(renderer)
    px, py = ax.transData.transform(anchor)
    cx0, cy0 = (frame.x0 + frame.x1) / 2 - px, (frame.y0 + frame.y1) / 2 - py
    fw, fh = frame.width, frame.height
    reach = max(fw, fh) / 2

    def option(dx: float, dy: float) -> tuple:
        cx, cy = px + dx * k + cx0, py + dy * k + cy0
        rect = (cx - fw / 2, cy - fh / 2, cx + fw / 2, cy + fh / 2)
        length = math.hypot(cx - px, cy - py)
        leader = None
        if length > reach + 1.5:  # off the place: a line from the circle to 7 px short of it
            ux, uy = (px - cx) / length, (py - cy) / length
            start = (cx + ux * reach, cy + uy * reach)
            stop = (px - ux * 7, py - uy * 7)
            leader = (start, stop) if length - reach > 7 else None
        return (dx, dy), rect, leader

    angles = [45, 135, 315, 225, 0, 180, 90, 270, 22, 158, 338, 202, 68, 112, 292, 248]
    options = [option(0.0, 0.0)] if on_spot else []
    for radius in (9, 13, 18, 25, 34, 45, 58, 75, 95, 120):
        options += [option(radius * math.cos(math.radians(a)),
                           radius * math.sin(math.radians(a))) for a in angles]
    if placer.frame is not None and not any(
            placer.cost(rect, leader, owner) == 0.0 for _, rect, leader in options):
        fx0, fy0, fx1, fy1 = placer.frame
        near = NUMBER_REACH * k  # the grid within reach of the place, in the frame
        grid = [option((x - px - cx0) / k, (y - py - cy0) / k)
                for x in range(int(max(fx0 + fw, px - near)), int(min(fx1 - fw, px + near)), 8)
                for y in range(int(max(fy0 + fh, py - near)), int(min(fy1 - fh, py + near)), 8)]
        grid.sort(key=lambda o: math.hypot(o[0][0], o[0][1]))
        options += grid
    chosen = placer.choose(options, kind="place number", text=f"{number}: {owner}",
                           required=True, owner=owner)
    dx, dy = chosen  # type: ignore[misc]
    label.set_transform(ax.transData + ScaledTranslation(dx / 72, dy / 72,
                                                         placer.figure.dpi_scale_trans))
    placed = placer.placed[-1]
    if placed.leader is not None:
        (sx, sy), _ = placed.leader
        length = math.hypot(px - sx, py - sy)
        # drawn to the place: 3 px short of a town's dot, to a zone's anchor
        cut = (length - (0 if on_spot else 3)) / length
        end = (sx + (px - sx) * cut, sy + (py - sy) * cut)
        to_data = ax.transData.inverted().transform
        (x0, y0), (x1, y1) = to_data((sx, sy)), to_data(end)
        ax.plot([x0, x1], [y0, y1], color=INK, lw=0.7, zorder=12.5,
                solid_capstyle="butt")
    return label
