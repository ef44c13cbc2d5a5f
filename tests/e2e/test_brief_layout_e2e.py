"""End to end: every shipped data set's brief, rendered for real and read back: its body (bottom
line, key figures, takeaways, map, what changed) ends by page 2, each key figure is dated by the
time it refers to, and its claims annex lists exactly the claims the brief cites."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest

from sitrep import paths
from sitrep.model import load
from sitrep.model.analysis import quantity

pytestmark = pytest.mark.e2e

#: Every shipped data set and the shared report that renders its brief (tests/conftest.py).
BRIEFS = {"brief": paths.DATA,
          "brief-kursk-sources": paths.ROOT / "datasets" / "kursk-2024-sources",
          "brief-eastern-drc": paths.ROOT / "datasets" / "eastern-drc-2024-2025",
          "brief-fictional": paths.ROOT / "tests" / "data" / "fictional",
          "brief-red-sea": paths.ROOT / "datasets" / "red-sea-2023-2024"}
ANNEX = "Annex A: claims, claimants and relays"


def pages(pdf: Path) -> list[str]:
    """The text of each page of a PDF (pdftotext, layout kept line by line)."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def heading_page(texts: list[str], heading: str) -> int:
    """The 1-based page on which a line reading exactly ``heading`` first appears (0: none)."""
    for number, text in enumerate(texts, start=1):
        if any(line.strip() == heading for line in text.splitlines()):
            return number
    return 0


def _cells(row: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, flags=re.S)]


def key_figure_rows(page: str) -> list[dict[str, str]]:
    """The key-figures tables of a rendered brief (the summary's, and the rows it leaves to
    "Key figures, continued" in the evidence) as {column: cell} per row."""
    found = []
    for part in page.split('class="sitrep-key-figures"')[1:]:
        rows = re.findall(r"<tr[^>]*>(.*?)</tr>", part.split("</table>", 1)[0], flags=re.S)
        header, *body = (_cells(r) for r in rows)
        found += [dict(zip(header, cells, strict=True)) for cells in body]
    return found


@pytest.fixture(scope="module", params=list(BRIEFS))
def brief(request, shared_report):
    name = request.param
    folder = shared_report(name)
    return name, pages(folder / f"{name}.pdf"), (folder / f"{name}.html").read_text("utf-8")


def test_brief_body_ends_by_page_two(brief):
    """The evidence part starts on its own page, at the latest page 3; the key figures are on
    page 1, so a reader of page 1 alone has every measure's best figure."""
    name, texts, _ = brief
    evidence = heading_page(texts, "Evidence")
    assert 2 <= evidence <= 3, f"{name}: the Evidence heading is on page {evidence}"
    assert heading_page(texts, "Key figures") == 1, name


def test_every_key_figure_row_is_dated_by_its_reference(brief):
    name, _, page = brief
    figures = quantity.figures(load(BRIEFS[name]), kinds=None)
    refers = dict(zip(figures["claim_id"], figures["reference"], strict=True))
    rows = key_figure_rows(page)
    measures = figures["measure_id"].nunique()
    named = [r for r in rows if r["Measure"]]  # a contested measure's further lines name none
    assert len(named) == measures, f"{name}: {len(named)} key figures, {measures} measures"
    for row in rows:
        if row["Who says"] == "the analyst's assessment":
            continue  # an assessment is no claim: it refers to its own time
        found = re.search(r"\[([A-Za-z0-9_.-]+)\]", row["Figure"])
        if found and found[1] in refers:
            assert row["Refers to"] == refers[found[1]], (name, row)


def test_annex_lists_exactly_the_claims_the_brief_cites(brief):
    """The claim ids the brief shows before its claims annex (key figures, takeaways, map,
    figures, positions) are the annex's rows, no more and no fewer."""
    name, texts, page = brief
    known = set(load(BRIEFS[name]).claims["claim_id"])
    before = "\n".join(texts).split(ANNEX)[0]
    cited = known & set(re.findall(r"[A-Za-z0-9][A-Za-z0-9_.-]*", before))
    listed = set(re.findall(r'<tr id="claim-([^"]+)"', page))
    assert listed == cited, f"{name}: annex only {listed - cited}; cited only {cited - listed}"
