"""Messages that teach: a mistyped data set folder, column, report or parameter name is said
once, naming what was meant ("did you mean"), and the hint is bounded (a few thousand
candidates compared, only for the problems a message lists); a failure never names a
temporary file that no longer exists."""

from __future__ import annotations

import re
import time

import pytest
from conftest import ceiling

from sitrep import paths
from sitrep.cli import main
from sitrep.model import check
from sitrep.model.data import hints
from sitrep.model.data.problems import MAX_PER_RULE, errors


def _column_statement_mistyped(d):
    d.replace_text("claims", "statement", "statment")


def _optional_column_mistyped(d):
    d.replace_text("actors", ",side", ",sied")


def _column_with_nothing_close(d):
    d.replace_text("claims", "statement", "zzzz")


@pytest.mark.parametrize(("mutate", "expected"), [
    (_column_statement_mistyped,
     [("missing-column", "the header has 'statment' where the schema declares 'statement': "
                         "did you mean 'statement'?")]),
    (_optional_column_mistyped,
     [("unknown-column", "the header has 'sied' where the schema declares 'side': "
                         "did you mean 'side'?")]),
    (_column_with_nothing_close,
     [("unknown-column", "the header has a column the schema does not declare"),
      ("missing-column", "the header lacks a column the schema declares")]),
], ids=["column_statement_mistyped", "optional_column_mistyped", "column_with_nothing_close"])
def test_a_mistyped_column_is_one_message_naming_the_column_meant(broken_dataset, mutate,
                                                                   expected):
    found = [p for p in errors(check(broken_dataset(mutate)))
             if p.rule in ("missing-column", "unknown-column")]
    assert sorted((p.rule, p.message.split(" (declared")[0]) for p in found) == \
        sorted(expected), found


@pytest.mark.parametrize(("argv", "expected"), [
    (["check", "datasets/red-sea-2023-2042"],
     "no such folder 'datasets/red-sea-2023-2042': did you mean 'datasets/red-sea-2023-2024'?"),
    (["render", "brief", "-p", "dataset=datasets/red-sea-2023-2042", "--list"],
     "error: -p dataset: no such folder 'datasets/red-sea-2023-2042': did you mean "
     "'datasets/red-sea-2023-2024'?"),
    (["render", "brief", "-p", "dataset=datasets/zzzz-nothing-near", "--list"],
     "error: -p dataset: no such folder 'datasets/zzzz-nothing-near'"),
], ids=["check_mistyped_folder", "render_mistyped_folder", "render_folder_nothing_close"])
def test_a_mistyped_data_set_folder_names_the_folder_meant(capsys, monkeypatch, argv, expected):
    monkeypatch.chdir(paths.ROOT)
    assert main(argv) == 2
    said = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert any(expected in line for line in said), said
    assert not any("dataset-layout] a data set is a folder" in line for line in said), said


def test_did_you_mean_is_bounded_on_a_hundred_thousand_candidates():
    choices = [f"actor_{i:06d}" for i in range(100_000)] + ["russian_forces"]
    started = time.perf_counter()
    assert hints.close("russian_forcse", choices, n=1) == ["russian_forces"]
    assert time.perf_counter() - started < ceiling(0.5)


def test_foreign_key_hints_are_made_only_for_the_problems_listed(broken_dataset, monkeypatch):
    calls = []
    close = hints.close
    monkeypatch.setattr(hints, "close", lambda *a, **k: calls.append(a[0]) or close(*a, **k))

    def many_unknown_measures(d):
        text = d.path("quantities").read_text(encoding="utf-8")
        header, first = text.splitlines()[:2]
        cells = first.split(",")
        rows = [",".join([*cells[:1], f"troops_nowhere_{i}", *cells[2:]]) for i in range(500)]
        d.path("quantities").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")

    problems = check(broken_dataset(many_unknown_measures))
    listed = [p for p in problems if p.rule == "foreign-key"]
    assert len(listed) <= MAX_PER_RULE + 2, len(listed)
    assert len(calls) <= 2 * (MAX_PER_RULE + 1), len(calls)
    assert any(re.search(r"\d+ more problems of this rule", p.message) for p in listed)


@pytest.mark.e2e
def test_a_failure_names_no_temporary_notebook_that_is_gone(tmp_path):
    """A failing cell's message named the executed notebook in the work folder, removed once
    the entry was done; it names the copy kept in build/failed/ instead."""
    import os
    import shutil
    import subprocess
    import sys

    import nbformat

    notebooks = tmp_path / "notebooks"
    shutil.copytree(paths.NOTEBOOKS, notebooks)
    nb = nbformat.read(notebooks / "force_sizes.ipynb", as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell('raise ValueError("a cell that fails")'))
    nbformat.write(nb, notebooks / "cell_fails.ipynb")
    manifest = tmp_path / "reports.toml"
    manifest.write_text('[[report]]\nname = "cell-fails"\nnotebook = "cell_fails.ipynb"\n'
                        'formats = ["html"]\nparameters.dataset = "tests/data/fictional"\n',
                        encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "sitrep.cli", "render", "--manifest", str(manifest), "--out",
         str(tmp_path / "reports"), "-j", "1"], capture_output=True, text=True, timeout=600,
        cwd=paths.ROOT, env={**os.environ, "SITREP_NOTEBOOKS": str(notebooks)})
    assert result.returncode == 1, result.stdout + result.stderr
    assert "a cell that fails" in result.stderr
    named = re.findall(r"(?:^|\s)(/[^\s;:,()']+|build/[^\s;:,()']+)", result.stderr)
    assert "build/failed/cell-fails.ipynb" in named, result.stderr
    for path in named:
        if path.endswith(".ipynb"):
            assert (paths.ROOT / path).exists(), f"{path} is named but does not exist"
    assert "sitrep-cell-fails-" not in result.stderr, result.stderr
