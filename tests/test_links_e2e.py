"""Linked provenance, end to end: in the rendered HTML a reader clicks a claim id and lands on
its annex row (real Chromium), a stance note number leads to its note, source URLs are links;
the PDF keeps the internal links, has an outline from the headings, tags, a language and its
title and creator (read back with pypdf)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import render_report
from pypdf import PdfReader

from sitrep.pipeline.pdf import CHROMIUM_ARGS, chromium_path

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    result = render_report(out, "brief", "--force")
    assert result.returncode == 0, result.stderr
    result = render_report(out, "actor_positions", "--force", "--format", "html")
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(),
                                              args=list(CHROMIUM_ARGS))
        yield launched
        launched.close()


def _open(browser, path: Path):
    page = browser.new_page(viewport={"width": 900, "height": 700})
    page.goto(path.as_uri())
    return page


def test_clicking_a_claim_id_lands_on_its_annex_row(rendered, browser):
    page = _open(browser, rendered / "brief" / "brief.html")
    link = page.locator('a[href="#claim-C09"]').first
    assert link.is_visible()
    before = page.evaluate("window.scrollY")
    link.click()
    page.wait_for_function("location.hash === '#claim-C09'")
    row = page.locator("tr#claim-C09")
    assert row.count() == 1 and row.is_visible()
    assert "over 10,000" in row.inner_text()  # the row of claim C09, with its quote
    assert page.evaluate("window.scrollY") > before
    assert page.evaluate("document.getElementById('claim-C09').getBoundingClientRect().top") \
        < 700
    page.close()


def test_every_claim_link_has_a_target_and_urls_are_links(rendered, browser):
    page = _open(browser, rendered / "brief" / "brief.html")
    targets = page.eval_on_selector_all(
        'a[href^="#claim-"]', "links => links.map(a => a.getAttribute('href').slice(1))")
    assert len(targets) > 20
    missing = [t for t in set(targets) if page.locator(f'[id="{t}"]').count() != 1]
    assert missing == []
    urls = page.eval_on_selector_all('a[href^="http"]', "links => links.map(a => a.href)")
    assert any(u.startswith("https://dagens.com/") for u in urls)
    page.close()


def test_stance_note_numbers_link_to_their_notes(rendered, browser):
    page = _open(browser, rendered / "actor_positions" / "actor_positions.html")
    link = page.locator('a[href="#note-1"]').first
    link.click()
    page.wait_for_function("location.hash === '#note-1'")
    note = page.locator("li#note-1")
    assert note.is_visible() and note.inner_text().strip()
    page.close()


def test_pdf_outline_links_tags_language_and_metadata(rendered):
    reader = PdfReader(rendered / "brief" / "brief.pdf")
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    assert {"Key takeaways", "Reported force sizes", "Annex A: claims, claimants and relays",
            "Annex B: sources"} <= set(titles)
    internal, external = [], []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            action = annotation.get("/A")
            if action is not None and action.get("/URI"):
                external.append(str(action["/URI"]))
            elif annotation.get("/Dest") is not None:
                internal.append(str(annotation["/Dest"]))
    assert "/claim-C09" in internal or "claim-C09" in internal, internal[:5]
    assert any(u.startswith("https://dagens.com/") for u in external)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    assert reader.metadata.title.startswith("Situation brief")
    assert reader.metadata.creator.startswith("sitrep ")


def test_chart_and_map_marks_link_to_their_claims(rendered, browser):
    page = _open(browser, rendered / "brief" / "brief.html")
    marks = page.locator('svg a[*|href="#claim-C09"]')
    assert marks.count() >= 1  # its label in the chart (an open bound draws no point)
    assert marks.first.locator("title").text_content() == "claim C09"  # the tooltip
    assert page.locator('svg a[*|href^="#claim-"]').count() > 10  # the map's callouts too
    assert page.locator("svg a[target]").count() == 0  # no new window
    marks.first.click()
    page.wait_for_function("location.hash === '#claim-C09'")
    assert page.locator("tr#claim-C09").is_visible()
    page.close()


def test_pdf_chart_marks_are_links(rendered):
    reader = PdfReader(rendered / "brief" / "brief.pdf")
    first = reader.pages[1] if len(reader.pages) > 1 else reader.pages[0]
    targets = [str(a.get_object().get("/Dest")) for a in first.get("/Annots") or []]
    assert any("claim-C09" in t for t in targets), targets
