"""Untrusted text in the HTML reports: injection payloads in every text field that reaches a
report, rendered for real and loaded in headless Chromium with JavaScript on.

The payload data set is a copy of the shipped one in which every text field a report shows
(actor and place names, source titles, URLs and date notes, quotes, statements, measure labels,
the wording a part rests on, a derived figure's assumption, issue labels, relation items, notes,
a grade's rationale, takeaways, the data set's title) and the ``title`` parameter carry the whole
corpus below, each payload tagged with the field it sits in. A quote's payload is written into
the source text as well (and the checksum updated), so the data set still validates.

The browser (Debian's Chromium through Playwright) runs each report with JavaScript enabled and
every request routed: a payload that runs sets ``window.__pwned`` to its field's tag, opens a
dialog, or makes a request; none may. And each payload must be *visible as text*: escaping
removed from any one surface (a table, a paragraph, a list, the title) would turn it into markup,
which the sanitiser then drops or neutralises, so the literal text goes missing and the test
names the field. ``test_probe_catches_live_payloads`` shows the probe sees a payload that runs.
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import string
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import DatasetEditor, ceiling, copy_dataset
from playwright.sync_api import TimeoutError as PlaywrightTimeout

import sitrep.model as facts_module
from sitrep import paths, svgsafe
from sitrep.model.data import limits, sources
from sitrep.pipeline.html import report_title, to_html
from sitrep.pipeline.render import render

#: 1000 letters without a break opportunity (after the tag): they must wrap, not run off the
#: page. Not periodic, so that a piece of it found in a PDF's text is found where it belongs.
#: (Fields are bounded, README "Limits": a note holds 2,000 characters, a quote 5,000.)
LONG = "".join(random.Random(3000).choices(string.ascii_letters, k=1000))

#: (name, template): ``{tag}`` is replaced by the field's tag, so a payload that runs says where
#: it sits, and a payload shown as text says which field showed it.
PAYLOADS: list[tuple[str, str]] = [
    ("script", "<script>window.__pwned='{tag}';alert('{tag}')</script>"),
    ("img-onerror", "<img src=x onerror=\"window.__pwned='{tag}'\">"),
    ("attribute-breakout", "\"><svg onload=\"window.__pwned='{tag}'\">"),
    ("title-breakout", "</title><script>window.__pwned='{tag}'</script>"),
    ("javascript-link", "<a href=\"javascript:window.__pwned='{tag}'\">js link</a>"),
    ("markdown-link", "[md link](javascript:window.__pwned='{tag}')"),
    ("markdown-image", "![md image](http://evil.example/{tag}.png)"),
    ("comment-opener", "<!-- {tag}"),
    ("template-syntax", "{{7*7}} {% if true %}{tag}{% endif %} ${7*7}"),
    ("remote-stylesheet", "<link rel=stylesheet href=http://evil.example/{tag}.css>"),
    ("meta-refresh", "<meta http-equiv=refresh content=\"0;url=http://evil.example/{tag}\">"),
    ("style-block", "<style>body{display:none}</style>{tag}"),
    ("entities", "&lt;b&gt;{tag}&lt;/b&gt; &amp;amp;"),
    ("long-unbroken", "{tag}:" + LONG),
]

#: A URL must match ``https?://\S+`` (the schema): this one breaks out of an attribute without
#: a space. A ``javascript:`` URL is refused by the validator (see the test below).
URL_PAYLOAD = "https://evil.example/x?\"><img/src=x/onerror=window.__pwned='{tag}'>"

Corpus = list[tuple[str, str]]


def tagged(corpus: Corpus, tag: str, *, digits: bool = True,
           budget: int | None = None) -> list[tuple[str, str]]:
    """(name, payload) for one field, each payload naming the field. Without ``digits`` the
    payloads holding a digit are left out: the validator refuses a number in a takeaway that is
    not a figure of a claim it cites (itself a defence), so those cannot go there. With
    ``budget`` (the characters the field may still take: every value is bounded) the payloads
    that fit, taken in turn from a place that depends on the tag, so that short fields between
    them carry every payload; long fields carry them all."""
    out = [(name, template.replace("{tag}", tag)) for name, template in corpus]
    out = [(name, text) for name, text in out if digits or not re.search(r"\d", text)]
    if budget is None or not out:
        return out
    start = zlib.crc32(tag.encode()) % len(out)
    kept, used = [], 0
    for name, text in out[start:] + out[:start]:
        if used + len(text) + 1 <= budget:
            kept.append((name, text))
            used += len(text) + 1
    return kept


#: Characters a field's shipped text may already use: a payload field takes its limit less this.
MARGIN = 90


def budget(column: str) -> int:
    """What payloads may add to a field of ``column`` (its limit less :data:`MARGIN`)."""
    return limits.length_of(column) - MARGIN


def payloads(tag: str, corpus: Corpus = PAYLOADS) -> list[str]:
    return [text for _, text in tagged(corpus, tag)]


def suffix(tag: str, corpus: Corpus = PAYLOADS, *, digits: bool = True,
           budget: int | None = None) -> str:
    return " " + " ".join(text for _, text in tagged(corpus, tag, digits=digits, budget=budget))


# -- the payload data set ------------------------------------------------------------------------

def row_of(editor: DatasetEditor, table: str, column: str, value: str) -> int:
    """The spreadsheet row (header = 1) of the first record whose ``column`` is ``value``."""
    rows = editor.read_rows(table)
    index = rows[0].index(column)
    for number, row in enumerate(rows[1:], start=2):
        if row[index] == value:
            return number
    raise AssertionError(f"no {table} row with {column} = {value!r}")


def append_to_cell(editor: DatasetEditor, table: str, key: tuple[str, str], column: str,
                   text: str) -> None:
    row = row_of(editor, table, *key)
    editor.set_cell(table, row, column, editor.cell(table, row, column) + text)


def append_to_quote(editor: DatasetEditor, claim_id: str, text: str) -> None:
    """Lengthen a claim's quote and its source text alike, and record the new checksum."""
    row = row_of(editor, "claims", "claim_id", claim_id)
    quote = editor.cell("claims", row, "quote")
    source = row_of(editor, "sources", "source_id", editor.cell("claims", row, "source_id"))
    document = editor.path(editor.cell("sources", source, "document"))
    editor.replace_text(document.name, quote, quote + text)
    editor.set_cell("claims", row, "quote", quote + text)
    editor.set_cell("sources", source, "sha256", sources.sha256(document))


def set_dataset_title(editor: DatasetEditor, text: str) -> None:
    descriptor = editor.facts / "datapackage.json"
    data = json.loads(descriptor.read_text(encoding="utf-8"))
    data["title"] += text
    descriptor.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n",
                          encoding="utf-8")


@dataclass(frozen=True)
class Field:
    """A text field of the data set (or a parameter), where its payloads show up, and how to
    plant them."""

    tag: str
    reports: tuple[str, ...]
    plant: Callable[[DatasetEditor, str], None] = field(compare=False)
    digits: bool = True  # whether payloads with digits may go in (see ``tagged``)
    budget: int | None = None  # characters the payloads may take (see ``tagged``)


BRIEF, FORCE_SIZES, ACTOR_POSITIONS = "brief", "force_sizes", "actor_positions"
ALL = (BRIEF, FORCE_SIZES, ACTOR_POSITIONS)


def cell(table: str, key: tuple[str, str], column: str) -> Callable[[DatasetEditor, str], None]:
    return lambda editor, text: append_to_cell(editor, table, key, column, text)


def graded_source(editor: DatasetEditor, text: str) -> None:
    """Grade the seed's source, so that the force-size report's grade register shows the
    rationale."""
    row = row_of(editor, "sources", "source_id", "dagens-2024-11-russia-50000")
    editor.set_cell("sources", row, "reliability", "C")
    editor.set_cell("sources", row, "reliability_rationale", "An aggregator." + text)


FIELDS: list[Field] = [
    Field("state-name", (ACTOR_POSITIONS,), cell("actors", ("actor_id", "russia"), "name"),
          budget=budget("name")),
    Field("forces-name", (BRIEF, ACTOR_POSITIONS), cell("actors", ("actor_id", "nk_forces"),
                                                       "name"), budget=budget("name")),
    Field("place-name", (BRIEF, ACTOR_POSITIONS), cell("places", ("place_id", "kursk_oblast"),
                                                       "name"), budget=budget("name")),
    Field("source-title", ALL, cell("sources", ("source_id", "dagens-2024-11-russia-50000"),
                                    "title"), budget=budget("title")),
    Field("source-date-note", (BRIEF,),
          cell("sources", ("source_id", "dagens-2024-11-russia-50000"), "published_note"),
          budget=budget("published_note")),
    Field("reliability-rationale", (FORCE_SIZES,), graded_source,
          budget=budget("reliability_rationale")),
    Field("quote-stance", (BRIEF, ACTOR_POSITIONS),
          lambda editor, text: append_to_quote(editor, "C02", text), budget=budget("quote")),
    Field("quote-transfer", (BRIEF, ACTOR_POSITIONS),
          lambda editor, text: append_to_quote(editor, "C11", text), budget=budget("quote")),
    Field("statement", (ACTOR_POSITIONS,), cell("claims", ("claim_id", "C01"), "statement"),
          budget=budget("statement")),
    Field("measure-label", (BRIEF, FORCE_SIZES),
          cell("measures", ("measure_id", "nk_troops_with_russia"), "label"),
          budget=budget("label")),
    Field("part-basis", (FORCE_SIZES,),
          cell("measures", ("measure_id", "nk_troops_with_russia"), "part_basis"),
          budget=budget("part_basis")),
    Field("derived-assumption", (BRIEF, FORCE_SIZES), cell("derived", ("derived_id", "D01"),
                                                            "assumption"),
          budget=budget("assumption")),
    Field("issue-label", (ACTOR_POSITIONS,), cell("issues", ("issue_id", "retake_kursk"),
                                                  "label"), budget=budget("label")),
    Field("relation-item", (ACTOR_POSITIONS,), cell("relations", ("claim_id", "C11"), "item"),
          budget=budget("item")),
    Field("relation-note", (ACTOR_POSITIONS,), cell("relations", ("claim_id", "C11"), "note"),
          budget=budget("note")),
    Field("stance-note", (ACTOR_POSITIONS,), cell("stances", ("claim_id", "C02"), "note"),
          budget=budget("note")),
    Field("takeaway", (BRIEF,), cell("takeaways", ("takeaway_id", "T1"), "text"),
          digits=False, budget=budget("text")),
    # Shown in the default title: actor_positions is rendered without the title parameter.
    Field("dataset-title", (ACTOR_POSITIONS,), set_dataset_title, budget=budget("title")),
]

#: The ``title`` parameter, given to the brief and the force-size report.
TITLE_TAG = "title-parameter"
TITLE = "Payload brief" + suffix(TITLE_TAG)
TITLED = (BRIEF, FORCE_SIZES)


def plant_corpus(editor: DatasetEditor, corpus: Corpus, url: str) -> None:
    """Append the corpus, tagged, to every field of :data:`FIELDS`; set the source's URL."""
    for f in FIELDS:
        f.plant(editor, suffix(f.tag, corpus, digits=f.digits, budget=f.budget))
    row = row_of(editor, "sources", "source_id", "dagens-2024-11-russia-50000")
    editor.set_cell("sources", row, "url", url)


def shown_in(report: str, corpus: Corpus, *, fields: list[Field] | None = None
             ) -> Iterator[tuple[str, str, str]]:
    """(field tag, payload name, payload text) of the fields ``report`` shows."""
    for f in FIELDS if fields is None else fields:
        if report in f.reports:
            for name, text in tagged(corpus, f.tag, digits=f.digits, budget=f.budget):
                yield f.tag, name, text


def plant_payloads(editor: DatasetEditor) -> None:
    plant_corpus(editor, PAYLOADS, URL_PAYLOAD.replace("{tag}", "source-url"))


def expected_payloads(report: str) -> Iterator[tuple[str, str, str]]:
    """(field tag, payload name, payload text) that must show as text in ``report``."""
    yield from shown_in(report, PAYLOADS)
    if report in TITLED:
        for name, text in tagged(PAYLOADS, TITLE_TAG):
            yield TITLE_TAG, name, text
    if report == BRIEF:  # the sources table
        yield "source-url", "url-breakout", URL_PAYLOAD.replace("{tag}", "source-url")


# -- rendering -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def payload_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dataset = copy_dataset(tmp_path_factory.mktemp("untrusted") / "payloads", plant_payloads)
    problems = facts_module.check(dataset)
    assert problems == [], "\n".join(map(str, problems))
    return dataset


@dataclass
class Rendered:
    html: str
    notebook: object  # the executed notebook
    title: str  # the title the notebook declared, which the page's <title> shows


@pytest.fixture(scope="module")
def rendered(payload_dataset: Path, tmp_path_factory: pytest.TempPathFactory
             ) -> dict[str, Rendered]:
    """Each report rendered once, in process, to HTML (with its executed notebook)."""
    import nbformat

    out = tmp_path_factory.mktemp("reports")
    done = {}
    for name in ALL:
        given = {"dataset": str(payload_dataset)} | ({"title": TITLE} if name in TITLED else {})
        render(paths.NOTEBOOKS / f"{name}.ipynb", given, out, name=name,
                      formats=("html", "ipynb"))
        notebook = nbformat.read(out / f"{name}.ipynb", as_version=4)
        done[name] = Rendered((out / f"{name}.html").read_text(encoding="utf-8"), notebook,
                              report_title(notebook))
    return done


# -- the browser ---------------------------------------------------------------------------------

#: How long the probe waits for a meta refresh's navigation: a ceiling (a 0 s refresh goes
#: within milliseconds); one that never goes (a bad ``content``) is just not seen.
REFRESH_WAIT_MS = ceiling(3) * 1000


@dataclass
class Probe:
    """What a page did in the browser."""

    pwned: str | None
    dialogs: list[str]
    requests: list[str]
    text: str
    errors: list[str]
    console: list[str]


def probe(browser, page_html: str) -> Probe:
    """Load ``page_html`` with JavaScript on; every request but data:/about: is aborted and
    counted, every dialog dismissed and recorded, every console message and script error
    kept."""
    context = browser.new_context(java_script_enabled=True)
    requests: list[str] = []
    dialogs: list[str] = []
    errors: list[str] = []
    console: list[str] = []

    def route(route) -> None:
        url = route.request.url
        if url.startswith(("data:", "about:")):
            route.continue_()
        else:
            requests.append(url)
            route.abort("blockedbyclient")

    try:
        context.route("**/*", route)
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
        # Handlers (onerror, onload) and scripts have run by the load event; a meta refresh
        # navigates only after it: where the page has one, wait for that navigation's request
        # (aborted by the route above), not for a time that a loaded machine may overrun.
        page.set_content(page_html, wait_until="load")
        if page.locator("meta[http-equiv='refresh' i]").count() and not requests:
            with contextlib.suppress(PlaywrightTimeout):
                page.wait_for_event("requestfailed", timeout=REFRESH_WAIT_MS)
        pwned = page.evaluate("() => window.__pwned === undefined ? null : "
                              "String(window.__pwned)")
        text = page.inner_text("body")
    finally:
        context.close()
    return Probe(pwned, dialogs, requests, text, errors, console)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def probes(browser, rendered: dict[str, Rendered]) -> dict[str, Probe]:
    return {name: probe(browser, r.html) for name, r in rendered.items()}


@pytest.fixture(scope="module")
def raw_probes(browser, rendered: dict[str, Rendered]) -> dict[str, Probe]:
    """The same notebooks converted with nbconvert's sanitising off: the escaping alone."""
    return {name: probe(browser, to_html(r.notebook, r.title, sanitize=False))
            for name, r in rendered.items()}


# -- tests ---------------------------------------------------------------------------------------

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("report", ALL)
@pytest.mark.parametrize("variant", ["sanitized", "escaping-only"])
def test_no_payload_runs_or_loads_anything(report, variant, probes, raw_probes):
    seen = (probes if variant == "sanitized" else raw_probes)[report]
    assert seen.pwned is None, f"a payload ran, planted in field {seen.pwned!r}"
    assert seen.dialogs == [], f"a payload opened a dialog: {seen.dialogs}"
    assert seen.requests == [], f"the page made requests: {seen.requests}"
    assert seen.errors == [], f"scripts ran and failed: {seen.errors}"
    assert seen.console == [], f"something wrote to the console: {seen.console}"


@pytest.mark.parametrize("report", ALL)
@pytest.mark.parametrize("variant", ["sanitized", "escaping-only"])
def test_every_payload_is_visible_as_text(report, variant, probes, raw_probes):
    text = squash((probes if variant == "sanitized" else raw_probes)[report].text)
    missing = [f"{tag}: {name}" for tag, name, payload in expected_payloads(report)
               if squash(payload) not in text]
    assert missing == [], f"payloads not shown literally in {report}: {missing}"


class Elements(HTMLParser):
    """Every start tag of the page with its attributes, and the <title> text, as parsed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.in_body: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if self.in_body or tag == "body":
            self.in_body.append(tag)
        # The page's <title> (the first); an SVG <title> in the body is a chart mark's tooltip.
        self._in_title = tag == "title" and "body" not in self.in_body

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


ACTIVE = {"script", "iframe", "frame", "object", "embed", "link", "math", "base", "form",
          "input", "button", "textarea", "video", "audio", "source", "template", "noscript",
          "foreignobject", "animate", "set", "handler"}
#: Inline SVG (charts whose marks are links) may hold only sitrep.svgsafe's drawing elements.
SVG_ELEMENTS = {e.lower() for e in svgsafe.ELEMENTS}


@pytest.mark.parametrize("report", ALL)
def test_markup_holds_no_active_element(report, rendered):
    page = Elements()
    page.feed(rendered[report].html)
    assert [t for t, _ in page.tags if t in ACTIVE] == []
    assert "style" not in page.in_body, "stylesheets only in the template's head"
    assert [(t, a) for t, a in page.tags if t == "meta" and "http-equiv" in a] == []
    assert [(t, n) for t, a in page.tags for n in a if n.startswith("on")] == []
    for tag, attrs in page.tags:
        assert attrs.get("src", "data:image/").startswith("data:image/"), (tag, attrs)
        # In-page links, and a source's URL as a link (http/https only, the whole value one
        # attribute: a payload in it cannot break out).
        href = attrs.get("href", "#")
        assert href.startswith("#") or (tag == "a" and href.startswith(("https://", "http://"))
                                        and "<" not in attrs.get("class", "")), (tag, attrs)
        assert attrs.get("xlink:href", "#").startswith("#"), (tag, attrs)
        assert "target" not in attrs, (tag, attrs)
    for block in re.findall(r"<svg\b.*?</svg>", rendered[report].html, re.S):
        inside = Elements()
        inside.feed(block)
        assert {t for t, _ in inside.tags} <= SVG_ELEMENTS, {t for t, _ in inside.tags}
    assert squash(page.title) == squash(rendered[report].title)


@pytest.mark.parametrize("report", ALL)
def test_headings_and_tables_survive_sanitising(report, rendered):
    html = rendered[report].html
    assert "<h1" in html and "<h2" in html
    assert html.count('class="sitrep-table"') >= 2
    assert "&lt;h2" not in html and "&lt;table" not in html, "markup escaped into text"


@pytest.mark.parametrize("report", ALL)
def test_executed_notebook_title_is_the_parameter_exactly(report, rendered):
    expected = TITLE if report in TITLED else "Actor positions: Kursk, November 2024"
    assert rendered[report].title.startswith(expected)
    if report in TITLED:
        assert rendered[report].title == TITLE


def chart_svgs(html: str) -> list:
    """Every chart of a page as an XML tree: inline <svg> (charts whose marks are links,
    whitelisted by sitrep.svgsafe) and any SVG still in an <img> data URI."""
    import base64
    import xml.etree.ElementTree as ET

    inline = [ET.fromstring(block) for block in re.findall(r"<svg\b.*?</svg>", html, re.S)]
    return inline + [ET.fromstring(base64.b64decode(data)) for data in
                     re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html)]


def test_chart_labels_stay_inert_text(rendered):
    """A measure label full of payloads is escaped SVG text, in an SVG with no script, no
    handler, no foreign content, and links only to the page's own claim rows."""
    html = rendered[FORCE_SIZES].html
    svgs = chart_svgs(html)
    assert svgs
    texts = []
    for svg in svgs:
        for element in svg.iter():
            name = element.tag.rsplit("}", 1)[-1]
            assert name not in {"script", "foreignObject", "image", "iframe"}, name
            assert not [a for a in element.attrib if a.startswith("on")], element.attrib
            if name == "a":
                hrefs = [v for k, v in element.attrib.items() if k.endswith("href")]
                assert hrefs and all(h.startswith("#claim-") for h in hrefs), element.attrib
                assert "target" not in element.attrib
            if name == "text":
                texts.append("".join(element.itertext()))
    labels = squash(" ".join(texts))
    assert "<script>window.__pwned='measure-label'" in labels, "the label is not drawn as text"


def test_javascript_url_is_refused_by_the_validator(tmp_path):
    dataset = copy_dataset(tmp_path / "js-url", lambda e: e.set_cell(
        "sources", 2, "url", "javascript:window.__pwned='source-url'"))
    problems = [p for p in facts_module.check(dataset) if p.field == "url"]
    assert problems, "a javascript: URL must not validate"


# -- each display surface on its own ----------------------------------------------------------

def _captured_title(text: str, subtitle: str = ""):
    """display.title's output, caught as IPython's display() would hand it to the notebook."""
    from unittest import mock

    from sitrep.views import display

    shown = []
    with mock.patch.object(display, "_display",
                           lambda obj, metadata=None: shown.append((obj, metadata or {}))):
        display.title(text, subtitle)
    ((obj, metadata),) = shown
    return obj, metadata


def _chart(**kwargs):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from sitrep.views import display

    fig = Figure(figsize=(2, 1))
    fig.add_subplot().plot([0, 1], [0, 1])
    return display.figure(fig, **kwargs)


def _surface(name: str, text: str):
    """(output object, output metadata) of one display helper showing ``text``."""
    import pandas as pd

    from sitrep.views import display

    frame = pd.DataFrame({"Column": ["plain", text]})
    return {
        "table-cell": lambda: (display.table(frame), {}),
        "table-header": lambda: (display.table(pd.DataFrame({text: ["plain"]})), {}),
        "table-caption": lambda: (display.table(frame, caption=text), {}),
        "table-empty-message": lambda: (display.table(frame.head(0), empty=text), {}),
        "paragraph": lambda: (display.paragraph(text), {}),
        "heading": lambda: (display.heading(text), {}),
        "item-text": lambda: (display.items([(text, "detail")]), {}),
        "item-detail": lambda: (display.items([("item", text)]), {}),
        "title": lambda: _captured_title(text),
        "subtitle": lambda: _captured_title("Title", text),
        "chart-caption": lambda: (_chart(caption=text), {}),
        "chart-alt": lambda: (_chart(alt=text), {}),
    }[name]()


SURFACES = ["table-cell", "table-header", "table-caption", "table-empty-message", "paragraph",
            "heading", "item-text", "item-detail", "title", "subtitle", "chart-caption",
            "chart-alt"]


@pytest.fixture(scope="module")
def surfaces_page(browser) -> dict[str, tuple[str, Probe]]:
    """One notebook whose outputs are every display surface, each showing the corpus tagged
    with the surface's name; converted with and without the sanitiser and loaded."""
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    outputs = []
    for surface in SURFACES:
        obj, metadata = _surface(surface, " ".join(payloads(surface)))
        outputs.append(new_output("display_data", data={"text/html": obj.data},
                                  metadata=metadata))
    notebook = new_notebook(cells=[new_code_cell("", outputs=outputs)])
    title = report_title(notebook)
    assert title == " ".join(payloads("title"))
    pages = {}
    for variant, sanitize in (("sanitized", True), ("escaping-only", False)):
        page_html = to_html(notebook, title, sanitize=sanitize)
        pages[variant] = (page_html, probe(browser, page_html))
    return pages


@pytest.mark.parametrize("variant", ["sanitized", "escaping-only"])
@pytest.mark.parametrize("surface", SURFACES)
def test_every_display_surface_escapes(surfaces_page, surface, variant):
    """Each helper of sitrep.views.display, through nbconvert and the browser, with and without the
    sanitiser: no payload runs and each stays text. Remove the escaping from any one helper and
    its case fails, whether or not a report routes data set text through it today."""
    page_html, seen = surfaces_page[variant]
    assert seen.pwned is None, f"a payload ran, shown by {seen.pwned!r}"
    assert seen.dialogs == [] and seen.requests == [] and seen.errors == [], seen
    assert seen.console == [], seen.console
    text = " ".join(payloads(surface))
    if surface == "chart-alt":
        page = Elements()
        page.feed(page_html)
        # The chart is inline SVG (its marks are links); the alt text is its aria-label.
        assert text in [a.get("alt", a.get("aria-label")) for t, a in page.tags
                        if t in ("img", "svg")]
    else:
        assert squash(text) in squash(seen.text), f"{surface}: payloads not shown as text"
    if surface == "title":
        page = Elements()
        page.feed(page_html)
        assert squash(page.title) == squash(text)


# -- the probe itself ----------------------------------------------------------------------------

@pytest.mark.parametrize(("payload", "caught_by"), [
    ("<script>window.__pwned='live'</script>", "pwned"),
    ("<img src=x onerror=\"window.__pwned='live'\">", "pwned"),
    ("\"><svg onload=\"window.__pwned='live'\">", "pwned"),
    ("<script>alert('live')</script>", "dialog"),
    ("<script>console.log('live')</script>", "console"),
    ("<img src=http://evil.example/x.png>", "request"),
    ("<link rel=stylesheet href=http://evil.example/x.css>", "request"),
    ("<meta http-equiv=refresh content=\"0;url=http://evil.example/\">", "request"),
], ids=["script", "img-onerror", "svg-onload", "alert", "console", "remote-image",
        "remote-css", "meta-refresh"])
def test_probe_catches_live_payloads(browser, payload, caught_by):
    """Inserted raw, each payload is seen: so a clean result above means something."""
    seen = probe(browser, f"<html><head><title>t</title></head><body><p>{payload}</p>"
                          "</body></html>")
    caught = {"pwned": seen.pwned == "live", "dialog": seen.dialogs == ["live"],
              "console": seen.console == ["log: live"], "request": bool(seen.requests)}
    assert caught[caught_by], seen
