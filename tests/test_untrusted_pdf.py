"""Untrusted text in the PDF reports: TeX and math payloads, and names in Cyrillic, Korean and
Arabic, in every text field that reaches a report, rendered for real to PDF.

The PDF is printed by Chromium from the same escaped HTML, so TeX has no way in; these tests hold
that to account: the render finishes within its time limit (``\\def\\x{\\x}\\x`` would loop
forever in TeX), reads no file (``\\input{/etc/passwd}``), turns no ``$`` into math (in the text
and in the charts, which matplotlib draws with ``parse_math=False``), and drops no character:
each payload is found in the text pypdf extracts. A 3000-letter word must wrap, not push the
page wider or run past its edge.

The payload data set is built like the HTML one (:mod:`test_untrusted_html`): the corpus below,
tagged with each field's name, appended to every text field a report shows, and passed as the
``title`` parameter.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest
from conftest import copy_dataset, published
from pypdf import PdfReader
from test_untrusted_html import (
    ACTOR_POSITIONS,
    ALL,
    BRIEF,
    FIELDS,
    FORCE_SIZES,
    LONG,
    Corpus,
    chart_svgs,
    plant_corpus,
    shown_in,
    tagged,
)

import sitrep.model as facts_module
from sitrep.pipeline.pdf import pdf_printer

pytestmark = pytest.mark.e2e

#: (name, template); ``{tag}`` names the field.
TEX_PAYLOADS: Corpus = [
    ("input", "\\input{/etc/passwd} {tag}"),
    ("write18", "\\write18{ls} {tag}"),
    ("endless-macro", "\\def\\x{\\x}\\x {tag}"),
    ("specials", "% & $ # _ { } ~ ^ \\ {tag}"),
    ("dollars", "$5bn vs $10bn {tag}"),
    ("math-delimiters", "$$\\int_0^1 x$$ \\(x^2\\) \\[y\\] {tag}"),
    ("cyrillic", "Курськ Київ {tag}"),
    ("korean", "조선 {tag}"),
    ("arabic", "كورسك {tag}"),
    ("long-unbroken", "{tag}:" + LONG),
]

URL = "https://evil.example/\\input{/etc/passwd}?a=$5&b=%_#~^"
TITLE_TAG = "title-parameter"
TITLE = "TeX brief " + " ".join(text for _, text in tagged(TEX_PAYLOADS, TITLE_TAG))
#: The data set's title shows only in a default title; every report here gets the parameter.
PDF_FIELDS = [f for f in FIELDS if f.tag != "dataset-title"]

#: Seconds the whole render (three reports, HTML and PDF) may take.
TIME_LIMIT = 300


def plant(editor) -> None:
    plant_corpus(editor, TEX_PAYLOADS, URL)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = copy_dataset(tmp_path_factory.mktemp("untrusted-pdf") / "tex", plant)
    problems = facts_module.check(folder)
    assert problems == [], "\n".join(map(str, problems))
    return folder


@pytest.fixture(scope="module")
def rendered(dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    """The three reports rendered once by the command line, HTML and PDF, and the seconds that
    took."""
    out = tmp_path_factory.mktemp("reports")
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "sitrep.cli", "render", *ALL, "--out", str(out), "--force",
         "-p", f"dataset={dataset}", "-p", f"title={TITLE}"],
        capture_output=True, text=True, timeout=TIME_LIMIT, cwd=out,
        env={**os.environ, "SITREP_DATA_ROOTS": str(dataset.parent)},
    )
    assert result.returncode == 0, result.stderr
    return out, time.perf_counter() - started


def pdf_of(rendered: tuple[Path, float], report: str) -> Path:
    return published(rendered[0], report, "pdf")


def html_of(rendered: tuple[Path, float], report: str) -> str:
    return published(rendered[0], report, "html").read_text(encoding="utf-8")


FOOTER = re.compile(r"page \d+ of \d+\s*$")
#: Directional marks pdftotext puts around a right-to-left run (U+202B ... U+202C).
BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def bare(text: str) -> str:
    """The text without any whitespace (a wrapped cell or a line may split it anywhere; Korean
    comes out with spaces around it), without the directional marks pdftotext wraps Arabic in,
    NFKC-normalised (shaped Arabic as letters, should an extractor give presentation forms)."""
    return re.sub(r"\s+", "", BIDI_MARKS.sub("", unicodedata.normalize("NFKC", text)))


@pytest.fixture(scope="module")
def pages(rendered) -> dict[str, list[str]]:
    """Each PDF's pages as pdftotext reads them in drawing order (``-raw``: a cell's lines
    stay together), the 'page N of M' footer removed, bare."""
    out = {}
    for report in ALL:
        text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8",
                               str(pdf_of(rendered, report)), "-"],
                              capture_output=True, text=True, check=True).stdout
        texts = text.split("\f")[:-1]
        assert len(texts) == len(PdfReader(pdf_of(rendered, report)).pages)
        assert all(FOOTER.search(t) for t in texts), "every page ends with its footer"
        out[report] = [bare(FOOTER.sub("", t)) for t in texts]
    return out


def _longest_prefix_in(target: str, text: str) -> int:
    low, high = 0, len(target)  # target[:low] is in text; find the largest such low
    while low < high:
        mid = (low + high + 1) // 2
        if target[:mid] in text:
            low = mid
        else:
            high = mid - 1
    return low


def found(target: str, pages: list[str]) -> bool:
    """Whether ``target`` is in the text: whole on one page, or in pieces on consecutive pages
    (a table row that runs over a page break goes on under the repeated header row, beside the
    other cells' continuations: each piece is contiguous, the whole is not). ``LONG`` is not
    periodic, so a piece of it matches only where it belongs."""
    target = bare(target)
    for start, page in enumerate(pages):
        if target in page:
            return True
        first = _longest_prefix_in(target, page)
        if first < min(24, len(target)):
            continue
        rest = target[first:]
        for later in pages[start + 1:]:
            piece = _longest_prefix_in(rest, later)
            if piece < min(8, len(rest)):
                break
            rest = rest[piece:]
            if not rest:
                return True
    return False


def expected(report: str) -> list[tuple[str, str, str]]:
    return [*shown_in(report, TEX_PAYLOADS, fields=PDF_FIELDS),
            *((TITLE_TAG, name, text) for name, text in tagged(TEX_PAYLOADS, TITLE_TAG))]


# -- tests ---------------------------------------------------------------------------------------

def test_the_render_finishes_in_time(rendered):
    """TeX never runs: a macro that would loop forever costs nothing (the subprocess timeout
    stops the test, with a clear error, should a render ever hang)."""
    assert rendered[1] < TIME_LIMIT


@pytest.mark.parametrize("report", ALL)
def test_no_character_is_dropped(report, pages):
    missing = [f"{tag}: {name}" for tag, name, text in expected(report)
               if not found(text, pages[report])]
    assert missing == [], f"{report}: payloads not found in the PDF's text: {missing}"


@pytest.mark.parametrize("report", ALL)
def test_pdf_title_is_the_parameter_exactly(report, rendered):
    assert PdfReader(pdf_of(rendered, report)).metadata.title == TITLE


@pytest.mark.parametrize("report", ALL)
def test_no_file_is_read_and_no_math_is_set(report, rendered, pages):
    text = "".join(pages[report])
    for leaked in ("root:x:0:0", "/bin/bash", "daemon:x:"):
        assert leaked not in text
    html = html_of(rendered, report)
    for marker in ("MathJax", "katex", "<math", "mjx-"):
        assert marker not in html


@pytest.mark.parametrize("report", [BRIEF, FORCE_SIZES, ACTOR_POSITIONS])
def test_no_cell_writes_to_stderr(report, rendered):
    """Warnings (a missing glyph, a mathtext error) would show in the report as red boxes."""
    html = html_of(rendered, report)
    stderr = re.findall(r'data-mime-type="application/vnd\.jupyter\.stderr"[^>]*>\s*<pre>'
                        r"(.*?)</pre>", html, flags=re.DOTALL)
    assert stderr == []


def test_chart_labels_keep_their_dollars(rendered):
    """matplotlib draws the measure label with parse_math=False: '$5bn vs $10bn' is text in the
    chart's SVG (a <text> element, as display.figure keeps chart text as text)."""
    html = html_of(rendered, FORCE_SIZES)
    labels = []
    for svg in chart_svgs(html):
        for element in svg.iter():
            if element.tag.endswith("}text"):
                labels.append("".join(element.itertext()))
    # The label is cut to fit the chart (the tables carry it whole); what shows keeps its TeX
    # as characters: the first payload the label was given, right after its own words. '$'
    # pairs staying literal is tested in test_quantity (parse_math=False).
    label_field = next(f for f in FIELDS if f.tag == "measure-label")
    first = tagged(TEX_PAYLOADS, label_field.tag, budget=label_field.budget)[0][1]
    head = first.removesuffix(label_field.tag).strip()
    assert any(head in label for label in labels), (head, labels[:20])


def test_chart_text_is_text_in_the_pdf(rendered, pages):
    """The charts' legend exists only inside the SVG images; the PDF's text has it, so chart
    text reaches the PDF as text (not outlines), in embedded fonts."""
    legend = "open-ended bound (over / under)"
    html = re.sub(r'src="data:[^"]*"|<svg\b.*?</svg>', "", html_of(rendered, FORCE_SIZES),
                  flags=re.S)
    assert legend not in html
    assert bare(legend) in "".join(pages[FORCE_SIZES])
    listing = subprocess.run(["pdffonts", str(pdf_of(rendered, FORCE_SIZES))],
                             capture_output=True, text=True, check=True).stdout.splitlines()
    assert listing[2:], "no fonts"
    assert all(line.split()[-5] == "yes" for line in listing[2:]), listing


A4 = (595.92, 842.88)  # points, as Chromium writes it
MARGIN = 15 / 25.4 * 72  # the side margins, 15 mm


def word_boxes(pdf: Path) -> list[tuple[float, float, str]]:
    """(xMin, xMax, word) of every word pdftotext finds."""
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    return [(float(x0), float(x1), word) for x0, x1, word in re.findall(
        r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
        boxes)]


@pytest.mark.parametrize("report", ALL)
def test_nothing_is_pushed_off_the_page(report, rendered):
    """Every page is A4, and every word (tables, titles, the 3000-letter word wrapped) starts
    inside the side margins and ends on the page."""
    reader = PdfReader(pdf_of(rendered, report))
    sizes = {tuple(round(float(v), 2) for v in page.mediabox[2:]) for page in reader.pages}
    assert sizes == {A4}
    words = word_boxes(pdf_of(rendered, report))
    assert len(words) > 500
    outside = [w for w in words if w[0] < MARGIN - 1 or w[0] > A4[0] - MARGIN or w[1] > A4[0]]
    assert outside == [], f"{len(outside)} words outside the page's text area: {outside[:5]}"


@pytest.mark.parametrize("report", [BRIEF, FORCE_SIZES, ACTOR_POSITIONS])
def test_every_word_ends_inside_the_margins(report, rendered):
    words = word_boxes(pdf_of(rendered, report))
    beyond = [w for w in words if w[1] > A4[0] - MARGIN + 1]
    assert beyond == [], f"{len(beyond)} words run into the right margin: {beyond[:5]}"


def test_no_table_is_shrunk_much(rendered):
    """A long word breaks inside its cell (tune_tables' <wbr> every 12 characters), so a table
    keeps its size; the relations table, with 3000-letter words in four of its eight columns,
    needs a 1 % shrink (measured: 0.988)."""
    with pdf_printer() as printer:
        for report in ALL:
            printer(html_of(rendered, report))
    assert all(zoom >= 0.95 for zoom in printer.shrunk), printer.shrunk
    assert printer.blocked == []
