"""What a PDF carries besides its pages: title, creator, language, how a viewer opens it (its
outline shown, its title displayed), and a check that the outline and the tags Chromium wrote
are there (``page.pdf(outline=True, tagged=True)``).

Chromium writes the document outline (bookmarks, from the headings), the structure tags and
the internal links (``<a href="#claim-C01">``) itself; pypdf then sets what Chromium leaves
out or fills with its own name: ``/Title`` from the HTML ``<title>``, ``/Creator`` sitrep, and
the catalogue's ``/Lang`` from ``<html lang>`` (English by default).

Chromium titles each bookmark with the heading's text as laid out, line by line, and drops the
space where a long heading wraps ("Russia masses" / "troops" becomes "massestroops"). So the
printer reads every heading's visible text from the page (``innerText``) and :func:`describe`
puts it back: a bookmark whose title equals a heading's text but for whitespace takes the
heading's text, with single spaces.
"""

from __future__ import annotations

import html as html_lib
import io
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sitrep import __version__

if TYPE_CHECKING:
    from pypdf import PdfWriter

DEFAULT_LANGUAGE = "en"
_TITLE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_LANG = re.compile(r"<html\b[^>]*\blang=\"([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\"", re.IGNORECASE)


def describe(pdf: bytes, html: str, headings: Iterable[str] = ()) -> bytes:
    """The PDF with title, creator and language set from the HTML it was printed from, and
    its bookmarks titled with the visible text of ``headings`` (see :func:`retitle_outline`)."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    title = _TITLE.search(html)
    lang = _LANG.search(html)
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    writer.add_metadata({
        "/Title": " ".join(html_lib.unescape(title.group(1)).split()) if title else "",
        "/Creator": f"sitrep {__version__}",
    })
    # The catalogue's /Lang has no setter of its own in pypdf: set on its public root object.
    writer.root_object[NameObject("/Lang")] = TextStringObject(
        lang.group(1) if lang else DEFAULT_LANGUAGE)
    open_with_outline(writer)
    retitle_outline(writer, headings)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def open_with_outline(writer: PdfWriter) -> None:
    """A viewer opens the PDF with its bookmarks shown (``/PageMode /UseOutlines``, when there
    are bookmarks) and shows the document's title, not its file name
    (``/ViewerPreferences /DisplayDocTitle true``, PDF/UA and WCAG's PDF18)."""
    if writer.root_object.get("/Outlines") is not None:
        writer.page_mode = "/UseOutlines"
    preferences = writer.viewer_preferences  # the PDF's own, kept; else a new one
    if preferences is None:
        preferences = writer.create_viewer_preferences()
    preferences.display_doctitle = True


def _compact(text: str) -> str:
    return "".join(text.split())


def retitle_outline(writer: PdfWriter, headings: Iterable[str]) -> int:
    """Title each bookmark with the heading it was made from, whitespace as a reader sees it.

    A bookmark is matched to a heading when the two are equal once all whitespace is removed
    (all Chromium loses at a line break or an element boundary); any other bookmark is left as
    it is. Returns how many titles changed.
    """
    from pypdf.generic import NameObject, TextStringObject

    wanted = {_compact(h): " ".join(h.split()) for h in headings if h.strip()}
    outlines = writer.root_object.get("/Outlines")
    stack = [outlines.get_object().get("/First")] if outlines is not None else []
    changed = 0
    while stack:
        node = stack.pop()
        if node is None:
            continue
        item = node.get_object()
        stack.extend((item.get("/Next"), item.get("/First")))
        title = str(item.get("/Title", ""))
        text = wanted.get(_compact(title))
        if text is not None and text != title:
            item[NameObject("/Title")] = TextStringObject(text)
            changed += 1
    return changed
