"""What goes around the map: the keys (only what the map shows, every symbol it shows), the
notes (what lies outside the view, occupied units, the boxes, the credits), the caption, and
the table of the map's marks."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import geopandas as gpd
import matplotlib as mpl
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerPatch
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Patch

from sitrep.model.analysis.attribution import credit_line
from sitrep.model.data.facts import Facts
from sitrep.model.geo import areas, disputed, gazetteer, water
from sitrep.views.maps.callouts import (
    ACTIVITY_MARKERS,
    CLAIM_DASHES,
    HOLLOW_ROLES,
    NAMED_COLOUR,
    NAMED_MARKER,
    named_words,
    row_text,
)
from sitrep.views.maps.marks import AS_CLAIM, NAMED
from sitrep.views.maps.plan import PositionMap
from sitrep.views.maps.zones import (
    DISPUTED_DASHES,
    DISPUTED_EDGE,
    LAND_TONES,
    OCCUPIED,
    OCCUPIED_HATCH,
    SEA_ZONE_FILL,
    ZONE_EDGE,
)
from sitrep.views.style import INK, MUTED, Look, draw_text, precision_words, rc

NOTE_SIZE = 6.2
LEGEND_SIZE = 6.6

CRIMEA_NOTE = ("Crimea is drawn as Ukrainian territory occupied by Russia (hatched in red), "
               "following ISO 3166-2 and UN General Assembly resolution 68/262 (2014). The "
               "map shows no front line and no other occupied area: it places claims, not "
               "control.")
BOX_NOTE = ("A box lists the claims about the place its line points to; it marks no point. "
            "Dashed outlines: the analyst's approximations of places the source does not "
            "delimit.")
NO_FRONT = "The map shows no front line and no area of control: it places claims."
CLAIM_NOTE = ("Dashed symbols: a claim that one side makes and another denies or disputes "
              "(who says it and who denies it in the box); the map does not settle which "
              "is true.")
NUMBERED_NOTE = ("Too many places to label: numbered; the key to the numbers lists what is "
                 "claimed at each place.")
NUMBER_NOTE = (NUMBERED_NOTE + " Each number sits on its place or points to it with a line; "
               "the key lists what is claimed there, by whom, with the claim ids. Dashed "
               "outlines: the analyst's approximations of places the source does not delimit.")
NUMBER_CLAIM_NOTE = ("Some claims there are made by one side and denied or disputed by "
                     "another: the key says who says it and who denies it; the map does not "
                     "settle which is true.")
NUMBER_KEY = "a place with claims: its\nnumber in the key below"
DISPUTED_KEY = "disputed boundary or claim\nline (Natural Earth): not\na settled border"
CLAIM_KEY = "dashed: one side's claim,\nthe other side denies\nor disputes it"


class ClaimKey(Patch):
    """The legend's key for a contested claim: a dashed hollow circle, as in the boxes."""


def _dashed_circle(legend, orig_handle, xdescent, ydescent, width, height, fontsize):
    radius = min(width, height) / 2.4
    return Circle((width / 2 - xdescent, height / 2 - ydescent), radius)


HANDLERS = {ClaimKey: HandlerPatch(patch_func=_dashed_circle)}


def style() -> dict:
    return rc(7.5, **{"hatch.linewidth": 0.6})


def _occupied_label(units: Sequence[tuple[str, str, str]]) -> str:
    """'Crimea: Ukrainian,\noccupied by Russia' for the occupied units in view."""
    names = sorted({u[0] for u in units})
    countries = sorted({u[1] for u in units})
    holders = sorted({u[2] for u in units})
    shown = ", ".join(names[:2]) + (" and others" if len(names) > 2 else "")
    return f"{shown}: part of {', '.join(countries)},\noccupied by {', '.join(holders)}"


def occupation_note(units: Sequence[tuple[str, str, str]]) -> str:
    """The note on occupied units in view (ISO 3166 against Natural Earth's de facto view);
    empty when there are none. Crimea has its own wording."""
    if not units:
        return ""
    if {u[0] for u in units} <= {"Crimea", "Sevastopol"}:
        return CRIMEA_NOTE
    listed = "; ".join(f"{n} ({c}, held by {h})" for n, c, h in sorted(set(units)))
    return (f"Drawn as occupied (hatched in red), from sitrep's list of occupied units and "
            f"its sources: {listed}. " + NO_FRONT)


def legend_keys(table: gpd.GeoDataFrame, looks: dict[str, Look], *,
                occupied_units: Sequence[tuple[str, str, str]] = (),
                with_towns: bool = True, disputed_lines: bool = False,
                numbered: bool = False) -> list[tuple[str, list]]:
    """The keys under the map: who (colour), doing what (shape), role (fill), where (how
    precise). Only what the map shows is listed, and every symbol it shows is: a
    ``numbered`` map draws no symbol of an actor (its key table names them), only numbers."""
    names = table.drop_duplicates("actor_id").set_index("actor_id")["actor"]
    who = [Patch(fc=look.colour, ec=look.colour, hatch=look.pattern or None,
                 hatchcolor="white", lw=0.6, label=str(names.get(actor_id, actor_id)))
           for actor_id, look in looks.items()]
    present = set(table["activity"])
    what = [Line2D([], [], marker=marker, ls="", ms=7 * (1.3 if marker == "*" else 1),
                   mfc="#4a4a4a", mec="#4a4a4a", label=activity.replace("_", "-"))
            for activity, marker in ACTIVITY_MARKERS.items() if activity in present]
    roles = [Line2D([], [], marker="o", ls="", ms=7, mfc="#4a4a4a", mec="#4a4a4a",
                    label="filled: the actor is there")]
    if table["place_role"].isin(HOLLOW_ROLES).any():
        simulated = "\nor simulated target" if table["place_role"].eq(
            "simulated_target").any() else ""
        roles.append(Line2D([], [], marker="o", ls="", ms=7, mfc="white", mec="#4a4a4a",
                            mew=1.6, label=f"hollow: its objective\nor target{simulated}"))
    if "shown_as" in table.columns and table["shown_as"].eq(AS_CLAIM).any():
        roles.append(ClaimKey(fc="white", ec="#4a4a4a", lw=1.3, ls=CLAIM_DASHES,
                              label=CLAIM_KEY))
    if NAMED in present:
        roles.append(Line2D([], [], marker=NAMED_MARKER, ls="", ms=7, mew=1.6,
                            mec=NAMED_COLOUR, label="a claim names the\nplace, no position"))
    where = []
    if numbered:
        who, what, roles = [], [], []
        where.append(Line2D([], [], marker="o", ls="", ms=9, mfc="white", mec=INK, mew=0.8,
                            label=NUMBER_KEY))
    at_sea = (table["kind"].isin(areas.AT_SEA) if "kind" in table.columns
              else pd.Series(False, index=table.index))
    kinds = {(d, int(p), bool(a)) for d, p, a in
             zip(table.loc[~at_sea, "drawn_as"], table.loc[~at_sea, "precision"],
                 table.loc[~at_sea, "approximate"], strict=True)}
    if any(d == "point" for d, _, _ in kinds):
        where.append(Line2D([], [], marker="o", ls="", ms=5.5, mfc=INK, mec="white",
                            label="town the source names"))
    if ("zone", 3, False) in kinds:
        where.append(Patch(fc=(0.49, 0.49, 0.49, 0.25), ec=ZONE_EDGE, lw=1.2,
                           label="region the source names"))
    if any(d == "zone" and p >= 3 and a for d, p, a in kinds):
        where.append(Patch(fc=(0.49, 0.49, 0.49, 0.25), ec=ZONE_EDGE, lw=1.2, ls="--",
                           label="region the source does not\ndelimit: analyst's reading"))
    if any(d == "zone" and p <= 2 for d, p, _ in kinds):
        where.append(Patch(fc="none", ec=ZONE_EDGE, lw=1.0, ls="--", hatch="////",
                           label="part of a region:\nanalyst's approximation"))
    sea = set(table.loc[at_sea, "precision"].astype(int))
    if any(p >= 3 for p in sea):
        where.append(Patch(fc=to_rgba(SEA_ZONE_FILL, 0.25), ec=ZONE_EDGE, lw=1.2, ls="--",
                           label="sea or air area the source\nnames: analyst's drawing,\n"
                                 "at sea only (land cut out)"))
    if any(p <= 2 for p in sea):
        where.append(Patch(fc="none", ec=ZONE_EDGE, lw=1.0, ls="--", hatch="////",
                           label="part of a sea, strait or zone:\nanalyst's drawing, at sea "
                                 "only\n(land cut out)"))
    if occupied_units:
        where.append(Patch(fc=LAND_TONES[0], ec=OCCUPIED, hatch=OCCUPIED_HATCH, lw=0.5,
                           label=_occupied_label(occupied_units)))
    if disputed_lines:
        where.append(Line2D([], [], color=DISPUTED_EDGE, ls=DISPUTED_DASHES, lw=1.1,
                            label=DISPUTED_KEY))
    if with_towns:
        where.append(Line2D([], [], marker="o", ls="", ms=3.5, mfc="white", mec=MUTED,
                            label="other town, for orientation"))
    return [(title, handles) for title, handles in (
        ("Who (colour, pattern)", who), ("Doing what (shape)", what), ("Role", roles),
        ("Where, as precise as the source", where)) if handles]


def add_legends(fig: Figure, keys: list[tuple[str, list]], left: float,
                 top: float) -> list:
    """The keys side by side from ``left`` (figure fraction), hanging from ``top``; a key that
    would run past the right margin (as wide as the left one) starts a new row below."""
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    fig_w, fig_h = (v * fig.dpi for v in fig.get_size_inches())
    x, row_top, row_bottom, legends = left, top, top, []
    for title, handles in keys:
        legend = _legend(fig, title, handles, x, row_top)
        box = legend.get_window_extent(renderer)
        if box.x1 > (1 - left) * fig_w and x > left:  # past the right margin: a new row
            legend.remove()
            row_top = row_bottom - 10 / fig_h
            legend = _legend(fig, title, handles, left, row_top)
            box = legend.get_window_extent(renderer)
        legends.append(legend)
        row_bottom = min(row_bottom, box.y0 / fig_h)
        x = (box.x1 + 16) / fig_w
    return legends


def _legend(fig: Figure, title: str, handles: list, x: float, top: float):
    ncol = 2 if len(handles) > 4 and title.startswith("Doing") else 1
    legend = fig.legend(handles=handles, title=title, loc="upper left",
                        bbox_to_anchor=(x, top), frameon=False, fontsize=LEGEND_SIZE,
                        title_fontsize=LEGEND_SIZE + 0.4, ncol=ncol, handlelength=2.0,
                        handleheight=1.1,
                        handletextpad=0.45, columnspacing=0.7, labelspacing=0.45,
                        alignment="left", borderaxespad=0.0, borderpad=0.0,
                        handler_map=HANDLERS)
    legend.get_title().set_fontweight("bold")
    return legend


def notes(outside: pd.DataFrame, credit: str, width: float,
          units: Sequence[tuple[str, str, str]] = (), claims: bool = False,
          disputed_lines: bool = False, numbered: bool = False) -> str:
    """The notes under the keys: what is outside the view, occupied units, the boxes (or, on
    a ``numbered`` map, that its places are numbered and keyed below it), the contested
    claims (``claims``: the map draws some), the point of view on disputed lines
    (``disputed_lines``: some are in view), the credits."""
    lines = [NUMBER_NOTE if numbered else BOX_NOTE, credit]
    if disputed_lines:
        lines.insert(0, disputed.POINT_OF_VIEW)
    if claims:
        lines.insert(0, NUMBER_CLAIM_NOTE if numbered else CLAIM_NOTE)
    if units:
        lines.insert(0, _occupied_label(units).replace("\n", " ") + " (hatched in red). "
                     + NO_FRONT)
    if len(outside):
        lines.insert(0, "Outside this view: " + ", ".join(
            f"{r.claim_id} ({r.place})" for r in outside.itertuples()) + ".")
    return "\n".join(textwrap.fill(n, int(width * 19.5)) for n in lines)


def measure(keys: list[tuple[str, list]], text: str, width: float,
            left: float = 0.0) -> tuple[float, float]:
    """Heights (inches) of the keys (in rows, as :func:`add_legends` lays them out from
    ``left``) and of the notes, drawn on a scratch figure."""
    with mpl.rc_context(style()):
        scratch = Figure(figsize=(width, 8), dpi=100)
        FigureCanvasAgg(scratch)
        renderer = scratch.canvas.get_renderer()
        legends = add_legends(scratch, keys, left, 1.0)
        legend_h = (scratch.bbox.height - min((lg.get_window_extent(renderer).y0
                                               for lg in legends),
                                              default=scratch.bbox.height)) / scratch.dpi
        drawn = draw_text(scratch, 0, 0, text, fontsize=NOTE_SIZE, linespacing=1.25)
        notes_h = drawn.get_window_extent(renderer).height / scratch.dpi
    return legend_h, notes_h


def geo_credit(table: pd.DataFrame, context: Sequence[str] = (), *, short: bool = False,
               lakes: bool = False, areas_counted: bool = False) -> str:
    """Credit lines for the boundaries, the lakes (``lakes``: some are in view), every town's
    coordinates and every place the analyst drew, with licences (GeoNames is CC BY 4.0 and
    must be credited; the analyst's areas and points are credited to the analyst and their
    stated source, never to Natural Earth or GeoNames). ``short``: one line for inside the
    map; ``areas_counted``: the analyst's areas counted rather than each credited (a summary's
    map, whose full credit the positions report gives)."""
    method = table["method"].astype(str) if len(table) else pd.Series(dtype=str)
    mine = method.str.contains("drawn by the analyst", regex=False)
    points = table[(table["drawn_as"] == "point") & ~mine] if len(table) else table
    from_geonames = points["method"].str.startswith("GeoNames") if len(points) else points
    geonames = sorted(set(points.loc[from_geonames, "place"]) if len(points) else set())
    natural = sorted(set(points.loc[~from_geonames, "place"]) if len(points) else set())
    drawn = _analyst_credits(table[mine] if len(table) else table)
    if short:
        line = "Boundaries: Natural Earth (public domain)."
        if lakes:
            line += " " + water.CREDIT_SHORT
        if geonames or context:
            named = f" for {', '.join(geonames)}" if geonames else ""
            line += (f" Towns: GeoNames (CC BY 4.0){named}"
                     + (" and the towns for orientation" if context else "")
                     + ("; Natural Earth for the others." if natural else "."))
        elif natural:
            line += " Towns: Natural Earth."
        if drawn:
            names = sorted(set(table.loc[mine, "place"].astype(str)))
            line += (f" {', '.join(names)}: drawn by the analyst (their sources in the "
                     "caption).")
        return line
    parts = [water.CREDIT if lakes else "Boundaries: Natural Earth (naturalearthdata.com), "
             "public domain, 1:10m, simplified."]
    if natural:
        parts.append("Town coordinates for " + ", ".join(natural) + ": Natural Earth.")
    if geonames or context:
        what = ", ".join(geonames) + (" and the towns for orientation" if context else "")
        parts.append(f"Town coordinates for {what.removeprefix(' and ')}: {gazetteer.CREDIT}.")
    if areas_counted and drawn:  # a summary's map: the areas' sources are in the full caption
        count = table.loc[mine, "place"].nunique()  # the areas drawn, not their marks
        drawn = [f"{count:,} area{'s' if count != 1 else ''} drawn by the analyst (each with its "
                 "source under the map of the actor-positions report)."]
    return " ".join(parts + drawn)


def _analyst_credits(rows: pd.DataFrame) -> list[str]:
    """'Red Sea, Gulf of Aden: drawn by the analyst: <source>.' per stated source."""
    if not len(rows):
        return []
    by_credit: dict[str, list[str]] = {}
    for place, method in zip(rows["place"], rows["method"], strict=True):
        credit = str(method)[str(method).index("drawn by the analyst"):]
        names = by_credit.setdefault(credit, [])
        if place not in names:
            names.append(str(place))
    return [f"{', '.join(sorted(names))}: {credit.rstrip('.')}."
            for credit, names in sorted(by_credit.items())]


def caption(facts: Facts, drawn: PositionMap) -> str:
    """The credit line under the map: the claims' sources, then boundaries and coordinates."""
    sources = credit_line(facts, drawn.marks["claim_id"])
    line = f"{sources}. {drawn.credit}" if drawn.credit else sources
    return f"{NUMBERED_NOTE} {line}" if drawn.mode == "numbered" else line


def number_key(drawn: PositionMap) -> pd.DataFrame:
    """The key of a numbered map (empty for a map of boxes): a row per number, the place, and
    what is claimed there: each actor and activity with the claim ids, who says it and who
    denies it for a contested claim, and the claims that only name the place, counted."""
    columns = ["No.", "Place", "What is claimed there"]
    if drawn.mode != "numbered" or drawn.numbers is None or drawn.numbers.empty:
        return pd.DataFrame(columns=columns)
    marks = drawn.marks[drawn.marks["in_view"].astype(bool)]
    rows = []
    for number, place_id, place in drawn.numbers[["number", "place_id", "place"]].itertuples(
            index=False):
        here = marks[marks["place_id"] == place_id]
        rows.append({"No.": str(number), "Place": place,
                     "What is claimed there": claimed_there(here)})
    return pd.DataFrame(rows, columns=columns)


def claimed_there(marks: pd.DataFrame) -> str:
    """What one place's marks claim, a sentence each: 'Israel Defense Forces: striking
    (target): I21, I88. United States: striking (target), a claim, not a position (United
    States says; Iran disputes): I77. And 12 claims that name this place: I05, I06, …'."""
    positioned = marks[marks["activity"] != NAMED]
    contest = positioned["contest"] if "contest" in positioned.columns else ""
    frame = positioned.assign(contest=contest).fillna({"contest": ""})
    sentences = []
    keys = ["actor", "activity", "place_role", "contest"]
    for (actor, activity, role, words), rows in frame.groupby(keys, sort=False):
        ids = ", ".join(dict.fromkeys(rows["claim_id"].astype(str)))
        what = f"{actor or '(no actor)'}: {row_text(activity, role)}"
        if words:
            what += f", a claim, not a position ({words})"
        sentences.append(f"{what}: {ids}.")
    named = list(dict.fromkeys(marks.loc[marks["activity"] == NAMED, "claim_id"].astype(str)))
    if named:
        sentences.append(f"{named_words(len(named), bool(sentences)).capitalize()} "
                         f"{', '.join(named)}.")
    return " ".join(sentences)


def key_table(drawn: PositionMap) -> pd.DataFrame:
    """The map's marks as a table, in claim order: claim, actor, what it does, the place as the
    source names it, how precise and how it is drawn, the hedge and the claim's statement."""
    m = drawn.marks.sort_values(["claim_id", "actor_id", "place_id"], kind="stable")

    def doing(r: pd.Series) -> str:
        text = row_text(r["activity"], r["place_role"])
        if r.get("contest"):
            text += f": a claim, not a position ({r['contest']}; see {r['answered_by']})"
        return text

    def drawn_as(r: pd.Series) -> str:
        how = "dot" if r["drawn_as"] == "point" else (
            "hatched zone" if int(r["precision"]) <= 2 else "shaded zone")
        word = precision_words(int(r["precision"]), str(r.get("kind", "")))
        return f"{word}; {how}: {r['method']}"

    return pd.DataFrame({
        "Claim": m["claim_id"],
        "Actor": m["actor"].where(m["actor"].ne(""), "(none)"),
        "Doing": [doing(r) for _, r in m.iterrows()],
        "Place, as the source says": m["place"],
        "Precision and drawing": [drawn_as(r) for _, r in m.iterrows()],
        "Hedge": m["hedge"],
        "Statement": m["statement"],
    }).reset_index(drop=True)


def report_title(facts: Facts) -> str:
    """'Actor positions: <data set title>' from the data set's datapackage.json."""
    return f"Actor positions: {facts.title}" if facts.title else "Actor positions"
