"""Links in report tables: claim ids to their annex rows, http(s) URLs, note numbers; rows of
the annex carry their ids. Untrusted cells stay escaped text."""

from __future__ import annotations

import pandas as pd
import pytest

from sitrep.model.data.facts import about
from sitrep.views import display

#: What a report's Report holds: the claim ids of its annex (no module state).
SCOPE = display.Scope(claims=frozenset({"C01", "C02"}))


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
    (pd.DataFrame({"First": ["C01"], "Second": ["C02, D01 and 3 more"],
                   "Conservative figure": ["50,000 [C01]"],
                   "Change and flags": ["C01 -> C02: up"]}), {},
     ['><a class="sitrep-claim" href="#claim-C01">C01</a></td>',
      'href="#claim-C02">C02</a>, D01 and 3 more', '50,000 [<a class="sitrep-claim"',
      '<a class="sitrep-claim" href="#claim-C01">C01</a> -&gt; <a'], ['href="#claim-D01"']),
], ids=["claim", "claim-list", "derived-id-unlinked", "escaped", "url", "js-url", "note",
        "anchor", "text-naming-claims", "text-naming-claims-escaped", "pairs-and-reconciliation"])
def test_links(frame, kwargs, kept, gone):
    html = display.table(frame, scope=SCOPE, **kwargs).data
    for text in kept:
        assert text in html
    for text in gone:
        assert text not in html


def test_takeaway_details_link_their_claims():
    html = display.items([("text", "C01: Dagens, no source named · C02: AC01 (hedge: x).")],
                         scope=SCOPE).data
    assert '<a class="sitrep-claim" href="#claim-C01">C01</a>: Dagens' in html
    assert 'href="#claim-C02">C02</a>: AC01' in html and 'href="#claim-AC01"' not in html


def test_item_text_links_its_claims():
    html = display.items([("Conflict appeared: C01 and C02", "")], scope=SCOPE).data
    assert 'appeared: <a class="sitrep-claim" href="#claim-C01">C01</a> and' in html


def test_items_anchor_notes():
    html = display.items([("first", ""), ("second", "d")], ordered=True, anchor="note-").data
    assert '<li id="note-1">' in html and '<li id="note-2">' in html


def test_long_annex_keeps_its_anchors():
    frame = pd.DataFrame({"Claim": [f"C{i:03d}" for i in range(70)]})
    html = display.table(frame, anchor="Claim", limit=60).data
    assert '<tr id="claim-C069">' in html and "Showing the first" not in html


def test_a_cut_table_says_what_it_leaves_out_and_where():
    frame = pd.DataFrame({"Claim": [f"C{i:03d}" for i in range(70)]})
    shown = display.table(frame, limit=60, rest="the annex below holds their claims")
    assert "Showing the first 60 of 70 rows: 10 left out here; the annex below holds their " \
        "claims." in shown.data and "C060" not in shown.data
    assert len(pd.DataFrame({"a": range(display.MAX_ROWS)}).pipe(display.table).text
               .splitlines()) == display.MAX_ROWS + 1  # a real report's table is never cut


def test_cited_claim_is_always_in_the_annex(tmp_path):
    from sitrep.authoring import synthetic
    from sitrep.model.loader import load
    from sitrep.views import annex

    facts = load(synthetic.generate(tmp_path / "data", 1200, places=80, takeaways=10,
                                    actors=20), cache=False)
    cited = annex.brief_citations(facts)
    assert len(cited) > display.MAX_ROWS  # more cited claims than any cap
    scope = display.Scope(claims=frozenset(cited))
    page = "".join(part.data for part in annex.claims(facts, cited, scope=scope))
    assert [c for c in cited if f'<tr id="claim-{c}">' not in page] == []
    assert "Showing the first" not in page
    takeaway_claims = {c for claims in facts.takeaways["claims"] for c in claims}
    assert takeaway_claims and takeaway_claims <= set(cited)


def test_table_carries_the_report_table_style():
    html = display.table(pd.DataFrame({"a": [1]})).data
    assert html.startswith("<style>") and ".jp-Notebook table" in html


def test_empty_section_names_the_active_filters():
    scope = display.Scope(filters="reported up to 2024-11-01; actors Russia only")
    html = display.table(pd.DataFrame({"a": []}), scope=scope).data
    assert "under the active filters (reported up to 2024-11-01; actors Russia only)" in html


def test_credit_line_links_the_reports_claims_and_escapes_the_rest():
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(2, 1))
    try:
        caption = 'Outlet <i>x</i>, \u201cC01 & co\u201d; claims C01, C02 and D01'
        html = display.figure(fig, caption=caption, scope=SCOPE).data
    finally:
        plt.close(fig)
    credit = html[html.index('<p class="sitrep-credit">'):]
    assert "&lt;i&gt;x&lt;/i&gt;" in credit and "<i>" not in credit
    assert 'claims <a class="sitrep-claim" href="#claim-C01">C01</a>, <a' in credit
    assert 'href="#claim-C02">C02</a> and D01' in credit and 'href="#claim-D01"' not in credit


@pytest.mark.parametrize(("subject", "filters", "said"), [
    ("derived figures", "as of 6 March 2031",
     "No derived figures in the data set under the active filters (as of 6 March 2031)."),
    ("measures read as part of another", "",
     "No measures read as part of another in the data set."),
    ("", "", "Nothing recorded in the data set."),
    ("sources (unfiltered)", "as of 6 March 2031", "No sources in the data set."),
], ids=["subject-and-filters", "subject-only", "no-subject", "rows-no-filter-chooses"])
def test_an_empty_table_says_what_is_empty(subject, filters, said):
    scope = display.Scope(filters=filters)
    frame = pd.DataFrame({"a": []})
    if subject:
        unfiltered = subject.endswith(" (unfiltered)")
        frame = about(frame, subject.removesuffix(" (unfiltered)"),
                              filtered=not unfiltered)
    assert display.table(frame, scope=scope).data == f'<p class="sitrep-empty">{said}</p>'
