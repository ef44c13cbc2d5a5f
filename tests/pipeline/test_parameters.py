"""Parameters: declared types, checked values, clear refusals, and text that arrives exactly.

papermill's own command line turns ``-p x 007`` into 7 and YAML turns ``NO`` into False; sitrep
never goes through either: it hands papermill Python values, after
:func:`sitrep.pipeline.execute.check_parameters` has checked each name, type (the default's,
in the notebook's ``parameters`` cell) and value (:mod:`sitrep.pipeline.parameters`). These
tests hold each rule, then send awkward strings through a real kernel and a real render and
read them back.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from sitrep import cli, paths
from sitrep.pipeline import parameters as p
from sitrep.pipeline.errors import RenderError
from sitrep.pipeline.execute import check_parameters, declared_type, execute
from sitrep.pipeline.render import render

NOTEBOOKS = {path.stem: path for path in sorted(paths.NOTEBOOKS.glob("*.ipynb"))}

# -- values ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "value", "parsed"), [
    ("dataset", "", None),
    ("dataset", "tests/data/fictional", "tests/data/fictional"),
    ("as_of", "", None),
    ("as_of", "2024-11-30", "2024-11-30"),
    ("as_of", "2024-02-29", "2024-02-29"),           # a leap day
    ("as_of_sources", "", "certain"),
    ("as_of_sources", "possible", "possible"),
    ("since", "", None),
    ("since", "2024-11-05", "2024-11-05"),
    ("title", "", ""),
    ("title", ' "quoted"\n\\ ', ' "quoted"\n\\ '),   # text is taken exactly, never trimmed
    ("measures", "", None),
    ("measures", " troops_massed_kursk , war_duration", ["troops_massed_kursk", "war_duration"]),
    ("measures", "a,a", ["a"]),
    ("min_grade", "", ""),
    ("min_grade", "C3", "C3"),
    ("actors", "nk_forces", ["nk_forces"]),
    ("extent", "", None),
    ("extent", "30,44,42,53", (30.0, 44.0, 42.0, 53.0)),
    ("extent", " -10.5, -5 ,10,5.25", (-10.5, -5.0, 10.0, 5.25)),
])
def test_good_values_are_parsed(name, value, parsed):
    assert p.check(name, value) == parsed


@pytest.mark.parametrize(("name", "value", "message"), [
    ("as_of", "2024-13-01", "not a real date"),
    ("as_of", "2023-02-29", "not a real date"),
    ("as_of", "30/11/2024", "YYYY-MM-DD"),
    ("as_of", "2024-11-30T00:00", "YYYY-MM-DD"),
    ("as_of", " 2024-11-30", "YYYY-MM-DD"),
    ("as_of", "20241130", "YYYY-MM-DD"),
    ("as_of", "٢٠٢٤-١١-٣٠", "YYYY-MM-DD"),               # Arabic-Indic digits
    ("as_of_sources", "maybe", "'certain'"),
    ("as_of_sources", "Possible", "'possible'"),
    ("since", "5 Nov 2024", "YYYY-MM-DD"),
    ("min_grade", "c3", "did you mean 'C3'"),
    ("min_grade", "G1", "A-F"),
    ("min_grade", "C7", "1-6"),
    ("min_grade", "C", "such as 'C3'"),
    ("min_grade", "C33", "such as 'C3'"),
    ("extent", "30,44,42", "four numbers"),
    ("extent", "a,b,c,d", "four numbers"),
    ("extent", "30,44,42,53,1", "four numbers"),
    ("extent", "nan,44,42,53", "four numbers"),
    ("extent", "42,44,30,53", "lon_min < lon_max"),
    ("extent", "30,53,42,44", "lat_min < lat_max"),
    ("extent", "30,44,190,53", "180"),
    ("actors", "a,,b", "none empty"),
    ("actors", "a b", "'a b', which is not an actor id"),
    ("measures", "a;b", "not a measure id"),
    ("measures", ",", "none empty"),
    ("dataset", "   ", "blank"),
    ("dataset", "a\0b", "NUL"),
    ("title", 7, "must be a str, not int"),
    ("title", None, "must be a str, not NoneType"),
    ("as_of", False, "must be a str, not bool"),
    ("as_of", dt.date(2024, 11, 30), "must be a str, not date"),
    ("extent", [30, 44, 42, 53], "must be a str, not list"),
], ids=lambda v: repr(v)[:30] if not isinstance(v, str) else None)
def test_bad_values_are_refused_naming_parameter_rule_and_value(name, value, message):
    with pytest.raises(p.ParameterError) as caught:
        p.check(name, value)
    text = str(caught.value)
    assert text.startswith(f"parameter {name!r} ")
    assert message in text
    assert repr(value)[:60] in text


def test_numbers_for_text_say_how_to_pass_text():
    with pytest.raises(p.ParameterError, match="007 into 7 and NO into False"):
        p.check("title", 7)


def test_read_returns_parsed_parameters_and_refuses_unknown_names():
    given = p.read(dataset="", as_of="2024-11-30", title="T", extent="30,44,42,53")
    assert given == p.Parameters(as_of="2024-11-30", title="T", extent=(30.0, 44.0, 42.0, 53.0))
    with pytest.raises(p.ParameterError, match="'as_off' is not a sitrep parameter"):
        p.read(as_off="2024-11-30")


@pytest.mark.parametrize(("given", "message"), [
    ({"measures": "troops_massed_kursk,nope"}, "names 'nope', which the data set has no "
                                               "measure of (known: troops_massed_kursk"),
    ({"actors": "rusia"}, "names 'rusia', which the data set has no actor of (known: russia"),
])
def test_ids_must_exist_in_the_data_set(given, message):
    with pytest.raises(p.ParameterError, match=message.replace("(", r"\(")):
        p.read(**given).open()


def test_open_cuts_at_as_of():
    facts = p.read(as_of="2024-11-09").open()
    assert facts.claims.empty


# -- what the notebooks declare ------------------------------------------------------------------

@pytest.mark.parametrize("notebook", NOTEBOOKS.values(), ids=NOTEBOOKS.keys())
def test_every_notebook_parameter_is_a_known_str(notebook):
    import papermill

    declared = papermill.inspect_notebook(str(notebook))
    assert set(declared) <= set(p.KNOWN), "every parameter has its value checked"
    assert {"dataset", "as_of", "title"} <= set(declared), "every report takes these"
    for spec in declared.values():
        assert declared_type(spec) is str, spec


@pytest.mark.parametrize(("spec", "declared"), [
    ({"default": '""'}, str),
    ({"default": "'x'"}, str),
    ({"default": "1"}, int),
    ({"default": "1.5"}, float),
    ({"default": "True"}, bool),
    ({"default": "[1, 2]"}, list),
    ({"default": "(1, 2)"}, list),
    ({"default": "{}"}, dict),
    ({"default": "None"}, None),
    ({"default": "compute()"}, None),
    ({"default": '""', "inferred_type_name": "int"}, int),  # an annotation wins
    ({"default": '""', "inferred_type_name": "None"}, str),
])
def test_declared_type_comes_from_the_default(spec, declared):
    assert declared_type(spec) is declared


# -- check_parameters: before anything runs ------------------------------------------------------

BRIEF = NOTEBOOKS["brief"]


@pytest.mark.parametrize("value", [7, 7.0, False, None, ["x"], {"x": "y"}, ("x",)],
                         ids=repr)
def test_a_value_of_another_type_is_refused(value):
    with pytest.raises(RenderError) as caught:
        check_parameters(BRIEF, {"title": value})
    text = str(caught.value)
    shown = [list(value)] if isinstance(value, tuple) else [value]
    assert "parameter 'title' is declared str" in text
    assert f"the value is {shown[0]!r}" in text


@pytest.mark.parametrize("value", ["007", "NO", "no", "True", "null", "~", "1e3", "[1, 2]",
                                   "{a: 1}", "0x1F", ""])
def test_text_that_yaml_or_papermill_would_convert_stays_text(value):
    assert check_parameters(BRIEF, {"title": value}) == {"title": value}


def test_a_path_for_a_str_parameter_is_its_string(tmp_path):
    assert check_parameters(BRIEF, {"dataset": tmp_path}) == {"dataset": str(tmp_path)}


@pytest.mark.parametrize(("notebook", "given", "message"), [
    ("brief", {"titel": "x"}, r"does not declare parameter 'titel' \(declared: as_of, "
                              r"as_of_sources, dataset, since, title\)"),
    ("brief", {"min_grade": "C3"}, "does not declare parameter 'min_grade'"),
    ("brief", {"not-a-name": "x"}, "is not an identifier"),
    ("brief", {"as_of": "2024-02-30"}, "parameter 'as_of' is not a real date"),
    ("force_sizes", {"min_grade": "c3"}, "did you mean 'C3'"),
    ("force_sizes", {"measures": "a b"}, "not a measure id"),
    ("actor_positions", {"extent": "30,44,42"}, "four numbers"),
    ("actor_positions", {"actors": 3}, "parameter 'actors' is declared str"),
])
def test_bad_parameters_are_refused_before_anything_runs(notebook, given, message, tmp_path):
    out = tmp_path / "out"
    with pytest.raises(RenderError, match=message):
        render(NOTEBOOKS[notebook], given, out, name=notebook, formats=("html",))
    assert not out.exists(), "nothing published"


def test_the_command_line_passes_text_as_text():
    assert cli._parse_parameter("title=007") == ("title", "007")
    assert cli._parse_parameter("title=a=b") == ("title", "a=b")
    assert cli._parse_parameter("as_of=NO") == ("as_of", "NO")


# -- exact arrival ---------------------------------------------------------------------------------

#: Strings that must reach the kernel, the report's title and the HTML unchanged.
AWKWARD = {
    "zeros": "007",
    "yaml_no": "NO",
    "double_quotes": 'He said "over 10,000"',
    "single_quotes": "Ukraine's 'held' areas",
    "both_quotes": """'"'""",
    "triple_quotes": '"""\'\'\'',
    "newlines": "line one\nline two\r\nline three\n",
    "tab_and_nul": "a\tb\x00c",
    "backslashes": "C:\\new\\table \\u0041 \\",
    "cyrillic": "Курськ, Київ",
    "korean_arabic": "조선 كورسك",
    "emoji": "🛰️ 🇺🇦 👩🏽‍💻",
    "python_code": "__import__('os').system('ls') # ${x} {x}",
    "html": "<b>bold</b> &amp;",
    "empty": "",
    "spaces": "  padded  ",
}


@pytest.fixture(scope="module")
def echoed(tmp_path_factory) -> nbformat.NotebookNode:
    """A notebook declaring one str parameter per awkward string, which echoes every value it
    received as JSON, executed through the render path's execute step."""
    folder = tmp_path_factory.mktemp("echo")
    names = list(AWKWARD)
    cells = [
        new_code_cell("\n".join(f'{name} = ""' for name in names),
                      metadata={"tags": ["parameters"]}),
        new_code_cell("import json\nfrom IPython.display import display\n"
                      f"display({{'application/json': {{n: globals()[n] for n in {names!r}}}}},"
                      " raw=True)"),
    ]
    notebook = folder / "echo.ipynb"
    nbformat.write(new_notebook(cells=cells, metadata={"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}}), notebook)
    return execute(notebook, AWKWARD, folder / "work")


@pytest.mark.e2e
def test_strings_arrive_in_the_kernel_exactly(echoed):
    (output,) = echoed.cells[-1].outputs
    assert output["data"]["application/json"] == AWKWARD


@pytest.mark.e2e
def test_injected_parameters_cell_holds_the_strings_exactly(echoed):
    (injected,) = [c for c in echoed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assigned = {node.targets[0].id: ast.literal_eval(node.value)
                for node in ast.parse(injected.source).body if isinstance(node, ast.Assign)}
    assert assigned == AWKWARD
    assert echoed.metadata.papermill.parameters == AWKWARD


class _Title(HTMLParser):
    """The page's own <title> and its h1; the <title> tooltips inside inline SVG charts (a
    claim id's) are not the page's title."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title, self.h1, self._in, self._svg = "", "", "", 0

    def handle_starttag(self, tag, attrs):
        self._svg += tag == "svg"
        self._in = tag if tag in ("title", "h1") and not self._svg else ""

    def handle_endtag(self, tag):
        self._svg -= tag == "svg" and self._svg > 0
        self._in = ""

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "h1":
            self.h1 += data


#: HTML has no NUL character (a parser reads it as U+FFFD), so the title leaves it out.
TITLES = {"brief-007": "007",
          "brief-awkward": " | ".join(v for k, v in AWKWARD.items() if k != "empty"
                                      ).replace("\x00", "")}


@pytest.fixture(scope="module")
def titled(tmp_path_factory) -> Path:
    """The brief rendered by the command line from a manifest, once titled '007' and once with
    every awkward string."""
    folder = tmp_path_factory.mktemp("titled")
    manifest = folder / "reports.toml"
    entries = "".join(f'[[report]]\nname = "{name}"\nnotebook = "brief.ipynb"\n'
                      f"parameters.title = {json.dumps(title, ensure_ascii=False)}\n\n"
                      for name, title in TITLES.items())
    manifest.write_text(entries, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "sitrep.cli", "render", "--manifest", str(manifest), "--out",
         str(folder / "out"), "--format", "html"],
        capture_output=True, text=True, timeout=300, cwd=folder,
    )
    assert result.returncode == 0, result.stderr
    return folder / "out"


@pytest.mark.e2e
@pytest.mark.parametrize("name", TITLES)
def test_title_arrives_in_the_report_exactly(titled, name):
    page = _Title()
    page.feed((titled / name / f"{name}.html").read_text(encoding="utf-8"))
    # An HTML parser turns CR LF into LF, as the browser does.
    expected = TITLES[name].replace("\r\n", "\n")
    assert page.title == expected
    assert page.h1 == expected
    record = json.loads((titled / name / "render.json").read_text(encoding="utf-8"))
    assert record["title"] == TITLES[name]
    assert record["parameters"] == {"title": TITLES[name]}
