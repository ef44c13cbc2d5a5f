"""Showing tables and text in a notebook so that HTML and PDF read well and stay safe.

Every string from a data set is untrusted. It reaches the output only through these helpers,
which escape it (pandas Styler with ``escape="html"``, ``html.escape`` for text): a '<script>'
in a quote is shown as text, never run.
"""

from __future__ import annotations

import base64
import html
import io
import warnings
from collections.abc import Iterable

import pandas as pd
from IPython.display import HTML
from IPython.display import display as _display
from matplotlib.figure import Figure

from sitrep.views.style import FONT, NO_MATHS

EMPTY = "Nothing recorded in the data set (up to the cut-off, if any)."


#: Rows a report table shows at most; the rest are counted, not printed.
MAX_ROWS = 60


def table(frame: pd.DataFrame, *, caption: str | None = None,
          widths: dict[str, str] | None = None, empty: str = EMPTY,
          limit: int = MAX_ROWS) -> HTML:
    """A DataFrame as an escaped HTML table without its index (a sentence when it is empty).

    Past ``limit`` rows the table shows the first ones and says how many it left out.
    """
    if frame.empty:
        return paragraph(empty, css_class="sitrep-empty")
    if len(frame) > limit:
        shown = table(frame.head(limit), caption=caption, widths=widths, limit=limit)
        note = paragraph(f"Showing the first {limit:,} of {len(frame):,} rows; the data set "
                         "holds them all.", css_class="sitrep-more")
        return HTML(shown.data + note.data)
    # Column headers can come from data too (an actor's name heads a column): escape them.
    styler = (frame.style.hide(axis="index").format(escape="html", na_rep="")
              .format_index(escape="html", axis=1))
    if caption:
        styler = styler.set_caption(html.escape(caption))
    styles = [{"selector": "", "props": [("width", "100%")]}]
    for column, width in (widths or {}).items():
        if column in frame.columns:
            position = list(frame.columns).index(column)
            styles.append({"selector": f"th.col_heading.col{position}",
                           "props": [("width", width)]})
    styler = styler.set_table_styles(styles).set_table_attributes('class="sitrep-table"')
    return HTML(styler.to_html())


def heading(text: str, level: int = 2) -> HTML:
    """A heading whose text comes from data or parameters."""
    return HTML(f"<h{level}>{html.escape(text)}</h{level}>")


def paragraph(text: str, *, css_class: str = "") -> HTML:
    """A paragraph of untrusted text."""
    attribute = f' class="{html.escape(css_class)}"' if css_class else ""
    return HTML(f"<p{attribute}>{html.escape(text)}</p>")


def items(entries: Iterable[tuple[str, str]], *, ordered: bool = False,
          empty: str = EMPTY) -> HTML:
    """A list of (text, detail) pairs; the detail is shown smaller beneath each item."""
    entries = list(entries)
    if not entries:
        return paragraph(empty, css_class="sitrep-empty")
    tag = "ol" if ordered else "ul"
    body = "".join(
        f"<li><span class=\"sitrep-item\">{html.escape(text)}</span>"
        + (f"<br><small class=\"sitrep-detail\">{html.escape(detail)}</small>" if detail else "")
        + "</li>"
        for text, detail in entries
    )
    return HTML(f"<{tag} class=\"sitrep-list\">{body}</{tag}>")


def title(text: str, subtitle: str = "") -> None:
    """Show the report's title; the renderer reads it from this output's metadata."""
    body = f"<h1>{html.escape(text)}</h1>"
    if subtitle:
        body += f'<p class="sitrep-subtitle">{html.escape(subtitle)}</p>'
    _display(HTML(body), metadata={"sitrep": {"title": text}})


def figure(fig: Figure, *, caption: str = "", alt: str = "chart") -> HTML:
    """A chart as an embedded SVG image: sharp in print, its text real text in the PDF.

    The SVG keeps its text as ``<text>`` elements (``svg.fonttype="none"``) rather than glyph
    outlines, so the PDF Chromium prints carries the chart's labels as text that can be found
    and copied, in fonts the PDF embeds. The SVG names the charts' fonts (:data:`FONT`),
    so the browser draws a Korean name from Noto Sans CJK rather than an empty box, and runs of
    spaces are kept (``xml:space="preserve"``) as matplotlib laid them out.

    The SVG goes into an ``<img>`` as a data URI, never inline, so nothing in it can run and it
    loads nothing; its text is XML-escaped by matplotlib, and the alt text by us. The caption
    (the credit line) is HTML text under the image.
    """
    import matplotlib as mpl

    buffer = io.BytesIO()
    # Tick labels may be made only now, while the figure is drawn: maths parsing stays off.
    with mpl.rc_context({"svg.fonttype": "none", "font.sans-serif": FONT, **NO_MATHS}), \
            warnings.catch_warnings():
        # matplotlib measures a glyph DejaVu Sans lacks (Korean) with an empty box and warns;
        # the text is written as text, and the browser draws it from the fallback fonts.
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font")
        fig.savefig(buffer, format="svg")
    # Spaces in a label are kept as drawn ('50,000  [C01]'); SVG would collapse them.
    svg = buffer.getvalue().replace(b"<svg ", b'<svg xml:space="preserve" ', 1)
    encoded = base64.b64encode(svg).decode("ascii")
    width_in = fig.get_figwidth()
    image = (f'<img class="sitrep-chart" alt="{html.escape(alt)}" '
             f'style="width:100%;max-width:{width_in:.2f}in" '
             f'src="data:image/svg+xml;base64,{encoded}">')
    note = f'<p class="sitrep-credit"><small>{html.escape(caption)}</small></p>' if caption else ""
    return HTML(image + note)


def show(*objects: object) -> None:
    """Display objects from inside a loop (a cell shows only its last value by itself)."""
    for obj in objects:
        _display(obj)
