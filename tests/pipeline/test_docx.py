"""The blocks (what a report shows, as data) and the Word format that walks them: the blocks
the display helpers emit and a notebook reads back, and a document written from them whose
links land, whose text from a data set stays text and whose bytes repeat."""

from __future__ import annotations

import io
import zipfile

import matplotlib
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from sitrep import blocks
from sitrep.pipeline import formats
from sitrep.pipeline.blocks import from_markdown, read
from sitrep.views import display

matplotlib.use("agg")
docx = pytest.importorskip("docx")
from sitrep.pipeline.docx import bookmark_name, to_docx  # noqa: E402

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SCOPE = display.Scope(claims=frozenset({"C01", "C02"}))


def _output(shown: display.Output):
    data, metadata = shown._repr_mimebundle_()
    return new_output("display_data", data=data, metadata=metadata)


def _png() -> bytes:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 1))
    ax.bar([1, 2], [3, 4])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def _shown() -> list[dict]:
    annex = pd.DataFrame({"Claim": ["C01", "C02"], "Quote (verbatim)": [
        "<script>alert(1)</script> \x07 bell \ud800", "[x](javascript:alert(1))"],
        "URL": ["https://example.org/a?b=1&c=2", "javascript:alert(1)"]})
    parts = [display.heading("Bottom line"),
             display.paragraph("As C01 and C02 say; C99 is no annex row.", scope=SCOPE),
             display.items([("C01 first", "C02: who")], ordered=True, scope=SCOPE),
             display.table(annex, anchor="Claim", scope=SCOPE)]
    shown = [b for part in parts for b in part.blocks]
    shown.append({"kind": "figure", "svg": "<svg/>", "png": _png(), "alt": "A <chart>",
                  "caption": [{"text": "C01", "claim": "C01"}], "width_in": 2.0})
    shown.append({"kind": "paragraph",
                  "text": [{"text": "no row", "claim": "C99"}, " ",
                           {"text": "bad", "url": "javascript:alert(1)"}]})
    return shown


def test_the_display_helpers_emit_their_blocks_as_data():
    frame = pd.DataFrame({"Claim": ["C01"], "Figure": ["50,000 [C02]"], "Notes": ["C01"]})
    (table,) = display.table(frame, scope=SCOPE, widths={"Figure": "17%"}).blocks
    assert [(c["name"], c["role"], c["width"]) for c in table["columns"]] == [
        ("Claim", "claim_ids", None), ("Figure", "figure", "17%"), ("Notes", "text", None)]
    claim, figure, notes = table["rows"][0]
    assert claim == [{"text": "C01", "claim": "C01"}]
    assert figure == ["50,000 [", {"text": "C02", "claim": "C02"}, "]"]
    assert notes == "C01"  # a text column links nothing, whatever it holds
    assert blocks.plain(figure) == "50,000 [C02]"
    (empty,) = display.table(frame.iloc[:0]).blocks
    assert empty["kind"] == "note" and empty["class"] == "empty"


def test_roles_come_from_one_place():
    assert display.column_role("Claim") == "claim_ids"
    assert display.column_role("Said by") == "claimant"
    assert display.column_role("Since 2024-11-12") == "claim_text"
    assert display.column_role("URL") == "url" and display.column_role("Actor") == "text"
    assert set(display.ROLES.values()) <= set(blocks.ROLES)


def test_a_notebook_reads_back_as_its_blocks():
    nb = new_notebook(cells=[
        new_markdown_cell("## Key figures\nPer measure, see [the site](https://example.org)."),
        new_code_cell("", outputs=[_output(display.paragraph("C01 says", scope=SCOPE))]),
        new_code_cell("", outputs=[new_output("stream", name="stdout", text="printed\n")]),
        new_code_cell("", outputs=[_output(display.paragraph("hidden"))],
                      metadata={"tags": ["remove-cell"]}),
    ])
    shown = read(nb)
    assert [b["kind"] for b in shown] == ["heading", "paragraph", "paragraph", "text"]
    assert shown[0]["text"] == "Key figures" and shown[0]["source"] == "## Key figures"
    assert ("the site", "https://example.org") in blocks.spans(shown[1]["text"])
    assert shown[2]["text"] == [{"text": "C01", "claim": "C01"}, " says"]
    items = from_markdown("1. one\n2. two")[0]
    assert items["ordered"] and [i["text"] for i in items["items"]] == ["one", "two"]


def test_the_word_document_links_land_and_text_stays_text():
    data = to_docx(_shown(), title="Brief <1>", date="2024-11-12")
    document = docx.Document(io.BytesIO(data))
    body = document.element.body
    anchors = {h.get(f"{W}anchor") for h in body.iter(f"{W}hyperlink") if h.get(f"{W}anchor")}
    bookmarks = {b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")}
    assert anchors == {"claim-C01", "claim-C02"} and anchors <= bookmarks
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        c.text for t in document.tables for r in t.rows for c in r.cells)
    # as written; the bell and the lone surrogate, which XML cannot hold, replaced
    assert "<script>alert(1)</script> \ufffd bell \ufffd" in text
    assert "[x](javascript:alert(1))" in text and "no row" in text
    external = [r for p in document.part.package.iter_parts() for r in p.rels.values()
                if r.is_external]
    assert [r.target_ref for r in external] == ["https://example.org/a?b=1&c=2"]
    assert document.tables[0].rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
    assert document.core_properties.title == "Brief <1>"
    assert document.core_properties.created.isoformat().startswith("2024-11-12")
    assert document.paragraphs[0].style.name == "Heading 1"


def test_the_same_blocks_give_the_same_bytes():
    first, second = (to_docx(_shown(), title="T", date="2024-11-12") for _ in range(2))
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        assert {i.date_time[:3] for i in package.infolist()} == {(2024, 11, 12)}
        assert not [n for n in package.namelist() if "thumbnail" in n or "customXml" in n]


def test_a_long_or_odd_target_gets_a_bookmark_word_accepts():
    assert bookmark_name("claim-C01") == "claim-C01"
    odd = bookmark_name("claim-" + "x" * 60)
    assert len(odd) <= 40 and odd.startswith("b_")


def test_the_registry_declares_word_and_the_figure_type_each_format_wants():
    word = formats.get("docx")
    assert word.figures == "png" and not word.default and word.file_name("b") == "b.docx"
    assert formats.get("md").figures == "svg" and "docx" not in formats.DEFAULT_FORMATS
