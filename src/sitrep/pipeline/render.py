"""Render a parameterised notebook into a published HTML and PDF report.

The pipeline, all in one process::

    notebook + parameters --papermill--> executed notebook (in a temporary workdir)
        --nbconvert (sitrep_html template)--> self-contained HTML (no code, no network)
        --Playwright + system Chromium--> A4 PDF
        --publish--> out_dir/<name>.html, out_dir/<name>.pdf (temp file + fsync + os.replace)

Rules this module keeps (see DESIGN.md, "Known traps"):

- the source notebook is never written to, and nothing is written into ``out_dir`` until every
  requested format has been produced; a failed run leaves ``out_dir`` byte-identical and keeps
  the partially executed notebook in its workdir, whose path the :class:`RenderError` names;
- parameters are checked before papermill sees them (names must be declared by the notebook's
  ``parameters`` cell, values must be JSON-like and of the type of the parameter's default, and
  sitrep's own parameters must have valid values, see :mod:`sitrep.pipeline.parameters`;
  a ``Path`` is passed as its string). papermill gets Python values, so none of its
  command-line or YAML coercions ("007" -> 7, "NO" -> False) ever applies;
- the HTML loads nothing from the network (no MathJax, require.js, Mermaid or widget scripts);
  the PDF printer aborts every request that is not ``data:``/``about:`` and counts them.

nbformat, papermill, nbconvert and Playwright are imported lazily, so importing
:mod:`sitrep.pipeline.render` (e.g. for the command line's ``--help``) stays cheap (~0.1 s,
not ~2 s).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import copy
import html as html_lib
import keyword
import logging
import math
import os
import re
import shutil
import tempfile
import textwrap
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitrep import paths
from sitrep.pipeline import pdfmeta, svg_blocks

if TYPE_CHECKING:
    import nbformat
    from playwright.sync_api import Browser, Route

__all__ = [
    "CHROMIUM_ARGS",
    "FORMATS",
    "PdfPrinter",
    "RenderError",
    "check_parameters",
    "chromium_path",
    "clean_html",
    "declared_type",
    "execute",
    "pdf_printer",
    "publish",
    "render",
    "strip_ansi",
    "to_html",
    "to_pdf",
    "tune_tables",
]

log = logging.getLogger(__name__)

#: Output formats :func:`render` can publish, by file extension.
FORMATS: tuple[str, ...] = ("html", "pdf", "ipynb")

#: Where the ``sitrep_html`` nbconvert template lives.
TEMPLATES_DIR = paths.TEMPLATES
HTML_TEMPLATE = "sitrep_html"

#: Cell tags whose cells never reach a report. ``injected-parameters`` is papermill's.
REMOVE_CELL_TAGS = frozenset({"injected-parameters", "remove-cell"})

#: Flags for a headless Chromium that must not phone home while printing.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

#: A4 page margins for the PDF (the stylesheet's ``@page`` rule says the same).
PDF_MARGIN = {"top": "15mm", "bottom": "18mm", "left": "15mm", "right": "15mm"}

_FOOTER_TEMPLATE = (
    '<div style="width:100%;text-align:center;font-size:8px;color:#555;'
    "font-family:'Noto Sans','DejaVu Sans',sans-serif;\">"
    'page <span class="pageNumber"></span> of <span class="totalPages"></span></div>'
)

#: Width of the A4 printable area in CSS px (210 mm - 2 x 15 mm, at 96 px per inch).
_PRINTABLE_WIDTH_PX = 680

#: Shrinks (CSS zoom) every top-level table wider than its container, so no column is cut
#: off at the page edge; returns the zoom factors used. Runs from Playwright even though the
#: page's own scripts are disabled.
_FIT_TABLES_JS = """() => {
  const zooms = [];
  for (const table of document.querySelectorAll("table")) {
    if (table.parentElement === null || table.parentElement.closest("table")) continue;
    const available = table.parentElement.clientWidth;
    const needed = table.getBoundingClientRect().width;
    if (available > 0 && needed > available + 0.5) {
      const zoom = Math.floor((available / needed) * 1000) / 1000;
      table.style.zoom = String(zoom);
      zooms.push(zoom);
    }
  }
  return zooms;
}"""

_ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


class RenderError(Exception):
    """A report could not be rendered; the message says which notebook, where and why.

    Attributes:
        notebook: the source notebook, when known.
        executed: the executed (possibly partial) notebook kept for debugging, when one exists.
    """

    def __init__(
        self, message: str, *, notebook: Path | None = None, executed: Path | None = None
    ) -> None:
        super().__init__(message)
        self.notebook = notebook
        self.executed = executed


def strip_ansi(text: str) -> str:
    """Remove ANSI colour/cursor escape sequences (IPython colours its tracebacks)."""
    return _ANSI_RE.sub("", text)


# --------------------------------------------------------------------------------------------
# execute


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
    import ast

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


def check_parameters(notebook: Path, parameters: Mapping[str, Any]) -> dict[str, Any]:
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

    declared = papermill.inspect_notebook(str(notebook))
    checked: dict[str, Any] = {}
    for name, value in parameters.items():
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            raise RenderError(f"notebook {notebook}: parameter name {name!r} is not an identifier")
        if name not in declared:
            known = ", ".join(sorted(declared)) or "none: it has no cell tagged 'parameters'"
            raise RenderError(
                f"notebook {notebook} does not declare parameter {name!r} (declared: {known})",
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


def _with_reset_cell(notebook: Path, workdir: Path) -> Path:
    """A copy of the notebook (in ``workdir``) whose first cell empties the kernel's namespace;
    the cell is tagged ``remove-cell`` and never reaches a report."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    cell = nbformat.v4.new_code_cell(RESET_CELL)
    cell.metadata["tags"] = ["remove-cell"]
    nb.cells.insert(0, cell)
    copy_path = workdir / f".source-{notebook.name}"
    nbformat.write(nb, copy_path)
    return copy_path


class KernelPool:
    """Warm kernels kept across notebooks: one per worker thread, started once, reused.

    Starting a kernel and importing pandas, matplotlib and sitrep costs seconds per notebook;
    a reused kernel pays it once. Each notebook starts with an emptied namespace (see
    :func:`execute`); a kernel that died or whose notebook failed is replaced.
    """

    def __init__(self, cwd: Path) -> None:
        self.cwd = Path(cwd)
        self._local = threading.local()
        self._all: list[Any] = []
        self._lock = threading.Lock()

    def get(self) -> Any:
        """This thread's kernel manager, started (or restarted) as needed."""
        from jupyter_client.manager import KernelManager

        km = getattr(self._local, "km", None)
        if km is None or not km.is_alive():
            if km is not None:
                self.discard()
            km = KernelManager(kernel_name="python3")
            km.start_kernel(cwd=str(self.cwd))
            self._local.km = km
            with self._lock:
                self._all.append(km)
        return km

    def discard(self) -> None:
        """Shut down this thread's kernel (after a failure), so the next get() starts anew."""
        km = getattr(self._local, "km", None)
        self._local.km = None
        if km is not None:
            with contextlib.suppress(Exception):
                km.shutdown_kernel(now=True)

    def close(self) -> None:
        """Shut down every kernel of the pool."""
        with self._lock:
            kernels, self._all = self._all, []
        for km in kernels:
            with contextlib.suppress(Exception):
                km.shutdown_kernel(now=True)


def execute(
    notebook: Path,
    parameters: Mapping[str, Any],
    workdir: Path,
    *,
    cwd: Path | None = None,
    cell_timeout: int | None = 600,
    km: Any = None,
) -> nbformat.NotebookNode:
    """Execute ``notebook`` with ``parameters`` and return the executed notebook.

    The executed notebook is written to ``workdir/<notebook name>`` (papermill saves it after
    every cell, so after a failure it holds the partial run); the source notebook is never
    written to.

    Args:
        notebook: the parameterised notebook (a cell tagged ``parameters`` holds the defaults).
        parameters: values for names the notebook declares; see :func:`check_parameters`.
        workdir: directory for the executed notebook; created if missing. Must not be the
            notebook's own directory, and should not be a published output directory.
        cwd: working directory of the kernel; default the notebook's directory (as in Jupyter).
        cell_timeout: seconds any one cell may run before execution fails; None for no limit.
        km: a running ``jupyter_client`` kernel manager to execute in (see
            :class:`KernelPool`); its namespace is reset first, so no name of an earlier
            notebook leaks in. Default: a fresh kernel, shut down afterwards.

    Raises:
        RenderError: the notebook is missing, a parameter is wrong, the kernel could not run
            it, or a cell raised. For a cell failure the message holds the cell's source, the
            exception and its traceback (ANSI colours stripped) and where the partial executed
            notebook was kept.
    """
    notebook = Path(notebook)
    if not notebook.is_file():
        raise RenderError(f"notebook {notebook} not found", notebook=notebook)
    params = check_parameters(notebook, parameters)
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    executed = workdir / notebook.name
    if executed.resolve() == notebook.resolve():
        raise RenderError(
            f"workdir {workdir} is the notebook's own directory: executing would overwrite "
            f"{notebook}; use another directory",
            notebook=notebook,
        )

    import papermill
    from papermill.exceptions import PapermillExecutionError

    engine_kwargs: dict[str, Any] = {}
    source = notebook
    if km is not None:
        engine_kwargs["km"] = km
        source = _with_reset_cell(notebook, workdir)
    if _papermill_accepts_shutdown_kernel():
        engine_kwargs["shutdown_kernel"] = "immediate"
    if cell_timeout is not None:
        engine_kwargs["execution_timeout"] = cell_timeout
    try:
        nb = papermill.execute_notebook(
            str(source),
            str(executed),
            parameters=params,
            kernel_name="python3",
            progress_bar=False,
            report_mode=False,
            log_output=False,
            cwd=str(cwd if cwd is not None else notebook.resolve().parent),
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
    return nb


# --------------------------------------------------------------------------------------------
# HTML

# fmt: off
_SAFE_TAGS = frozenset(
    {
        "a", "abbr", "acronym", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code",
        "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption",
        "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark",
        "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup",
        "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr",
    }
)
# fmt: on
_GLOBAL_ATTRS = frozenset({"class", "id", "title", "lang", "dir", "style"})
_TAG_ATTRS = {
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "type"},
    "table": {"border"},
    "time": {"datetime"},
    "abbr": {"title"},
}
_DROP_WITH_CONTENT_RE = re.compile(
    r"<(script|style|template|noscript)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    if name in _GLOBAL_ATTRS or name in _TAG_ATTRS.get(tag, ()):
        v = value.strip().lower()
        if tag == "img" and name == "src":
            return v.startswith("data:image/")  # an <img> must never fetch from the network
        if name == "href":
            return not v.startswith("data:")
        return True
    return False


def clean_html(html: str | bytes) -> str:
    """Sanitise HTML from markdown cells and outputs, keeping what a report needs.

    Replaces nbconvert's ``clean_html`` filter, which escapes headings, paragraphs and
    ``thead``/``th`` (bleach's short default list) and prints a DataFrame's ``<style>`` block as
    text. Kept: headings, paragraphs, lists, tables, inline markup, links (http/https/mailto/#),
    ``data:image`` images and sanitised inline styles. Removed with their content: ``script``,
    ``style``, ``template``, ``noscript``. Any other tag is escaped, so it shows as text.
    """
    import bleach
    from bleach.css_sanitizer import CSSSanitizer

    text = html.decode() if isinstance(html, bytes) else str(html)
    text, inline_svgs = svg_blocks.hold(text)  # charts: checked by sitrep.svgsafe instead
    text = _DROP_WITH_CONTENT_RE.sub("", text)
    return svg_blocks.restore(inline_svgs, bleach.clean(
        text,
        tags=_SAFE_TAGS,
        attributes=_allow_attribute,
        protocols={"http", "https", "mailto", "data"},
        css_sanitizer=CSSSanitizer(),
        strip=False,
        strip_comments=True,
    ))


_RAW_BLOCK_RE = re.compile(r"(<(script|style)\b[^>]*>.*?</\2\s*>)", re.IGNORECASE | re.DOTALL)
_TABLE_CELL_RE = re.compile(r"<(t[dh])\b([^>]*)>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG_RE = re.compile(r"(<[^>]*>)")
_NUMBER_RE = re.compile(
    r"^[(+\-\u2212\u2013~\u2248<>\u2264\u2265$\u20ac\u00a3]*\s?\d[\d.,\u00a0\u202f ]*"
    r"(?:%|k|m|bn|mn)?\)?$",
    re.IGNORECASE,
)
_SOFT_BREAK_TOKEN = 12  # characters; longer tokens may break after / . - _ ? & = etc.
_LONG_TOKEN = 20  # characters; longer tokens also get a break opportunity every 12 characters
_BREAK_AFTER = frozenset("/.-_?&=:;,|+")
_MAX_RUN = 12


_FIGURE_TOKEN_RE = re.compile(r"[\d.,]+(?:[\u2013\u2212-][\d.,]+)*")


def _breakable(token: str) -> str:
    """Escape ``token``, adding ``<wbr>`` break opportunities if it is long (URLs, ids).

    A figure such as '15,000–20,000' breaks only after its dash, never inside a number.
    """
    if len(token) <= _SOFT_BREAK_TOKEN:
        return html_lib.escape(token, quote=False)
    if _FIGURE_TOKEN_RE.fullmatch(token):
        return re.sub("([\u2013\u2212-])", "\\1<wbr>", html_lib.escape(token, quote=False))
    forced = len(token) > _LONG_TOKEN
    out: list[str] = []
    run = 0
    for char in token[:-1]:
        out.append(html_lib.escape(char, quote=False))
        run += 1
        if char in _BREAK_AFTER or (forced and run >= _MAX_RUN):
            out.append("<wbr>")
            run = 0
    out.append(html_lib.escape(token[-1], quote=False))
    return "".join(out)


def _tune_cell(match: re.Match[str]) -> str:
    tag, attrs, inner = match.group(1), match.group(2), match.group(3)
    parts = _TAG_RE.split(inner)
    for i in range(0, len(parts), 2):  # even items are text, odd items are tags
        parts[i] = re.sub(r"\S+", lambda m: _breakable(m.group()), html_lib.unescape(parts[i]))
    text = html_lib.unescape(_TAG_RE.sub("", inner)).strip()
    if text and _NUMBER_RE.match(text):
        if re.search(r'\bclass="', attrs):
            attrs = re.sub(r'\bclass="', 'class="sitrep-num ', attrs, count=1)
        else:
            attrs += ' class="sitrep-num"'
    return f"<{tag}{attrs}>{''.join(parts)}</{tag}>"


def tune_tables(html: str) -> str:
    """Make table cells print well: break long tokens, mark numeric cells.

    ``overflow-wrap: anywhere`` on table cells lets the browser squeeze every column down to one
    character ("50,00|0"); ``break-word`` lets one long URL push the table off the page. So the
    cells keep ``break-word`` and tokens get ``<wbr>`` break opportunities: after
    ``/ . - _ ? & =`` etc. in tokens over 12 characters, and also every 12 characters in tokens
    over 20. Cells whose text is a number
    get class ``sitrep-num`` (right-aligned, tabular figures). ``<script>``/``<style>`` blocks
    are left alone.
    """
    pieces = _RAW_BLOCK_RE.split(html)
    out: list[str] = []
    i = 0
    while i < len(pieces):
        out.append(_TABLE_CELL_RE.sub(_tune_cell, pieces[i]))
        if i + 1 < len(pieces):
            out.append(pieces[i + 1])  # the raw block, untouched
        i += 3  # split() yields text, whole block, tag name, text, ...
    return "".join(out)


def _html_exporter(sanitize: bool) -> Any:
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_CELL_TAGS)
    config.TagRemovePreprocessor.remove_input_tags = {"remove-input"}
    config.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output"}
    return HTMLExporter(
        config=config,
        template_name=HTML_TEMPLATE,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        sanitize_html=sanitize,
        filters={"clean_html": clean_html},
        # not used by the sitrep_html template; empty so that no fallback can load them
        mathjax_url="",
        require_js_url="",
    )


def to_html(nb: nbformat.NotebookNode, title: str, *, sanitize: bool = True) -> str:
    """Convert an executed notebook to one self-contained HTML page.

    No code input and no prompts are shown; cells tagged ``injected-parameters`` or
    ``remove-cell`` are dropped (``remove-input`` / ``remove-output`` hide one side of a cell).
    Images are embedded as ``data:`` URIs and nothing is loaded from the network. The page
    carries sitrep's stylesheet for screen and A4 print, and table cells are prepared for
    print by :func:`tune_tables`.

    Args:
        nb: the executed notebook; it is not modified.
        title: the page's ``<title>``.
        sanitize: pass markdown and HTML outputs through :func:`clean_html` (scripts, style
            blocks and unknown tags removed or escaped). Keep it on for anything that shows
            text from sources; JavaScript outputs (widgets, plotly) render only without it.
    """
    nb = copy.deepcopy(nb)
    nb.metadata["title"] = title
    resources = {"metadata": {"name": title}}
    body, _ = _html_exporter(sanitize).from_notebook_node(nb, resources=resources)
    return tune_tables(body)


# --------------------------------------------------------------------------------------------
# PDF


def chromium_path() -> str:
    """Path of the Chromium that prints PDFs.

    ``$SITREP_CHROMIUM`` wins (a path or a command name); otherwise ``chromium`` or
    ``chromium-browser`` on ``PATH``, then ``/usr/bin/chromium``.

    Raises:
        RenderError: no usable executable, with the hint to install one.
    """
    hint = (
        "install Debian's Chromium with `apt-get install chromium`, "
        "or set SITREP_CHROMIUM to a Chromium/Chrome executable"
    )
    env = os.environ.get("SITREP_CHROMIUM", "").strip()
    if env:
        found = shutil.which(env)
        if found is None:
            raise RenderError(f"SITREP_CHROMIUM={env!r} is not an executable file; {hint}")
        return found
    for candidate in ("chromium", "chromium-browser", "/usr/bin/chromium"):
        found = shutil.which(candidate)
        if found is not None:
            return found
    raise RenderError(f"no Chromium found to print PDFs; {hint}")


class PdfPrinter:
    """Prints HTML to A4 PDF in a Chromium browser kept open by :func:`pdf_printer`.

    Call it with an HTML string to get PDF bytes. Each call uses a fresh browser context with
    the page's JavaScript off and every network request aborted; ``blocked`` lists the URLs
    aborted over the printer's life (an offline-clean report leaves it empty). A table wider
    than the page is shrunk to fit rather than cut at the page edge; ``shrunk`` lists the zoom
    factors applied.
    """

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.blocked: list[str] = []
        self.shrunk: list[float] = []

    def _route(self, route: Route) -> None:
        url = route.request.url
        if url.startswith(("data:", "about:")):
            route.continue_()
            return
        self.blocked.append(url)
        log.warning("blocked a network request while printing a PDF: %s", url)
        route.abort("blockedbyclient")

    def __call__(self, html: str) -> bytes:
        """Print ``html`` to PDF bytes (A4, backgrounds, 'page X of Y' footer)."""
        context = self.browser.new_context(
            java_script_enabled=False,
            viewport={"width": _PRINTABLE_WIDTH_PX, "height": 1000},
        )
        try:
            page = context.new_page()
            page.route("**/*", self._route)
            page.emulate_media(media="print")
            page.set_content(html, wait_until="load")
            zooms = page.evaluate(_FIT_TABLES_JS)
            self.shrunk.extend(zooms)
            for zoom in zooms:
                level = logging.WARNING if zoom < 0.6 else logging.INFO
                log.log(level, "a table wider than the page was printed at %d%% size", zoom * 100)
            pdf = page.pdf(
                format="A4",
                print_background=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=_FOOTER_TEMPLATE,
                margin=PDF_MARGIN,
                outline=True,  # bookmarks from the headings
                tagged=True,  # structure tags (an accessible PDF); internal links kept
            )
            return pdfmeta.describe(pdf, html)
        finally:
            context.close()


@contextlib.contextmanager
def pdf_printer(*, browser: Browser | None = None) -> Iterator[PdfPrinter]:
    """Yield a :class:`PdfPrinter` that keeps one Chromium open for several PDFs.

    With ``browser`` (an open Playwright browser) that browser is used and left open; otherwise
    the Chromium from :func:`chromium_path` is launched and closed on exit. Uses Playwright's
    sync API, so it must not be entered inside a running asyncio loop (:func:`to_pdf` handles
    that case).

    Raises:
        RenderError: Chromium could not be found or started.
    """
    if browser is not None:
        yield PdfPrinter(browser)
        return
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(
                executable_path=executable, args=list(CHROMIUM_ARGS)
            )
        except PlaywrightError as exc:
            raise RenderError(
                f"could not start Chromium at {executable}: {strip_ansi(str(exc))}"
            ) from exc
        try:
            yield PdfPrinter(launched)
        finally:
            launched.close()


def _event_loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def to_pdf(html: str, *, browser: Browser | None = None) -> bytes:
    """Print ``html`` to A4 PDF bytes with Chromium (see :class:`PdfPrinter`).

    Launches a browser for this one page unless ``browser`` is given; for several PDFs use
    :func:`pdf_printer`. Called inside a running asyncio loop (e.g. from Jupyter) without a
    browser, it prints in a worker thread.
    """
    if browser is None and _event_loop_running():
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(to_pdf, html).result()
    with pdf_printer(browser=browser) as printer:
        return printer(html)


# --------------------------------------------------------------------------------------------
# publish


def _check_file_name(name: str) -> None:
    if not name or name in {".", ".."} or "/" in name or "\\" in name or "\0" in name:
        raise ValueError(f"not a plain file name: {name!r}")
    if name.startswith(".tmp-"):
        raise ValueError(f"file name {name!r} uses the temporary-file prefix '.tmp-'")


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform/filesystem can open a directory
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def publish(files: Mapping[str, bytes | str], out_dir: Path, *,
            staging: Path | None = None) -> list[Path]:
    """Write ``files`` (name -> content) into ``out_dir`` so no reader sees a half-written file.

    Every file is first written to a ``.tmp-*`` file in ``out_dir`` and fsync'ed; only when all
    are written is each moved into place with :func:`os.replace` (atomic per file; a reader may
    briefly see the new HTML next to the old PDF). ``str`` content is written as UTF-8. A new
    file gets mode 0644; a replaced file keeps its mode. On any error the temporary files are
    removed and existing outputs are left untouched.

    With ``staging`` (a folder on the same file system) the temporary files are written there
    instead, so that even a killed process leaves nothing half-written inside ``out_dir``.

    Returns:
        The published paths, in the order of ``files``.
    """
    out_dir = Path(out_dir)
    temp_dir = Path(staging) if staging is not None else out_dir
    for name in files:
        _check_file_name(name)
    out_dir.mkdir(parents=True, exist_ok=True)
    pending: list[tuple[Path, Path]] = []
    try:
        for name, content in files.items():
            data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
            target = out_dir / name
            try:
                mode = target.stat().st_mode & 0o7777
            except FileNotFoundError:
                mode = 0o644
            temp_dir.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=f".tmp-{name}-", dir=temp_dir)
            tmp = Path(tmp_name)
            pending.append((tmp, target))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fchmod(fh.fileno(), mode)
                os.fsync(fh.fileno())
        published = []
        while pending:
            tmp, target = pending[0]
            os.replace(tmp, target)
            pending.pop(0)
            published.append(target)
        _fsync_dir(out_dir)
        return published
    except BaseException:
        for tmp, _ in pending:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        raise


# --------------------------------------------------------------------------------------------
# render


def _is_within(path: Path, directory: Path) -> bool:
    return path.resolve().is_relative_to(directory.resolve())


def report_title(nb: nbformat.NotebookNode) -> str | None:
    """The title a notebook declares in an output's metadata (``sitrep.views.display.title``)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            declared = output.get("metadata", {}).get("sitrep", {}).get("title")
            if isinstance(declared, str) and declared:
                return declared
    return None


def render(
    notebook: Path,
    parameters: Mapping[str, Any],
    out_dir: Path,
    *,
    name: str,
    title: str | None = None,
    formats: Sequence[str] = ("html", "pdf"),
    workdir: Path | None = None,
    sanitize: bool = True,
    printer: Callable[[str], bytes] | None = None,
    cwd: Path | None = None,
) -> list[Path]:
    """Execute ``notebook`` once and publish ``out_dir/<name>.<format>`` for every format.

    Args:
        notebook: the parameterised notebook.
        parameters: parameter values (see :func:`check_parameters`).
        out_dir: where the outputs are published (created if missing).
        name: base file name of the outputs, e.g. ``"kursk-brief"``.
        title: the report's title (HTML ``<title>``); default the title the notebook declares
            (see :func:`report_title`), else ``name``.
        formats: any of ``"html"``, ``"pdf"``, ``"ipynb"`` (the executed notebook).
        workdir: where to execute; default a new temporary directory, removed after success.
            Must not lie inside ``out_dir``.
        sanitize: see :func:`to_html`.
        printer: a callable html -> PDF bytes, e.g. from :func:`pdf_printer`, to reuse one
            browser across reports; default a browser launched for this report.
        cwd: working directory of the kernel (see :func:`execute`).

    Returns:
        The published paths, in the order of ``formats``.

    Raises:
        RenderError: execution or conversion failed. ``out_dir`` is then unchanged and the
            executed (partial) notebook is kept; the message and ``.executed`` give its path.
    """
    wanted = list(dict.fromkeys(formats))
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise ValueError(f"formats must be a non-empty subset of {FORMATS}, got {tuple(formats)}")
    _check_file_name(f"{name}.html")
    notebook = Path(notebook)
    out_dir = Path(out_dir)

    own_workdir = workdir is None
    work = Path(tempfile.mkdtemp(prefix=f"sitrep-{name}-")) if workdir is None else Path(workdir)
    if _is_within(work, out_dir):
        if own_workdir:
            work.rmdir()
        raise ValueError(f"workdir {work} lies inside out_dir {out_dir}; use another directory")

    try:
        nb = execute(notebook, parameters, work, cwd=cwd)
    except RenderError:
        if own_workdir and not any(work.iterdir()):
            work.rmdir()  # nothing ran (e.g. a bad parameter): nothing to keep
        raise
    executed = work / notebook.name

    files: dict[str, bytes | str] = {}
    step = "html"
    title = title or report_title(nb) or name
    try:
        html = to_html(nb, title, sanitize=sanitize) if {"html", "pdf"} & set(wanted) else ""
        for fmt in wanted:
            step = fmt
            if fmt == "html":
                files[f"{name}.html"] = html
            elif fmt == "pdf":
                files[f"{name}.pdf"] = printer(html) if printer is not None else to_pdf(html)
            else:
                files[f"{name}.ipynb"] = executed.read_bytes()
    except Exception as exc:
        raise RenderError(
            f"notebook {notebook} ran, but converting it to {step} failed: "
            f"{type(exc).__name__}: {strip_ansi(str(exc))}; executed notebook kept at {executed}",
            notebook=notebook,
            executed=executed,
        ) from exc

    paths = publish(files, out_dir)
    if own_workdir:
        shutil.rmtree(work, ignore_errors=True)
    return paths
