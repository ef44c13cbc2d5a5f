"""Print HTML to A4 PDF with Playwright driving a system Chromium.

One browser is kept open for many pages (:func:`pdf_printer`; for a suite whose worker threads
all print, :class:`PrinterThread`, a thread that owns that browser); each page is printed in a fresh
context with JavaScript off and every request that is not ``data:``/``about:`` aborted and
counted. Playwright is imported lazily.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import os
import queue
import shutil
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from sitrep.pipeline import pdfmeta
from sitrep.pipeline.errors import RenderError, strip_ansi

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Route

    from sitrep.pipeline.formats import Job

__all__ = ["CHROMIUM_ARGS", "PdfPrinter", "PrinterThread", "chromium_path", "convert",
           "pdf_printer", "printer_thread", "to_pdf"]

log = logging.getLogger(__name__)

#: Flags for a headless Chromium that must not phone home while printing.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    # Fewer processes, less memory: no zygote processes, the GPU process and the network
    # service inside the browser's, one renderer for the pages printed in turn (measured on a
    # 100,000-claim brief: the tree's peak RSS 1,145 MB against 1,358, PSS 764 against 800).
    "--no-zygote",
    "--in-process-gpu",
    "--enable-features=NetworkServiceInProcess2",
    "--renderer-process-limit=1",
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
            headings = page.eval_on_selector_all(
                "h1, h2, h3, h4, h5, h6", "hs => hs.map(h => h.innerText)")
            return pdfmeta.describe(pdf, html, headings)
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
    with _driver_in_own_session(), sync_playwright() as playwright:
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


#: Starts Playwright's Node driver in a session of its own (argv: the node binary, then its
#: arguments): Ctrl-C in a terminal, or a SIGINT sent to a script's process group, then reaches
#: sitrep, which stops cleanly, and never the driver alone (which would fail every PDF after).
#: (setsid fails when a process group still bears this process's id, a reused one: a group
#: of its own is as good, and failing both, the driver runs unshielded rather than not at all.)
_OWN_SESSION = ("import os, sys, contextlib\n"
                "try:\n    os.setsid()\nexcept OSError:\n"
                "    with contextlib.suppress(OSError):\n        os.setpgid(0, 0)\n"
                "os.execv(sys.argv[1], sys.argv[1:])")


@contextlib.contextmanager
def _driver_in_own_session() -> Iterator[None]:
    """While Playwright starts, point it (PLAYWRIGHT_NODEJS_PATH) at a launcher that puts its
    driver in a new session; Chromium, which the driver starts detached, follows it there."""
    import stat
    import sys
    import tempfile

    import playwright

    node = os.environ.get("PLAYWRIGHT_NODEJS_PATH") or os.path.join(
        os.path.dirname(playwright.__file__), "driver", "node")
    if os.name != "posix" or not os.path.isfile(node):
        yield
        return
    folder = tempfile.mkdtemp(prefix="sitrep-driver-")
    launcher = os.path.join(folder, "node")
    with open(launcher, "w", encoding="utf-8") as fh:
        fh.write(f"#!/bin/sh\nexec {_quote(sys.executable)} -c {_quote(_OWN_SESSION)} "
                 f"{_quote(node)} \"$@\"\n")
    os.chmod(launcher, stat.S_IRWXU)
    before = os.environ.get("PLAYWRIGHT_NODEJS_PATH")
    os.environ["PLAYWRIGHT_NODEJS_PATH"] = launcher
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PLAYWRIGHT_NODEJS_PATH", None)
        else:
            os.environ["PLAYWRIGHT_NODEJS_PATH"] = before
        shutil.rmtree(folder, ignore_errors=True)


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


class PrinterThread:
    """Playwright's sync API belongs to the thread that started it: this thread owns one
    Chromium and prints every job's HTML in turn. Chromium starts with the first job, not
    before: while the notebooks run, its memory is not taken. With ``quiet`` (a call that
    returns once no notebook runs), each job waits for it: Chromium and a kernel holding a
    large data set never hold their memory at the same time."""

    def __init__(self, quiet: Callable[[], None] | None = None) -> None:
        chromium_path()  # no Chromium at all: say so before any notebook runs
        self._quiet = quiet
        self._jobs: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="sitrep-pdf", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        job = self._jobs.get()
        if job is None:
            return
        try:
            with pdf_printer() as printer:
                while job is not None:
                    html, future = job
                    if self._quiet is not None:
                        self._quiet()
                    if future.set_running_or_notify_cancel():
                        try:
                            future.set_result(printer(html))
                        except BaseException as error:  # handed to the waiting job
                            future.set_exception(error)
                    job = self._jobs.get()
        except BaseException as error:  # Chromium did not start: every job gets the reason
            while job is not None:
                if not job[1].done():
                    job[1].set_exception(error)
                job = self._jobs.get()

    def __call__(self, html: str) -> bytes:
        """Print HTML to PDF bytes (blocks until this job's turn is done)."""
        future: concurrent.futures.Future = concurrent.futures.Future()
        self._jobs.put((html, future))
        return future.result()

    def close(self, *, wait: float = 30) -> None:
        """Close the browser once the job printing now is done, waiting at most ``wait``
        seconds (none after an interrupt: the driver then closes Chromium as the process
        ends)."""
        self._jobs.put(None)
        self._thread.join(timeout=wait)


@contextlib.contextmanager
def printer_thread(needed: bool, *, stop: threading.Event | None = None,
                   quiet: Callable[[], None] | None = None,
                   ) -> Iterator[Callable[[str], bytes] | None]:
    """A :class:`PrinterThread` for a run that ``needed`` one (else None), printing only when
    ``quiet`` returns, closed on exit; not waited for once ``stop`` is set."""
    if not needed:
        yield None
        return
    printer = PrinterThread(quiet)
    try:
        yield printer
    finally:
        printer.close(wait=0 if stop is not None and stop.is_set() else 30)


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


def convert(job: Job) -> dict[str, bytes]:
    """The ``pdf`` format (see :mod:`sitrep.pipeline.formats`): the job's HTML printed by the
    job's printer (one browser shared by a suite), else by a browser launched for it."""
    printer = job.printer if job.printer is not None else to_pdf
    return {f"{job.name}.pdf": printer(job.html)}
