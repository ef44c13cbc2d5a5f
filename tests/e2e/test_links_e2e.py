"""Linked provenance, end to end: in the rendered HTML a reader clicks a claim id and lands on
its annex row (real Chromium), a stance note number leads to its note, source URLs are links;
the PDF keeps the internal links, has an outline from the headings, tags, a language and its
title and creator (read back with pypdf)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import render_report
from pypdf import PdfReader

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    result = render_report(out, "brief", "--force")
    assert result.returncode == 0, result.stderr
    result = render_report(out, "actor_positions", "--force", "--format", "html")
    assert result.returncode == 0, result.stderr
    return out


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


def _outline_titles(reader: PdfReader) -> list[str]:
    titles: list[str] = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    return titles


def test_pdf_outline_links_tags_language_and_metadata(rendered):
    reader = PdfReader(rendered / "brief" / "brief.pdf")
    titles = _outline_titles(reader)
    assert {"Bottom line", "Key figures", "Key takeaways", "Evidence",
            "Annex A: claims, claimants and relays", "Annex B: sources"} <= set(titles)
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
    marks = page.locator('svg a[*|href="#claim-C10"]')
    assert marks.count() >= 1  # its line in the map's callout
    assert marks.first.locator("title").text_content() == "claim C10"  # the tooltip
    assert page.locator('svg a[*|href^="#claim-"]').count() > 10  # the map's callouts too
    assert page.locator("svg a[target]").count() == 0  # no new window
    marks.first.click()
    page.wait_for_function("location.hash === '#claim-C10'")
    assert page.locator("tr#claim-C10").is_visible()
    page.close()


def test_pdf_chart_marks_are_links(rendered):
    """The brief's map (page 2) links its callouts' claims to their annex rows."""
    reader = PdfReader(rendered / "brief" / "brief.pdf")
    first = reader.pages[1] if len(reader.pages) > 1 else reader.pages[0]
    targets = [str(a.get_object().get("/Dest")) for a in first.get("/Annots") or []]
    assert any("claim-C10" in t for t in targets), targets


def _pdf_words(path: Path) -> str:
    import subprocess

    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return " ".join(text.split())


def test_every_outline_entry_reads_as_its_heading(rendered):
    """Chromium drops the space where a heading wraps ('Russia massestroops'): each bookmark
    must read as the heading's visible text, with single spaces."""
    pdf = rendered / "brief" / "brief.pdf"
    titles = _outline_titles(PdfReader(pdf))
    words = _pdf_words(pdf)
    assert len(titles) >= 8
    assert [t for t in titles if t != " ".join(t.split()) or t not in words] == []
    assert titles[0].startswith("Situation brief") and "Russia masses troops" in titles[0]


# A heading long enough to wrap on A4, with element boundaries at the line ends.
_WRAPPING_HEADINGS = {
    "plain": "<h1>Situation brief: a heading long enough to wrap onto a second line of the "
             "printed page, so that Chromium breaks it between two words</h1>",
    "inline_elements": "<h2>Annex <em>A</em>: claims, <strong>claimants</strong> and relays of "
                       "a heading that is long enough to wrap <code>twice</code> across the "
                       "width of an A4 page when printed</h2>",
    "line_break": "<h2>First line of the heading<br>second line of the heading</h2>",
}


@pytest.mark.parametrize("heading", list(_WRAPPING_HEADINGS), ids=list(_WRAPPING_HEADINGS))
def test_a_wrapping_heading_keeps_its_spaces_in_the_outline(heading, tmp_path):
    from sitrep.pipeline.pdf import to_pdf

    pdf = tmp_path / "heading.pdf"
    pdf.write_bytes(to_pdf(f"<html><body>{_WRAPPING_HEADINGS[heading]}<p>Body.</p>"
                           "</body></html>"))
    titles = _outline_titles(PdfReader(pdf))
    words = _pdf_words(pdf)
    assert len(titles) == 1
    assert titles[0] == " ".join(titles[0].split()) and titles[0] in words, (titles, words)


#: What changed in the multi-source data set over the rest of November: new claims, revised
#: figures, conflicts and figures no longer current, each naming claims.
CHANGES = "changes-kursk-sources-to-2024-11-30"

#: In a page, the claim ids that appear as plain text outside the claims annex (not links).
_BARE_CLAIM_IDS_JS = r"""() => {
  const rows = [...document.querySelectorAll('tr[id^="claim-"]')];
  const ids = rows.map(r => r.id.slice('claim-'.length));
  const annex = rows.length ? rows[0].closest('table') : null;
  const escaped = ids.map(i => i.replace(/[.]/g, '\\.'));
  const pattern = new RegExp('(?<![\\w.-])(' + escaped.join('|') + ')(?![\\w-])', 'g');
  const bare = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (ids.length && walker.nextNode()) {
    const node = walker.currentNode;
    if ((annex && annex.contains(node)) || node.parentElement.closest('a, style, script'))
      continue;
    for (const m of node.textContent.matchAll(pattern)) bare.push(m[1]);
  }
  return {annex: ids, bare: bare};
}"""


@pytest.fixture(scope="module")
def rendered_changes(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("changes")
    result = render_report(out, CHANGES, "--force", "--format", "html")
    assert result.returncode == 0, result.stderr
    return out / CHANGES / f"{CHANGES}.html"


def test_changes_report_links_every_claim_id_to_its_annex_row(rendered_changes, browser):
    page = _open(browser, rendered_changes)
    found = page.evaluate(_BARE_CLAIM_IDS_JS)
    assert len(found["annex"]) > 20  # the claims of the later edition
    assert found["bare"] == []
    targets = page.eval_on_selector_all(
        'a[href^="#claim-"]', "links => links.map(a => a.getAttribute('href').slice(1))")
    assert {"claim-K23", "claim-K17"} <= set(targets)  # a new claim; a revised figure
    assert [t for t in set(targets) if page.locator(f'[id="{t}"]').count() != 1] == []
    page.close()


def test_clicking_a_new_claim_in_the_changes_report_lands_on_its_row(rendered_changes,
                                                                      browser):
    page = _open(browser, rendered_changes)
    new_claims = page.locator("table", has=page.locator("th", has_text="Statement")).first
    link = new_claims.locator('a[href="#claim-K23"]').first
    assert link.is_visible()
    link.click()
    page.wait_for_function("location.hash === '#claim-K23'")
    row = page.locator("tr#claim-K23")
    assert row.count() == 1 and row.is_visible()
    assert "59,000" in row.inner_text()
    page.close()


#: The force-size report of the multi-source data set: credit lines, reconciliation cells and
#: the pairs table all name claims.
FORCE_SIZES = "force_sizes-kursk-sources"


@pytest.fixture(scope="module")
def rendered_force_sizes(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("force_sizes")
    result = render_report(out, FORCE_SIZES, "--force", "--format", "html")
    assert result.returncode == 0, result.stderr
    return out / FORCE_SIZES / f"{FORCE_SIZES}.html"


def test_force_size_report_links_every_claim_id_to_its_annex_row(rendered_force_sizes,
                                                                 browser):
    page = _open(browser, rendered_force_sizes)
    found = page.evaluate(_BARE_CLAIM_IDS_JS)
    assert len(found["annex"]) > 20
    assert found["bare"] == []
    for where in ("p.sitrep-credit", "table:has(th:text-is('Conservative figure'))",
                  "table:has(th:text-is('Second'))"):
        assert page.locator(f'{where} a[href^="#claim-"]').count() > 0, where
    targets = page.eval_on_selector_all(
        'a[href^="#claim-"]', "links => links.map(a => a.getAttribute('href').slice(1))")
    assert [t for t in set(targets) if page.locator(f'[id="{t}"]').count() != 1] == []
    page.close()
