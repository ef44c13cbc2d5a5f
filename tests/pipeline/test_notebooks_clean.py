"""Committed notebooks are thin and clean: in their committed form (no outputs, no execution
counts, declared defaults), one `parameters` cell, and no functions or classes defined in them
(the logic lives in the sitrep package).

These tests read the working notebooks; every other test uses copies in committed form
(conftest.committed_form), so a notebook saved from JupyterLab with an edited default fails
exactly one test here, which names it and says how to fix it."""

from __future__ import annotations

import ast

import nbformat
import pytest

from sitrep import paths

NOTEBOOKS = sorted((paths.ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks in notebooks/"


def _read(path):
    return nbformat.read(path, as_version=4)


def _code_cells(notebook):
    return [c for c in notebook.cells if c.cell_type == "code"]


@pytest.fixture(params=NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def notebook(request):
    return request.param.name, _read(request.param)


def test_notebook_is_valid(notebook):
    nbformat.validate(notebook[1])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_working_notebook_is_as_committed(path):
    """What the renderer and a save from JupyterLab rely on: the guard finds nothing (no
    outputs, no edited default) and the file is in canonical form."""
    from sitrep.pipeline import guard, lab

    refused = guard.problem(path)
    assert refused is None, refused
    explored = guard.notice(path)  # renders, but must not be committed as the defaults
    assert explored is None, f"{explored}: git checkout -- {paths.display(path)}"
    text = path.read_text(encoding="utf-8")
    assert lab.canonical_text(nbformat.reads(text, as_version=4)) == text, (
        f"{paths.display(path)} is not in canonical form (saved by another tool?): "
        f"python -m sitrep.pipeline.lab {paths.display(path)}")


def test_exactly_one_parameters_cell(notebook):
    name, nb = notebook
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{name}: {len(tagged)} cells tagged 'parameters'"
    assert tagged[0].cell_type == "code"


def test_no_definitions_in_code_cells(notebook):
    name, nb = notebook
    for index, cell in enumerate(_code_cells(nb)):
        source = cell.source
        lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
        try:
            tree = ast.parse("\n".join(lines))
        except SyntaxError:  # fall back to text when a cell is not plain Python
            assert "def " not in source and "class " not in source, f"{name} cell {index}"
            continue
        defined = [n for n in ast.walk(tree)
                   if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)]
        assert not defined, (f"{name} code cell {index} defines {defined[0].name!r}: "
                             "put it in the sitrep package")
