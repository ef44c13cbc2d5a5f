"""End to end: the seed brief rendered as a Word document (``--format docx``) and read back
with python-docx: its outline, the key figures as a native table, claim ids as internal links
that all land on a bookmark, the map as an embedded PNG, and nothing external but http(s)
links; LibreOffice, when installed, opens it and prints it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from sitrep import paths

pytestmark = pytest.mark.e2e

docx = pytest.importorskip("docx")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


@pytest.fixture(scope="module")
def brief(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("docx") / "reports"
    result = subprocess.run(
        [sys.executable, "-m", "sitrep.cli", "render", "brief", "--format", "docx", "--force",
         "--out", str(out), "-j", "1"], capture_output=True, text=True, timeout=600,
        cwd=paths.ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    return out / "brief" / "brief.docx"


def test_the_outline_is_the_reports_headings(brief):
    document = docx.Document(str(brief))
    headings = [(p.style.name, p.text) for p in document.paragraphs
                if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0][0] == "Title" and headings[0][1].startswith("Situation brief")
    sections = [text for style, text in headings if style == "Heading 1"]
    assert sections[:4] == ["Bottom line", "Key figures", "Key takeaways", "Evidence"], headings
    assert ("Heading 2", "Annex A: claims, claimants and relays") in headings
    assert document.core_properties.title == headings[0][1]
    assert document.core_properties.created.year >= 2024  # the report's date, not 2013's


def test_the_key_figures_are_a_native_table_whose_header_repeats(brief):
    document = docx.Document(str(brief))
    first = document.tables[0]
    assert [c.text for c in first.rows[0].cells][:3] == ["Measure", "Who says", "Figure"]
    assert first.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
    assert len(first.rows) >= 2 and "[C01]" in first.rows[1].cells[2].text


def test_every_claim_link_lands_on_a_bookmark(brief):
    body = docx.Document(str(brief)).element.body
    anchors = [h.get(f"{W}anchor") for h in body.iter(f"{W}hyperlink") if h.get(f"{W}anchor")]
    bookmarks = {b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")}
    assert anchors and "claim-C01" in anchors
    assert set(anchors) <= bookmarks, set(anchors) - bookmarks


def test_the_map_is_an_embedded_png_with_its_alt_text(brief):
    document = docx.Document(str(brief))
    images = [p for p in document.part.package.iter_parts()
              if p.content_type.startswith("image/")]
    assert images and all(p.content_type == "image/png" for p in images)
    assert all(p.blob.startswith(b"\x89PNG\r\n\x1a\n") for p in images)
    alts = [d.get("descr") for d in document.element.body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert "Map of who is where, doing what" in alts


def test_nothing_external_but_web_links_no_macros_no_fields(brief):
    document = docx.Document(str(brief))
    for part in document.part.package.iter_parts():
        for rel in part.rels.values():
            if rel.is_external:
                assert rel.reltype == HYPERLINK, (part.partname, rel.reltype)
                assert rel.target_ref.startswith(("http://", "https://")), rel.target_ref
    with zipfile.ZipFile(brief) as package:
        names = package.namelist()
        assert not [n for n in names if "vba" in n.lower() or n.endswith(".bin")], names
        types = package.read("[Content_Types].xml").decode()
        assert "macroEnabled" not in types
        text = package.read("word/document.xml").decode()
    assert "fldSimple" not in text and "instrText" not in text and "fldChar" not in text


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice not installed")
def test_libreoffice_prints_it(brief, tmp_path):
    from pypdf import PdfReader

    result = subprocess.run(
        ["libreoffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(brief)],
        capture_output=True, text=True, timeout=300)
    printed = tmp_path / "brief.pdf"
    assert printed.is_file(), result.stdout + result.stderr
    reader = PdfReader(printed)
    assert len(reader.pages) >= 2
    assert "Bottom line" in reader.pages[0].extract_text()
