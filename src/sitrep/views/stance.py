"""Where actors stand and what passes between them: stances on named issues, and relations.

Two views, each traced to its claims:

- the stance matrix: issues by actors, each cell a stance word ("supports", "opposes",
  "seeks", "offers", "neutral") with the number of a note; the notes give the claim id, the
  verbatim quote, the hedge as written and who said it (:func:`stances`, :func:`stance_table`,
  :func:`stance_notes`);
- the relations: who gives what to whom, who joins whom, and what is sought in return, as a
  table with quotes (:func:`relations`, :func:`relations_table`) and as a directed diagram
  (:func:`relations_diagram`) whose arrows run the way the things go: a thing *sought* is drawn
  dashed, from the one asked to the one asking.

Every string from the data set is untrusted: tables go through ``sitrep.views.display`` (escaped),
and the diagram draws text with :func:`sitrep.views.style.draw_text` (maths parsing off).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import matplotlib as mpl
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Rectangle

from sitrep.model.analysis.attribution import PARAPHRASE, attributions
from sitrep.model.data.facts import Facts, about
from sitrep.views.display import Entries
from sitrep.views.labels import Placer
from sitrep.views.style import INK, MUTED, Look, actor_look, actor_looks, draw_text, rc

#: How a relation reads in a sentence: "<from> gives <to>", "<from> seeks from <to>".
RELATION_WORDS = {"provides": "gives", "seeks": "seeks from", "joins": "joins"}


# -- stances ---------------------------------------------------------------------------------

def _words(facts: Facts, claim_ids: pd.Series) -> dict[str, pd.Series]:
    """What a stance or relation shows of its claim: quote, statement, hedge, who said it."""
    said = attributions(facts).set_index("claim_id")
    claims = facts.claims.set_index("claim_id")
    return {"quote": claim_ids.map(claims["quote"]).fillna(""),
            "statement": claim_ids.map(claims["statement"]).fillna(""),
            "hedge": claim_ids.map(said["hedge"]).fillna(""),
            "said_by": claim_ids.map(said["said_by"]).fillna("")}


def stances(facts: Facts, actors: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per stance, numbered in reading order (issue, then actor): note, actor_id,
    actor, issue_id, issue, stance, claim_id, quote, hedge, said_by, analyst_note.
    ``actors``: the actor ids to keep, as :mod:`sitrep.pipeline.parameters` parses them (None
    or empty: every actor)."""
    s = facts.stances
    if actors:
        s = s[s["actor_id"].isin(actors)]
    names = facts.actors.set_index("actor_id")["name"]
    labels = facts.issues.set_index("issue_id")["label"]
    issue_rank = {i: n for n, i in enumerate(facts.issues["issue_id"])}
    actor_rank = {a: n for n, a in enumerate(facts.actors["actor_id"])}
    frame = pd.DataFrame({
        "actor_id": s["actor_id"],
        "actor": s["actor_id"].map(names),
        "issue_id": s["issue_id"],
        "issue": s["issue_id"].map(labels),
        "stance": s["stance"],
        "claim_id": s["claim_id"],
        **_words(facts, s["claim_id"]),
        "analyst_note": s["note"],
    })
    frame = frame.assign(_i=frame["issue_id"].map(issue_rank),
                         _a=frame["actor_id"].map(actor_rank))
    frame = frame.sort_values(["_i", "_a", "claim_id"], kind="stable").drop(columns=["_i", "_a"])
    frame.insert(0, "note", range(1, len(frame) + 1))
    return frame.reset_index(drop=True)


def stance_table(tidy: pd.DataFrame) -> pd.DataFrame:
    """The matrix: one row per issue, one column per actor, each cell 'supports [1]' (several
    stances of one actor on one issue are joined with '; '). Empty cells: no stance recorded."""
    if tidy.empty:
        return about(pd.DataFrame(columns=["Issue"]), "stances")
    cell = tidy.assign(cell=tidy["stance"] + " [" + tidy["note"].astype(str) + "]")
    issues = list(dict.fromkeys(tidy["issue"]))
    actors = list(dict.fromkeys(tidy.sort_values("note")["actor"]))
    grid = {(i, a): "; ".join(g["cell"]) for (i, a), g in cell.groupby(["issue", "actor"],
                                                                       sort=False)}
    rows = [{"Issue": issue, **{actor: grid.get((issue, actor), "") for actor in actors}}
            for issue in issues]
    return pd.DataFrame(rows, columns=["Issue", *actors])


def stance_notes(tidy: pd.DataFrame) -> Entries:
    """The numbered notes under the matrix, in order: (claim, actor, stance, issue and the
    verbatim quote; hedge, who said it and the analyst's note)."""
    notes = []
    for r in tidy.itertuples(index=False):
        quote = f"\u201c{r.quote}\u201d" if r.quote else PARAPHRASE + r.statement
        text = f"{r.claim_id}: {r.actor} {r.stance} \u2018{r.issue}\u2019. {quote}"
        detail = f"Hedge: {r.hedge or 'none'}. Said by: {r.said_by}."
        if r.analyst_note:
            detail += f" Note: {r.analyst_note}"
        notes.append((text, detail))
    return Entries(notes, subject="stance notes")


# -- relations ---------------------------------------------------------------------------------

def relations(facts: Facts, actors: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per relation: claim_id, from_id, from, relation, to_id, to, item, quote,
    hedge, said_by, analyst_note. ``actors`` (parsed ids, as for :func:`stances`): keep the
    relations touching any of them."""
    r = facts.relations
    if actors:
        r = r[r["from_actor"].isin(actors) | r["to_actor"].isin(actors)]
    names = facts.actors.set_index("actor_id")["name"]
    return pd.DataFrame({
        "claim_id": r["claim_id"],
        "from_id": r["from_actor"],
        "from": r["from_actor"].map(names),
        "relation": r["relation"],
        "to_id": r["to_actor"],
        "to": r["to_actor"].map(names),
        "item": r["item"],
        **_words(facts, r["claim_id"]),
        "analyst_note": r["note"],
    }).reset_index(drop=True)


def relations_table(tidy: pd.DataFrame) -> pd.DataFrame:
    """Who gives what to whom: one row per claim and direction, the items joined, with the
    claim, its hedge, its verbatim quote and who said it."""
    columns = ["From", "Relation", "To", "What", "Claim", "Hedge", "Quote (verbatim)",
               "Said by"]
    if tidy.empty:
        return about(pd.DataFrame(columns=columns), "relations between actors")
    rows = []
    keys = ["claim_id", "from", "relation", "to"]
    for (claim_id, giver, relation, taker), g in tidy.groupby(keys, sort=False):
        first = g.iloc[0]
        what = ", ".join(g["item"])
        notes = sorted({n for n in g["analyst_note"] if n})
        if notes:
            what += f" ({' '.join(notes)})"
        rows.append({"From": giver, "Relation": RELATION_WORDS.get(relation, relation),
                     "To": taker, "What": what, "Claim": claim_id, "Hedge": first["hedge"],
                     "Quote (verbatim)": first["quote"] or PARAPHRASE + first["statement"],
                     "Said by": first["said_by"]})
    return pd.DataFrame(rows, columns=columns)


def _layout(tidy: pd.DataFrame, facts_actors: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """Node positions in figure fractions: a column per country (in order of appearance), a
    row for states and people above a row for forces; several in one cell are stacked."""
    kinds = facts_actors.set_index("actor_id")["kind"]
    country = facts_actors.set_index("actor_id")["country"]
    ids = list(dict.fromkeys([*tidy["from_id"], *tidy["to_id"]]))
    countries = list(dict.fromkeys(str(country.get(a, "")) or a for a in ids))
    cells: dict[tuple[int, int], list[str]] = {}
    for a in ids:
        col = countries.index(str(country.get(a, "")) or a)
        row = 1 if str(kinds.get(a, "")).endswith("forces") else 0
        cells.setdefault((col, row), []).append(a)
    xs = [0.5] if len(countries) == 1 else [0.17 + 0.66 * i / (len(countries) - 1)
                                           for i in range(len(countries))]
    where = {}
    for (col, row), members in cells.items():
        top, bottom = (0.8, 0.6) if row == 0 else (0.42, 0.24)
        for n, a in enumerate(members):
            y = (top + bottom) / 2 if len(members) == 1 else top - (top - bottom) * n / (
                len(members) - 1)
            where[a] = (xs[col], y)
    return where


def relations_diagram(tidy: pd.DataFrame, facts: Facts, *, width: float = 7.0
                      ) -> tuple[Figure, pd.DataFrame]:
    """Who gives what to whom as a directed diagram; returns the figure and the table of its
    labels (kind, text, box in inches) so tests can check nothing collides.

    Arrows run the way the things go: solid for given (or joining), dashed from the one asked
    to the one asking for what is sought. Each label lists the things with the claim and its
    hedge. Drawn in stages: layout, nodes, edges, arrows, labels, legend."""
    with mpl.rc_context(rc()):
        fig = Figure(figsize=(width, 3.4), dpi=100)
        placer = Placer(fig)
        if tidy.empty:
            fig.set_size_inches(width, 0.6)
            draw_text(fig, 0.02, 0.5, "No relations recorded in the data set (up to the "
                      "cut-off, if any).", va="center", color=INK)
            return fig, placer.table()
        where = _layout(tidy, facts.actors)
        looks = actor_looks(facts.actors)
        colours = {a: actor_look(looks, a).colour for a in where}
        names = facts.actors.set_index("actor_id")["name"]
        boxes = _nodes(fig, placer, where, {a: actor_look(looks, a) for a in where}, names)
        edges = _edges(tidy, names)
        curves = _arrows(fig, placer, list(edges), where, boxes, colours)
        for owner, relation, start, end, bow in curves:
            source, target, _ = owner.split(">")
            _edge_label(fig, placer, "\n".join(edges[(source, target, relation)]), start, end,
                        bow, relation, owner=owner)
        _legend(fig)
    return fig, placer.table()


#: Room for the swatch before an actor's name: figure spaces, which neither SVG nor HTML
#: collapse (plain spaces at the start of a text vanish in the browser).
SWATCH_ROOM = "\u2007" * 3


def _nodes(fig: Figure, placer: Placer, where: dict[str, tuple[float, float]],
           looks: dict[str, Look], names: pd.Series) -> dict[str, Any]:
    """A named box per actor at its place, outlined in the actor's colour, with a swatch of
    its colour and pattern (as on the map) at its left; returns each box's extent (display
    coordinates, padded), which arrows and labels keep clear of."""
    nodes = {}
    for actor_id, (x, y) in where.items():
        look = looks[actor_id]
        nodes[actor_id] = draw_text(
            fig, x, y, SWATCH_ROOM + textwrap.fill(str(names.get(actor_id, actor_id)), 20),
            ha="center", va="center", fontsize=8.5, fontweight="bold", color=INK, zorder=5,
            bbox={"boxstyle": "round,pad=0.5", "fc": "white", "ec": look.colour, "lw": 1.6})
    fig.canvas.draw()
    boxes = {}
    to_fig = fig.transFigure.inverted().transform
    for actor_id, text in nodes.items():
        frame = text.get_bbox_patch().get_window_extent(placer.renderer)
        look = looks[actor_id]
        side = 11 * fig.dpi / 72
        (x0, y0), (x1, y1) = to_fig((frame.x0 + 6, frame.y0 + frame.height / 2 - side / 2)), \
            to_fig((frame.x0 + 6 + side, frame.y0 + frame.height / 2 + side / 2))
        swatch = Rectangle((x0, y0), x1 - x0, y1 - y0, transform=fig.transFigure,
                           fc=look.colour, ec=look.colour, lw=0.6, zorder=6,
                           hatch=look.pattern or None, hatchcolor="white")
        fig.add_artist(swatch)
        boxes[actor_id] = frame.padded(3)
        placer.block(boxes[actor_id], "actor", str(names.get(actor_id, actor_id)))
    return boxes


def _edges(tidy: pd.DataFrame, names: pd.Series) -> dict[tuple[str, str, str], list[str]]:
    """One arrow per direction of flow and kind (source, target, relation), with its label
    lines, one per claim: the things, the claim and its hedge."""
    edges: dict[tuple[str, str, str], list[str]] = {}
    for (claim_id, giver, relation, taker), g in tidy.groupby(
            ["claim_id", "from_id", "relation", "to_id"], sort=False):
        source, target = (taker, giver) if relation == "seeks" else (giver, taker)
        hedge = g["hedge"].iloc[0]
        tag = f"[{claim_id}{', ' + hedge if hedge else ''}]"
        items = ", ".join(g["item"])
        lead = {"seeks": f"sought by {names.get(giver, giver)}: ",
                "joins": "joins with: "}.get(relation, "")
        edges.setdefault((source, target, relation), []).append(
            textwrap.fill(f"{lead}{items} {tag}", 54))
    return edges


def _arrows(fig: Figure, placer: Placer, edges: list[tuple[str, str, str]],
            where: dict[str, tuple[float, float]], boxes: dict[str, Any],
            colours: dict[str, str]) -> list[tuple[str, str, Any, Any, float]]:
    """Draw each edge's arrow; returns (owner, relation, start, end, bow) per arrow, for its
    label."""
    to_px = fig.transFigure.transform
    from_px = fig.transFigure.inverted().transform
    centre = to_px((0.5, 0.5))
    count: dict[frozenset, int] = {}
    curves = []
    for source, target, relation in edges:
        key = frozenset((source, target))
        n = count.get(key, 0)
        count[key] = n + 1
        # The first arrow between two actors is straight, the next ones bow outwards
        # (away from the middle of the diagram), so arrows do not cross needlessly.
        (x1, y1), (x2, y2) = to_px(where[source]), to_px(where[target])
        bow = 0.0 if n == 0 else 0.2 * ((n + 1) // 2)
        out_x, out_y = (x1 + x2) / 2 - centre[0], (y1 + y2) / 2 - centre[1]
        if bow and (y2 - y1) * out_x - (x2 - x1) * out_y < 0:
            bow = -bow
        # The arrow runs from edge to edge of the two boxes (never over their names).
        cx, cy = (x1 + x2) / 2 + bow * (y2 - y1), (y1 + y2) / 2 - bow * (x2 - x1)
        start = _exit((x1, y1), (cx, cy), boxes[source])
        end = _exit((x2, y2), (cx, cy), boxes[target])
        owner = f"{source}>{target}>{relation}"
        curves.append((owner, relation, start, end, bow))
        fig.add_artist(FancyArrowPatch(
            posA=from_px(start), posB=from_px(end), transform=fig.transFigure,
            connectionstyle=f"arc3,rad={bow}", arrowstyle="-|>", mutation_scale=14,
            lw=1.6, color=colours[source], ls="--" if relation == "seeks" else "-",
            shrinkA=0, shrinkB=0, zorder=3))
        for a, b in pairwise(_curve(start, end, bow, 16)):
            placer.block_line((tuple(a), tuple(b)), owner=owner)
    return curves


def _legend(fig: Figure) -> None:
    """What solid and dashed arrows mean, under the diagram."""
    legend = [Line2D([], [], color=INK, lw=1.6, label="given, or joining: the arrow runs "
                     "the way it goes, in the giver's colour"),
              Line2D([], [], color=INK, lw=1.6, ls="--",
                     label="sought: from the one asked to the one asking")]
    key = fig.legend(handles=legend, loc="lower left", bbox_to_anchor=(0.01, 0.0),
                     ncol=2, frameon=False, fontsize=7)
    for text in key.get_texts():
        text.set_parse_math(False)


def _curve(a, b, rad: float, steps: int) -> list[tuple[float, float]]:
    """Points along matplotlib's ``arc3`` connection from a to b (display coordinates)."""
    (x1, y1), (x2, y2) = a, b
    cx, cy = (x1 + x2) / 2 + rad * (y2 - y1), (y1 + y2) / 2 - rad * (x2 - x1)
    return [((1 - t) ** 2 * x1 + 2 * t * (1 - t) * cx + t ** 2 * x2,
             (1 - t) ** 2 * y1 + 2 * t * (1 - t) * cy + t ** 2 * y2)
            for t in (i / steps for i in range(steps + 1))]


def _exit(centre: tuple[float, float], toward: tuple[float, float], box) -> tuple[float, float]:
    """Where a line from a box's centre toward a point leaves the box (display coordinates)."""
    (x, y), (tx, ty) = centre, toward
    dx, dy = tx - x, ty - y
    scales = [abs(box.width / 2 / dx) if dx else math.inf,
              abs(box.height / 2 / dy) if dy else math.inf]
    k = min(min(scales), 1.0)
    return (x + dx * k, y + dy * k)


def _edge_label(fig: Figure, placer: Placer, text: str, a: tuple[float, float],
                b: tuple[float, float], rad: float, relation: str, owner: str) -> None:
    """A label on or beside its arrow's curve (ends ``a`` and ``b`` in display coordinates),
    where it hides no node, no other arrow and no other label."""
    (x1, y1), (x2, y2) = a, b
    dx, dy = x2 - x1, y2 - y1
    cx, cy = (x1 + x2) / 2 + rad * dy, (y1 + y2) / 2 - rad * dx   # matplotlib's arc3
    length = math.hypot(dx, dy) or 1.0
    nx, ny = -dy / length, dx / length
    label = draw_text(fig, 0, 0, text, fontsize=7,
                      color=INK if relation != "seeks" else MUTED,
                      fontstyle="italic" if relation == "seeks" else "normal",
                      ha="center", va="center", zorder=6,
                      bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": "none",
                            "alpha": 0.9})
    size = label.get_window_extent(placer.renderer)
    w, h = size.width + 6, size.height + 6
    options = []
    for t in (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74):
        px = (1 - t) ** 2 * x1 + 2 * t * (1 - t) * cx + t ** 2 * x2
        py = (1 - t) ** 2 * y1 + 2 * t * (1 - t) * cy + t ** 2 * y2
        for off in (0, 14, -14, 28, -28, 44, -44):
            ox, oy = px + nx * off, py + ny * off
            options.append(((ox, oy), (ox - w / 2, oy - h / 2, ox + w / 2, oy + h / 2), None))
    chosen = placer.choose(options, kind="relation", text=text.replace("\n", " "),
                           required=True, owner=owner)
    label.set_position(fig.transFigure.inverted().transform(chosen))
