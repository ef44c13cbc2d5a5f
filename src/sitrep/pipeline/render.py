"""Render one report: the one path every report takes, from the command line and the tests alike.

::

    notebook + parameters --execute (papermill, in a work folder)--> executed notebook
        --html (nbconvert, sitrep_html template)--> self-contained HTML (no code, no network)
        --pdf (Playwright + system Chromium)--> A4 PDF
        --publish--> out_dir/<name>.html, .pdf, .ipynb (temporary file + fsync + os.replace)

Each step is its own module: :mod:`~sitrep.pipeline.execute`, then one converter per format
named in the registry (:mod:`~sitrep.pipeline.formats`: html, pdf, ipynb, ...), then
:mod:`~sitrep.pipeline.publish`. :func:`render` runs them in
order for one report and keeps these rules:

- the parameters are checked once, before any kernel starts, and the source notebook is never
  written to;
- nothing is written into ``out_dir`` until every requested format has been produced; a failed
  run leaves ``out_dir`` byte-identical and keeps the partially executed notebook in its work
  folder, whose path the :class:`RenderError` names;
- the HTML loads nothing from the network, and the PDF printer aborts every request that is not
  ``data:``/``about:`` and counts them.

nbformat, papermill, nbconvert and Playwright are imported lazily, so importing this module (e.g.
for the command line's ``--help``) stays cheap (~0.1 s, not ~2 s).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sitrep.pipeline import formats as registry
from sitrep.pipeline import guard
from sitrep.pipeline.errors import RenderError, strip_ansi
from sitrep.pipeline.execute import execute
from sitrep.pipeline.formats import DEFAULT_FORMATS, FORMATS, Job
from sitrep.pipeline.html import report_title
from sitrep.pipeline.kernels import KernelPool
from sitrep.pipeline.publish import check_file_name, publish

__all__ = ["DEFAULT_FORMATS", "FORMATS", "RenderError", "render"]

#: Files published together with a report's outputs, made once its title is known
#: (e.g. the suite's ``render.json``); raising from it publishes nothing.
Extra = Callable[[str], Mapping[str, bytes | str]]


def _work_folder(workdir: Path | None, out_dir: Path, name: str) -> Path:
    work = Path(tempfile.mkdtemp(prefix=f"sitrep-{name}-")) if workdir is None else Path(workdir)
    if work.resolve().is_relative_to(Path(out_dir).resolve()):
        if workdir is None:
            work.rmdir()
        raise ValueError(f"workdir {work} lies inside out_dir {out_dir}; use another directory")
    return work


def render(
    notebook: Path,
    parameters: Mapping[str, Any],
    out_dir: Path,
    *,
    name: str,
    title: str | None = None,
    formats: Sequence[str] = DEFAULT_FORMATS,
    workdir: Path | None = None,
    printer: Callable[[str], bytes] | None = None,
    kernels: KernelPool | None = None,
    staging: Path | None = None,
    step: Callable[[str], None] | None = None,
    extra: Extra | None = None,
    sanitize: bool = True,
) -> list[Path]:
    """Execute ``notebook`` once, convert it to every format, publish ``out_dir/<name>.<format>``.

    Args:
        notebook: the parameterised notebook; parameters: its parameter values, checked by
            :func:`~sitrep.pipeline.execute.check_parameters` before any kernel starts.
        out_dir: where the outputs are published (created if missing).
        name: base file name of the outputs, e.g. ``"kursk-brief"``.
        title: the report's title (HTML ``<title>``); default the title the notebook declares
            (:func:`~sitrep.pipeline.html.report_title`), else ``name``.
        formats: any of the registry's (:mod:`~sitrep.pipeline.formats`), in the order their
            paths are returned (a format's companion files follow its main file).
        workdir: where to execute; default a new temporary folder, removed after success (kept
            after a failure). Must not lie inside ``out_dir``.
        printer: html -> PDF bytes, e.g. from :func:`~sitrep.pipeline.pdf.pdf_printer`, to reuse
            one browser across reports; default a browser launched for this report.
        kernels: warm kernels to execute in (see :class:`~sitrep.pipeline.kernels.KernelPool`).
        staging: a folder on the same file system for the temporary files (see :func:`publish`).
        step: told each step as it starts: ``"executing"``, then each format's name,
            ``"publishing"``.
        extra: given the title, more files to publish with the outputs (their paths come last).
        sanitize: see :func:`~sitrep.pipeline.html.to_html`.

    Raises:
        ValueError: an unknown format, a name that is not a plain file name, a workdir inside
            ``out_dir``, a notebook the guard refuses (:mod:`~sitrep.pipeline.guard`); nothing
            has run.
        RenderError: execution or conversion failed. ``out_dir`` is then unchanged and the
            executed (partial) notebook is kept; the message and ``.executed`` give its path.
    """
    wanted = registry.check(formats)
    check_file_name(f"{name}.html")
    notebook, out_dir = Path(notebook), Path(out_dir)
    guard.check_notebook(notebook)  # outputs or edited defaults: refused before any kernel
    work = _work_folder(workdir, out_dir, name)
    tell = step or (lambda _: None)
    tell("executing")
    try:
        nb = execute(notebook, parameters, work, kernels=kernels)
    except RenderError:
        if workdir is None and not any(work.iterdir()):
            work.rmdir()  # nothing ran (e.g. a bad parameter): nothing to keep
        raise
    title = title or report_title(nb) or name
    job = Job(nb, notebook, work / notebook.name, name, title, sanitize=sanitize, printer=printer,
              draw=_draw)
    files = _convert(job, wanted, tell)
    if extra is not None:
        files.update(extra(title))
    tell("publishing")
    published = publish(files, out_dir, staging=staging)
    if workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    return published


def _draw(charts: Sequence[tuple[str, float]]) -> list[bytes | None]:
    """Charts as PNG, for the formats that want PNG figures (Chromium, imported lazily)."""
    from sitrep.pipeline.raster import to_png

    return to_png(charts)


def _convert(job: Job, wanted: Sequence[str],
             tell: Callable[[str], None]) -> dict[str, bytes | str]:
    """Every wanted format of the executed notebook, by file name; a failure is a RenderError
    naming the format and the executed notebook kept."""
    files: dict[str, bytes | str] = {}
    for name in wanted:
        tell(name)
        try:
            files.update(registry.get(name).convert(job))
        except Exception as exc:
            raise RenderError(
                f"notebook {job.notebook} ran, but converting it to {name} failed: "
                f"{type(exc).__name__}: {strip_ansi(str(exc))}; executed notebook kept at "
                f"{job.executed}",
                notebook=job.notebook,
                executed=job.executed,
            ) from exc
    return files
