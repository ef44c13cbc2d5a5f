"""The one render path (sitrep.pipeline.render) and its steps (execute, html, pdf, publish): real
papermill runs, real nbconvert, real Chromium (no mocks).

Notebooks are built on the fly with nbformat. The expensive steps (kernel, browser) run once per
module through module-scoped fixtures; tests marked ``e2e`` need the kernel and/or Chromium.
"""

from __future__ import annotations

import html as html_lib
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from sitrep.pipeline import execute as execute_module
from sitrep.pipeline import formats, manifest
from sitrep.pipeline import render as render_module
from sitrep.pipeline.errors import RenderError
from sitrep.pipeline.execute import check_parameters, execute
from sitrep.pipeline.html import clean_html, to_html, tune_tables
from sitrep.pipeline.pdf import PdfPrinter, chromium_path, pdf_printer, to_pdf
from sitrep.pipeline.publish import publish
from sitrep.pipeline.render import render

TITLE = "Kursk & Курськ brief"
NON_ASCII = ["Курськ", "조선", "\u201c50,000\u201d"]  # Cyrillic, Hangul, curly quotes
ROWS = 60  # enough table rows to run over a page break
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}

# Code that must never show up in a report.
CODE_SNIPPETS = [
    "import pandas",
    "plt.subplots",
    "pd.DataFrame(",
    "hidden_total = ",
    "troops = 50000",
]


def write_notebook(path: Path, cells: list[nbformat.NotebookNode]) -> Path:
    nb = new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC})
    nbformat.write(nb, path)
    return path


def sample_cells() -> list[nbformat.NotebookNode]:
    return [
        new_code_cell(
            'region = "Kursk"\ntroops = 50000\nrows = 3\noptions = None',
            metadata={"tags": ["parameters"]}
        ),
        new_code_cell("import pandas as pd\nimport matplotlib.pyplot as plt"),
        new_markdown_cell(
            "# Situation report\n\n"
            "Russia is reportedly massing \u201c50,000\u201d troops near Курськ, "
            "including soldiers of North Korea (조선)."
        ),
        new_code_cell("hidden_total = troops * 2  # a computation without output"),
        new_code_cell(
            "df = pd.DataFrame({\n"
            "    'claim': [f'Q{i}' for i in range(rows)],\n"
            "    'claimant': ['American and Ukrainian officials'] * rows,\n"
            "    'figure': [f'{troops + 1000 * i:,}' for i in range(rows)],\n"
            "    'hedge': ['reportedly'] * rows,\n"
            "})\n"
            "df"
        ),
        new_code_cell(
            "fig, ax = plt.subplots(figsize=(5, 2))\nax.barh([region], [troops])\nplt.show()"
        ),
        new_code_cell("print('REMOVED-CELL-MARKER')", metadata={"tags": ["remove-cell"]}),
        new_markdown_cell("## Closing note\n\nEnd of brief."),
    ]


def failing_cells() -> list[nbformat.NotebookNode]:
    return [
        new_code_cell("troops = 50000", metadata={"tags": ["parameters"]}),
        new_markdown_cell("# Broken brief"),
        new_code_cell("ratio = troops / 0  # divides by zero"),
        new_code_cell("print('never reached')"),
    ]


class TagCollector(HTMLParser):
    """Collects (tag, attrs) of every start tag."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def start_tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = TagCollector()
    parser.feed(html)
    return parser.tags


def pdf_text(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]


def tmp_files(directory: Path) -> list[Path]:
    return [p for p in directory.iterdir() if p.name.startswith(".tmp-")]


# --------------------------------------------------------------------------------------------
# shared, expensive fixtures


@pytest.fixture(scope="module")
def sample_notebook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_notebook(tmp_path_factory.mktemp("nb") / "brief.ipynb", sample_cells())


@pytest.fixture(scope="module")
def executed(sample_notebook: Path, tmp_path_factory: pytest.TempPathFactory):
    before = sample_notebook.read_bytes()
    nb = execute(sample_notebook, {"troops": 60000, "rows": ROWS}, tmp_path_factory.mktemp("w"))
    assert sample_notebook.read_bytes() == before, "the source notebook must not be written"
    return nb


@pytest.fixture(scope="module")
def html(executed) -> str:
    return to_html(executed, TITLE)


@pytest.fixture(scope="module")
def printer():
    with pdf_printer() as p:
        yield p


@pytest.fixture(scope="module")
def pdf(html: str, printer: PdfPrinter) -> bytes:
    before = len(printer.blocked)
    data = printer(html)
    assert printer.blocked[before:] == [], "the report made network requests"
    return data


# --------------------------------------------------------------------------------------------
# execute


@pytest.mark.e2e
def test_execute_injects_parameters_and_writes_to_workdir(executed) -> None:
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    assert "troops = 60000" in injected[0].source
    assert executed.metadata.papermill.parameters == {"troops": 60000, "rows": ROWS}


@pytest.mark.e2e
def test_execute_refuses_to_write_in_place(sample_notebook: Path) -> None:
    before = sample_notebook.read_bytes()
    with pytest.raises(RenderError, match="overwrite"):
        execute(sample_notebook, {}, sample_notebook.parent)
    assert sample_notebook.read_bytes() == before


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"troop": 1}, r"does not declare parameter 'troop' \(declared: .*troops"),
        ({"class": 1}, "not an identifier"),
        ({"troops": object()}, "parameters must be"),
        ({"troops": float("nan")}, "not a finite number"),
        ({"region": {1: "x"}}, "non-string key"),
    ],
    ids=["unknown-name", "keyword-name", "object-value", "nan-value", "int-dict-key"],
)
def test_bad_parameters_are_refused(
    sample_notebook: Path, tmp_path: Path, parameters: dict, message: str
) -> None:
    with pytest.raises(RenderError, match=message):
        execute(sample_notebook, parameters, tmp_path)
    assert list(tmp_path.iterdir()) == [], "nothing may run for bad parameters"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("region", Path("data/facts"), "data/facts"),
        ("options", ("a", Path("b")), ["a", "b"]),  # a None default takes any JSON-like value
        ("options", {"k": [1, 2.5, None, True]}, {"k": [1, 2.5, None, True]}),
        ("region", "007", "007"),
    ],
)
def test_parameter_values_are_made_safe(sample_notebook: Path, name, value, expected) -> None:
    assert check_parameters(sample_notebook, {name: value}) == {name: expected}


# --------------------------------------------------------------------------------------------
# HTML


@pytest.mark.e2e
@pytest.mark.parametrize("snippet", CODE_SNIPPETS)
def test_html_shows_no_code(html: str, snippet: str) -> None:
    assert snippet not in html


@pytest.mark.e2e
def test_html_has_no_code_input_elements(html: str) -> None:
    classes = [(a.get("class") or "").split() for _, a in start_tags(html)]
    for unwanted in ("jp-InputArea-editor", "highlight", "input_area", "jp-InputPrompt"):
        assert not [c for c in classes if unwanted in c], unwanted
    # JupyterLab's template puts markdown in a jp-InputArea too: only markdown may be there.
    input_areas = sum("jp-InputArea" in c for c in classes)
    assert input_areas == sum("jp-MarkdownCell" in c for c in classes) == 2
    body = html.split("<body", 1)[1]
    assert "In&nbsp;[" not in body and "Out[" not in body


@pytest.mark.e2e
def test_html_drops_injected_parameters_and_removed_cells(html: str) -> None:
    assert "injected-parameters" not in html
    assert "# Parameters" not in html
    assert "REMOVED-CELL-MARKER" not in html


@pytest.mark.e2e
def test_html_title_is_the_report_title(html: str, executed) -> None:
    titles = re.findall(r"<title>(.*?)</title>", html, re.DOTALL)
    assert [html_lib.unescape(t) for t in titles] == [TITLE]
    assert "title" not in executed.metadata, "to_html must not modify the notebook it is given"


@pytest.mark.e2e
def test_html_loads_nothing_from_the_network(html: str) -> None:
    for tag, attrs in start_tags(html):
        for name in ("src", "href", "data"):
            value = (attrs.get(name) or "").strip().lower()
            if tag in {"script", "link", "img", "iframe", "source", "embed", "object", "video"}:
                assert not value.startswith(("http:", "https:", "//")), (tag, name, value)
    assert not [a for t, a in start_tags(html) if t == "script" and a.get("src") is not None]
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html), "CSS fetches from the network"
    assert "@import" not in html
    assert "mathjax" not in html.lower() and "require.js" not in html.lower()


@pytest.mark.e2e
def test_html_embeds_the_chart_as_data_uri(html: str) -> None:
    images = [a.get("src") or "" for t, a in start_tags(html) if t == "img"]
    assert images, "the chart is missing"
    assert all(src.startswith("data:image/") for src in images)


@pytest.mark.e2e
def test_html_shows_parameterised_table_and_text(html: str) -> None:
    assert "60,000" in html  # the parameter reached the kernel
    assert "<th>claimant</th>" in html
    for text in NON_ASCII:
        assert text in html


@pytest.mark.e2e
@pytest.mark.parametrize("sanitize", [True, False], ids=["sanitized", "raw"])
def test_headings_and_tables_survive_sanitizing(executed, sanitize: bool) -> None:
    page = to_html(executed, TITLE, sanitize=sanitize)
    assert re.search(r"<h1[^>]*>Situation report", page)
    assert re.search(r"<h2[^>]*>Closing note", page)
    for tag in ("<table", "<thead", "<th", "<tbody", "<td"):
        assert tag in page
    assert "&lt;" not in page, "markup was escaped into visible text"


# --------------------------------------------------------------------------------------------
# sanitising and table tuning (no kernel, no browser)


@pytest.mark.parametrize(
    ("markup", "kept", "gone"),
    [
        ('<h2 id="a">Heading</h2><p>text</p>', ['<h2 id="a">Heading</h2>', "<p>text</p>"], []),
        (
            '<table border="1"><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr>'
            "</tbody></table>",
            ["<thead>", "<th>a</th>", "<tbody>", "<td>1</td>"],
            ["&lt;"],
        ),
        ("<style scoped>.dataframe {color: red}</style><p>x</p>", ["<p>x</p>"], ["style", "red"]),
        ('<script>alert("x")</script><p>y</p>', ["<p>y</p>"], ["alert", "<script"]),
        ('<img src="https://example.org/a.png">', ["<img"], ["example.org"]),
        ('<img src="data:image/png;base64,AAAA">', ['src="data:image/png;base64,AAAA"'], []),
        ('<a href="https://example.org/s">source</a>', ['href="https://example.org/s"'], []),
        ('<a href="javascript:alert(1)">x</a>', ["<a>x</a>"], ["javascript"]),
        ('<p onclick="alert(1)">z</p>', ["<p>z</p>"], ["onclick"]),
        ('<iframe src="https://evil.example"></iframe>', ["&lt;iframe"], ["<iframe"]),
    ],
    ids=[
        "heading",
        "table",
        "style-block",
        "script",
        "remote-img",
        "data-img",
        "link",
        "js-link",
        "event-handler",
        "iframe",
    ],
)
def test_clean_html(markup: str, kept: list[str], gone: list[str]) -> None:
    cleaned = clean_html(markup)
    for text in kept:
        assert text in cleaned
    for text in gone:
        assert text not in cleaned


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("<td>50,000</td>", '<td class="sitrep-num">50,000</td>'),
        ("<td>over 10,000</td>", "<td>over 10,000</td>"),
        ("<th>claimant</th>", "<th>claimant</th>"),
        (
            "<td>https://example.org/a/b</td>",
            "<td>https:<wbr>/<wbr>/<wbr>example.<wbr>org/<wbr>a/<wbr>b</td>",
        ),
        ("<td>A&amp;B_long_identifier</td>", "<td>A&amp;<wbr>B_<wbr>long_<wbr>identifier</td>"),
        ("<style>td.x_long_selector_name{}</style>", "<style>td.x_long_selector_name{}</style>"),
    ],
)
def test_tune_tables(cell: str, expected: str) -> None:
    assert tune_tables(cell) == expected


# --------------------------------------------------------------------------------------------
# PDF


@pytest.mark.e2e
def test_pdf_is_a4(pdf: bytes) -> None:
    from pypdf import PdfReader

    assert pdf.startswith(b"%PDF-")
    pages = PdfReader(BytesIO(pdf)).pages
    assert len(pages) >= 2, "the long table should run over a page break"
    for page in pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2, (width, height)


@pytest.mark.e2e
def test_pdf_text_reads_back(pdf: bytes) -> None:
    pages = pdf_text(pdf)
    text = "\n".join(pages)
    assert "Situation report" in text
    assert "60,000" in text
    assert f"{60000 + 1000 * (ROWS - 1):,}" in text  # the last row made it too
    for word in NON_ASCII:
        assert word in text
    assert "officials" in text and "figure" in text, "no fi/ffi ligatures in extracted text"
    assert "import pandas" not in text
    assert f"page 1 of {len(pages)}" in pages[0]


@pytest.mark.e2e
def test_pdf_repeats_table_header_on_next_page(pdf: bytes) -> None:
    pages = [p for p in pdf_text(pdf) if "American and Ukrainian officials" in p]
    assert len(pages) >= 2
    assert all("claimant" in p for p in pages)


@pytest.mark.e2e
@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="needs pdffonts (poppler-utils)")
def test_pdf_fonts_are_embedded(pdf: bytes, tmp_path: Path) -> None:
    path = tmp_path / "brief.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    header, _rule, *fonts = out.stdout.splitlines()
    emb = header.index("emb")
    assert fonts
    for line in fonts:
        assert line[emb : emb + 3] == "yes", line


@pytest.mark.e2e
def test_printer_blocks_and_counts_network_requests(printer: PdfPrinter) -> None:
    before = len(printer.blocked)
    page = (
        '<html><head><link rel="stylesheet" href="https://example.invalid/a.css"></head>'
        '<body><p>offline</p><img src="http://example.invalid/b.png"></body></html>'
    )
    assert printer(page).startswith(b"%PDF-")
    assert sorted(printer.blocked[before:]) == [
        "http://example.invalid/b.png",
        "https://example.invalid/a.css",
    ]


@pytest.mark.e2e
def test_printer_shrinks_a_table_wider_than_the_page(printer: PdfPrinter) -> None:
    head = "".join(f"<th>col{i:02d}</th>" for i in range(40))
    row = "".join(f"<td>{i * 1000:,}</td>" for i in range(40))
    page = f"<table><thead><tr>{head}</tr></thead><tbody><tr>{row}</tr></tbody></table>"
    before = len(printer.shrunk)
    text = "\n".join(pdf_text(printer(page)))
    assert len(printer.shrunk) == before + 1 and 0 < printer.shrunk[-1] < 1
    assert "col39" in text and "39,000" in text  # the last column was not cut off


# --------------------------------------------------------------------------------------------
# chromium_path


def test_chromium_path_honours_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    browser = tmp_path / "my-chromium"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    monkeypatch.setenv("SITREP_CHROMIUM", str(browser))
    assert chromium_path() == str(browser)


def test_chromium_path_missing_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITREP_CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(RenderError, match="apt-get install chromium"):
        chromium_path()


# --------------------------------------------------------------------------------------------
# publish


def test_publish_writes_and_replaces(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    (out / "brief.html").write_text("old")
    paths = publish({"brief.html": "new Курськ", "brief.pdf": b"%PDF-1.4"}, out)
    assert paths == [out / "brief.html", out / "brief.pdf"]
    assert (out / "brief.html").read_text(encoding="utf-8") == "new Курськ"
    assert (out / "brief.pdf").read_bytes() == b"%PDF-1.4"
    assert oct((out / "brief.pdf").stat().st_mode & 0o777) == oct(0o644)
    assert tmp_files(out) == []


def test_publish_failure_leaves_outputs_untouched(tmp_path: Path) -> None:
    (tmp_path / "brief.html").write_text("old")
    with pytest.raises(TypeError):
        publish({"brief.html": "new", "brief.pdf": object()}, tmp_path)  # type: ignore[dict-item]
    assert (tmp_path / "brief.html").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.html"]


@pytest.mark.parametrize("name", ["../brief.html", "sub/brief.html", "", "..", ".tmp-x"])
def test_publish_refuses_bad_names(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError):
        publish({"ok.html": "x", name: "y"}, tmp_path)
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------------------------
# render


@pytest.mark.e2e
def test_render_publishes_every_format(
    sample_notebook: Path, tmp_path: Path, printer: PdfPrinter, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = []

    def counted(notebook, parameters, **options):
        checked.append(dict(parameters))
        return check_parameters(notebook, parameters, **options)

    monkeypatch.setattr(execute_module, "check_parameters", counted)
    out = tmp_path / "reports"
    steps: list[str] = []
    paths = render(
        sample_notebook,
        {"troops": 70000},
        out,
        name="kursk",
        title=TITLE,
        formats=("html", "pdf", "ipynb"),
        printer=printer,
        step=steps.append,
    )
    assert checked == [{"troops": 70000}], "the parameters are checked once per report"
    assert steps == ["executing", "html", "pdf", "ipynb", "publishing"]
    assert paths == [out / "kursk.html", out / "kursk.pdf", out / "kursk.ipynb"]
    assert "70,000" in (out / "kursk.html").read_text(encoding="utf-8")
    assert (out / "kursk.pdf").read_bytes().startswith(b"%PDF-")
    assert nbformat.read(out / "kursk.ipynb", as_version=4).metadata.papermill.parameters == {
        "troops": 70000
    }
    assert sorted(p.name for p in out.iterdir()) == ["kursk.html", "kursk.ipynb", "kursk.pdf"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"formats": ("html", "odt")}, "formats must be"),
        ({"formats": ()}, "formats must be"),
        ({"name": "../escape"}, "not a plain file name"),
    ],
)
def test_render_refuses_bad_arguments(
    sample_notebook: Path, tmp_path: Path, kwargs: dict, message: str
) -> None:
    args = {"name": "kursk", "title": TITLE, **kwargs}
    with pytest.raises(ValueError, match=message):
        render(sample_notebook, {}, tmp_path / "out", **args)
    assert not (tmp_path / "out").exists()


def test_one_registry_of_formats() -> None:
    """The manifest, the command line and the render path take the registry's formats; the
    manifest reads the registry without importing the renderer."""
    assert manifest.DEFAULT_FORMATS is formats.DEFAULT_FORMATS
    assert render_module.FORMATS is formats.FORMATS
    assert set(formats.DEFAULT_FORMATS) <= set(formats.FORMATS)
    code = ("import sys; import sitrep.pipeline.manifest; "
            "print(sorted(m for m in sys.modules if m.startswith('sitrep.pipeline')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout
    assert "sitrep.pipeline.render" not in loaded and "sitrep.pipeline.formats" in loaded


def test_render_refuses_workdir_inside_out_dir(sample_notebook: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="inside out_dir"):
        render(sample_notebook, {}, tmp_path, name="k", title=TITLE, workdir=tmp_path / "w")


@pytest.fixture
def system_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point tempfile's default directory (render's default workdir parent) into tmp_path."""
    directory = tmp_path / "system-tmp"
    directory.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    return directory


@pytest.mark.e2e
def test_failing_cell_changes_nothing_and_reports_the_cell(tmp_path: Path, system_tmp: Path):
    notebook = write_notebook(tmp_path / "broken.ipynb", failing_cells())
    out = tmp_path / "reports"
    out.mkdir()
    (out / "broken.html").write_bytes(b"<html>yesterday's good report</html>")
    (out / "broken.pdf").write_bytes(b"%PDF-1.4 yesterday")
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    with pytest.raises(RenderError) as caught:
        render(notebook, {"troops": 1}, out, name="broken", title="Broken")
    err = caught.value
    message = str(err)
    assert "ratio = troops / 0  # divides by zero" in message
    assert "ZeroDivisionError" in message and "division by zero" in message
    assert str(notebook) in message
    assert "\x1b[" not in message, "ANSI colour codes must be stripped"
    assert err.executed is not None and err.executed.is_file()
    assert str(err.executed) in message
    assert err.executed.resolve().is_relative_to(system_tmp.resolve())
    kept = nbformat.read(err.executed, as_version=4)
    outputs = [o for c in kept.cells for o in c.get("outputs", [])]
    assert any(o.get("ename") == "ZeroDivisionError" for o in outputs)
    raw_traceback = [line for o in outputs for line in o.get("traceback", [])]
    assert any("\x1b[" in line for line in raw_traceback), "the kernel's traceback had colours"
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert tmp_files(out) == []


def test_bad_parameter_leaves_no_temporary_directory(
    sample_notebook: Path, tmp_path: Path, system_tmp: Path
) -> None:
    with pytest.raises(RenderError, match="does not declare parameter 'troop'"):
        render(sample_notebook, {"troop": 1}, tmp_path / "out", name="k", title=TITLE)
    assert list(system_tmp.iterdir()) == []
    assert not (tmp_path / "out").exists()


@pytest.mark.e2e
def test_to_pdf_without_printer_launches_its_own_browser() -> None:
    pdf = to_pdf("<h1>Solo</h1><p>Курськ</p>")
    assert "Курськ" in "\n".join(pdf_text(pdf))


def test_render_module_import_is_light() -> None:
    heavy = ("nbformat", "papermill", "nbconvert", "playwright")
    code = ("import sys, sitrep.pipeline.render, sitrep.pipeline.suite; "
            f"print(any(m in sys.modules for m in {heavy!r}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
