"""A notebook saved from JupyterLab must never silently change a report.

Before a notebook is executed for a report, :func:`check_notebook` refuses one that carries
outputs (saved after running, so its committed form is not what renders) or whose
``parameters`` cell declares other defaults than sitrep's (an ``as_of`` edited and autosaved
would otherwise publish a cut report under the plain report's name). The refusal is one line
with the fix.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sitrep import paths
from sitrep.model.data.errors import SitrepError
from sitrep.pipeline.parameters import KNOWN

#: The declared default of every sitrep parameter: empty text ("not set").
DECLARED_DEFAULT = ""


class NotebookRefused(SitrepError, ValueError):
    """The notebook differs from its committed, declared form; the message says how to fix."""


def _source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def parameter_defaults(notebook: Mapping[str, Any]) -> dict[str, object]:
    """The values the cell tagged ``parameters`` assigns (literals only)."""
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code" and \
                "parameters" in cell.get("metadata", {}).get("tags", []):
            values: dict[str, object] = {}
            for node in ast.parse(_source(cell)).body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                        and isinstance(node.targets[0], ast.Name):
                    try:
                        values[node.targets[0].id] = ast.literal_eval(node.value)
                    except ValueError:
                        values[node.targets[0].id] = ast.unparse(node.value)
            return values
    return {}


def problem(path: Path) -> str | None:
    """One line naming what is wrong with a notebook and the fix, or None when it is clean.

    The notebook is read as plain JSON, not validated (nbformat's schema check takes seconds
    to set up): the guard answers in well under a second, before anything else runs."""
    shown = paths.display(path)
    try:
        notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return f"{shown} cannot be read as a notebook ({error}): git checkout -- {shown}"
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        return f"{shown} holds no list of cells: it is no notebook (git checkout -- {shown})"
    cells = [c for c in notebook["cells"] if isinstance(c, dict)]
    ran = [i for i, c in enumerate(cells, start=1) if c.get("cell_type") == "code"
           and (c.get("outputs") or c.get("execution_count") is not None)]
    if ran:
        return (f"{shown} carries outputs (cell {ran[0]}; saved after running in JupyterLab?): "
                f"strip them with: nbstripout {shown}")
    edited = {name: value for name, value in parameter_defaults(notebook).items()
              if name in KNOWN and value != DECLARED_DEFAULT}
    if edited:
        name, value = next(iter(edited.items()))
        return (f"{shown} declares {name} = {value!r} in its parameters cell, where every "
                f"default must be {DECLARED_DEFAULT!r}: set it back (git checkout -- {shown}) "
                f"and render with -p {name}={value}")
    return None


def refusals(notebooks: Iterable[Path]) -> dict[Path, str]:
    """The notebooks among ``notebooks`` the guard refuses, each read once, with why: what
    the renderer asks first, before it validates a data set or starts a kernel."""
    found = {Path(n): problem(Path(n)) for n in dict.fromkeys(notebooks)}
    return {path: why for path, why in found.items() if why}


def check_notebook(path: Path) -> None:
    """Raise :class:`NotebookRefused` when :func:`problem` finds something."""
    found = problem(Path(path))
    if found:
        raise NotebookRefused(found)
