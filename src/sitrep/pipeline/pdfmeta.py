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

The same HTML gives the same PDF bytes (README, "Rendering the suite"): Chromium dates the
PDF by the clock, so :func:`describe` sets ``/CreationDate`` and ``/ModDate`` to
:func:`report_date` (``SOURCE_DATE_EPOCH`` when set, else the report's own date, its newest
source's, which the HTML carries as ``<meta name="dcterms.date">``; with neither, the PDF
carries no date), and the trailer's ``/ID`` to a digest of the HTML and that date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html as html_lib
import io
import os
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sitrep import __version__

if TYPE_CHECKING:
    from pypdf import PdfWriter

DEFAULT_LANGUAGE = "en"
_TITLE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_LANG = re.compile(r"<html\b[^>]*\blang=\"([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\"", re.IGNORECASE)
_DATE = re.compile(r"<meta\s+name=\"dcterms\.date\"\s+content=\"(\d{4}-\d{2}-\d{2})\"",
                   re.IGNORECASE)


def report_date(html: str, environ: dict[str, str] | None = None) -> dt.datetime | None:
    """When the PDF says it was made: ``SOURCE_DATE_EPOCH`` (seconds since 1970, UTC) when the
    environment sets it, else midnight UTC of the date the HTML declares
    (``<meta name="dcterms.date">``), else None: never the clock, so that two renders of the
    same inputs give the same bytes.

    Raises:
        ValueError: ``SOURCE_DATE_EPOCH`` is set but is no whole number of seconds.
    """
    epoch = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise ValueError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {epoch!r}")
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    declared = _DATE.search(html)
    if declared is None:
        return None
    return dt.datetime.strptime(declared.group(1), "%Y-%m-%d").replace(tzinfo=dt.UTC)


def pdf_date(when: dt.datetime) -> str:
    """A PDF date string, UTC: ``D:20241110000000+00'00'``."""
    return when.astimezone(dt.UTC).strftime("D:%Y%m%d%H%M%S+00'00'")


def stamp(writer: PdfWriter, html: str) -> None:
    """Date the PDF by :func:`report_date` (or leave it undated) and give it an ``/ID``
    digested from the HTML and that date: nothing in it comes from the clock or chance."""
    from pypdf.generic import ArrayObject, ByteStringObject, NameObject, TextStringObject

    when = report_date(html)
    info = writer._info.get_object() if writer._info is not None else None
    if info is not None:
        for key in ("/CreationDate", "/ModDate"):
            if when is None:
                info.pop(NameObject(key), None)
            else:
                info[NameObject(key)] = TextStringObject(pdf_date(when))
    digest = hashlib.md5(f"{html}\x00{when}".encode("utf-8", "surrogatepass"),
                         usedforsecurity=False).digest()
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])


def describe(pdf: bytes, html: str, headings: Iterable[str] = ()) -> bytes:
    """The PDF with title, creator and language set from the HTML it was printed from, its
    bookmarks titled with the visible text of ``headings`` (see :func:`retitle_outline`), its
    dates and ``/ID`` from the HTML, not the clock (see :func:`stamp`)."""
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
    stamp(writer, html)
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
