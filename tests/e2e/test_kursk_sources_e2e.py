"""End to end: the multi-source data set (datasets/kursk-2024-sources) renders its brief, its
force sizes and a changes report through the shipped manifest, and the PDFs read back with the
reconciliation, the origins, the traps and what changed."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from pypdf import PdfReader

from sitrep import paths
from sitrep.model import load
from sitrep.model.analysis import quantity, reconcile

pytestmark = pytest.mark.e2e
DATASET = paths.ROOT / "datasets" / "kursk-2024-sources"
REPORTS = ["brief-kursk-sources", "force_sizes-kursk-sources",
           "changes-kursk-sources-to-2024-11-30"]


@pytest.fixture(scope="module")
def texts(tmp_path_factory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("kursk") / "reports"
    result = subprocess.run(
        [sys.executable, "-m", "sitrep.cli", "render", *REPORTS, "--format", "pdf", "--out",
         str(out)], capture_output=True, text=True, timeout=600, cwd=out.parent)
    assert result.returncode == 0, result.stderr
    found = {}
    for name in REPORTS:
        pages = PdfReader(out / name / f"{name}.pdf").pages
        text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pages))
        found[name] = re.sub(r"([–−→]) (?=\d)", r"\1", text)
    return found


@pytest.mark.parametrize(("report", "expected"), [
    ("brief-kursk-sources", "Situation brief: Kursk, October-November 2024"),
    ("brief-kursk-sources", "What changed"),
    ("brief-kursk-sources", "Since the edition of 2024-11-12"),
    ("brief-kursk-sources", "(text not held) paraphrase:"),
    ("brief-kursk-sources", "Republishes"),  # MENAFN republishes the agency's story
    ("force_sizes-kursk-sources", "8 figures, 1 independent origin"),
    ("force_sizes-kursk-sources", "rest on one origin (US and Ukrainian officials speaking to"),
    ("force_sizes-kursk-sources", "every firm figure allows: 50,000"),
    ("force_sizes-kursk-sources", "Conservative figure"),
    ("force_sizes-kursk-sources", "K21 and K18 meet only at their bound"),
    ("force_sizes-kursk-sources", "50,000 [K21] → about 59,000 [K23]: rise"),
    ("force_sizes-kursk-sources", "different status: present count vs planned"),
    ("force_sizes-kursk-sources", "proposed 6: truth cannot be judged"),
    ("force_sizes-kursk-sources", "Russian troops held down in Kursk by the Ukrainian operation"),
    ("force_sizes-kursk-sources", "6 Aug 2024 to 11 Oct 2024"),
    ("changes-kursk-sources-to-2024-11-30", "What changed: Kursk"),
    ("changes-kursk-sources-to-2024-11-30", "17 new claims since 2024-11-12"),
    ("changes-kursk-sources-to-2024-11-30", "Conflict appeared: K09 and K24"),
    ("changes-kursk-sources-to-2024-11-30", "may have been published after it"),
    ("changes-kursk-sources-to-2024-11-30", "Takeaway added: T5"),
])
def test_report_reads_back(texts, report, expected):
    assert expected in texts[report]


def test_no_flag_names_one_claim_twice(texts):
    """Every 'X and Y' pair named in the force sizes report names two different claims."""
    pairs = re.findall(r"\b(K\d\d) and (K\d\d)\b", texts["force_sizes-kursk-sources"])
    assert pairs and all(a != b for a, b in pairs)


def test_reference_date_is_not_the_publication_date():
    """'about 11,000' in a copy published on or after 10 November refers to 4 November."""
    figures = quantity.figures(load(DATASET)).set_index("claim_id")
    assert figures.at["K11", "reference"] == "4 Nov 2024"
    assert figures.at["K11", "published"] == "Nov 2024 (inferred)"
    pair = reconcile.pairs(quantity.figures(load(DATASET)))
    k11 = pair[pair[["first", "second"]].apply(set, axis=1) == {"K11", "K12"}]
    assert k11["verdict"].tolist() == ["agree within tolerance"]


def test_the_two_fifty_thousands_are_different_measures():
    figures = quantity.figures(load(DATASET)).set_index("claim_id")
    assert figures.at["K01", "measure_id"] == "troops_massed_kursk"
    assert figures.at["K21", "measure_id"] == "russian_troops_held_kursk"
    assert figures.at["K18", "figure"] == "nearly 50,000"
    assert pd_isnan(figures.at["K18", "lo"]) and figures.at["K18", "hi"] == 50000


def pd_isnan(value: float) -> bool:
    return value != value
