"""Execute a parameterised notebook with papermill, after checking its parameters.

- Parameters are checked before papermill sees them (:func:`check_parameters`): names must be
  declared by the notebook's ``parameters`` cell, values must be JSON-like and of the type of
  the parameter's default, and sitrep's own parameters must have valid values
  (:mod:`sitrep.pipeline.parameters`); a ``Path`` is passed as its string. papermill gets Python
  values, so none of its command-line or YAML coercions ("007" -> 7, "NO" -> False) applies.
- The source notebook is never written to: the executed notebook goes to a work folder, where it
  stays after a failure (papermill saves it after every cell).
- A :class:`~sitrep.pipeline.kernels.KernelPool` keeps warm kernels across notebooks, the
  namespace emptied before each one.

papermill, nbformat and jupyter_client are imported lazily, so importing this module stays cheap.
"""

from __future__ import annotations

import ast
import keyword
import math
import os
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitrep.pipeline.errors import RenderError, did_you_mean, strip_ansi
from sitrep.pipeline.kernels import QUIET, KernelPool, close_kernel, ipc_kernel_manager

if TYPE_CHECKING:
    import nbformat

__all__ = ["RESET_CELL", "check_parameters", "declared_type", "execute"]


def _check_value(name: str, value: Any, where: str) -> Any:
    """Return ``value`` as papermill can write it safely, or raise RenderError."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise RenderError(f"parameter {name!r}: {where} is {value!r}, not a finite number")
        return value
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, list | tuple):
        return [_check_value(name, v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise RenderError(f"parameter {name!r}: {where} has a non-string key {k!r}")
            out[k] = _check_value(name, v, f"{where}[{k!r}]")
        return out
    raise RenderError(
        f"parameter {name!r}: {where} is a {type(value).__name__}; parameters must be "
        "None, bool, int, float, str, a path, or lists/dicts of those"
    )


_TYPE_NAMES: dict[str, type] = {
    "str": str, "int": int, "float": float, "bool": bool, "list": list, "dict": dict,
}


def declared_type(spec: Mapping[str, Any]) -> type | None:
    """The type a parameter is declared with, from papermill's ``inspect_notebook`` entry.

    An annotation (``title: str = ""``) wins; otherwise the type of the default's literal
    (``title = ""`` is a str). ``None`` when neither says (a ``None`` default, an expression):
    then any JSON-like value is taken.
    """
    annotated = _TYPE_NAMES.get(str(spec.get("inferred_type_name", "")).strip())
    if annotated is not None:
        return annotated
    try:
        default = ast.literal_eval(str(spec.get("default", "")))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    if default is None:
        return None
    kind = type(default)
    return {tuple: list}.get(kind, kind) if kind in (*_TYPE_NAMES.values(), tuple) else None


def _fits(value: Any, declared: type) -> bool:
    if declared is bool:
        return isinstance(value, bool)
    if declared is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if declared is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, declared)


def check_parameters(notebook: Path, parameters: Mapping[str, Any], *,
                     declared_in: Path | None = None) -> dict[str, Any]:
    """Validate ``parameters`` against the notebook's ``parameters`` cell, before anything runs.

    papermill only warns about names the notebook does not declare (so a typo silently renders
    the defaults), converts nothing it is given as Python values but writes values it cannot
    translate (a ``Path``) as raw code. Here:

    - every name must be an identifier the notebook declares;
    - every value must be JSON-like (a path is taken as its string, a tuple as a list);
    - every value must have the parameter's declared type (:func:`declared_type`: the type of
      its default), so 7 or False for a str parameter is refused, never turned into text;
    - sitrep's own parameters (:data:`sitrep.pipeline.parameters.KNOWN`: ``as_of``, ``min_grade``,
      ``extent``, ...) must have a valid value.

    Returns:
        The parameters with paths turned into strings and tuples into lists.

    Raises:
        RenderError: naming the notebook, the parameter, the rule and the value.
    """
    if not parameters:
        return {}
    import papermill

    from sitrep.pipeline import parameters as sitrep_parameters

    # The declarations of the copy that runs (committed defaults), named as the notebook.
    declared = papermill.inspect_notebook(str(declared_in or notebook))
    checked: dict[str, Any] = {}
    for name, value in parameters.items():
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            raise RenderError(f"notebook {notebook}: parameter name {name!r} is not an identifier")
        if name not in declared:
            known = ", ".join(sorted(declared)) or "none: it has no cell tagged 'parameters'"
            raise RenderError(
                f"notebook {notebook} does not declare parameter {name!r} (declared: {known})"
                f"{did_you_mean(name, declared)}",
                notebook=notebook,
            )
        value = _check_value(name, value, "the value")
        kind = declared_type(declared[name])
        if kind is not None and not _fits(value, kind):
            hint = ""
            if kind is str and isinstance(value, bool | int | float):
                hint = ("; pass it as text: papermill's `-p` and YAML turn 007 into 7 and NO "
                        "into False, sitrep does not")
            raise RenderError(
                f"notebook {notebook}: parameter {name!r} is declared {kind.__name__} "
                f"(default {declared[name].get('default')}), but the value is {value!r} "
                f"({type(value).__name__}){hint}",
                notebook=notebook,
            )
        try:
            sitrep_parameters.check(name, value)
        except sitrep_parameters.ParameterError as error:
            raise RenderError(f"notebook {notebook}: {error}", notebook=notebook) from error
        checked[name] = value
    return checked


def _papermill_accepts_shutdown_kernel() -> bool:
    """True when papermill's nbclient wrapper has nbclient's ``shutdown_kernel`` option."""
    try:
        from papermill.clientwrap import PapermillNotebookClient
    except ImportError:  # pragma: no cover - papermill layout changed
        return False
    return "shutdown_kernel" in PapermillNotebookClient.class_trait_names()


def _cell_failure_message(notebook: Path, executed: Path, exc: Any) -> str:
    source = str(exc.source or "").rstrip() or "(empty cell)"
    evalue = strip_ansi(str(exc.evalue or ""))
    traceback = strip_ansi("\n".join(exc.traceback or [])).rstrip()
    parts = [
        f"notebook {notebook} failed in cell In [{exc.exec_count}]: {exc.ename}: {evalue}",
        "cell source:",
        textwrap.indent(source, "    "),
    ]
    if traceback:
        parts += ["traceback:", textwrap.indent(traceback, "    ")]
    parts.append(f"executed notebook kept at {executed}")
    return "\n".join(parts)


RESET_CELL = "get_ipython().run_line_magic('reset', '-f')"


def _source_copy(notebook: Path, workdir: Path, *, reset_namespace: bool) -> Path:
    """The copy of the notebook (in ``workdir``) that is executed: its ``parameters`` cell holds
    the committed defaults (values explored in JupyterLab set aside, :func:`guard.reset`), and
    with ``reset_namespace`` a first cell, tagged ``remove-cell`` (it never reaches a report),
    empties the kernel's namespace."""
    import nbformat

    from sitrep.pipeline import guard

    nb = nbformat.read(notebook, as_version=4)
    guard.reset(nb)
    if reset_namespace:
        cell = nbformat.v4.new_code_cell(RESET_CELL)
        cell.metadata["tags"] = ["remove-cell"]
        nb.cells.insert(0, cell)
    copy_path = workdir / f".source-{notebook.name}"
    nbformat.write(nb, copy_path)
    return copy_path


def execute(
    notebook: Path,
    parameters: Mapping[str, Any],
    workdir: Path,
    *,
    cwd: Path | None = None,
    cell_timeout: int | None = 600,
    kernels: KernelPool | None = None,
) -> nbformat.NotebookNode:
    """Execute ``notebook`` with ``parameters`` and return the executed notebook.

    The parameters are checked first (:func:`check_parameters`), before any kernel starts. The
    executed notebook is written to ``workdir/<notebook name>`` (papermill saves it after every
    cell, so after a failure it holds the partial run); the source notebook is never written to.

    Args:
        notebook: the parameterised notebook (a cell tagged ``parameters`` holds the defaults).
        parameters: values for names the notebook declares; see :func:`check_parameters`.
        workdir: directory for the executed notebook; created if missing. Must not be the
            notebook's own directory, and should not be a published output directory.
        cwd: working directory of the kernel; default the notebook's directory (as in Jupyter).
        cell_timeout: seconds any one cell may run before execution fails; None for no limit.
        kernels: a :class:`KernelPool` whose warm kernel (this thread's) runs the notebook; its
            namespace is reset first, so no name of an earlier notebook leaks in, and a kernel
            whose notebook failed is discarded. Default: a fresh kernel, shut down afterwards.

    Raises:
        RenderError: the notebook is missing, a parameter is wrong, the kernel could not run
            it, or a cell raised. For a cell failure the message holds the cell's source, the
            exception and its traceback (ANSI colours stripped) and where the partial executed
            notebook was kept.
    """
    notebook = Path(notebook)
    if not notebook.is_file():
        raise RenderError(f"notebook {notebook} not found", notebook=notebook)
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    executed = workdir / notebook.name
    if executed.resolve() == notebook.resolve():
        raise RenderError(
            f"workdir {workdir} is the notebook's own directory: executing would overwrite "
            f"{notebook}; use another directory",
            notebook=notebook,
        )
    source = _source_copy(notebook, workdir, reset_namespace=kernels is not None)
    try:
        params = check_parameters(notebook, parameters, declared_in=source)
    except RenderError:
        source.unlink(missing_ok=True)  # nothing ran: nothing to keep
        raise
    engine_kwargs: dict[str, Any] = {}
    own = None
    cwd = cwd if cwd is not None else notebook.resolve().parent
    if kernels is not None:
        engine_kwargs["km"] = kernels.get()
    else:
        engine_kwargs["km"] = own = ipc_kernel_manager()  # closed below
    if _papermill_accepts_shutdown_kernel():
        engine_kwargs["shutdown_kernel"] = "immediate"
    if cell_timeout is not None:
        engine_kwargs["execution_timeout"] = cell_timeout
    try:
        if own is not None:
            own.start_kernel(cwd=str(cwd), **QUIET)
        return _papermill(notebook, source, executed, params, cwd, engine_kwargs)
    except RenderError:
        if kernels is not None:
            kernels.discard()  # whatever the notebook left behind goes with its kernel
        raise
    finally:
        if own is not None:
            close_kernel(own)


def _papermill(notebook: Path, source: Path, executed: Path, params: dict[str, Any], cwd: Path,
               engine_kwargs: dict[str, Any]) -> nbformat.NotebookNode:
    """Run papermill on ``source`` into ``executed``; any failure becomes a RenderError."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        return papermill.execute_notebook(
            str(source),
            str(executed),
            parameters=params,
            kernel_name="python3",
            progress_bar=False,
            report_mode=False,
            log_output=False,
            cwd=str(cwd),
            **engine_kwargs,
        )
    except PapermillExecutionError as exc:
        raise RenderError(
            _cell_failure_message(notebook, executed, exc), notebook=notebook, executed=executed
        ) from exc
    except Exception as exc:
        kept = f"; partial executed notebook at {executed}" if executed.exists() else ""
        raise RenderError(
            f"notebook {notebook} could not be executed: {type(exc).__name__}: "
            f"{strip_ansi(str(exc))}{kept}",
            notebook=notebook,
            executed=executed if executed.exists() else None,
        ) from exc
