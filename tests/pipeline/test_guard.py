"""Notebooks that JupyterLab cannot corrupt: the render guard refuses a notebook saved with
outputs or with edited parameter defaults (one line, with the fix); the lab saves notebooks
without outputs; errors in the lab are one line; the lab prints the render command."""

from __future__ import annotations

import nbformat
import pytest

from sitrep import paths
from sitrep.cli import main
from sitrep.pipeline import guard, parameters

BRIEF = paths.NOTEBOOKS / "brief.ipynb"


def _with_outputs(nb):
    cell = next(c for c in nb.cells if c.cell_type == "code" and "parameters" not in
                c.metadata.get("tags", []))
    cell.execution_count = 3
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="ran in the lab\n")]


def _edited_as_of(nb):
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = cell.source.replace('as_of = ""', 'as_of = "2024-11-01"')


def _count_only(nb):
    next(c for c in nb.cells if c.cell_type == "code").execution_count = 1


@pytest.mark.parametrize(("edit", "expected"), [
    (None, None),
    (_with_outputs, "carries outputs (cell 2; saved after running in JupyterLab?): strip them "
                    "with: nbstripout"),
    (_count_only, "carries outputs (cell 1;"),
    (_edited_as_of, "declares as_of = '2024-11-01' in its parameters cell, where every default "
                    "must be '': set it back"),
], ids=["clean", "saved_with_outputs", "saved_with_execution_count", "edited_default"])
def test_guard(tmp_path, edit, expected):
    notebook = tmp_path / "brief.ipynb"
    nb = nbformat.read(BRIEF, as_version=4)
    if edit:
        edit(nb)
    nbformat.write(nb, notebook)
    found = guard.problem(notebook)
    if expected is None:
        assert found is None
    else:
        assert expected in found and "\n" not in found


@pytest.mark.parametrize("edit", [_with_outputs, _edited_as_of])
def test_render_refuses_in_one_line_and_publishes_nothing(tmp_path, monkeypatch, capsys, edit):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nb = nbformat.read(BRIEF, as_version=4)
    edit(nb)
    nbformat.write(nb, notebooks / "brief.ipynb")
    manifest = tmp_path / "reports.toml"
    manifest.write_text('[[report]]\nname = "brief"\nnotebook = "brief.ipynb"\n',
                        encoding="utf-8")
    monkeypatch.setattr(paths, "NOTEBOOKS", notebooks)
    out = tmp_path / "reports"
    assert main(["render", "brief", "--manifest", str(manifest), "--out", str(out)]) == 2
    refused = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(refused) == 1 and refused[0].startswith("brief: refused: "), refused
    assert not (out / "brief").exists()


def test_lab_saves_notebooks_without_outputs(tmp_path):
    from jupyter_server.services.contents.filemanager import FileContentsManager
    from traitlets.config.loader import PyFileConfigLoader

    config_file = paths.ROOT / "scripts" / "jupyter_server_config.py"
    config = PyFileConfigLoader(config_file.name, str(config_file.parent)).load_config()
    manager = FileContentsManager(config=config, root_dir=str(tmp_path))
    nb = nbformat.read(BRIEF, as_version=4)
    _with_outputs(nb)
    manager.save({"type": "notebook", "format": "json", "content": nb}, "brief.ipynb")
    saved = nbformat.read(tmp_path / "brief.ipynb", as_version=4)
    assert all(not c.get("outputs") and c.get("execution_count") is None
               for c in saved.cells if c.cell_type == "code")
    assert [c.source for c in saved.cells] == [c.source for c in nb.cells]
    assert guard.problem(tmp_path / "brief.ipynb") is None


def test_parameter_error_is_one_line_in_the_lab(capsys):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.run_cell("from sitrep.pipeline import parameters\n"
                   "parameters.read(as_of='2024-13-01')")
    shown = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert len(shown) == 1 and shown[0].startswith("ParameterError: parameter 'as_of'"), shown


@pytest.mark.parametrize(("values", "command"), [
    ({"dataset": "", "as_of": "", "title": ""}, "sitrep render brief --force"),
    ({"as_of": "2024-11-30", "title": "It's a brief"},
     "sitrep render brief --force -p as_of=2024-11-30 -p 'title=It'\"'\"'s a brief'"),
])
def test_render_command(values, command):
    assert parameters.render_command("brief", **values) == command


def test_tab_completion_offers_the_tables():
    from sitrep.model import load

    facts = load(paths.DEFAULT_DATASET)
    assert {"claims", "actors", "quantities", "link", "until"} <= set(dir(facts))


def test_committed_form_of_an_edited_notebook_passes_the_guard(tmp_path):
    """The copies every other test uses (conftest.committed_form) undo what a save from
    JupyterLab may leave: outputs, counts and an edited default."""
    from conftest import committed_form

    edited = tmp_path / "edited"
    edited.mkdir()
    nb = nbformat.read(BRIEF, as_version=4)
    _with_outputs(nb)
    _edited_as_of(nb)
    nbformat.write(nb, edited / "brief.ipynb")
    assert guard.problem(edited / "brief.ipynb") is not None
    copy = committed_form(edited / "brief.ipynb", tmp_path)
    assert guard.problem(copy) is None
    assert copy.read_bytes() == BRIEF.read_bytes()
