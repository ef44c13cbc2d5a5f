"""End to end: the brief rendered for real (papermill, nbconvert, Chromium) and read back."""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

import sitrep.model as facts_module
from sitrep.pipeline.pdf import pdf_printer

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def rendered(shared_report) -> Path:
    return shared_report("brief")


@pytest.fixture(scope="module")
def pdf_text(rendered) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(rendered / "brief.pdf").pages)
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def html_text(rendered) -> str:
    return (rendered / "brief.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed():
    return facts_module.load()


@pytest.mark.parametrize("expected", [
    "50,000",                       # the massed force, as stated
    "estimated over 10,000",        # a lower bound with its hedge, never a plain 10,000
    "estimated 10,000",             # the same source's second figure for the measure
    "reportedly",
    "Sources indicate",
    "likely",
    "relayed by The New York Times",  # relay kept apart from the claimants
    "American and Ukrainian officials",
    "Dagens, no source named",      # the outlet's own voice said as such
    "Nov 2024 (inferred)",          # the date with its precision and basis
    "Source: Dagens (dagens.com)",  # the chart's credit line
])
def test_pdf_shows_figures_with_their_hedges(pdf_text, expected):
    assert expected in pdf_text


def test_pdf_shows_every_takeaway_and_every_cited_claim_id(pdf_text, seed):
    """Every takeaway and the bottom line, and every claim the brief cites (the annex lists
    those; stances and relations are the actor-positions report's)."""
    from sitrep.views.annex import brief_citations

    for text in seed.takeaways["text"]:
        assert re.sub(r"\s+", " ", text) in pdf_text
    cited = brief_citations(seed)
    assert "C19" in cited and "C21" not in cited  # a takeaway's stance in; an uncited one out
    for claim_id in cited:
        assert re.search(rf"\b{claim_id}\b", pdf_text), claim_id


def test_pdf_title_is_the_reports_title(rendered, seed):
    title = PdfReader(rendered / "brief.pdf").metadata.title
    assert title == f"Situation brief: {seed.title}"


def test_pdf_fonts_are_embedded(rendered):
    listing = subprocess.run(["pdffonts", str(rendered / "brief.pdf")], capture_output=True,
                             text=True, check=True).stdout.splitlines()[2:]
    assert listing, "no fonts listed"
    for line in listing:
        assert line.split()[-5] == "yes", line


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.external: list[tuple[str, str]] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        # The page's <title>, not a chart mark's SVG <title> tooltip.
        self._in_title = tag == "title" and not self.title
        for name, value in attrs:
            # What the page would load; a link (<a href>, the source's URL) loads nothing.
            if name in ("src", "href") and tag != "a" and value \
                    and re.match(r"\s*(https?:)?//", value):
                self.external.append((tag, value))

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag):
        self._in_title = False


def test_html_has_no_code_no_parameters_and_no_analyst_cells(html_text):
    for leaked in ("from sitrep import", "display.table(", "report.table(", "Report(",
                   "injected-parameters",
                   "Explore (analyst only)", "facts.tables"):
        assert leaked not in html_text, leaked
    code_elements = re.findall(r'class="[^"]*\b(?:jp-InputPrompt|jp-CodeMirrorEditor|highlight)\b',
                               html_text)
    assert code_elements == []


def test_html_title_and_no_external_resources(html_text, seed):
    tags = _Tags()
    tags.feed(html_text)
    assert tags.title.strip() == f"Situation brief: {seed.title}"
    assert tags.external == []


def test_html_opens_offline_in_chromium(html_text):
    """The real judge: Chromium loads the page and no request leaves it."""
    with pdf_printer() as printer:
        printer(html_text)
        assert printer.blocked == []


def test_as_of_before_the_source_renders_an_honest_empty_brief(shared_report):
    rendered = shared_report("brief-as-of-2024-11-01")
    html_text = (rendered / "brief-as-of-2024-11-01.html").read_text(encoding="utf-8")
    assert "Reporting certainly published by 2024-11-01: 0 claims from 0 sources" in html_text
    assert "The cut-off leaves out 1 source published after it" in html_text
    filters = "in the data set under the active filters (reported up to 2024-11-01)."
    empty = re.findall(r'<p class="sitrep-empty">([^<]*)</p>', html_text)
    for subject in ("key takeaways", "figures", "positions", "claims", "sources"):
        assert f"No {subject} {filters}" in empty  # each empty section says what is empty
    assert len(empty) == len(set(empty)) and "Nothing recorded" not in html_text
