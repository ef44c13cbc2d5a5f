"""Links in report tables: claim ids to their annex rows, http(s) URLs, note numbers; rows of
the annex carry their ids. Untrusted cells stay escaped text."""

from __future__ import annotations

import pandas as pd
import pytest

from sitrep.views import display


@pytest.fixture(autouse=True)
def _known_claims():
    display.title("T", claims=["C01", "C02"])  # what a report's first cell does
    yield
    display.title("T")


@pytest.mark.parametrize(("frame", "kwargs", "kept", "gone"), [
    (pd.DataFrame({"Claim": ["C01"], "Text": ["x"]}), {},
     ['<a class="sitrep-claim" href="#claim-C01">C01</a>'], []),
    (pd.DataFrame({"Claims": ["C01, C02", "none"]}), {},
     ['href="#claim-C01"', 'href="#claim-C02"'], ['href="#claim-none"']),
    (pd.DataFrame({"Claim": ["D01"]}), {}, [">D01<"], ['href="#claim-D01"']),
    (pd.DataFrame({"Claim": ["<b>C01</b>"]}), {}, ["&lt;b&gt;"], ["<b>"]),
    (pd.DataFrame({"URL": ["https://example.org/a?b=1&c=2"]}), {},
     ['<a href="https://example.org/a?b=1&amp;c=2">'], []),
    (pd.DataFrame({"URL": ["javascript:alert(1)"]}), {}, ["javascript:alert(1)"], ["<a "]),
    (pd.DataFrame({"Issue": ["x"], "Russia": ["seeks [2]"]}), {"note_links": True},
     ['<a href="#note-2">[2]</a>'], []),
    (pd.DataFrame({"Claim": ["C01", "C02"], "Quote": ["a", "b"]}), {"anchor": "Claim"},
     ['<tr id="claim-C01">', '<tr id="claim-C02">'], []),
    (pd.DataFrame({"Before": ["50,000 [C01] (Nov 2024)"], "Pair": ["C01 and C02"],
                   "Reading": ["12,000 [C02] and 11,000 [D01] leave no common value"]}), {},
     ['50,000 [<a class="sitrep-claim" href="#claim-C01">C01</a>] (Nov 2024)',
      'href="#claim-C01">C01</a> and <a class="sitrep-claim" href="#claim-C02">C02</a>',
      '12,000 [<a class="sitrep-claim" href="#claim-C02">C02</a>]'], ['href="#claim-D01"']),
    (pd.DataFrame({"Superseded by": ["<C01> C02"]}), {},
     ["&lt;C01&gt;", 'href="#claim-C02"'], ["<C01>"]),
], ids=["claim", "claim-list", "derived-id-unlinked", "escaped", "url", "js-url", "note",
        "anchor", "text-naming-claims", "text-naming-claims-escaped"])
def test_links(frame, kwargs, kept, gone):
    html = display.table(frame, **kwargs).data
    for text in kept:
        assert text in html
    for text in gone:
        assert text not in html


def test_takeaway_details_link_their_claims():
    html = display.items([("text", "C01: Dagens, no source named · C02: AC01 (hedge: x).")]).data
    assert '<a class="sitrep-claim" href="#claim-C01">C01</a>: Dagens' in html
    assert 'href="#claim-C02">C02</a>: AC01' in html and 'href="#claim-AC01"' not in html


def test_item_text_links_its_claims():
    html = display.items([("Conflict appeared: C01 and C02", "")]).data
    assert 'appeared: <a class="sitrep-claim" href="#claim-C01">C01</a> and' in html


def test_items_anchor_notes():
    html = display.items([("first", ""), ("second", "d")], ordered=True, anchor="note-").data
    assert '<li id="note-1">' in html and '<li id="note-2">' in html


def test_long_annex_keeps_its_anchors():
    frame = pd.DataFrame({"Claim": [f"C{i:03d}" for i in range(70)]})
    html = display.table(frame, anchor="Claim", limit=60).data
    assert '<tr id="claim-C059">' in html and "Showing the first 60 of 70 rows" in html


def test_table_carries_the_report_table_style():
    html = display.table(pd.DataFrame({"a": [1]})).data
    assert html.startswith("<style>") and ".jp-Notebook table" in html


def test_empty_section_names_the_active_filters():
    display.title("T", filters="reported up to 2024-11-01; actors russia only")
    html = display.table(pd.DataFrame({"a": []})).data
    assert "under the active filters (reported up to 2024-11-01; actors russia only)" in html
