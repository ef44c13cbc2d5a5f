"""Showing tables and text in a notebook so that HTML and PDF read well and stay safe.

Every string from a data set is untrusted. It reaches the output only through these helpers,
which escape it (pandas Styler with ``escape="html"``, ``html.escape`` for text): a '<script>'
in a quote is shown as text, never run.
"""

from __future__ import annotations

import html
import io
from collections.abc import Iterable

import pandas as pd
from IPython.display import HTML, Image
from IPython.display import display as _display
from matplotlib.figure import Figure

#: Resolution of chart images: sharp in print at the brief's width.
DPI = 200


def table(frame: pd.DataFrame, *, caption: str | None = None,
          widths: dict[str, str] | None = None) -> HTML:
    """A DataFrame as an escaped HTML table without its index."""
    styler = frame.style.hide(axis="index").format(escape="html", na_rep="")
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


def items(entries: Iterable[tuple[str, str]], *, ordered: bool = False) -> HTML:
    """A list of (text, detail) pairs; the detail is shown smaller beneath each item."""
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


def figure(fig: Figure, *, width_px: int = 680) -> Image:
    """A chart as an embedded PNG sized for the page."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return Image(data=buffer.getvalue(), format="png", width=width_px)
