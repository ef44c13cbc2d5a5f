"""A notebook saved from JupyterLab must never silently change a report.

Before a notebook is executed for a report, :func:`check_notebook` refuses one that carries
outputs (saved after running, so its committed form is not what renders) or whose
``parameters`` cell declares other defaults than sitrep's (an ``as_of`` edited and autosaved
would otherwise publish a cut report under the plain report's name). The refusal is one line
with the fix.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING

from sitrep import paths
from sitrep.pipeline.parameters import KNOWN

if TYPE_CHECKING:  # nbformat is imported when a notebook is read, not with this module
    import nbformat

#: The declared default of every sitrep parameter: empty text ("not set").
DECLARED_DEFAULT = ""


class NotebookRefused(ValueError):
    """The notebook differs from its committed, declared form; the message says how to fix."""


def parameter_defaults(notebook: nbformat.NotebookNode) -> dict[str, object]:
    """The values the cell tagged ``parameters`` assigns (literals only)."""
    for cell in notebook.cells:
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            values: dict[str, object] = {}
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                        and isinstance(node.targets[0], ast.Name):
                    try:
                        values[node.targets[0].id] = ast.literal_eval(node.value)
                    except ValueError:
                        values[node.targets[0].id] = ast.unparse(node.value)
            return values
    return {}


def problem(path: Path) -> str | None:
    """One line naming what is wrong with a notebook and the fix, or None when it is clean."""
    import nbformat

    shown = paths.display(path)
    notebook = nbformat.read(path, as_version=4)
    ran = [i for i, c in enumerate(notebook.cells, start=1) if c.cell_type == "code"
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


def check_notebook(path: Path) -> None:
    """Raise :class:`NotebookRefused` when :func:`problem` finds something."""
    found = problem(Path(path))
    if found:
        raise NotebookRefused(found)
