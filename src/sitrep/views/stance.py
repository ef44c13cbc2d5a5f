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
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import matplotlib as mpl
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch

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


#: Actors a relations diagram draws as a network; past them, who gives whom is a matrix.
MAX_NETWORK = 12
#: The network's geometry, in inches: the circle the actors sit on, each actor's disc.
CIRCLE, NODE = 1.75, 0.11
#: How far an arrow bows (matplotlib's ``arc3`` rad) where a pair has several arrows.
BOW = 0.14


@dataclass(frozen=True)
class RelationsPlan:
    """The relations diagram as data: ``nodes`` (actor_id, x, y, radius, angle: inches from
    the figure's lower left corner, the angle in radians on the circle), ``edges`` (source,
    target, relation, bow, points: the arrow's path as (x, y) points in inches, from centre to
    centre), the figure's size, and ``kind``: 'network', 'matrix' (past :data:`MAX_NETWORK`
    actors: no diagram, the matrix says who gives whom) or 'empty'."""

    kind: str
    nodes: pd.DataFrame
    edges: pd.DataFrame
    size: tuple[float, float]


def _circle_order(ids: list[str], facts_actors: pd.DataFrame) -> list[str]:
    """The actors round the circle: those of one country next to each other (in order of
    appearance), so the arrows between them are short."""
    country = facts_actors.set_index("actor_id")["country"]
    key = {a: str(country.get(a, "")) or a for a in ids}
    groups = list(dict.fromkeys(key[a] for a in ids))
    return sorted(ids, key=lambda a: groups.index(key[a]))


def _path(a: tuple[float, float], b: tuple[float, float], bow: float,
          steps: int = 24) -> list[tuple[float, float]]:
    """Points along matplotlib's ``arc3`` connection from a to b (any uniform coordinates)."""
    return _curve(a, b, bow, steps)


def _clear(points: list[tuple[float, float]], others: list[tuple[float, float]],
           radius: float) -> bool:
    """Whether a path keeps more than ``radius`` from every one of ``others``."""
    return all(_distance(c, p, q) > radius for c in others for p, q in pairwise(points))


def _distance(c: tuple[float, float], p: tuple[float, float], q: tuple[float, float]) -> float:
    """The distance from point c to the segment p-q."""
    (cx, cy), (px, py), (qx, qy) = c, p, q
    dx, dy = qx - px, qy - py
    t = ((cx - px) * dx + (cy - py) * dy) / (dx * dx + dy * dy) if dx or dy else 0.0
    t = min(max(t, 0.0), 1.0)
    return math.hypot(cx - px - t * dx, cy - py - t * dy)


def relations_plan(tidy: pd.DataFrame, facts_actors: pd.DataFrame, *,
                   width: float = 7.0) -> RelationsPlan:
    """Where the diagram puts each actor and each arrow. The actors sit on a circle: no
    straight chord between two of them passes through a third. An arrow is straight where it
    is its pair's only one; where a pair has several (both directions, or a gift and a
    request), they bow apart, each on a bow of its own (:data:`BOW`, twice, half of it, ...),
    the first that keeps it clear of every other actor's disc (by twice its radius)."""
    ids = list(dict.fromkeys([*tidy["from_id"], *tidy["to_id"]])) if len(tidy) else []
    empty_edges = pd.DataFrame(columns=["source", "target", "relation", "bow", "points"])
    if not ids:
        return RelationsPlan("empty", pd.DataFrame(columns=["actor_id", "x", "y", "radius",
                                                            "angle"]), empty_edges, (width, 0.6))
    if len(ids) > MAX_NETWORK:
        return RelationsPlan("matrix", pd.DataFrame({"actor_id": ids}), empty_edges,
                             (width, 0.6))
    height = 2 * CIRCLE + 1.9
    centre = (width / 2, CIRCLE + 1.05)
    order = _circle_order(ids, facts_actors)
    angles = [math.pi / 2 - 2 * math.pi * k / len(order) for k in range(len(order))]
    where = {a: (centre[0] + CIRCLE * math.cos(t), centre[1] + CIRCLE * math.sin(t))
             for a, t in zip(order, angles, strict=True)}
    nodes = pd.DataFrame({"actor_id": order, "x": [where[a][0] for a in order],
                          "y": [where[a][1] for a in order], "radius": NODE, "angle": angles})
    pairs: dict[frozenset, list[tuple[str, str, str]]] = {}
    for source, target, relation in _flows(tidy):
        pairs.setdefault(frozenset((source, target)), []).append((source, target, relation))
    rows = []
    for members in pairs.values():
        canonical = tuple(sorted(members[0][:2]))
        used: set[float] = set()
        for source, target, relation in members:
            others = [where[a] for a in order if a not in (source, target)]
            sign = 1.0 if (source, target) == canonical else -1.0
            options = [0.0] if len(members) == 1 else []
            options += [side * BOW * m for m in (1.0, 2.0, 0.5, 1.5, 0.25)
                        for side in (1.0, -1.0)]
            free = [o for o in options if o not in used]
            offset = next((o for o in free if _clear(
                _path(where[source], where[target], sign * o), others, 2 * NODE)), free[0])
            used.add(offset)
            points = _path(where[source], where[target], sign * offset)
            rows.append({"source": source, "target": target, "relation": relation,
                         "bow": sign * offset, "points": points})
    return RelationsPlan("network", nodes, pd.DataFrame(rows, columns=empty_edges.columns),
                         (width, height))


def _flows(tidy: pd.DataFrame) -> list[tuple[str, str, str]]:
    """Each arrow once: (source, target, relation), a thing sought running from the one
    asked to the one asking."""
    flows = []
    for giver, relation, taker in zip(tidy["from_id"], tidy["relation"], tidy["to_id"],
                                      strict=True):
        flow = (taker, giver, relation) if relation == "seeks" else (giver, taker, relation)
        if flow not in flows:
            flows.append(flow)
    return flows


def relations_matrix(tidy: pd.DataFrame) -> pd.DataFrame:
    """Who gives whom, past :data:`MAX_NETWORK` actors (empty below them: the diagram shows
    it): one row per giver (or the one asked), one column per receiver, each cell the things
    with their claims."""
    ids = list(dict.fromkeys([*tidy["from_id"], *tidy["to_id"]])) if len(tidy) else []
    if len(ids) <= MAX_NETWORK:
        return about(pd.DataFrame(), "relations matrix")
    names = dict(zip(tidy["from_id"], tidy["from"], strict=True)) | dict(
        zip(tidy["to_id"], tidy["to"], strict=True))
    cells: dict[tuple[str, str], list[str]] = {}
    for (claim_id, giver, relation, taker), g in tidy.groupby(
            ["claim_id", "from_id", "relation", "to_id"], sort=False):
        source, target = (taker, giver) if relation == "seeks" else (giver, taker)
        word = {"seeks": "sought: ", "joins": "joins: "}.get(relation, "")
        cells.setdefault((source, target), []).append(
            f"{word}{', '.join(g['item'])} [{claim_id}]")
    givers = [a for a in ids if any(k[0] == a for k in cells)]
    takers = [a for a in ids if any(k[1] == a for k in cells)]
    frame = pd.DataFrame({"From \u2193 / to \u2192": [names.get(a, a) for a in givers],
                          **{names.get(t, t): ["; ".join(cells.get((g, t), [])) for g in givers]
                             for t in takers}})
    return about(frame, "relations matrix")


def relations_diagram(tidy: pd.DataFrame, facts: Facts, *, width: float = 7.0
                      ) -> tuple[Figure, pd.DataFrame]:
    """Who gives what to whom as a directed network (:func:`relations_plan`); returns the
    figure and the table of its labels (kind, text, box in inches) so tests can check nothing
    collides. Past :data:`MAX_NETWORK` actors it draws one sentence: the matrix
    (:func:`relations_matrix`) says who gives whom.

    Arrows run the way the things go: solid for given (or joining), dashed from the one asked
    to the one asking for what is sought. Each label lists the things with the claim and its
    hedge. Drawn in stages: plan, nodes, arrows, labels, legend."""
    plan = relations_plan(tidy, facts.actors, width=width)
    with mpl.rc_context(rc()):
        fig = Figure(figsize=plan.size, dpi=100)
        placer = Placer(fig)
        if plan.kind != "network":
            sentence = ("No relations recorded in the data set (up to the cut-off, if any)."
                        if plan.kind == "empty" else
                        f"{len(plan.nodes)} actors give, join or seek: more than a diagram "
                        f"of {MAX_NETWORK} keeps readable; the matrix below says who gives "
                        "whom (rows give, columns receive).")
            draw_text(fig, 0.02, 0.5, sentence, va="center", color=INK)
            return fig, placer.table()
        looks = actor_looks(facts.actors)
        names = facts.actors.set_index("actor_id")["name"]
        _nodes(fig, placer, plan.nodes, looks, names)
        edges = _edges(tidy, names)
        dpi = fig.dpi
        for edge in plan.edges.itertuples(index=False):
            owner = f"{edge.source}>{edge.target}>{edge.relation}"
            _arrow(fig, placer, edge, actor_look(looks, edge.source).colour, owner)
            (x1, y1), (x2, y2) = edge.points[0], edge.points[-1]
            _edge_label(fig, placer, "\n".join(edges[(edge.source, edge.target,
                                                      edge.relation)]),
                        (x1 * dpi, y1 * dpi), (x2 * dpi, y2 * dpi), edge.bow, edge.relation,
                        owner=owner)
        _legend(fig)
    return fig, placer.table()


def _nodes(fig: Figure, placer: Placer, nodes: pd.DataFrame, looks: dict[str, Look],
           names: pd.Series) -> None:
    """A disc per actor in its colour and pattern (as on the map), its name outside the
    circle, away from the arrows (which stay inside it)."""
    dpi = fig.dpi
    width, height = fig.get_size_inches()
    for node in nodes.itertuples(index=False):
        look = actor_look(looks, node.actor_id)
        fig.add_artist(Circle((node.x / width, node.y / height), node.radius / width,
                              transform=fig.transFigure, fc=look.colour, ec=look.colour,
                              lw=1.2, hatch=look.pattern or None, hatchcolor="white",
                              zorder=5, label=str(node.actor_id)))
        placer.block_point(node.x * dpi, node.y * dpi, node.radius * dpi + 2, kind="actor",
                           text=str(node.actor_id))
        cos, sin = math.cos(node.angle), math.sin(node.angle)
        gap = node.radius + 0.08
        text = draw_text(fig, (node.x + gap * cos) / width, (node.y + gap * sin) / height,
                         textwrap.fill(str(names.get(node.actor_id, node.actor_id)), 20),
                         ha="left" if cos > 0.3 else "right" if cos < -0.3 else "center",
                         va="bottom" if sin > 0.3 else "top" if sin < -0.3 else "center",
                         fontsize=8.5, fontweight="bold", color=INK, zorder=6)
        placer.block_artist(text, "actor", str(names.get(node.actor_id, node.actor_id)))


def _arrow(fig: Figure, placer: Placer, edge: Any, colour: str, owner: str) -> None:
    """One arrow along its planned path, from disc edge to disc edge."""
    dpi = fig.dpi
    width, height = fig.get_size_inches()
    (x1, y1), (x2, y2) = edge.points[0], edge.points[-1]
    shrink = NODE * 72 + 2  # points: the arrow starts and ends at the discs' rims
    fig.add_artist(FancyArrowPatch(
        posA=(x1 / width, y1 / height), posB=(x2 / width, y2 / height),
        transform=fig.transFigure, connectionstyle=f"arc3,rad={edge.bow}", arrowstyle="-|>",
        mutation_scale=14, lw=1.6, color=colour, ls="--" if edge.relation == "seeks" else "-",
        shrinkA=shrink, shrinkB=shrink, zorder=3))
    for a, b in pairwise(edge.points):
        placer.block_line(((a[0] * dpi, a[1] * dpi), (b[0] * dpi, b[1] * dpi)), owner=owner)


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
        for off in (0, 14, -14, 28, -28, 44, -44, 62, -62, 84, -84):
            ox, oy = px + nx * off, py + ny * off
            options.append(((ox, oy), (ox - w / 2, oy - h / 2, ox + w / 2, oy + h / 2), None))
    chosen = placer.choose(options, kind="relation", text=text.replace("\n", " "),
                           required=True, owner=owner)
    label.set_position(fig.transFigure.inverted().transform(chosen))
