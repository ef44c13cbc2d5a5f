"""JupyterLab saves notebooks without their outputs (nbstripout), so a notebook edited and
autosaved in the lab is committed and rendered in the form it was written.

``make lab`` starts JupyterLab with ``scripts/jupyter_server_config.py``, which registers
:func:`strip_on_save` as the contents manager's pre-save hook. What stays in the browser is
untouched: the analyst keeps seeing the outputs; the file on disk has none. An edited
parameter default is saved as edited, and ``sitrep render`` refuses it (sitrep.pipeline.guard).
"""

from __future__ import annotations

from typing import Any

import nbformat
from nbstripout import strip_output


def strip_on_save(model: dict[str, Any], **_: Any) -> None:
    """Pre-save hook: drop every output and execution count of a notebook being saved."""
    if model.get("type") != "notebook" or not model.get("content"):
        return
    notebook = nbformat.from_dict(model["content"])
    model["content"] = strip_output(notebook, keep_output=False, keep_count=False,
                                    keep_id=True)
