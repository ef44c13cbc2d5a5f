"""The report skeleton: parameters read once from the notebook's namespace, one title rule,
filters named by names, claim links held by the report (no module state), outputs with a text
form, lists shown as text in JupyterLab."""

from __future__ import annotations

import pandas as pd
import pytest

from sitrep import paths
from sitrep.model.data.facts import about
from sitrep.pipeline import parameters
from sitrep.report import Report, compose_title
from sitrep.views import display

SEED_TITLE = "Kursk, November 2024: Russia masses troops, North Korean soldiers among them"


def _namespace(**values: str) -> dict[str, object]:
    """A notebook's globals after its parameters cell, with the names a kernel also holds."""
    return {"__name__": "__main__", "In": [], "pd": pd, **values}


@pytest.mark.parametrize(("kind", "values", "title"), [
    ("Situation brief", {"dataset": "", "title": ""}, f"Situation brief: {SEED_TITLE}"),
    ("Force sizes", {"dataset": "", "title": "My own"}, "My own"),
    ("What changed", {"dataset": "tests/data/fictional", "title": ""},
     "What changed: Veldoria and Castrovia (a fictional test crisis)"),
], ids=["kind-and-data-set", "parameter-wins", "other-data-set"])
def test_one_title_rule(kind, values, title):
    assert Report("brief", kind, _namespace(**values)).title == title


@pytest.mark.parametrize(("data_set_title", "given", "title"), [
    ("", "", "Actor positions"),
    ("Kursk", "", "Actor positions: Kursk"),
    ("Kursk", "Mine", "Mine"),
], ids=["untitled-data-set", "titled-data-set", "parameter"])
def test_compose_title(data_set_title, given, title):
    from types import SimpleNamespace

    assert compose_title("Actor positions", SimpleNamespace(title=data_set_title), given) == title


def test_parameters_are_read_once_in_the_cells_order():
    report = Report("force_sizes", "Force sizes", _namespace(
        dataset="", as_of="2024-11-30", measures="troops_massed_kursk", min_grade="",
        title=""))
    assert list(report.values) == ["dataset", "as_of", "measures", "min_grade", "title"]
    assert report.given.measures == ["troops_massed_kursk"]
    assert report.command == ("sitrep render force_sizes --force -p as_of=2024-11-30 "
                              "-p measures=troops_massed_kursk")


def test_a_bad_value_is_refused_with_its_rule():
    with pytest.raises(parameters.ParameterError, match="'as_of' must be a date"):
        Report("brief", "Situation brief", _namespace(as_of="30/11/2024"))


@pytest.mark.parametrize(("values", "subtitle", "filters"), [
    ({"actors": "nk_forces,russia"}, "Shown only for the actors North Korean forces, Russia.",
     "actors North Korean forces, Russia only"),
    ({"measures": "troops_massed_kursk"},
     "Shown only for the measures Troops massed for the Kursk offensive",
     "measures Troops massed for the Kursk offensive"),
], ids=["actors", "measures"])
def test_filters_are_named_by_names_not_ids(values, subtitle, filters):
    report = Report("x", "X", _namespace(dataset="", **values))
    assert subtitle in report.subtitle()
    assert filters in report.scope.filters
    assert "nk_forces" not in report.subtitle() + report.scope.filters


def test_claim_links_belong_to_the_report_not_to_the_module():
    frame = pd.DataFrame({"Claim": ["C01"]})
    report = Report("brief", "Situation brief", _namespace(as_of="2024-11-09"))
    assert report.scope.claims == frozenset(), "nothing reported by then: no annex rows"
    Report("brief", "Situation brief", _namespace())  # another report opened later
    assert 'href="#claim-C01"' not in report.table(frame).data
    assert 'href="#claim-C01"' in Report("b", "B", _namespace()).table(frame).data
    assert not [name for name in vars(display) if name.startswith("_active")
                or name.startswith("_linked")], "display keeps no report state"


def test_an_empty_section_names_the_reports_filters():
    report = Report("x", "X", _namespace(as_of="2024-11-30", actors="nk_forces"))
    shown = report.table(about(pd.DataFrame({"a": []}), "derived figures")).data
    assert ("No derived figures in the data set under the active filters (reported up to "
            "2024-11-30; actors North Korean forces only).") in shown


def test_a_figure_gets_its_credit_line_from_its_claims():
    import matplotlib.pyplot as plt

    report = Report("brief", "Situation brief", _namespace())
    fig = plt.figure(figsize=(2, 1))
    try:
        shown = report.figure(fig, claims=["C01"], alt="a chart")
        bare = report.figure(fig, alt="a chart")
    finally:
        plt.close(fig)
    assert 'class="sitrep-credit"' in shown.data and 'href="#claim-C01"' in shown.data
    assert "Dagens" in repr(shown) and repr(shown).startswith("[a chart]")
    assert 'class="sitrep-credit"' not in bare.data


@pytest.mark.parametrize(("make", "text", "markdown"), [
    (lambda: display.table(pd.DataFrame({"Claim": ["C01"], "Who": [("dagens", "tass")]})),
     "Claim          Who\n  C01 dagens, tass",
     "| Claim | Who |\n|---|---|\n| C01 | dagens, tass |"),
    (lambda: display.table(pd.DataFrame({"a|b": ["<b>x</b>"]})), "     a|b\n<b>x</b>",
     "| a\\|b |\n|---|\n| \\<b\\>x\\</b\\> |"),
    (lambda: display.items([("first", "why"), ("second", "")], ordered=True),
     "1. first\n   why\n2. second", "1. first  \n   why\n2. second"),
    (lambda: display.heading("Annex <A>"), "Annex <A>", "## Annex \\<A\\>"),
    (lambda: display.paragraph("Plain."), "Plain.", None),
], ids=["table-with-list-cells", "table-escaped", "items", "heading", "paragraph"])
def test_outputs_carry_text_and_markdown(make, text, markdown):
    shown = make()
    assert repr(shown) == text
    assert shown._repr_markdown_() == markdown


@pytest.mark.parametrize("frame", [
    pd.DataFrame({"when": pd.Series([], dtype="datetime64[ns]"),
                  "who": pd.Series([], dtype=object)}),
    pd.DataFrame([[("a",), ("b", "c")]], columns=["x", "x"]),
    pd.DataFrame({"n": [1, 2]}),
], ids=["empty-with-dates", "duplicate-columns", "no-lists"])
def test_readable_takes_any_frame(frame):
    shown = display.readable(frame)
    assert shown.shape == frame.shape
    assert not any(isinstance(v, tuple) for column in range(shown.shape[1])
                   for v in shown.iloc[:, column])


def test_lists_read_as_text_in_the_lab():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    Report("brief", "Situation brief", _namespace())
    claims = parameters.read().open().claims
    data, _ = shell.display_formatter.format(claims)
    assert "(dagens,)" not in data["text/html"] and "(dagens,)" not in data["text/plain"]
    assert "<td>dagens</td>" in data["text/html"]


def test_the_template_and_every_notebook_open_a_report():
    import nbformat

    for path in sorted(paths.NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        first = [c for c in nb.cells if c.cell_type == "code"][1].source
        assert f'Report("{path.stem}", ' in first, path.name
        assert "parameters.read(" not in first and "display.title(" not in first
