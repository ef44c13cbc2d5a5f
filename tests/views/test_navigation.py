"""The page's navigation and the PDF's opening view, without a render: nbconvert's Tab stops
removed, a skip link and a contents list from the sections; /PageMode and /DisplayDocTitle."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter

from sitrep.pipeline import html, pdfmeta

PAGE = ('<body class="jp-Notebook"><main><div class="jp-Cell-inputWrapper" tabindex="0">'
        '<h1 id="T">Brief<a class="anchor-link" href="#T">¶</a></h1></div>'
        '<div class="jp-OutputArea-output" data-mime-type="text/html" tabindex="0">'
        '<h2 id="Key-takeaways">Key <em>takeaways</em><a class="anchor-link" '
        'href="#Key-takeaways">¶</a></h2><h2 id="Annex-B:-sources">Annex B: sources</h2>'
        "</div></main></body>")


def test_navigation_removes_stray_tab_stops_and_adds_skip_link_and_contents():
    page = html.navigation(PAGE)
    assert 'tabindex="0"' not in page
    assert page.index('class="sitrep-skip"') < page.index("<main>")
    assert '<li><a href="#Key-takeaways">Key takeaways</a></li>' in page
    assert '<li><a href="#Annex-B:-sources">Annex B: sources</a></li>' in page
    assert page.index("</h1>") < page.index('<nav class="sitrep-toc"') \
        < page.index(f'id="{html.CONTENT_ID}"') < page.index('<h2 id="Key-takeaways">')


def test_one_section_gets_no_contents_list():
    page = html.navigation('<body><main><h1>x</h1><h2 id="a">A</h2></main></body>')
    assert "sitrep-toc" not in page and "sitrep-skip" in page


def _pdf(with_outline: bool, *, hide_toolbar: bool = False) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if with_outline:
        writer.add_outline_item(title="Key takeaways", page_number=0)
        writer.add_outline_item(title="Russia massestroops", page_number=0)  # wrapped
    if hide_toolbar:
        writer.create_viewer_preferences().hide_toolbar = True
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_pdf_opens_with_outline_and_shows_its_title():
    described = pdfmeta.describe(_pdf(True), "<html lang=\"en\"><title>Brief</title></html>")
    reader = PdfReader(io.BytesIO(described))
    root = reader.trailer["/Root"]
    assert root["/PageMode"] == "/UseOutlines"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert root["/Lang"] == "en" and reader.metadata.title == "Brief"


def test_pdf_bookmarks_take_the_headings_visible_text_and_the_language_its_page_s():
    described = pdfmeta.describe(_pdf(True), "<html lang=\"uk\"><title>x</title></html>",
                                 ["Russia masses\ntroops"])
    reader = PdfReader(io.BytesIO(described))
    assert [item.title for item in reader.outline] == ["Key takeaways", "Russia masses troops"]
    assert reader.trailer["/Root"]["/Lang"] == "uk"


def test_pdf_viewer_preferences_of_its_own_are_kept():
    described = pdfmeta.describe(_pdf(False, hide_toolbar=True), "<title>x</title>")
    preferences = PdfReader(io.BytesIO(described)).trailer["/Root"]["/ViewerPreferences"]
    assert preferences["/HideToolbar"].value is True
    assert preferences["/DisplayDocTitle"].value is True


def test_pdf_without_outline_keeps_the_default_page_mode():
    root = PdfReader(io.BytesIO(pdfmeta.describe(_pdf(False), "<title>x</title>"))
                     ).trailer["/Root"]
    assert "/PageMode" not in root
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True


def test_pdf_is_dated_by_the_report_not_the_clock(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    page = '<html lang="en"><head><meta name="dcterms.date" content="2024-11-10"/>' \
           "<title>x</title></head></html>"
    first, second = pdfmeta.describe(_pdf(True), page), pdfmeta.describe(_pdf(True), page)
    assert first == second
    reader = PdfReader(io.BytesIO(first))
    assert reader.metadata["/CreationDate"] == "D:20241110000000+00'00'"
    assert reader.metadata["/ModDate"] == "D:20241110000000+00'00'"
    assert reader.trailer["/ID"][0] == reader.trailer["/ID"][1]
    assert PdfReader(io.BytesIO(pdfmeta.describe(_pdf(True), page.replace("x", "y")))
                     ).trailer["/ID"][0] != reader.trailer["/ID"][0]


def test_source_date_epoch_wins_and_no_date_leaves_the_pdf_undated(monkeypatch):
    page = '<meta name="dcterms.date" content="2024-11-10"/><title>x</title>'
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert PdfReader(io.BytesIO(pdfmeta.describe(_pdf(False), page))
                     ).metadata["/CreationDate"] == "D:20231114221320+00'00'"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/CreationDate": "D:20990101000000+00'00'"})
    buffer = io.BytesIO()
    writer.write(buffer)
    undated = PdfReader(io.BytesIO(pdfmeta.describe(buffer.getvalue(), "<title>x</title>")))
    assert "/CreationDate" not in undated.metadata and "/ModDate" not in undated.metadata
    assert pdfmeta.report_date("", {"SOURCE_DATE_EPOCH": ""}) is None
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH"):
        pdfmeta.report_date("", {"SOURCE_DATE_EPOCH": "yesterday"})
