"""End to end: the template, the documented first step of a new report, runs as committed on the
seed data set and on another shipped one (papermill through the render path's execute step, then
nbconvert), and shows its title and sections; its exploring cells stay out of the page."""

from __future__ import annotations

import re

import nbformat
import pytest

from sitrep import model, paths
from sitrep.pipeline.execute import execute
from sitrep.pipeline.html import report_title, to_html

pytestmark = pytest.mark.e2e

TEMPLATE = paths.NOTEBOOKS / "template.ipynb"
SECTIONS = ["Key takeaways", "Reported figures", "Annex: claims"]
_HEADING_RE = re.compile(r"<h([12])\b[^>]*>(.*?)</h\1>", re.DOTALL)
_TAG_RE = re.compile(r"<[^>]+>")


def _headings(html: str, level: str) -> list[str]:
    return [" ".join(_TAG_RE.sub("", text).replace("¶", "").split())
            for found, text in _HEADING_RE.findall(html) if found == level]


@pytest.fixture(scope="module", params=["", "datasets/red-sea-2023-2024"],
                ids=["seed", "red-sea"])
def executed(request, tmp_path_factory) -> tuple[str, nbformat.NotebookNode]:
    parameters = {"dataset": request.param} if request.param else {}
    return request.param, execute(TEMPLATE, parameters, tmp_path_factory.mktemp("template"))


def test_every_cell_runs(executed):
    _, nb = executed
    errors = [output for cell in nb.cells for output in cell.get("outputs", [])
              if output.get("output_type") == "error"]
    assert errors == []
    code = [cell for cell in nb.cells if cell.cell_type == "code"
            and "injected-parameters" not in cell.metadata.get("tags", [])]
    assert all(cell.execution_count for cell in code)


def test_shows_its_title_and_sections(executed):
    dataset, nb = executed
    facts = model.load(paths.ROOT / dataset if dataset else None)
    title = report_title(nb)
    assert title == f"A new report: {facts.title}"
    html = to_html(nb, title)
    assert _headings(html, "1") == [title]
    assert _headings(html, "2") == SECTIONS  # "Explore (analyst only)" is a remove-cell


def test_each_section_shows_something(executed):
    _, nb = executed
    shown = [bool(cell.outputs) for cell in nb.cells if cell.cell_type == "code"
             and not {"parameters", "injected-parameters", "remove-cell"}
             & set(cell.metadata.get("tags", []))]
    assert shown == [True, True, True, True]  # the title, then one cell per section

