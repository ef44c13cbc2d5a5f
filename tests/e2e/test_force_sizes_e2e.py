"""End to end: the force-size report for the seed and, by changing only the data set
parameter, for the fictional multi-source data set."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import published
from pypdf import PdfReader

from sitrep import paths
from sitrep.model import load

pytestmark = pytest.mark.e2e
FICTIONAL = paths.ROOT / "tests" / "data" / "fictional"


def _render(out: Path, *parameters: str) -> str:
    args = [a for p in parameters for a in ("-p", p)]
    result = subprocess.run(
        [sys.executable, "-m", "sitrep.cli", "render", "force_sizes", "--out", str(out), *args],
        capture_output=True, text=True, timeout=300, cwd=out,
    )
    assert result.returncode == 0, result.stderr
    assert published(out, "force_sizes", "html").is_file()
    return _read(published(out, "force_sizes", "pdf"))


#: Every shipped data set: the seed, the fictional one and each folder of datasets/.
SHIPPED = {"seed": paths.DATA, "fictional": FICTIONAL,
           **{d.name: d for d in sorted((paths.ROOT / "datasets").glob("*/"))
              if (d / "facts").is_dir()}}
_TEXTS: dict[str, str] = {}


#: The shared render (conftest.SHARED_REPORTS) of each shipped data set's force sizes.
SHARED = {"seed": "force_sizes", "fictional": "force_sizes-fictional",
          **{name: f"force_sizes-{name}" for name in SHIPPED if name not in ("seed", "fictional")}}


def _read(pdf: Path) -> str:
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(pdf).pages))
    return re.sub(r"([–−]) (?=\d)", r"\1", text)  # a range may wrap after its dash in a narrow cell


def _text_of(name: str, shared_report) -> str:
    """The force-size PDF's text for a shipped data set, from the run's shared renders."""
    if name not in _TEXTS:
        report = SHARED[name]
        _TEXTS[name] = _read(shared_report(report) / f"{report}.pdf")
    return _TEXTS[name]


@pytest.fixture(scope="module")
def seed_text(shared_report) -> str:
    return _text_of("seed", shared_report)


@pytest.fixture(scope="module")
def fictional_text(shared_report) -> str:
    return _text_of("fictional", shared_report)


@pytest.mark.parametrize("name", list(SHIPPED))
def test_every_quantity_of_every_shipped_data_set_is_in_the_pdf(name, shared_report):
    """Whatever its claim's kind or unit, every figure appears, tagged with its claim id."""
    text = _text_of(name, shared_report)
    facts = load(SHIPPED[name])
    missing = sorted(set(facts.quantities["claim_id"]) - set(re.findall(r"[A-Za-z0-9_.-]+",
                                                                          text)))
    assert not missing, f"{name}: claims whose figures the PDF does not show: {missing}"
    assert "figures of the data set are shown" in text or "figures are not shown" in text


@pytest.mark.parametrize("expected", [
    "Force sizes: Kursk, November 2024",
    "estimated over 10,000",
    "more than 10,000,",
    "one source states it differently: C09 ‘estimated over 10,000’ vs C27 ‘estimated 10,000’",
    "under 40,000",
    "50,000 [C01] − estimated over 10,000 [C09] = less than 40,000",
    "No source or claim is graded in this data set",
    "Source: Dagens (dagens.com)",
])
def test_seed_report(seed_text, expected):
    assert expected in seed_text


@pytest.mark.parametrize("expected", [
    "Force sizes: Veldoria and Castrovia (a fictional test crisis)",
    "6 claims from 4 sources",
    "15,000–20,000",
    "up to 25,000 (may)",
    "nearly 30,000 (estimates)",
    "F01 and F05 disagree (no common value)",
    "12,000 to 20,000",
    "series",
    "(text not held) paraphrase:",  # the claims annex: a source whose text is not held
    "D: not usually reliable",
    "week of 15 Mar 2031 (inferred)",
])
def test_fictional_report_through_the_same_notebook(fictional_text, expected):
    assert expected in fictional_text


def test_min_grade_is_stated_and_applied(shared_report):
    text = _read(shared_report("force_sizes-fictional-c3") / "force_sizes-fictional-c3.pdf")
    assert "Figures shown only where graded C3 or better" in text
    # What the filter leaves out is counted and named, once, before the charts ...
    note = re.search(r"3 of 5 figures are not shown \(graded below C3, or ungraded\): "
                     r"([^.]*)\.", text)
    assert note and set(note[1].split(", ")) == {"F04", "F05", "F06"}
    # ... and appears nowhere else up to the grade register, which lists every grade.
    figures_part = text[note.end():].split("Admiralty grading:")[0]
    assert "F06" not in figures_part  # ungraded: left out of every chart and table
    assert "F05" not in figures_part  # graded D4, below C3
    assert "F01" in figures_part and "F03" in figures_part


def test_each_empty_section_says_what_is_empty_once(tmp_path):
    """As of 6 March 2031 the fictional data set has no derived figure and no measure read as
    part of another: each says so once, in its own words, not a generic sentence twice."""
    text = _render(tmp_path, f"dataset={FICTIONAL}", "as_of=2031-03-06")
    relate = text.split("How the figures relate")[1].split("Reconciliation")[0]
    said = re.findall(r"No [a-z ]+[^.]*\.", relate)
    assert "No measure is recorded as part of another." in said
    assert "No figure is derived from others." in said
    assert len(said) == len(set(said)) and "Nothing recorded" not in text


def _annexed(html_text: str) -> set[str]:
    return set(re.findall(r'<tr id="claim-([^"]+)"', html_text))


@pytest.mark.parametrize(("report", "dataset", "min_grade"), [
    ("force_sizes", paths.DATA, ""),
    ("force_sizes-fictional", FICTIONAL, ""),
    ("force_sizes-fictional-c3", FICTIONAL, "C3"),  # the filter narrows the annex too
])
def test_annex_lists_exactly_the_claims_the_report_cites(shared_report, report, dataset,
                                                         min_grade):
    """The annex lists the claims of the figures shown (and the inputs of derived ones): not
    the data set's other claims, not the figures a filter leaves out."""
    from sitrep.model.analysis import quantity

    folder = shared_report(report)
    facts = load(dataset)
    shown = quantity.figures(facts, kinds=None, min_grade=min_grade)
    inputs = {c for inputs in facts.derived["inputs"] for c in inputs
              if c in set(shown["claim_id"])} if len(shown) else set()
    expected = (set(shown["claim_id"]) | inputs) & set(facts.claims["claim_id"])
    listed = _annexed((folder / f"{report}.html").read_text(encoding="utf-8"))
    assert listed == expected
    assert len(listed) < len(facts.claims)  # the data set's stances, events etc. stay out


@pytest.mark.parametrize("report", ["force_sizes", "force_sizes-fictional"])
def test_summary_and_key_figures_open_the_report(shared_report, report):
    """'In short' and the key figures are on page 1, before the first chart's section."""
    first = PdfReader(shared_report(report) / f"{report}.pdf").pages[0].extract_text()
    assert "In short" in first and "Key figures" in first and "Who says" in first
    assert first.index("In short") < first.index("Key figures") < first.index("Who says")
