"""Every output format a report can be published in, in one registry.

A :class:`Format` says its name (as ``--format`` and the manifest's ``formats`` take it), the
extension of its main file, what it needs (``browser``: Chromium prints it, so the suite starts
one), the figure type it wants (``svg``, or ``png`` for a format that cannot show SVG: the
job's blocks then carry each chart as PNG too, as quarto's formats declare theirs), how it
converts (a module of :mod:`sitrep.pipeline` and its function, ``convert`` unless
named: ``"formats:executed_notebook"``; imported only when that format is rendered, so reading
the registry costs nothing) and whether a report gets it by default. A converter takes a
:class:`Job` (the executed notebook, its name and title, the HTML and the blocks
(:mod:`sitrep.blocks`) made once for every format that wants them) and returns the files to
publish, by name: the main file first, then any companions (a Markdown report's charts as SVG
files beside it, matched by ``companions``).
The ``html`` and ``ipynb`` formats are the job's own HTML page and executed notebook, so their
converters live here: :mod:`sitrep.pipeline.html` turns a notebook into a page and imports
nothing of this module (the job's page is made by it, lazily, never the other way round).

A new format is one module with a ``convert(job)`` function and one line in :data:`REGISTRY`
(:mod:`sitrep.pipeline.docx` is one: it walks :attr:`Job.blocks`).
"""

from __future__ import annotations

import glob
import importlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitrep.model.data.errors import SitrepError

__all__ = ["DEFAULT_FORMATS", "FORMATS", "REGISTRY", "Format", "FormatError", "Job", "check",
           "get", "needs"]

Files = Mapping[str, bytes | str]


class FormatError(SitrepError, ValueError):
    """A format that is not in the registry (or none at all); the message lists the known."""


@dataclass(frozen=True)
class Format:
    """One output format: see the module's docstring."""

    name: str
    extension: str
    summary: str
    converter: str
    needs: tuple[str, ...] = ()
    default: bool = False
    #: Glob of the files published beside the main one, after the report's name: ``-chart-*.svg``.
    companions: str = ""
    #: The figure type the converter wants: ``svg`` or ``png`` (see :attr:`Job.blocks`).
    figures: str = "svg"

    def file_name(self, report: str) -> str:
        """The main file of ``report`` in this format, e.g. ``brief.pdf``."""
        return f"{report}.{self.extension}"

    def files(self, folder: Path, report: str) -> list[Path]:
        """This format's files of ``report`` now in ``folder`` (main file and companions)."""
        found = [folder / self.file_name(report)]
        if self.companions:
            found += sorted(folder.glob(f"{glob.escape(report)}{self.companions}"))
        return [path for path in found if path.is_file()]

    def convert(self, job: Job) -> Files:
        """The files of ``job`` in this format, by file name."""
        module, _, function = self.converter.partition(":")
        imported = importlib.import_module(f"sitrep.pipeline.{module}")
        convert: Callable[[Job], Files] = getattr(imported, function or "convert")
        job.figures = self.figures
        return convert(job)


@dataclass
class Job:
    """What a converter gets: one executed notebook, converted to one or more formats."""

    nb: Any
    notebook: Path
    executed: Path
    name: str
    title: str
    sanitize: bool = True
    printer: Callable[[str], bytes] | None = None
    #: The figure type of the format converting now (:attr:`Format.figures`).
    figures: str = "svg"
    #: Draws charts (SVG, width in inches) as PNG, None for one it refuses: for the formats
    #: wanting PNG figures (:func:`sitrep.pipeline.raster.to_png`, given by the renderer).
    draw: Callable[[Sequence[tuple[str, float]]], list[bytes | None]] | None = None
    _html: str | None = field(default=None, repr=False)
    _blocks: dict[str, list[dict]] = field(default_factory=dict, repr=False)

    @property
    def html(self) -> str:
        """The report as one self-contained, sanitised HTML page, made once per job."""
        if self._html is None:
            from sitrep.pipeline.html import to_html

            self._html = to_html(self.nb, self.title, sanitize=self.sanitize)
        return self._html

    @property
    def blocks(self) -> list[dict]:
        """What the report shows, as blocks (:func:`sitrep.pipeline.blocks.read`), read once
        per job; for a format wanting PNG figures each figure block also carries ``png`` (its
        SVG drawn by :attr:`draw`; None when the SVG was refused or nothing draws)."""
        if self.figures not in self._blocks:
            from sitrep.pipeline.blocks import read

            shown = self._blocks.get("svg") or read(self.nb)
            self._blocks["svg"] = shown
            if self.figures == "png":
                charts = [b for b in shown if b.get("kind") == "figure"]
                given = [(str(b.get("svg", "")), float(b.get("width_in") or 6)) for b in charts]
                drawn = self.draw(given) if self.draw is not None else [None] * len(given)
                pngs = {id(b): png for b, png in zip(charts, drawn, strict=True)}
                self._blocks["png"] = [{**b, "png": pngs[id(b)]} if id(b) in pngs else b
                                       for b in shown]
        return self._blocks[self.figures]


def html_page(job: Job) -> Files:
    """The report as one HTML page (the ``html`` format): the job's own, made once."""
    return {f"{job.name}.html": job.html}


def executed_notebook(job: Job) -> Files:
    """The executed notebook as it ran (the ``ipynb`` format)."""
    return {f"{job.name}.ipynb": job.executed.read_bytes()}


#: The registry: one line per format, in the order their files are published.
REGISTRY: tuple[Format, ...] = (
    Format("html", "html", "a self-contained HTML page", "formats:html_page", default=True),
    Format("pdf", "pdf", "an A4 PDF printed by Chromium", "pdf", needs=("browser",), default=True),
    Format("ipynb", "ipynb", "the executed notebook", "formats:executed_notebook"),
    Format("md", "md", "Markdown; charts as SVG files", "markdown", companions="-chart-*.svg"),
    Format("docx", "docx", "a Word document; charts as PNG", "docx", figures="png"),
)

#: Every format's name, in the registry's order.
FORMATS: tuple[str, ...] = tuple(f.name for f in REGISTRY)
#: The formats a report gets unless it asks for others.
DEFAULT_FORMATS: tuple[str, ...] = tuple(f.name for f in REGISTRY if f.default)


def get(name: str) -> Format:
    """The registered format called ``name``."""
    for fmt in REGISTRY:
        if fmt.name == name:
            return fmt
    raise FormatError(f"unknown format {name!r}; formats are {', '.join(FORMATS)}")


def check(formats: Iterable[str]) -> tuple[str, ...]:
    """The formats asked for, in order, without repeats.

    Raises:
        FormatError: none asked for, or one not in the registry (the message lists them all).
    """
    given = tuple(formats)
    wanted = tuple(dict.fromkeys(given))
    unknown = [f for f in wanted if f not in FORMATS]
    if not wanted or unknown:
        raise FormatError(f"formats must be one or more of {', '.join(FORMATS)}; got "
                          f"{', '.join(map(repr, given)) or 'none'}")
    return wanted


def needs(formats: Iterable[str], what: str) -> bool:
    """Whether any of ``formats`` needs ``what`` (e.g. ``"browser"``)."""
    return any(what in get(f).needs for f in formats)
