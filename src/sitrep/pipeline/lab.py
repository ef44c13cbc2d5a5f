"""Notebooks in one canonical form, so that JupyterLab never changes a byte it need not.

``make lab`` starts JupyterLab with ``scripts/jupyter_server_config.py``, which registers
:func:`strip_on_save` as the contents manager's pre-save hook. Every save (an autosave after
Run All included) writes the notebook in its canonical form (:func:`canonical`): no outputs,
no execution counts, the committed notebook metadata (not the kernel's ``language_info`` or
display name), cell metadata reduced to the analyst's tags, keys sorted as nbformat writes
them. So a save of an unedited notebook after Run All changes no byte on disk, and the
reports built from it stay current. What stays in the browser is untouched: the analyst keeps
seeing the outputs. An edited parameter default is saved as edited, and ``sitrep render``
refuses it (:mod:`sitrep.pipeline.guard`).

``python -m sitrep.pipeline.lab notebooks/*.ipynb`` rewrites notebooks in canonical form.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import nbformat
from nbstripout import strip_output

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


def strip_on_save(model: dict[str, Any], **_: Any) -> None:
    """Pre-save hook: a notebook being saved is written in its canonical form."""
    if model.get("type") != "notebook" or not model.get("content"):
        return
    model["content"] = canonical(model["content"])


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
