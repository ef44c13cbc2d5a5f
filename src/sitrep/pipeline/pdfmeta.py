"""What a PDF carries besides its pages: title, creator, language, and a check that the
outline and the tags Chromium wrote are there (``page.pdf(outline=True, tagged=True)``).

Chromium writes the document outline (bookmarks, from the headings), the structure tags and
the internal links (``<a href="#claim-C01">``) itself; pypdf then sets what Chromium leaves
out or fills with its own name: ``/Title`` from the HTML ``<title>``, ``/Creator`` sitrep, and
the catalogue's ``/Lang`` from ``<html lang>`` (English by default).
"""

from __future__ import annotations

import html as html_lib
import io
import re

from sitrep import __version__

DEFAULT_LANGUAGE = "en"
_TITLE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_LANG = re.compile(r"<html\b[^>]*\blang=\"([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\"", re.IGNORECASE)


def describe(pdf: bytes, html: str) -> bytes:
    """The PDF with title, creator and language set from the HTML it was printed from."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    title = _TITLE.search(html)
    lang = _LANG.search(html)
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    writer.add_metadata({
        "/Title": " ".join(html_lib.unescape(title.group(1)).split()) if title else "",
        "/Creator": f"sitrep {__version__}",
    })
    writer._root_object[NameObject("/Lang")] = TextStringObject(
        lang.group(1) if lang else DEFAULT_LANGUAGE)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
