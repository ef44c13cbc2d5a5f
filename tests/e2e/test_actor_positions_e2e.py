"""End to end: the actor-positions report rendered for real (papermill, nbconvert, Chromium),
offline, and read back from the PDF."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from sitrep.model import load
from sitrep.views import maps

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def rendered(shared_report) -> Path:
    return shared_report("actor_positions")


def norm(text: str) -> str:
    """Whitespace collapsed, and no break after a hyphen (narrow table cells wrap there)."""
    return re.sub(r"-\s+", "-", re.sub(r"\s+", " ", text))


@pytest.fixture(scope="module")
def pdf_text(rendered) -> str:
    pages = PdfReader(rendered / "actor_positions.pdf").pages
    return norm("\n".join(page.extract_text() for page in pages))


@pytest.fixture(scope="module")
def seed():
    return load()


def test_pdf_names_every_mark_and_place(pdf_text, seed):
    drawn = maps.marks(seed)
    for claim_id in drawn["claim_id"].unique():
        assert re.search(rf"\b{claim_id}\b", pdf_text), claim_id
    for name in seed.places["name"]:
        assert norm(name) in pdf_text, name


@pytest.mark.parametrize("expected", [
    "Crimea is drawn as Ukrainian territory occupied by Russia",
    "GeoNames (geonames.org), CC BY 4.0",
    "Natural Earth (naturalearthdata.com), public domain",
    "Source: Dagens (dagens.com)",
    "the western half, cut at the meridian",          # how the vague place is drawn
    "within 30 km of the border with UA-59",
    "the analyst's reading: UA-14, UA-09, UA-63",
    "reportedly",
    "seeks from",
    "sniper rifles, anti-tank missiles, grenade launchers",
])
def test_pdf_shows_notes_credits_and_how_places_are_drawn(pdf_text, expected):
    assert norm(expected) in pdf_text


def test_pdf_quotes_every_stance_and_exchange(pdf_text, seed):
    quoted = set(seed.stances["claim_id"]) | set(seed.relations["claim_id"])
    quotes = seed.claims.set_index("claim_id")["quote"]
    for claim_id in sorted(quoted):
        assert norm(quotes[claim_id]) in pdf_text, claim_id


@pytest.mark.parametrize(("name", "credit"), [
    ("actor_positions", "Source: Dagens (dagens.com)"),
    # a sea running north to south: a tall map, held to the page with the title
    ("actor_positions-red-sea", "Source: "),
])
def test_map_and_its_credit_fit_the_first_page(shared_report, name, credit):
    first = norm(PdfReader(shared_report(name) / f"{name}.pdf").pages[0].extract_text())
    assert "Where each actor is" in first
    assert "Who (colour, pattern)" in first  # the map's legend, drawn as text
    assert credit in first and "CC BY 4.0" in first


def test_html_is_offline_and_has_no_code(rendered):
    html_text = (rendered / "actor_positions.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html_text)
    for leaked in ("from sitrep import", "injected-parameters", "Explore (analyst only)"):
        assert leaked not in html_text


def test_parameters_actors_and_extent(shared_report):
    """actors=nk_forces, extent=33,50,39,53 (conftest.SHARED_REPORTS)."""
    name = "actor_positions-nk-forces"
    html_text = (shared_report(name) / f"{name}.html").read_text("utf-8")
    credit = re.sub(r"<[^>]+>", "", html_text)  # the credit line's claim ids are links
    assert "claims C01, C10, C25" in credit  # the map's credit names only NK marks
    assert 'href="#claim-C25">C25</a>' in html_text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_map_names_are_text_in_the_pdf(rendered):
    """The map's town names are text in the PDF (pdftotext finds them), not glyph outlines:
    the claims' towns and the orientation towns, halo and all."""
    result = subprocess.run(["pdftotext", str(rendered / "actor_positions.pdf"), "-"],
                            capture_output=True, text=True, timeout=120, check=True)
    for name in ("Sudzha", "Korenevo", "Pokrovsk", "Kurakhove"):
        assert name in result.stdout, name
