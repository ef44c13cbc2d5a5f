"""The positions map: what it draws is checked as data (the marks, zones and labels it returns),
then in the picture (the SVG's text): every claim that names a place is on it at the source's
precision, the geometry agrees with the facts, labels do not collide, every symbol is in the
legend, and the notes and credits are there."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import matplotlib as mpl
import pytest
import shapely
from conftest import overlapping_labels

from sitrep.model import load
from sitrep.model.geo import disputed, place
from sitrep.views import brief, display, labels, maps

DATA = Path(__file__).parents[1] / "data"
#: A strike one side claims and the other denies (tests/data/denied_strike_drawn_as_fact).
DENIED = DATA / "denied_strike_drawn_as_fact"

ACTORS = {"russian_forces": "Russian forces", "nk_forces": "North Korean forces",
          "ukrainian_forces": "Ukrainian forces"}


def svg_text(figure) -> str:
    """The text of a figure as drawn in SVG (saved with svg.fonttype none: text stays text)."""
    buffer = io.BytesIO()
    with mpl.rc_context({"svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg")
    texts = re.findall(r"<text[^>]*>(.*?)</text>", buffer.getvalue().decode(), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", "", t) for t in texts)


@pytest.fixture(scope="module")
def facts():
    return load()


@pytest.fixture(scope="module")
def drawn(facts) -> maps.PositionMap:
    return maps.position_map(facts)


@pytest.fixture(scope="module")
def drawn_text(drawn) -> str:
    return svg_text(drawn.figure)


@pytest.fixture(scope="module")
def layers() -> place.Layers:
    return place.read_layers()


# -- the marks, as data ----------------------------------------------------------------------------

def test_every_position_is_a_mark_at_its_places_precision(facts, drawn):
    marks = drawn.marks
    precision = facts.places.set_index("place_id")["geo_precision"]
    for p in facts.positions.itertuples():
        hit = marks[(marks["claim_id"] == p.claim_id) & (marks["actor_id"] == p.actor_id)
                    & (marks["place_id"] == p.place_id) & (marks["activity"] == p.activity)]
        assert len(hit) == 1, p
        mark = hit.iloc[0]
        assert mark["precision"] == precision[p.place_id]
        assert mark["in_view"]
        assert mark["place_role"] == p.place_role


def test_points_only_for_precision_1(drawn):
    for mark in drawn.marks.itertuples():
        assert (mark.drawn_as == "point") == (mark.precision == 1), mark.claim_id
        assert (mark.geometry.geom_type == "Point") == (mark.precision == 1), mark.claim_id
        if mark.precision > 1:
            assert mark.geometry.area > 0.05, f"{mark.claim_id}: a vague place drawn too small"


def test_every_claim_that_names_a_place_is_on_the_map(facts, drawn):
    naming = {c.claim_id for c in facts.claims.itertuples() if c.places}
    assert naming <= set(drawn.marks["claim_id"])
    # a claim with no position there is marked as naming it, not given an invented activity
    named = drawn.marks[drawn.marks["activity"] == maps.NAMED]
    assert set(named["claim_id"]) == {"C02", "C08"}
    assert (named["actor_id"] == "").all()


@pytest.mark.parametrize(("claim_id", "actor_id", "activity", "unit", "side"), [
    ("C10", "nk_forces", "training", "RU-KRS", "west"),  # "reportedly training in western Kursk"
    ("C06", "russian_forces", "regaining", "RU-KRS", None),
    ("C01", "nk_forces", "massing", "RU-KRS", None),
    ("C25", "nk_forces", "fighting", "RU-KRS", None),
    ("C23", "ukrainian_forces", "defending", "UA-14", None),  # Kurakhove and Pokrovsk
    ("C24", "russian_forces", "attacking", "UA-14", None),
])
def test_plotted_geometry_agrees_with_the_facts(drawn, layers, claim_id, actor_id, activity,
                                                unit, side):
    marks = drawn.marks
    rows = marks[(marks["claim_id"] == claim_id) & (marks["actor_id"] == actor_id)
                 & (marks["activity"] == activity)]
    assert len(rows)
    region = layers.unit(unit)
    for geometry in rows.geometry:
        assert geometry.within(region.buffer(1e-6)), (claim_id, geometry.bounds)
        if side == "west":
            assert geometry.bounds[2] <= place.area_centroid(region).x + 1e-9


def test_pokrovsk_and_kurakhove_are_points_in_donetsk_oblast(drawn, layers):
    towns = drawn.zones[drawn.zones["drawn_as"] == "point"]
    assert set(towns["place_id"]) == {"pokrovsk", "kurakhove"}
    for geometry in towns.geometry:
        assert geometry.geom_type == "Point"
        assert layers.unit("UA-14").contains(geometry)


def test_zones_are_styled_by_precision(drawn):
    styles = drawn.zones.set_index("place_id")["style"]
    assert styles["kursk_oblast"] == "shaded, solid outline"
    assert styles["eastern_ukraine"] == "shaded, dashed outline"     # the analyst's reading
    assert styles["kursk_west"].startswith("hatched")
    assert styles["kursk_ua_held"].startswith("hatched")
    assert styles["kursk_west"] != styles["kursk_ua_held"]           # overlapping: tell apart


def test_key_table_lists_every_mark_with_how_it_is_drawn(drawn):
    table = maps.key_table(drawn)
    assert len(table) == len(drawn.marks)
    west = table[table["Claim"] == "C10"].iloc[0]
    assert west["Hedge"] == "reportedly"
    assert "western half" in west["Precision and drawing"]
    assert "the analyst's rule" in west["Precision and drawing"]
    assert table[table["Claim"] == "C23"]["Precision and drawing"].str.startswith(
        "town; dot").all()


# -- the picture ---------------------------------------------------------------------------------

def test_labels_do_not_collide(drawn):
    shown = drawn.labels[drawn.labels["placed"].astype(bool)]
    assert overlapping_labels(drawn.labels) == []
    assert (shown["overlap"] == 0).all(), shown[shown["overlap"] > 0]
    boxes = drawn.labels[drawn.labels["kind"] == "claims box"]
    assert len(boxes) == drawn.marks["place_id"].nunique()
    assert boxes["placed"].all()
    assert drawn.labels.loc[drawn.labels["kind"] == "town name", "placed"].all()


def test_labels_stay_inside_the_figure(drawn):
    width, height = drawn.figure.get_size_inches()
    shown = drawn.labels[drawn.labels["placed"].astype(bool)]
    assert (shown["x0"] >= 0).all() and (shown["x1"] <= width).all()
    assert (shown["y0"] >= 0).all() and (shown["y1"] <= height).all()


def test_claim_ids_and_place_names_are_drawn(drawn, drawn_text):
    for claim_id in drawn.marks["claim_id"].unique():
        assert re.search(rf"\b{claim_id}\b", drawn_text), claim_id
    for name in drawn.marks["place"].unique():
        assert all(word in drawn_text for word in name.split()), name
    assert "reportedly" in drawn_text and "indicate" in drawn_text   # hedges kept


def test_legend_explains_every_symbol(drawn):
    legend = " ".join(t.get_text() for lg in drawn.figure.legends for t in lg.get_texts())
    titles = " ".join(lg.get_title().get_text() for lg in drawn.figure.legends)
    for name in ACTORS.values():
        assert name in legend
    for activity in set(drawn.marks["activity"]) - {maps.NAMED}:
        assert activity in legend
    for words in ("hollow: its objective", "a claim names the", "town the source names",
                  "region the source names", "does not", "part of a region",
                  "Crimea: part of Ukraine", "other town"):
        assert words in legend, words
    assert "Who (colour, pattern)" in titles and "Doing what (shape)" in titles


def test_notes_and_credits(facts, drawn, drawn_text):
    assert "Crimea: part of Ukraine, occupied by Russia (hatched in red)" in drawn_text
    assert "no front line" in drawn_text
    assert "GeoNames (CC BY 4.0)" in drawn_text and "Natural Earth" in drawn_text
    assert "GeoNames (geonames.org), CC BY 4.0" in drawn.credit
    for town in ("Kurakhove", "Pokrovsk"):   # the claims' towns with GeoNames coordinates
        assert town in drawn.credit
    assert drawn.context_places and "towns for orientation" in drawn.credit
    caption = maps.caption(facts, drawn)
    assert caption.startswith("Source: Dagens (dagens.com)")
    assert "GeoNames (geonames.org), CC BY 4.0" in caption
    assert "km" in drawn_text and "N" in drawn_text.split()          # scale bar, north arrow


def test_inset_locates_the_area(drawn):
    assert len(drawn.figure.axes) == 2                                # map and overview
    compact = maps.position_map(load(), compact=True)
    assert len(compact.figure.axes) == 1                              # the brief's: no inset
    assert set(compact.marks["claim_id"]) == set(drawn.marks["claim_id"])


# -- parameters ----------------------------------------------------------------------------------

def test_actors_parameter_keeps_only_their_marks(facts):
    only = maps.position_map(facts, actors=["nk_forces"])
    assert set(only.marks["actor_id"]) == {"nk_forces"}
    assert set(only.marks["claim_id"]) == {"C01", "C10", "C25"}
    legend = " ".join(t.get_text() for lg in only.figure.legends for t in lg.get_texts())
    assert "Russian forces" not in legend


def test_extent_parameter_and_what_falls_outside(facts):
    kursk = maps.position_map(facts, extent=(33.0, 50.0, 39.0, 53.0))
    lon0, lat0, lon1, lat1 = kursk.extent
    assert lon0 <= 33 and lat0 <= 50 and lon1 >= 39 and lat1 >= 53
    outside = kursk.marks[~kursk.marks["in_view"]]
    assert set(outside["place_id"]) == {"kurakhove", "pokrovsk"}
    assert "Outside this view" in svg_text(kursk.figure)


def test_empty_dataset_says_so(facts):
    empty = maps.position_map(facts.until("2024-11-01"))
    assert empty.marks.empty
    assert "No positions" in svg_text(empty.figure)


def test_untrusted_place_name_is_drawn_literally(broken_dataset):
    dataset = broken_dataset(lambda d: d.set_cell("places", 6, "name", "$x^2$ <script>"))
    drawn = maps.position_map(load(dataset))
    buffer = io.BytesIO()
    with mpl.rc_context({"svg.fonttype": "none"}):
        drawn.figure.savefig(buffer, format="svg")
    svg = buffer.getvalue().decode()
    assert "$x^2$ &lt;script&gt;" in svg
    assert "<script>" not in svg


# -- label placement helpers -------------------------------------------------------------------

@pytest.mark.parametrize(("segment", "rect", "hits"), [
    (((0, 0), (10, 10)), (4, 4, 6, 6), True),       # through the middle
    (((0, 0), (10, 0)), (4, 1, 6, 3), False),       # passes below
    (((0, 0), (3, 3)), (4, 4, 6, 6), False),        # stops short
    (((5, -5), (5, 15)), (4, 4, 6, 6), True),       # vertical, through
])
def test_segment_hits_rectangle(segment, rect, hits):
    assert labels.segment_hits(segment, rect) is hits


@pytest.mark.parametrize(("a", "b", "cross"), [
    (((0, 0), (10, 10)), ((0, 10), (10, 0)), True),
    (((0, 0), (10, 0)), ((0, 1), (10, 1)), False),
    (((0, 0), (5, 5)), ((5, 5), (10, 0)), False),   # meeting at an end is not crossing
])
def test_segments_cross(a, b, cross):
    assert labels.segments_cross(a, b) is cross


def test_placer_takes_the_first_free_candidate_and_logs_it(drawn):
    from matplotlib.figure import Figure

    placer = labels.Placer(Figure(figsize=(2, 2), dpi=100))
    placer.block((0, 0, 50, 50), "obstacle")
    chosen = placer.choose([("a", (10, 10, 30, 30), None), ("b", (60, 60, 80, 80), None)],
                           kind="label", text="x")
    assert chosen == "b"
    assert placer.choose([("c", (20, 20, 40, 40), None)], kind="label", text="y",
                         required=False) is None
    table = placer.table()
    assert list(table["placed"]) == [True, False]


# -- claims another side denies ------------------------------------------------------------------

def test_denial_is_drawn_as_a_claim():
    """The Israel Defense Forces say they struck Isfahan; Iran's foreign ministry denies it
    (claim_relations: D02 denies D01). The strike is drawn as a claim, never as a position: in
    the plan (shown as a claim, with who says it and who denies it), as a dashed hollow symbol,
    in its box, the legend, the notes and the table of marks. The strike on Tabriz, which no
    one denies, stays a position."""
    facts = load(DENIED, cache=False)
    drawn = maps.position_map(facts)
    marks = drawn.marks.set_index(["claim_id", "actor_id"])
    denied, undenied = marks.loc[("D01", "idf")], marks.loc[("D03", "idf")]
    assert denied["shown_as"] == "claim"
    assert denied["contest"] == "Israel says; Iran denies"
    assert denied["answered_by"] == "D02"
    assert undenied["shown_as"] == "position" and undenied["contest"] == ""
    assert marks.loc[("D02", ""), "shown_as"] == maps.NAMED
    styles = drawn.symbols.set_index(["claim_id", "actor_id"])["style"]
    assert styles[("D01", "idf")] == "dashed"
    assert styles[("D03", "idf")] == "hollow"  # the place is its target: hollow, not dashed
    text = re.sub(r"\s+", " ", svg_text(drawn.figure))
    assert "(Israel says; Iran denies)" in text
    assert "dashed: one side's claim" in text
    assert "the map does not settle which is true" in text
    doing = maps.key_table(drawn).set_index("Claim")["Doing"]
    assert doing["D01"] == ("striking (target): a claim, not a position (Israel says; Iran "
                            "denies; see D02)")
    assert doing["D03"] == "striking (target)"
    listed = brief.positions_table(facts).set_index("Claim")["Activity"]  # the brief's table
    assert listed["D01"] == "striking: a claim, not a position (Israel says; Iran denies; see D02)"
    assert listed["D03"] == "striking"
    # the seed has no contested position: nothing there is drawn as a claim
    assert "Dashed symbols" not in svg_text(maps.position_map(load()).figure)


# -- names are text ---------------------------------------------------------------------------

#: Labels whose words are drawn as the plan records them (a box's record names its claims).
NAMES = ("town name", "context name", "country name", "unit name")


def test_map_labels_are_text(drawn):
    """Every name the map places (claims' towns, orientation towns, countries, units) is a
    <text> element of the SVG the report inlines (sitrep.views.display.figure), never glyph
    outlines: a halo drawn as a path effect made Sudzha and Korenevo outlines, which a
    reader's search, a screen reader and pdftotext cannot find. The halo is a white copy
    under the name; the name itself stays text."""
    inline = display.figure(drawn.figure, kind="map").data
    texts = [html.unescape(re.sub(r"<[^>]+>", "", t))
             for t in re.findall(r"<text[^>]*>(.*?)</text>", inline, flags=re.S)]
    found = {re.sub(r"\s+", "", t).casefold() for t in texts}
    placed = drawn.labels[drawn.labels["placed"] & drawn.labels["kind"].isin(NAMES)]
    assert {"Sudzha", "Korenevo"} <= set(placed["text"])
    for kind, text in zip(placed["kind"], placed["text"], strict=True):
        assert re.sub(r"\s+", "", text).casefold() in found, (kind, text)
    # each name once as text: its halo is outlines only, never a second copy of the words
    assert sum(t == "Sudzha" for t in texts) == 1


# -- disputed lines ----------------------------------------------------------------------------

#: Lebanon, Israel and the Golan Heights: NE's Lebanese claim (the Shebaa Farms) runs along the
#: de facto border; its Syrian claim (the line west of the Golan) crosses land.
LEVANT = (34.6, 32.2, 36.9, 34.0)


def test_disputed_line_is_not_a_border(layers):
    """Natural Earth's disputed boundaries and claim lines in view are drawn dashed, keyed in
    the legend, and the map says whose point of view it follows; where a country's outline
    runs along such a line (the Shebaa Farms between Lebanon and the Golan), the outline is
    not drawn there: a disputed line is never a plain international border."""
    drawn = maps.position_map(load(DENIED, cache=False), extent=LEVANT)
    names = set(drawn.disputed["name"])
    assert {"Lebanese claim", "Syrian claim"} <= names
    shebaa = drawn.disputed.loc[drawn.disputed["name"].eq("Lebanese claim")].union_all()
    a0 = layers.admin0[layers.admin0["iso_a2"].isin(["IL", "LB"])]
    outline = shapely.union_all([g.boundary for g in a0["geometry"]])
    near = shebaa.buffer(0.02)
    assert outline.intersection(near).length > 0.5 * shebaa.length   # NE's border runs there
    assert drawn.borders.intersection(near).length == 0               # but is not drawn solid
    assert drawn.borders.length > 0
    text = re.sub(r"\s+", " ", svg_text(drawn.figure))
    assert "disputed boundary or claim line (Natural Earth): not a settled border" in text
    assert "Boundaries follow Natural Earth's de facto point of view" in text


def test_superseded_lines_are_not_drawn(drawn):
    """NE 4.1.0's line of contact of 2015 in Donetsk and Luhansk oblasts ("Ukrainian claim")
    no longer holds: the seed's map of 2024 does not draw it as a dashed line (the map shows
    no front line). Transnistria's line (NE's "Moldovan claim"), at the edge of the view, is
    drawn."""
    stale = disputed.lines()
    assert stale.loc[stale["name"].eq("Ukrainian claim"), "status"].eq("superseded").all()
    assert set(drawn.disputed["name"]) == {"Moldovan claim"}


# -- legible in the reader's browser ------------------------------------------------------------

ROOT = Path(__file__).parents[2]
#: The shipped data sets whose maps are measured, and a synthetic one of 80 places.
MAP_DATASETS = ("data", "datasets/eastern-drc-2024-2025", "datasets/red-sea-2023-2024",
                "datasets/israel-iran-2025", "synthetic")

#: What the reader's browser draws, measured: the box (client rect) of every <text> of the map
#: that shows words (a halo, a white copy under its label, is left out: it sits in a group
#: ``halo``), each with the ``map-`` group it belongs to (a box of claims, a number, the
#: furniture), and the frame of every such group: a box's frame (``map-box-N``, the box alone,
#: not its line), a number (circle and numeral), the scale bar, the north arrow, the inset.
MEASURE = r"""
() => {
  const svg = document.querySelector('svg.sitrep-map');
  const rect = el => { const r = el.getBoundingClientRect();
                       return [r.left, r.top, r.right, r.bottom]; };
  const items = [];
  let n = 0;
  for (const t of svg.querySelectorAll('text')) {
    if (t.closest('g[id="halo"]') || !t.textContent.trim()) continue;
    const group = t.closest('g[id^="map-"]');
    items.push({kind: 'text', name: t.textContent.trim(), rect: rect(t),
                owner: group ? group.id : 'text-' + (n++)});
  }
  const frames = {};
  for (const g of svg.querySelectorAll('g[id^="map-"]')) {
    if (g.id.startsWith('map-callout-')) continue;
    const id = g.id.replace(/^map-box-/, 'map-callout-');
    const r = rect(g), f = frames[id];
    frames[id] = f ? [Math.min(f[0], r[0]), Math.min(f[1], r[1]), Math.max(f[2], r[2]),
                      Math.max(f[3], r[3])] : r;
  }
  for (const [id, r] of Object.entries(frames))
    items.push({kind: 'frame', name: id, rect: r, owner: id});
  return items;
}
"""


def overlaps_in_browser(page, svg: str, tolerance: float = 0.5) -> tuple[list, list]:
    """The map's texts and frames as the browser lays them out, and every pair of them that
    overlaps by more than ``tolerance`` pixels each way: two texts anywhere, or a text or frame
    with a frame of another group (a box's own words are inside its frame)."""
    page.set_content(f"<!doctype html><html><body style='margin:0'>{svg}</body></html>")
    items = page.evaluate(MEASURE)
    found = []
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            if a["owner"] == b["owner"] and not a["kind"] == b["kind"] == "text":
                continue
            ix = min(a["rect"][2], b["rect"][2]) - max(a["rect"][0], b["rect"][0])
            iy = min(a["rect"][3], b["rect"][3]) - max(a["rect"][1], b["rect"][1])
            if ix > tolerance and iy > tolerance:
                found.append((a["name"], b["name"]))
    return items, found


@pytest.fixture(scope="module")
def crowded_dataset(tmp_path_factory) -> Path:
    """A synthetic data set with claims at 80 places, on one map."""
    from sitrep.authoring import synthetic

    return synthetic.generate(tmp_path_factory.mktemp("crowded-map") / "data", 300,
                              places=80, actors=20)


@pytest.fixture(scope="module")
def page(browser):
    page = browser.new_page()
    yield page
    page.close()


@pytest.mark.parametrize("compact", [False, True], ids=["report", "brief"])
@pytest.mark.parametrize("dataset", MAP_DATASETS)
def test_map_has_no_text_over_text(page, crowded_dataset, dataset, compact):
    """In the reader's browser (Chromium), no text of a map lies over another, and no box of
    claims, place number or text over another box, number or piece of furniture: on every
    shipped data set's map, as the report and the brief draw it, and on one of 80 places,
    which the plan numbers (a key under the map lists each place's claims)."""
    facts = load(crowded_dataset if dataset == "synthetic" else ROOT / dataset)
    drawn = maps.position_map(facts, compact=compact)
    items, found = overlaps_in_browser(page, display.figure(drawn.figure, kind="map").data)
    assert found == []
    frames = {i["name"] for i in items if i["kind"] == "frame"}
    assert {"map-scale-bar", "map-north-arrow"} <= frames
    assert ("map-inset" in frames) is not compact
    in_view = drawn.marks.loc[drawn.marks["in_view"].astype(bool), "place_id"].nunique()
    numbers = {f for f in frames if f.startswith("map-number-")}
    boxes = {f for f in frames if f.startswith("map-callout-")}
    if drawn.mode == "numbered":
        assert len(numbers) == len(drawn.numbers) == in_view and not boxes
        key = maps.number_key(drawn)
        assert list(key["No."]) == [str(n) for n in range(1, in_view + 1)]
        text = re.sub(r"\s+", " ", svg_text(drawn.figure))
        assert "Too many places to label: numbered; the key to the numbers" in text
    else:
        assert len(boxes) == in_view and not numbers
        assert maps.number_key(drawn).empty
    assert drawn.covered == []
    if dataset in ("synthetic", "datasets/israel-iran-2025"):
        assert drawn.mode == "numbered", drawn.mode_reason
    if dataset == "data":
        assert drawn.mode == "boxes"
