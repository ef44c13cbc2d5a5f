"""Everything a report cites is in it: every claim link of every shipped report, and of the
reports of a synthetic data set of 300 claims and 80 places, lands on an element with its id
(HTML, parsed with html.parser), and the synthetic brief's PDF keeps a named destination for
every internal link (read back with pypdf)."""

from __future__ import annotations

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from sitrep import paths
from sitrep.authoring import synthetic

pytestmark = pytest.mark.e2e


class _Links(HTMLParser):
    """The ids of a page and the claim links in it (HTML ``href`` and SVG ``xlink:href``)."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        target = found.get("href") or found.get("xlink:href") or ""
        if target.startswith("#claim-"):
            self.links.append(target[1:])

    handle_startendtag = handle_starttag


def without_target(page: Path) -> list[str]:
    """The claim links of ``page`` that land on no element."""
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return sorted({link for link in parser.links if link not in parser.ids})


def _render(out: Path, *args: str, env: dict[str, str] | None = None) -> None:
    result = subprocess.run([sys.executable, "-m", "sitrep.cli", "render", "--out", str(out),
                             "--force", "--jobs", "1", *args], capture_output=True, text=True,
                            timeout=1200, cwd=paths.ROOT, env=env)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


@pytest.fixture(scope="module")
def shipped(shared_report) -> Path:
    """The reports the suite renders once (conftest.SHARED_REPORTS: every shipped data set's
    brief or force sizes and actor positions), never a copy of their own."""
    return shared_report("brief").parent


@pytest.fixture(scope="module")
def synthetic_reports(tmp_path_factory) -> Path:
    """The brief (HTML and PDF), the force sizes and the actor positions of a synthetic data
    set of 300 claims, 80 places and 10 key takeaways."""
    work = tmp_path_factory.mktemp("synthetic")
    data = synthetic.generate(work / "data", 300, places=80, takeaways=10, actors=20)
    out = work / "reports"
    env = {**os.environ, "SITREP_DATA_ROOTS": str(work)}
    _render(out, "brief", "-p", f"dataset={data}", "--format", "html,pdf", env=env)
    _render(out, "force_sizes", "actor_positions", "-p", f"dataset={data}", "--format", "html",
            env=env)
    return out


def test_no_link_without_target_at_any_size(shipped, synthetic_reports):
    pages = sorted(shipped.glob("*/*.html")) + sorted(synthetic_reports.glob("*/*.html"))
    assert len(pages) >= 15, pages
    missing = {page.name: without_target(page) for page in pages}
    assert any("synthetic" in str(page) for page in pages)
    assert {name: links for name, links in missing.items() if links} == {}
    # The PDF keeps the targets: every internal link's destination is a named one.
    pdf = next(synthetic_reports.glob("brief.*/*.pdf"))
    reader = PdfReader(pdf)
    names = {str(name).lstrip("/") for name in reader.named_destinations}
    dests = [str(annotation.get_object()["/Dest"]).lstrip("/")
             for page in reader.pages for annotation in page.get("/Annots") or []
             if annotation.get_object().get("/Dest") is not None]
    assert any(d.startswith("claim-") for d in dests)
    assert sorted({d for d in dests if d not in names}) == []
