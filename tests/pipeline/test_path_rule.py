"""One path rule for a ``dataset``: relative to the project root in JupyterLab (whose kernels
run in notebooks/), on the command line from any folder, in the manifest and in the README;
an absolute path is itself. The render command a notebook prints runs as printed."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from sitrep import paths
from sitrep.cli import build_parser
from sitrep.pipeline import adhoc, manifest, parameters
from sitrep.report import Report

FICTIONAL = (paths.ROOT / "tests" / "data" / "fictional").resolve()
#: Where a path is typed: JupyterLab's kernel (notebooks/), a terminal at the root, elsewhere.
CWDS = {"lab": paths.ROOT / "notebooks", "root": paths.ROOT, "elsewhere": Path("/")}


@pytest.mark.parametrize(("value", "expected"), [
    ("tests/data/fictional", FICTIONAL),
    ("./tests/data/fictional", FICTIONAL),
    ("data", paths.DATA.resolve()),
    (str(FICTIONAL), FICTIONAL),
], ids=["relative", "dot-relative", "seed", "absolute"])
@pytest.mark.parametrize("cwd", CWDS, ids=list(CWDS))
def test_a_dataset_path_means_the_same_from_every_folder(monkeypatch, cwd, value, expected):
    monkeypatch.chdir(CWDS[cwd])
    assert paths.dataset_folder(value).resolve() == expected
    entry = manifest.Entry("r", paths.NOTEBOOKS / "brief.ipynb", {"dataset": value})
    assert entry.dataset == expected, "the manifest"
    (applied,) = adhoc.apply([manifest.Entry("brief", paths.NOTEBOOKS / "brief.ipynb")],
                             {"dataset": value}, say=lambda _: None)
    assert applied.dataset == expected, "the command line's -p dataset"


def test_a_notebook_in_lab_opens_a_root_relative_dataset(monkeypatch):
    monkeypatch.chdir(CWDS["lab"])
    facts = parameters.read(dataset="tests/data/fictional").open()
    assert facts.title.startswith("Veldoria and Castrovia")


@pytest.mark.parametrize(("notebook", "values"), [
    ("force_sizes", {"dataset": "tests/data/fictional", "as_of": "2031-03-06", "title": "",
                     "measures": "", "min_grade": "C3", "as_of_sources": ""}),
    ("brief", {"dataset": "./tests/data/fictional", "as_of": "", "since": "", "title": "T's",
               "as_of_sources": ""}),
    ("changes", {"dataset": "", "since": "", "as_of": "", "as_of_sources": "", "title": ""}),
], ids=["force_sizes", "brief-quoted-title", "changes-defaults"])
def test_the_printed_render_command_runs_as_printed_from_the_root(monkeypatch, notebook,
                                                                   values):
    """The notebook's command, parsed by the command line at the root, renders the report
    with the data set and the parameters the notebook used in JupyterLab."""
    monkeypatch.chdir(CWDS["lab"])
    defaults = ({"dataset": "datasets/kursk-2024-sources", "since": "2024-11-12",
                 "as_of": "2024-11-30"} if notebook == "changes" else None)
    report = Report(notebook, notebook, values, defaults=defaults)
    monkeypatch.chdir(CWDS["root"])
    words = shlex.split(report.command)
    assert words[:2] == ["sitrep", "render"]
    args = build_parser().parse_args(words[1:])
    (name,) = args.reports
    (entry,) = [e for e in manifest.load() if e.name == name]
    (applied,) = adhoc.apply([entry], dict(args.parameter or []), say=lambda _: None)
    assert applied.notebook.stem == notebook
    assert applied.dataset == paths.dataset_folder(report.values["dataset"] or "data").resolve()
    used = {k: v for k, v in report.values.items() if k != "dataset"}
    assert {k: applied.parameters.get(k, "") for k in used} == used
