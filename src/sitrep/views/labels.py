"""Label placement without collisions, deterministic: the same data give the same picture.

A :class:`Placer` works in display space (pixels of the figure as drawn). Fixed things (an inset,
a scale bar, a town's dot) are *obstacles*. Each label offers its candidate positions, nearest
first, each with the box it would occupy (computed, not drawn: a label's size does not change
as it moves) and the leader line joining it to its anchor, if any. The placer keeps the first
candidate whose box overlaps no obstacle, no placed label and no leader line, and whose leader
crosses no other box. A required label that fits nowhere takes the least-bad candidate and is
logged with its overlap, so a test can insist on none; an optional one (an oblast's name) is
dropped. Every label tried is kept in :meth:`Placer.table`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

#: Pixels kept free around every box.
PAD = 2.0
#: What covering another mark or label costs, beyond its area, and what a line crossing a box
#: (or another line) costs: where nothing is free, a box goes where only lines cross.
COVER = 400.0
CROSS = 40.0
#: Preference charge per step down a label's list of candidates (nearer first).
LATENESS = 0.0015

Rect = tuple[float, float, float, float]          # x0, y0, x1, y1 in display pixels
Segment = tuple[tuple[float, float], tuple[float, float]]


@dataclass
class _Placed:
    rect: Rect
    kind: str
    text: str
    leader: Segment | None = None
    owner: str = ""


def _rect(bbox: Bbox | Rect) -> Rect:
    if isinstance(bbox, Bbox):
        return (bbox.x0, bbox.y0, bbox.x1, bbox.y1)
    return tuple(bbox)  # type: ignore[return-value]


#: How much taller (in ems, above and below) a browser draws a line of text than matplotlib
#: measures it: a browser's box is the font's ascent and descent (DejaVu Sans: 0.93 and 0.24
#: em), matplotlib's the glyphs of "lp" (about 0.76 and 0.24 em). A label's box is grown by
#: this much, so that what the placer keeps apart stays apart in the reader's browser.
TEXT_SLACK = (0.05, 0.2)


def text_box(bbox: Bbox | Rect, fontsize: float, dpi: float) -> Rect:
    """A text's measured box (display pixels) grown to the line box a browser draws."""
    x0, y0, x1, y1 = _rect(bbox)
    em = fontsize * dpi / 72
    return (x0, y0 - TEXT_SLACK[0] * em, x1, y1 + TEXT_SLACK[1] * em)


def segment_hits(segment: Segment, rect: Rect) -> bool:
    """Whether a line segment passes through a rectangle (Liang–Barsky clipping)."""
    (xa, ya), (xb, yb) = segment
    dx, dy = xb - xa, yb - ya
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, xa - rect[0]), (dx, rect[2] - xa), (-dy, ya - rect[1]),
                 (dy, rect[3] - ya)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return True


def segments_cross(a: Segment, b: Segment) -> bool:
    """Whether two line segments cross (touching end points do not count)."""
    def side(p, q, r) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    d1, d2 = side(b[0], b[1], a[0]), side(b[0], b[1], a[1])
    d3, d4 = side(a[0], a[1], b[0]), side(a[0], a[1], b[1])
    return d1 * d2 < 0 and d3 * d4 < 0


@dataclass
class Placer:
    """Greedy placement of labels on one figure (see the module's docstring)."""

    figure: Figure
    frame: Rect | None = None
    placed: list[_Placed] = field(default_factory=list)
    log: list[dict] = field(default_factory=list)
    #: What the last label placed collides with (0: nothing).
    placed_cost: float = 0.0

    def __post_init__(self) -> None:
        if not isinstance(self.figure.canvas, FigureCanvasAgg):
            FigureCanvasAgg(self.figure)
        self.renderer = self.figure.canvas.get_renderer()

    # -- obstacles -----------------------------------------------------------------------------
    def block(self, bbox: Bbox | Rect, kind: str = "obstacle", text: str = "",
              owner: str = "") -> None:
        """Keep labels off a box (display coordinates); the label of ``owner`` may cover
        it (a place's number may sit on the place's own anchor)."""
        self.placed.append(_Placed(_rect(bbox), kind, text, owner=owner))

    def block_artist(self, artist: Artist, kind: str = "obstacle", text: str = "") -> Bbox:
        """Keep labels off an artist already drawn; returns its box."""
        bbox = artist.get_window_extent(self.renderer)
        self.block(bbox, kind, text)
        return bbox

    def block_line(self, segment: Segment, owner: str = "") -> None:
        """Keep labels off a line (an arrow's piece); the label of ``owner`` may cross it."""
        (xa, ya), (xb, yb) = segment
        self.placed.append(_Placed((min(xa, xb), min(ya, yb), min(xa, xb), min(ya, yb)),
                                   "line", owner, segment, owner))

    def block_point(self, x: float, y: float, radius: float = 4.0, kind: str = "point",
                    text: str = "", owner: str = "") -> None:
        """Keep labels off a mark at display point (x, y)."""
        self.block((x - radius, y - radius, x + radius, y + radius), kind, text, owner)

    # -- placing -------------------------------------------------------------------------------
    def cost(self, rect: Rect, leader: Segment | None = None, owner: str = "") -> float:
        """How badly a box (and its leader) would collide: 0 when it is free. Lines blocked
        for ``owner`` do not count against its own label."""
        x0, y0, x1, y1 = rect[0] - PAD, rect[1] - PAD, rect[2] + PAD, rect[3] + PAD
        cost = 0.0
        if self.frame is not None:
            fx0, fy0, fx1, fy1 = self.frame
            ix = max(0.0, min(x1, fx1) - max(x0, fx0))
            iy = max(0.0, min(y1, fy1) - max(y0, fy0))
            cost += max(0.0, (x1 - x0) * (y1 - y0) - ix * iy) * 4.0
        padded = (x0, y0, x1, y1)
        for other in self.placed:
            if owner and other.owner == owner:
                continue
            ox0, oy0, ox1, oy1 = other.rect
            ix = min(x1, ox1) - max(x0, ox0)
            iy = min(y1, oy1) - max(y0, oy0)
            if ix > 0 and iy > 0:  # covering a mark costs far more than a crossing line
                cost += ix * iy + COVER
            if other.leader is not None and segment_hits(other.leader, padded):
                cost += CROSS
            if leader is not None and segment_hits(leader, other.rect):
                cost += CROSS
            if leader is not None and other.leader is not None and segments_cross(
                    leader, other.leader):
                cost += CROSS
        return cost

    def choose(self, options: Sequence[tuple[object, Rect, Segment | None]], *, kind: str,
               text: str, required: bool = True,
               soft: Callable[[Rect], float] | None = None, owner: str = "") -> object | None:
        """A free option ``(candidate, box, leader)``: the first one, or with ``soft`` (a
        preference cost of a box, e.g. how much of the drawn zones it hides) the free one
        with the least ``soft`` plus a small charge for lateness in the list (farther away).
        A required label that fits nowhere takes the least-bad option; an optional one is
        dropped (None; the caller removes it)."""
        best: tuple[float, int] | None = None
        free: tuple[float, int] | None = None
        for index, (_, rect, leader) in enumerate(options):
            cost = self.cost(rect, leader, owner)
            if cost == 0.0:
                if soft is None:
                    free = (0.0, index)
                    break
                score = soft(rect) + LATENESS * index
                if free is None or score < free[0]:
                    free = (score, index)
            elif best is None or cost < best[0]:
                best = (cost, index)
        if free is not None:
            candidate, rect, leader = options[free[1]]
            self._keep(rect, kind, text, leader, 0.0, owner)
            return candidate
        if not required or best is None:
            self.log.append({"kind": kind, "text": text, "placed": False, "overlap": 0.0,
                             "x0": None, "y0": None, "x1": None, "y1": None})
            return None
        candidate, rect, leader = options[best[1]]
        self._keep(rect, kind, text, leader, best[0], owner)
        return candidate

    def _keep(self, rect: Rect, kind: str, text: str, leader: Segment | None,
              cost: float, owner: str = "") -> None:
        self.placed.append(_Placed(rect, kind, text, leader, owner))
        self.placed_cost = cost
        dpi = self.figure.dpi
        self.log.append({"kind": kind, "text": text, "placed": True, "overlap": cost,
                         "x0": rect[0] / dpi, "y0": rect[1] / dpi, "x1": rect[2] / dpi,
                         "y1": rect[3] / dpi})

    def last_covers(self) -> bool:
        """Whether the label placed last covers a mark or another label, or runs out of the
        frame (a line crossing it, or its leader crossing others, does not count)."""
        last = self.placed[-1]
        x0, y0, x1, y1 = last.rect
        if self.frame is not None:
            fx0, fy0, fx1, fy1 = self.frame
            if x0 < fx0 or y0 < fy0 or x1 > fx1 or y1 > fy1:
                return True
        for other in self.placed[:-1]:
            if other.kind == "line" or (last.owner and other.owner == last.owner):
                continue
            ox0, oy0, ox1, oy1 = other.rect
            if min(x1, ox1) > max(x0, ox0) and min(y1, oy1) > max(y0, oy0):
                return True
        return False

    def covered(self, kind: str) -> list[tuple[str, str, str]]:
        """What the placed boxes of ``kind`` cover: (box text, kind and text of the mark or
        label under it), for every pair whose boxes overlap. Lines are not marks here."""
        found = []
        for a in self.placed:
            if a.kind != kind:
                continue
            for b in self.placed:
                if b is a or b.kind == "line" or (a.owner and b.owner == a.owner):
                    continue
                if a.rect[0] < b.rect[2] and b.rect[0] < a.rect[2] and \
                        a.rect[1] < b.rect[3] and b.rect[1] < a.rect[3]:
                    found.append((a.text, b.kind, b.text))
        return found

    def table(self) -> pd.DataFrame:
        """Every label tried: kind, text, placed, overlap (0 = free), box in figure inches."""
        return pd.DataFrame(self.log, columns=["kind", "text", "placed", "overlap",
                                               "x0", "y0", "x1", "y1"])
