"""HTML that works for everyone (issue 19, item 6), on the reports the suite renders once
(conftest.SHARED_REPORTS: every notebook the manifest ships): axe-core (the npm package pinned
in package.json, installed by scripts/setup-system) finds no WCAG 2.2 A/AA violation at a
desktop width and on a phone; at 390 px the page never pans sideways, charts fit the column
and, opened full size with a tap, their text is legible; links are underlined and the row a
link lands on is marked; no stray Tab stop; a skip link and a table of contents; charts with
links are not images to a screen reader; the PDF opens with its outline and shows its
title."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SHARED_REPORTS
from pypdf import PdfReader

from sitrep import paths

AXE = paths.ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
HTML_REPORTS = [name for name, (_, _, formats) in SHARED_REPORTS.items() if "html" in formats]
PDF_REPORTS = [name for name, (_, _, formats) in SHARED_REPORTS.items() if "pdf" in formats]
#: The smallest chart text a phone reader gets, in CSS pixels.
LEGIBLE_PX = 8.0


def _page(browser, shared_report, name: str, width: int):
    """A report's page, or the suite's index (``index``: the reports' folder's index.html)."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    path = shared_report("brief").parent / "index.html" if name == "index" else \
        shared_report(name) / f"{name}.html"
    page.goto(path.as_uri())
    return page


def test_axe_core_is_the_pinned_version():
    pinned = json.loads((paths.ROOT / "package.json").read_text())["devDependencies"]["axe-core"]
    assert AXE.is_file(), "axe-core is missing: run scripts/setup-system (make system)"
    installed = json.loads((AXE.parent / "package.json").read_text())["version"]
    assert installed == pinned


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("name", [*HTML_REPORTS, "index"])
def test_axe_finds_no_wcag_violation(browser, shared_report, name, width):
    page = _page(browser, shared_report, name, width)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    page.close()
    found = [(v["id"], len(v["nodes"]), v["nodes"][0]["target"], v["help"])
             for v in result["violations"]]
    assert found == []


@pytest.mark.parametrize("name", [*HTML_REPORTS, "index"])
def test_no_sideways_panning_at_390_px_and_charts_stay_legible(browser, shared_report, name):
    page = _page(browser, shared_report, name, 390)
    width = page.evaluate("document.documentElement.scrollWidth")
    fitted = page.evaluate("""() => [...document.querySelectorAll('svg.sitrep-chart')]
        .map(s => s.getBoundingClientRect().right)""")
    cues = page.locator("details.sitrep-zoom > summary")
    assert cues.count() == len(fitted), "every chart has its 'Open full size'"
    for index in range(cues.count()):  # a tap on each: the chart at its own size
        cues.nth(index).click()
    opened = page.evaluate("document.documentElement.scrollWidth")
    smallest = page.evaluate("""() => Math.min(Infinity, ...[...document.querySelectorAll(
        'svg.sitrep-chart text')].filter(t => t.textContent.trim())
        .map(t => t.getBoundingClientRect().height).filter(h => h > 0))""")
    page.close()
    assert width <= 390 and opened <= 390
    assert all(right <= 390 for right in fitted), fitted
    # A rendered size is a float (7.99994 px for an 8 px text): a hundredth is rounding.
    assert smallest == float("inf") or smallest >= LEGIBLE_PX - 0.01, smallest


@pytest.mark.parametrize("name", HTML_REPORTS)
def test_no_stray_tab_stops_and_charts_with_links_are_no_images(browser, shared_report, name):
    page = _page(browser, shared_report, name, 1280)
    stray = page.evaluate("""() => [...document.querySelectorAll('[tabindex="0"]')]
        .filter(e => !e.closest('svg')).map(e => e.className.toString())""")
    hidden_links = page.locator('[role="img"] a').count()
    page.close()
    assert stray == []
    assert hidden_links == 0


def test_skip_link_first_then_contents(browser, shared_report):
    page = _page(browser, shared_report, "brief", 1280)
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.className, document.activeElement.href]")
    assert focused[0] == "sitrep-skip" and page.locator(".sitrep-skip").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#sitrep-content"
    contents = page.eval_on_selector_all("nav.sitrep-toc a", "a => a.map(x => x.textContent)")
    headings = page.eval_on_selector_all("h2[id]", "h => h.map(x => x.id)")
    targets = page.eval_on_selector_all("nav.sitrep-toc a",
                                        "a => a.map(x => x.getAttribute('href').slice(1))")
    page.close()
    assert "Evidence" in contents  # the annexes are sections of the evidence part
    assert targets == headings


@pytest.mark.parametrize("claim_id", ["C09", "C10"])  # an odd and an even (zebra) row
def test_claim_links_are_underlined_and_the_landing_row_is_marked(browser, shared_report,
                                                                  claim_id):
    page = _page(browser, shared_report, "brief", 1280)
    decorations = set(page.eval_on_selector_all(
        'a[href^="#claim-"]:not(svg a)', "a => a.map(x => getComputedStyle(x)"
        ".textDecorationLine)"))
    assert decorations == {"underline"}
    style = "id => { const s = getComputedStyle(document.getElementById(id)); " \
            "return [s.backgroundColor, s.outlineStyle]; }"
    before = page.evaluate(style, f"claim-{claim_id}")
    page.locator(f'a[href="#claim-{claim_id}"]').first.click()
    page.wait_for_function(f"location.hash === '#claim-{claim_id}'")
    after = page.evaluate(style, f"claim-{claim_id}")
    neighbour = page.evaluate("id => { const r = document.getElementById(id); "
                              "const n = r.nextElementSibling || r.previousElementSibling; "
                              "return getComputedStyle(n).backgroundColor; }",
                              f"claim-{claim_id}")
    page.close()
    assert after[0] != before[0] and after[1] == "solid" != before[1]
    assert after[0] != neighbour


@pytest.mark.parametrize("name", PDF_REPORTS)
def test_pdf_opens_with_its_outline_and_title(shared_report, name):
    reader = PdfReader(Path(shared_report(name)) / f"{name}.pdf")
    root = reader.trailer["/Root"]
    assert root["/PageMode"] == "/UseOutlines"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert reader.metadata.title
