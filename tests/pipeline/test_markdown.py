"""The Markdown format: the report's text, pipe tables, charts as SVG files beside the .md, and
text from a data set that stays text (never HTML, a link or a heading in the Markdown)."""

from __future__ import annotations

import re
import subprocess
import sys

import matplotlib
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from sitrep import paths
from sitrep.pipeline import formats, manifest
from sitrep.pipeline.markdown import to_markdown
from sitrep.views import display

matplotlib.use("agg")


def _notebook(*html: str, tags: list[str] | None = None):
    cells = [new_code_cell("", outputs=[new_output("display_data", data={"text/html": h})])
             for h in html]
    if tags is not None:
        cells[-1].metadata["tags"] = tags
    return new_notebook(cells=cells)


def _cell_text(markdown: str) -> str:
    """The table's body rows (after the header and its rule)."""
    lines = markdown.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("| ---"))
    return "\n".join(line for line in lines[rule + 1:] if line.startswith("|"))


# Each hostile cell value, and what must not appear unescaped in the Markdown.
@pytest.mark.parametrize(("value", "forbidden"), [
    ("<script>alert(1)</script>", r"(?<!\\)<script"),
    ("<img src=x onerror=alert(1)>", r"(?<!\\)<img"),
    ("[click](javascript:alert(1))", r"(?<!\\)\[click(?<!\\)\]"),
    ("a | b", r"a (?<!\\)\| b"),
    ("&lt;b&gt; &amp;", r"(?<!\\)&lt;"),
    ("*bold* _em_", r"(?<!\\)\*bold"),
    ("`code` ``", r"(?<!\\)`code"),
    ("<!-- hidden -->", r"(?<!\\)<!--"),
], ids=["script", "img_handler", "javascript_link", "pipe_in_cell", "entity", "emphasis",
        "backticks", "html_comment"])
def test_text_from_a_data_set_stays_text_in_markdown(value, forbidden):
    frame = pd.DataFrame({"Claim": ["C01"], "Quote (verbatim)": [value]})
    markdown, charts = to_markdown(_notebook(display.table(frame).data), "brief")
    rows = _cell_text(markdown)
    assert rows.startswith("| C01 |"), markdown
    assert rows.count("\n") == 0 and len(re.findall(r"(?<!\\)\|", rows)) == 3, rows
    assert not re.search(forbidden, markdown), markdown
    assert charts == {}


@pytest.mark.parametrize(("href", "link"), [
    ("https://example.org/a(b) c", "[source](https://example.org/a%28b%29%20c)"),
    ("#claim-C01", None),
    ("mailto:desk@example.org", "[source](mailto:desk@example.org)"),
], ids=["external_url_encoded", "in_page_link_keeps_text", "mailto"])
def test_links_keep_safe_targets_only(href, link):
    markdown, _ = to_markdown(_notebook(f'<p><a href="{href}">source</a></p>'), "r")
    if link is None:
        assert markdown.strip() == "source"
    else:
        assert link in markdown


def test_a_chart_becomes_an_svg_file_beside_the_markdown():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.bar([1, 2], [3, 4])
    html = display.figure(fig, caption="Source: officials [C01]", alt="Troops <by> actor").data
    plt.close(fig)
    markdown, charts = to_markdown(_notebook("<h1>Title</h1>", html), "brief")
    assert list(charts) == ["brief-chart-1.svg"]
    assert charts["brief-chart-1.svg"].startswith("<svg")
    assert "<script" not in charts["brief-chart-1.svg"]
    assert "![Troops \\<by\\> actor](brief-chart-1.svg)" in markdown
    assert markdown.startswith("# Title\n")
    assert "Source: officials \\[C01\\]" in markdown


def test_removed_cells_and_outputs_stay_out():
    nb = _notebook("<p>shown</p>", "<p>hidden</p>", tags=["remove-cell"])
    nb.cells.append(new_markdown_cell("## A heading the notebook wrote"))
    markdown, _ = to_markdown(nb, "r")
    assert "shown" in markdown and "hidden" not in markdown
    assert "## A heading the notebook wrote" in markdown


def test_the_seed_brief_asks_for_markdown():
    brief = next(e for e in manifest.load() if e.name == "brief")
    assert "md" in brief.formats and "md" in formats.FORMATS


@pytest.mark.parametrize(("options", "expected"), [
    ([], ("html", "pdf", "md")),  # no --format: what the manifest declares
    (["--format", "md"], ("md",)),
    (["--format", "pdf,md"], ("pdf", "md")),
    (["--format", "ipynb"], ("ipynb",)),  # one the entry does not declare: asked for, given
])
def test_render_without_format_keeps_the_formats_each_report_declares(options, expected):
    from sitrep import cli

    args = cli.build_parser().parse_args(["render", "brief", *options])
    chosen = cli._choose(args, manifest.load())
    assert chosen is not None and [e.formats for e in chosen] == [expected]


@pytest.mark.e2e
def test_the_seed_brief_renders_to_markdown_that_reads_back(tmp_path):
    """The manifest's brief rendered for real, its .md read back: the title, a key takeaway
    with its claim id, a pipe table, a chart linked to an SVG file that exists."""
    out = tmp_path / "reports"
    result = subprocess.run(
        [sys.executable, "-m", "sitrep.cli", "render", "brief", "--format", "md", "--force",
         "--out", str(out)], capture_output=True, text=True, timeout=600, cwd=paths.ROOT)
    assert result.returncode == 0, result.stderr
    folder = out / "brief"
    markdown = (folder / "brief.md").read_text(encoding="utf-8")
    assert re.match(r"# \S.*", markdown), markdown[:200]
    takeaways = markdown.split("## Key takeaways", 1)[1].split("\n## ", 1)[0]
    # A takeaway, then the claims it rests on: "C01: Dagens, no source named · ..."
    claims = r"[A-Z]+\d+(, [A-Z]+\d+)*"  # ids sharing a claimant are grouped: "C01, C02: ..."
    assert re.search(rf"^1\. \w.*\n +{claims}: \w", takeaways, re.MULTILINE), takeaways
    assert re.search(r"^\| --- \| --- \|", markdown, re.MULTILINE)
    charts = re.findall(r"!\[[^\]]*\]\((brief-chart-\d+\.svg)\)", markdown)
    assert charts and all((folder / c).is_file() for c in charts)
    assert (folder / charts[0]).read_text(encoding="utf-8").startswith("<svg")
