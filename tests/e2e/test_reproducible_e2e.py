"""End to end: the same inputs give the same bytes. The seed brief rendered twice, by two
``sitrep render`` processes, as HTML, PDF and Markdown with its SVG chart: every file the
report publishes is byte for byte the same (render.json records the render's own time and is
left out). What would differ otherwise: matplotlib's random SVG ids, pandas' random table ids,
Chromium's PDF dates."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.e2e

MANIFEST = '[[report]]\nname = "brief"\nnotebook = "brief.ipynb"\nformats = ["html", "pdf", "md"]\n'


def _render(folder: Path, env: dict[str, str]) -> Path:
    manifest = folder / "reports.toml"
    manifest.write_text(MANIFEST, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "sitrep.cli", "render", "--manifest", str(manifest),
         "--out", str(folder / "reports"), "--force", "-j", "1"],
        capture_output=True, text=True, timeout=600, cwd=folder, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return folder / "reports" / "brief"


@pytest.fixture(scope="module")
def renders(tmp_path_factory) -> tuple[Path, Path]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    return (_render(tmp_path_factory.mktemp("first"), env),
            _render(tmp_path_factory.mktemp("second"), env))


def _published(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())
            if p.is_file() and p.name != "render.json"}


def test_two_renders_publish_the_same_bytes(renders):
    first, second = map(_published, renders)
    assert sorted(first) == sorted(second)
    assert {"brief.html", "brief.pdf", "brief.md", "brief-chart-1.svg"} <= set(first)
    differ = [name for name in first if first[name] != second[name]]
    assert not differ, f"differ between two renders of the same inputs: {differ}"


def test_the_pdf_is_dated_by_its_newest_source_not_the_clock(renders):
    reader = PdfReader(renders[0] / "brief.pdf")
    # the seed's one source was published on 10 November 2024
    assert reader.metadata["/CreationDate"] == "D:20241110000000+00'00'"
    assert reader.metadata["/ModDate"] == "D:20241110000000+00'00'"
    assert len(reader.trailer["/ID"]) == 2
    assert '<meta name="dcterms.date" content="2024-11-10"/>' in \
        (renders[0] / "brief.html").read_text(encoding="utf-8")
