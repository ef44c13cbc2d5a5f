"""A notebook saved from JupyterLab must never silently change a report, nor block one.

Before a notebook is executed for a report, :func:`problem` refuses one that carries outputs
(saved after running, so its committed form is not what renders), one that is no notebook, and
one whose ``parameters`` cell does not parse. Values an analyst explored in the ``parameters``
cell (an ``as_of`` edited and autosaved) never block a render and never reach a report: a
render always executes the notebook with the committed defaults (every sitrep parameter
``""``, :func:`reset`) and the manifest's or the command line's values, and says once, in one
line, which values it set aside (:func:`notice`). The checksum a report is kept current by is
taken over the same committed form (:func:`committed_bytes`), so exploring never makes a
report stale either.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable, Mapping, MutableMapping
from pathlib import Path
from typing import Any

from sitrep import paths
from sitrep.model.data.errors import SitrepError
from sitrep.pipeline.parameters import KNOWN

#: The declared default of every sitrep parameter: empty text ("not set").
DECLARED_DEFAULT = ""
_DEFAULT_SOURCE = '""'


class NotebookRefused(SitrepError, ValueError):
    """The notebook differs from its committed, declared form; the message says how to fix."""


def _source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def parameters_cell(notebook: Mapping[str, Any]) -> MutableMapping[str, Any] | None:
    """The first code cell tagged ``parameters``, or None."""
    for cell in notebook.get("cells", []):
        if isinstance(cell, dict) and cell.get("cell_type") == "code" and \
                "parameters" in (cell.get("metadata") or {}).get("tags", []):
            return cell
    return None


def _assignments(source: str) -> Iterable[tuple[str, ast.expr]]:
    """Each ``name = value`` (or ``name: type = value``) of a cell, in order.

    Raises:
        SyntaxError: the cell is not Python.
    """
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name):
            yield node.targets[0].id, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None \
                and isinstance(node.target, ast.Name):
            yield node.target.id, node.value


def _literal(value: ast.expr) -> object:
    try:
        return ast.literal_eval(value)
    except ValueError:
        return ast.unparse(value)


def parameter_defaults(notebook: Mapping[str, Any]) -> dict[str, object]:
    """The values the cell tagged ``parameters`` assigns (literals only; an expression as its
    source text)."""
    cell = parameters_cell(notebook)
    if cell is None:
        return {}
    return {name: _literal(value) for name, value in _assignments(_source(cell))}


def _explored_nodes(source: str) -> list[tuple[str, ast.expr]]:
    return [(name, value) for name, value in _assignments(source)
            if name in KNOWN and _literal(value) != DECLARED_DEFAULT]


def explored(notebook: Mapping[str, Any]) -> dict[str, str]:
    """sitrep's parameters whose value in the ``parameters`` cell is not the committed
    default, each with its value as written (``{"as_of": '"2024-11-01"'}``).

    Raises:
        SyntaxError: the cell is not Python.
    """
    cell = parameters_cell(notebook)
    if cell is None:
        return {}
    source = _source(cell)
    return {name: ast.get_source_segment(source, value) or ast.unparse(value)
            for name, value in _explored_nodes(source)}


def _offset(lines: list[str], line: int, column: int) -> int:
    """The character offset of ``ast``'s (line, UTF-8 byte column) in the joined lines."""
    before = sum(len(text) for text in lines[:line - 1])
    return before + len(lines[line - 1].encode("utf-8")[:column].decode("utf-8"))


def reset_source(source: str) -> str:
    """The ``parameters`` cell's source with every explored value of a sitrep parameter set
    back to ``""``: the committed form, byte for byte, when only values were edited.

    Raises:
        SyntaxError: the cell is not Python.
    """
    lines = source.splitlines(keepends=True)
    for _, value in reversed(_explored_nodes(source)):
        start = _offset(lines, value.lineno, value.col_offset)
        end = _offset(lines, value.end_lineno or value.lineno,
                      value.end_col_offset or value.col_offset)
        source = source[:start] + _DEFAULT_SOURCE + source[end:]
        lines = source.splitlines(keepends=True)
    return source


def set_source(cell: MutableMapping[str, Any], source: str) -> None:
    """Give a cell a new source, in the form (text or list of lines) it held."""
    cell["source"] = source.splitlines(keepends=True) if isinstance(cell.get("source"), list) \
        else source


def reset(notebook: Mapping[str, Any]) -> dict[str, str]:
    """Set the ``parameters`` cell of ``notebook`` (changed in place) back to the committed
    defaults; return the explored values it held (see :func:`explored`).

    Raises:
        SyntaxError: the cell is not Python.
    """
    cell = parameters_cell(notebook)
    values = explored(notebook)
    if cell is not None and values:
        set_source(cell, reset_source(_source(cell)))
    return values


def _read(path: Path) -> dict[str, Any]:
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise ValueError("it holds no list of cells")
    return notebook


def committed_bytes(path: Path) -> bytes:
    """The notebook's bytes with its explored values set aside (:func:`reset`): the bytes of
    the committed notebook when only parameter values were edited. A report's checksum is
    taken over these, so exploring in JupyterLab never makes a report stale."""
    data = Path(path).read_bytes()
    try:
        notebook = json.loads(data)
        if not reset(notebook):
            return data
    except (ValueError, SyntaxError, AttributeError, TypeError):
        return data
    return (json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def problem(path: Path) -> str | None:
    """One line naming what keeps a notebook from rendering and the fix, or None.

    The notebook is read as plain JSON, not validated (nbformat's schema check takes seconds
    to set up): the guard answers in well under a second, before anything else runs. Explored
    parameter values are no problem (:func:`notice`)."""
    shown = paths.display(path)
    try:
        notebook = _read(path)
    except (OSError, ValueError) as error:
        return f"{shown} cannot be read as a notebook ({error}): git checkout -- {shown}"
    cells = [c for c in notebook["cells"] if isinstance(c, dict)]
    ran = [i for i, c in enumerate(cells, start=1) if c.get("cell_type") == "code"
           and (c.get("outputs") or c.get("execution_count") is not None)]
    if ran:
        return (f"{shown} carries outputs (cell {ran[0]}; saved after running in JupyterLab?): "
                f"strip them with: nbstripout {shown}")
    try:
        explored(notebook)
    except SyntaxError as error:
        return (f"{shown}: its parameters cell is not Python (line {error.lineno}: "
                f"{error.msg}): fix it, or set it back with git checkout -- {shown}")
    return None


def notice(path: Path) -> str | None:
    """One line naming the parameter values explored in a notebook, which a render sets
    aside, or None when it holds the committed defaults (or cannot be read: see
    :func:`problem`)."""
    try:
        values = explored(_read(path))
    except (OSError, ValueError, SyntaxError):
        return None
    if not values:
        return None
    listed = ", ".join(f"{name} = {value}" for name, value in values.items())
    return (f"note: {paths.display(path)} holds explored values in its parameters cell "
            f"({listed}); reports render with the committed defaults and the manifest's or "
            "-p values")


def refusals(notebooks: Iterable[Path]) -> dict[Path, str]:
    """The notebooks among ``notebooks`` the guard refuses, each read once, with why: what
    the renderer asks first, before it validates a data set or starts a kernel."""
    found = {Path(n): problem(Path(n)) for n in dict.fromkeys(notebooks)}
    return {path: why for path, why in found.items() if why}


def notices(notebooks: Iterable[Path]) -> list[str]:
    """One line per notebook among ``notebooks`` (each said once) that holds explored values."""
    return [line for n in dict.fromkeys(map(Path, notebooks)) if (line := notice(n))]


def check_notebook(path: Path) -> None:
    """Raise :class:`NotebookRefused` when :func:`problem` finds something."""
    found = problem(Path(path))
    if found:
        raise NotebookRefused(found)
