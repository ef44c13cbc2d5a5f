"""Notebooks that JupyterLab cannot corrupt, and exploring that never blocks a render: the
render guard refuses a notebook saved with outputs (one line, with the fix); parameter values
explored in JupyterLab are set aside (one line says so) and the render runs with the committed
defaults; the lab saves notebooks without outputs and with the committed defaults, keeping the
explored values beside them; errors in the lab are one line and stop Run All; the lab prints
the render command."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys

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


def _explored_values(nb):
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = cell.source.replace('as_of = ""', 'as_of = "2024-11-01"').replace(
        'title = ""', 'title = "Brief: Kursk — draft"')


def _parameters_cell_not_python(nb):
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source += '\nas_of = "2024-11'


def _count_only(nb):
    next(c for c in nb.cells if c.cell_type == "code").execution_count = 1


@pytest.mark.parametrize(("edit", "expected"), [
    (None, None),
    (_with_outputs, "carries outputs (cell 2; saved after running in JupyterLab?): strip them "
                    "with: nbstripout"),
    (_count_only, "carries outputs (cell 1;"),
    (_edited_as_of, None),
    (_explored_values, None),
    (_parameters_cell_not_python, "its parameters cell is not Python (line 8:"),
], ids=["clean", "saved_with_outputs", "saved_with_execution_count", "explored_as_of",
        "explored_as_of_and_title", "parameters_cell_not_python"])
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


@pytest.mark.parametrize(("edit", "notice"), [
    (None, None),
    (_edited_as_of, "(as_of = \"2024-11-01\")"),
    (_explored_values, "(as_of = \"2024-11-01\", title = \"Brief: Kursk — draft\")"),
], ids=["clean", "explored_as_of", "explored_as_of_and_title"])
def test_explored_values_are_set_aside_in_one_line(tmp_path, edit, notice):
    notebook = tmp_path / "brief.ipynb"
    nb = nbformat.read(BRIEF, as_version=4)
    if edit:
        edit(nb)
    nbformat.write(nb, notebook)
    said = guard.notice(notebook)
    if notice is None:
        assert said is None
    else:
        assert notice in said and "\n" not in said and "brief.ipynb" in said
    # Set aside, the notebook is the committed one byte for byte: no report goes stale.
    assert guard.committed_bytes(notebook) == BRIEF.read_bytes()
    assert guard.notices([notebook, notebook]) == ([said] if said else [])


def test_render_refuses_a_notebook_with_outputs_in_one_line_and_publishes_nothing(
        tmp_path, monkeypatch, capsys):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nb = nbformat.read(BRIEF, as_version=4)
    _with_outputs(nb)
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


@pytest.mark.e2e
def test_a_notebook_with_explored_values_still_renders_with_one_notice(tmp_path):
    """What `make reports` met after an autosave in JupyterLab: every report of the notebook
    refused. Now each renders with the manifest's values, and one line names what was set
    aside."""
    notebooks = tmp_path / "notebooks"
    shutil.copytree(paths.NOTEBOOKS, notebooks)  # report.command reads the shipped manifest
    nb = nbformat.read(paths.NOTEBOOKS / "force_sizes.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = cell.source.replace('as_of = ""', 'as_of = "2031-03-01"').replace(
        'min_grade = ""', 'min_grade = "A1"')
    nbformat.write(nb, notebooks / "force_sizes.ipynb")
    fictional = paths.ROOT / "tests" / "data" / "fictional"
    manifest = tmp_path / "reports.toml"
    manifest.write_text(
        '[defaults]\nformats = ["ipynb"]\n'
        + "".join(f'[[report]]\nname = "{n}"\nnotebook = "force_sizes.ipynb"\n'
                  f'parameters.dataset = "{fictional}"\n' for n in ("one", "two")),
        encoding="utf-8")
    env = {**os.environ, "SITREP_NOTEBOOKS": str(notebooks), "SITREP_DATA_ROOTS": str(fictional)}
    result = subprocess.run([sys.executable, "-m", "sitrep.cli", "render", "--manifest",
                             str(manifest), "--out", str(tmp_path / "reports"), "-j", "1"],
                            capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    said = [line for line in (result.stdout + result.stderr).splitlines()
            if "explored values" in line]
    assert len(said) == 1, said
    assert 'as_of = "2031-03-01", min_grade = "A1"' in said[0] and "force_sizes.ipynb" in said[0]
    for name in ("one", "two"):
        executed = nbformat.read(tmp_path / "reports" / name / f"{name}.ipynb", as_version=4)
        ran = next(c for c in executed.cells if "parameters" in c.metadata.get("tags", []))
        assert 'as_of = ""' in ran.source and 'min_grade = ""' in ran.source


def _lab_manager(root, cls=None):
    from jupyter_server.services.contents.filemanager import FileContentsManager
    from traitlets.config.loader import PyFileConfigLoader

    config_file = paths.ROOT / "scripts" / "jupyter_server_config.py"
    config = PyFileConfigLoader(config_file.name, str(config_file.parent)).load_config()
    return (cls or FileContentsManager)(config=config, root_dir=str(root))


def test_lab_saves_notebooks_without_outputs(tmp_path):
    manager = _lab_manager(tmp_path)
    nb = nbformat.read(BRIEF, as_version=4)
    _with_outputs(nb)
    manager.save({"type": "notebook", "format": "json", "content": nb}, "brief.ipynb")
    saved = nbformat.read(tmp_path / "brief.ipynb", as_version=4)
    assert all(not c.get("outputs") and c.get("execution_count") is None
               for c in saved.cells if c.cell_type == "code")
    assert [c.source for c in saved.cells] == [c.source for c in nb.cells]
    assert guard.problem(tmp_path / "brief.ipynb") is None


@pytest.mark.parametrize("edit", [_explored_values, _parameters_cell_not_python],
                         ids=["explored_values", "autosaved_while_typing"])
def test_lab_saves_the_committed_defaults_and_opens_with_the_explored_values(tmp_path, edit):
    """The pre-save hook writes the committed defaults and keeps the analyst's cell in
    .sitrep-lab/brief.json; the lab's contents manager opens the notebook with it."""
    from sitrep.pipeline import lab

    manager = _lab_manager(tmp_path, lab.LabContentsManager)
    save = {"type": "notebook", "format": "json"}
    asyncio.run(manager.save({**save, "content": nbformat.read(BRIEF, as_version=4)},
                             "brief.ipynb"))
    nb = nbformat.read(BRIEF, as_version=4)
    edit(nb)
    explored = guard.parameters_cell(nb).source
    asyncio.run(manager.save({**save, "content": nb}, "brief.ipynb"))
    assert (tmp_path / "brief.ipynb").read_bytes() == BRIEF.read_bytes()
    kept = json.loads((tmp_path / ".sitrep-lab" / "brief.json").read_text(encoding="utf-8"))
    assert kept["explored"] == explored
    opened = asyncio.run(manager.get("brief.ipynb"))
    assert guard.parameters_cell(opened["content"]).source == explored
    # Set back to the defaults in the lab: the sidecar goes.
    asyncio.run(manager.save({**save, "content": nbformat.read(BRIEF, as_version=4)},
                             "brief.ipynb"))
    assert not (tmp_path / ".sitrep-lab" / "brief.json").exists()


def test_parameter_error_is_one_line_in_the_lab(capsys):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    result = shell.run_cell("from sitrep.pipeline import parameters\n"
                            "parameters.read(as_of='2024-13-01')")
    shown = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert len(shown) == 1 and shown[0].startswith("ParameterError: parameter 'as_of'"), shown
    # Raised, not printed: the kernel replies 'error', so Run All stops at this cell.
    assert isinstance(result.error_in_exec, parameters.ParameterError)


@pytest.mark.parametrize("path", sorted(paths.NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_no_notebook_swallows_an_error(path):
    """Run All stops at the first error only if no cell catches it and prints instead."""
    import ast

    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            tree = ast.parse(cell.source)
            assert not any(isinstance(n, ast.Try) for n in ast.walk(tree)), cell.source


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
