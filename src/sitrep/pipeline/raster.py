"""Charts as PNG, for the formats that declare they want PNG figures (Word): each chart's SVG
(checked again by :mod:`sitrep.svgsafe`) drawn by the Chromium that prints the PDFs.

Neither cairosvg nor an SVG renderer of matplotlib is a dependency; Chromium is, and draws a
chart's text from the same fonts as the PDF. Each chart is drawn in a page with JavaScript off
and every request that is not ``data:``/``about:`` aborted, at its own width (``width_in``)
and twice the screen's resolution (192 dpi). Playwright is imported lazily.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Sequence

from sitrep.pipeline import svg_blocks
from sitrep.pipeline.pdf import _event_loop_running, pdf_printer

__all__ = ["SCALE", "to_png"]

#: Device pixels per CSS pixel: 192 dpi, sharp in print at a chart's own width.
SCALE = 2

_PAGE = ('<!DOCTYPE html><html><head><meta charset="utf-8"><style>html,body{{margin:0;'
         "background:#fff}}div{{width:{width:.2f}in}}svg{{display:block}}</style></head>"
         "<body><div>{svg}</div></body></html>")


def to_png(charts: Sequence[tuple[str, float]]) -> list[bytes | None]:
    """Each (SVG, width in inches) as PNG bytes; None for an SVG the check refuses."""
    if not charts:
        return []
    if _event_loop_running():  # in Jupyter: Playwright's sync API in a thread of its own
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(to_png, charts).result()
    with pdf_printer() as printer:
        context = printer.browser.new_context(java_script_enabled=False,
                                              device_scale_factor=SCALE,
                                              viewport={"width": 1200, "height": 900})
        try:
            page = context.new_page()
            page.route("**/*", lambda route: route.continue_()
                       if route.request.url.startswith(("data:", "about:"))
                       else route.abort("blockedbyclient"))
            drawn: list[bytes | None] = []
            for svg, width in charts:
                try:
                    checked = svg_blocks.check(svg)
                except ValueError:
                    drawn.append(None)
                    continue
                page.set_content(_PAGE.format(width=width, svg=checked), wait_until="load")
                drawn.append(page.locator("svg").first.screenshot(type="png",
                                                                  animations="disabled"))
            return drawn
        finally:
            context.close()
