"""Notebooks in one canonical form, so that JupyterLab never changes a byte it need not.

``make lab`` starts JupyterLab with ``scripts/jupyter_server_config.py``, which registers
:func:`strip_on_save` as the contents manager's pre-save hook and :class:`LabContentsManager`
as the contents manager. Every save (an autosave after Run All included) writes the notebook
in its canonical form (:func:`canonical`): no outputs, no execution counts, the committed
notebook metadata (not the kernel's ``language_info`` or display name), cell metadata reduced
to the analyst's tags, keys sorted as nbformat writes them, and the ``parameters`` cell with
the committed defaults. The values the analyst explored there are kept beside the notebook,
in ``.sitrep-lab/<name>.json`` (git-ignored), and put back when JupyterLab opens the
notebook again (:meth:`LabContentsManager.get`). So a save of an unedited notebook after Run
All changes no byte on disk, a save after exploring other parameter values changes none
either, and the reports built from it stay current. What stays in the browser is untouched:
the analyst keeps seeing the outputs and the values.

``python -m sitrep.pipeline.lab notebooks/*.ipynb`` rewrites notebooks in canonical form.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import nbformat
from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from nbstripout import strip_output

from sitrep.model.data import writes
from sitrep.pipeline import guard

#: The notebook metadata every committed notebook carries, whatever kernel ran it last.
METADATA: dict[str, Any] = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}
#: The cell metadata an analyst sets on purpose; the rest (collapsed, scrolled, execution
#: timings, JupyterLab's view state) belongs to a session, not to the notebook.
CELL_METADATA = ("tags",)


def canonical(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook in its committed form (see the module's docstring); cell ids, sources and
    tags are kept as they are."""
    notebook = strip_output(nbformat.from_dict(notebook), keep_output=False, keep_count=False,
                            keep_id=True)
    notebook.metadata = nbformat.from_dict(METADATA)
    notebook.nbformat, notebook.nbformat_minor = 4, 5
    for cell in notebook.cells:
        cell.metadata = nbformat.from_dict({k: v for k, v in cell.get("metadata", {}).items()
                                            if k in CELL_METADATA and v})
        if cell.cell_type == "markdown" and not cell.get("attachments"):
            cell.pop("attachments", None)
    return notebook


def canonical_text(notebook: nbformat.NotebookNode) -> str:
    """The canonical notebook as the file holds it (what nbformat and Jupyter write)."""
    text = nbformat.writes(canonical(notebook))
    return text if text.endswith("\n") else text + "\n"


#: The folder beside the notebooks that keeps each one's explored parameters (git-ignored).
SIDECAR = ".sitrep-lab"


def sidecar(notebook: Path) -> Path:
    """Where the explored parameters of ``notebook`` are kept."""
    return Path(notebook).parent / SIDECAR / f"{Path(notebook).stem}.json"


def _on_disk(notebook: Path) -> str | None:
    """The parameters cell of the notebook as the file holds it, when it holds the committed
    defaults (None otherwise, or when there is no such file)."""
    try:
        cell = guard.parameters_cell(nbformat.read(notebook, as_version=4))
        if cell is not None and not guard.explored({"cells": [cell]}):
            return str(cell.source)
    except (OSError, ValueError, SyntaxError, AttributeError):
        pass
    return None


def set_aside(content: nbformat.NotebookNode, notebook: Path | None) -> None:
    """Write the committed defaults into ``content``'s parameters cell; keep what the analyst
    had there in the notebook's sidecar (removed when nothing was explored). A cell that does
    not parse (an autosave while typing) is kept in the sidecar too, and the file keeps the
    parameters cell it already holds when that one has the committed defaults."""
    cell = guard.parameters_cell(content)
    if cell is None:
        return
    explored = str(cell.source)
    try:
        committed = guard.reset_source(explored)
    except SyntaxError:
        committed = _on_disk(notebook) if notebook is not None else None
        if committed is None:
            return  # nothing safe to write instead: saved as typed (the render says so)
    cell.source = committed
    if notebook is None:
        return
    folder = Path(notebook).parent
    if explored == committed:
        sidecar(notebook).unlink(missing_ok=True)
        return
    record = {"notebook": Path(notebook).name, "committed": committed, "explored": explored}
    writes.write_text(writes.root(folder), Path(SIDECAR) / sidecar(notebook).name,
                      json.dumps(record, indent=1, ensure_ascii=False) + "\n")


def restore(content: nbformat.NotebookNode, notebook: Path) -> bool:
    """Put the explored parameters kept for ``notebook`` back into ``content`` (as JupyterLab
    opens it), when its parameters cell is still the committed one they were set aside from;
    return whether it did."""
    cell = guard.parameters_cell(content)
    try:
        record = json.loads(sidecar(notebook).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if cell is None or not isinstance(record, dict) or \
            record.get("committed") != cell.source or not isinstance(record.get("explored"), str):
        return False
    cell.source = record["explored"]
    return True


def strip_on_save(model: dict[str, Any], path: str = "", contents_manager: Any = None,
                  **_: Any) -> None:
    """Pre-save hook: a notebook being saved is written in its canonical form, its explored
    parameters set aside (:func:`set_aside`)."""
    if model.get("type") != "notebook" or not model.get("content"):
        return
    content = canonical(model["content"])
    root = getattr(contents_manager, "root_dir", None)
    set_aside(content, Path(root) / path if root and path else None)
    model["content"] = content


class LabContentsManager(AsyncLargeFileManager):
    """JupyterLab's contents manager, which opens a notebook with the parameter values the
    analyst explored (kept by :func:`strip_on_save`), not the committed defaults on disk."""

    async def get(self, path: str, content: bool = True, type: str | None = None,
                  format: str | None = None, **kwargs: Any) -> dict[str, Any]:
        model = await super().get(path, content=content, type=type, format=format, **kwargs)
        if model.get("type") == "notebook" and model.get("content"):
            restore(model["content"], Path(self.root_dir) / path.strip("/"))
        return model


def main(argv: list[str] | None = None) -> int:
    """Rewrite the notebooks named in canonical form; print those that changed."""
    for name in sys.argv[1:] if argv is None else argv:
        path = Path(name)
        before = path.read_text(encoding="utf-8")
        after = canonical_text(nbformat.reads(before, as_version=4))
        if after != before:
            path.write_text(after, encoding="utf-8")
            print(f"canonical now: {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
