"""At phone width (390 x 844, Chromium) the index never pans sideways and shows each report's
HTML and PDF links in view, and every chart or map of a report opens at full size on a tap
(a <details> before it, no script), with a visible cue."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitrep import paths
from sitrep.pipeline import html
from sitrep.pipeline.entry import Entry, Outcome, Status
from sitrep.pipeline.index import write_index
from sitrep.pipeline.pdf import chromium_path

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(),
                                             args=["--no-sandbox", "--disable-gpu"])
        try:
            yield browser.new_page(viewport=PHONE)
        finally:
            browser.close()


def _outcome(out: Path, name: str, parameters: dict[str, str], status: Status) -> Outcome:
    entry = Entry(name, paths.NOTEBOOKS / "brief.ipynb", parameters, ("html", "pdf"))
    folder = entry.folder(out)
    folder.mkdir(parents=True)
    for fmt in entry.formats:
        (folder / f"{name}.{fmt}").write_text("x", encoding="utf-8")
    return Outcome(entry, status, 12.5, "" if status == Status.RENDERED else
                   "the data set datasets/a-very-long-folder-name-without-spaces-at-all "
                   "breaks 3 rule(s)", dataset_digest="0123456789abcdef" * 4)


def test_the_index_fits_a_phone_with_its_links_in_view(tmp_path, phone):
    """The 7-column table made the page pan sideways at 390 px: now each report is a card."""
    out = tmp_path / "reports"
    rows = [_outcome(out, "force_sizes-fictional-as-of-2031-03-06",
                     {"dataset": "tests/data/fictional", "as_of": "2031-03-06"},
                     Status.RENDERED),
            _outcome(out, "brief-kursk-sources", {"dataset": "datasets/kursk-2024-sources"},
                     Status.BAD_DATA)]
    apart = [_outcome(out, "brief.dataset-red-sea-2023-2024.title-a-long-title-6f1c2a9b",
                      {"dataset": "datasets/red-sea-2023-2024", "title": "A long title " * 6},
                      Status.RENDERED)]
    index = write_index(rows, out, apart=apart)
    phone.goto(index.as_uri())
    phone.screenshot(path=str(tmp_path / "index-390.png"))
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    links = phone.evaluate("""[...document.querySelectorAll('td.formats a')].map(a => {
        const box = a.getBoundingClientRect();
        return [a.textContent, box.left, box.right]; })""")
    assert {text for text, _, _ in links} == {"HTML", "PDF"} and len(links) == 6, links
    assert all(left >= 0 and right <= PHONE["width"] for _, left, right in links), links


def test_every_chart_gets_a_full_size_disclosure():
    body = ('<p>x</p><div class="sitrep-figure"><svg class="sitrep-chart"></svg></div>'
            '<div class="sitrep-figure"><svg class="sitrep-chart sitrep-map"></svg></div>')
    zoomed = html.zoomable(body)
    assert zoomed.count(html.ZOOM + '<div class="sitrep-figure">') == 2
    assert "<script" not in zoomed


def test_a_chart_fits_a_phone_and_opens_full_size_on_a_tap(tmp_path, phone):
    css = (paths.TEMPLATES / "sitrep_html" / "report.css").read_text(encoding="utf-8")
    chart = ('<svg class="sitrep-chart" role="img" aria-label="a chart" width="504pt" '
             'height="252pt" viewBox="0 0 504 252" style="width:100%;max-width:7.00in;'
             'height:auto"><rect width="504" height="252" fill="#ccd"/></svg>')
    figure = html.zoomable('<div class="sitrep-figure">' + chart + "</div>")
    page = tmp_path / "report.html"
    page.write_text(f'<!DOCTYPE html><html lang="en"><head><meta name="viewport" '
                    f'content="width=device-width, initial-scale=1"><style>{css}</style></head>'
                    f'<body class="jp-Notebook"><main>'
                    f"{figure}"
                    f"</main></body></html>", encoding="utf-8")
    phone.goto(page.as_uri())
    width = "document.querySelector('svg.sitrep-chart').getBoundingClientRect().width"
    cue = phone.locator("details.sitrep-zoom summary")
    assert cue.is_visible() and "Open full size" in cue.inner_text()
    assert phone.evaluate(width) <= PHONE["width"]
    cue.click()
    assert phone.evaluate(width) >= 660  # 504 pt: its own size, in a box that scrolls
    assert "Fit to the screen" in cue.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
