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


def _output(shown):
    """A display_data output as a kernel publishes it: a display helper's output with its
    blocks in the metadata, or a string as another library's HTML (no blocks)."""
    if isinstance(shown, str):
        return new_output("display_data", data={"text/html": shown})
    data, metadata = shown._repr_mimebundle_()
    return new_output("display_data", data=data, metadata=metadata)


def _notebook(*shown, tags: list[str] | None = None):
    cells = [new_code_cell("", outputs=[_output(s)]) for s in shown]
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
    shown = display.table(frame)
    for given in (shown, shown.data):  # its blocks; the HTML alone, as another library's
        markdown, charts = to_markdown(_notebook(given), "brief")
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
    shown = display.figure(fig, caption="Source: officials [C01]", alt="Troops <by> actor")
    plt.close(fig)
    for title, given in ((display.heading("Title", 1), shown), ("<h1>Title</h1>", shown.data)):
        markdown, charts = to_markdown(_notebook(title, given), "brief")
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


# -- the payload matrix: markup in data reads as written on GitHub and in Jupyter --------------

#: (attack, the text a data set gives): each must read exactly as written, in every place the
#: Markdown shows data (a table cell, a paragraph, a heading, a list item).
PAYLOADS = [
    ("inline_maths", "$x^2$"),
    ("display_maths", "$$\\int_0^1 f(x) dx$$"),
    ("dollar_amounts", "it cost $200 and then $300"),
    ("latex_paren_maths", "\\(x^2\\)"),
    ("latex_bracket_maths", "\\[x^2\\]"),
    ("doubled_backslash_maths", "\\\\(x^2\\\\)"),
    ("latex_environment", "\\begin{equation}x^2\\end{equation}"),
    ("escaped_dollar", "\\$x^2\\$"),
    ("dollar_entity", "&#36;x^2&#x24;"),
    ("jupyter_maths_placeholder", "@@0@@ and @@1@@"),
    ("emphasis", "*bold* _em_ **strong** __under__"),
    ("code_span", "`code` ``x``"),
    ("inline_link", "[click](javascript:alert(1))"),
    ("image", "![x](https://example.org/t.png)"),
    ("reference_link", "[x][1] [1]: javascript:alert(1)"),
    ("autolink", "<https://evil.example>"),
    ("raw_html", "<script>alert(1)</script>"),
    ("html_comment", "<!-- hidden -->"),
    ("entities", "&lt;b&gt; &amp; &copy;"),
    ("pipe", "a | b"),
    ("heading", "# heading #"),
    ("strikethrough", "~~gone~~ ~one~"),
    ("bullet", "- item"),
    ("plus_bullet", "+ item"),
    ("numbered_item", "1. item"),
    ("numbered_item_paren", "2) item"),
    ("quote", "> quoted"),
    ("setext_underline", "==="),
    ("thematic_break", "***"),
    ("footnote", "[^1] note"),
    ("email_autolink", "desk@example.org"),
    ("backslashes", "C:\\path\\to\\x"),
]
IDS = [name for name, _ in PAYLOADS]


class _Text(__import__("html.parser").parser.HTMLParser):
    """The text of rendered HTML, and every tag in it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text, self.tags, self._code = "", [], 0
        self.outside_code = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._code += tag == "code"

    def handle_endtag(self, tag):
        self._code -= tag == "code"

    def handle_data(self, data):
        self.text += data
        if not self._code:
            self.outside_code += data


def _rendered(markdown: str) -> _Text:
    from markdown_it import MarkdownIt

    parser = _Text()
    parser.feed(MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown))
    return parser


#: Jupyter's split of Markdown into text and maths (@jupyterlab/rendermime, latex.ts), after it
#: hides code spans: any of these tokens outside a code span starts maths or a placeholder.
_JUPYTER_MATHS = re.compile(r"\$\$?|\\(?:begin|end)\{[a-z]*\*?\}|@@\d+@@|\\\\[()[\]]", re.I)


def _assert_reads_as_written(markdown: str, payload: str, parent: str) -> None:
    outside = re.sub(r"`[$\\]+`", "", markdown)  # the code spans sitrep writes
    assert not _JUPYTER_MATHS.search(outside), markdown  # Jupyter: no maths, no placeholder
    assert "$" not in outside, markdown  # GitHub: no maths
    rendered = _rendered(markdown)
    # MathJax reads the rendered page again (inline $ and \( ; display $$ and \[)
    assert not re.search(r"\$|\\[([]|\\begin", rendered.outside_code), rendered.outside_code
    assert set(rendered.tags) <= {parent, "p", "code", "table", "thead", "tbody", "tr", "th",
                                  "td", "ul", "ol", "li", "br", "h2", "small"}, rendered.tags
    assert payload in rendered.text, (markdown, rendered.text)


def _row(markdown: str) -> str:
    return _cell_text(markdown).split(" | ", 1)[1]


@pytest.mark.parametrize("payload", [p for _, p in PAYLOADS], ids=IDS)
def test_markup_in_a_table_cell_reads_as_written(payload):
    frame = pd.DataFrame({"Claim": ["C01"], "Quote (verbatim)": [payload]})
    shown = display.table(frame)
    for markdown in (to_markdown(_notebook(shown), "brief")[0],
                     to_markdown(_notebook(shown.data), "brief")[0], shown.markdown):
        rendered = _rendered(markdown)
        assert rendered.tags.count("td") == 2, markdown  # the pipe split no cell
        _assert_reads_as_written(markdown, payload, "td")


@pytest.mark.parametrize("payload", [p for _, p in PAYLOADS], ids=IDS)
def test_markup_in_a_paragraph_heading_or_list_reads_as_written(payload):
    for shown, parent in ((display.paragraph(payload), "p"), (display.heading(payload), "h2"),
                          (display.items([(payload, payload)]), "li")):
        for given in (shown, shown.data):  # its blocks; the HTML alone
            markdown = to_markdown(_notebook(given), "brief")[0]
            _assert_reads_as_written(markdown, payload, parent)
            assert parent == "p" or _rendered(markdown).tags.count(parent) == 1, markdown
        if shown.markdown is not None:
            _assert_reads_as_written(shown.markdown, payload, parent)
