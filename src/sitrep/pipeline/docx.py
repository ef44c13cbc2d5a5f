"""The ``docx`` format: a report as a Word document, written from its blocks
(:mod:`sitrep.blocks`) with python-docx.

Headings are Word headings (the title the ``Title`` style, each section ``Heading 1``, each
part ``Heading 2``: the document's outline), paragraphs and lists Word paragraphs, tables
native tables whose header row repeats on every page, charts PNG pictures (the format wants
PNG figures: :mod:`sitrep.pipeline.raster`) with their alt text and credit line. A claim id
is an internal link (``w:hyperlink`` with ``w:anchor``) to its row in the claims annex, whose
first cell carries a bookmark named ``claim-<id>``; an id whose row the document lacks stays
text. An http(s) address is an external hyperlink: the only external relationship the
document has. No macros, no fields, no template attached.

Reproducible bytes: the document's title and date (core properties) are the report's (the date
of its newest source, not the hour of the render), and every part of the package carries that
date too; the same report gives the same file.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sitrep import blocks
from sitrep.pipeline.html import report_date

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    from sitrep.pipeline.formats import Job

__all__ = ["convert", "to_docx"]

#: A4, with the PDF's side margins (mm).
PAGE_MM, MARGIN_MM = (210, 297), 15
#: Point sizes: body text, notes and details, table cells.
BODY_PT, SMALL_PT, TABLE_PT = 10, 8.5, 7.5
LINK_COLOUR = "0B57A4"
#: A bookmark name Word accepts as it is (at most 40 characters); any other is digested.
_BOOKMARK = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,39}")
#: How wide a column of a role is, against the others (a share of the page when the block
#: gives none): claim ids are short, quotes long.
ROLE_WEIGHT = {"claim_ids": 0.5, "quote": 2.5, "url": 1.5}
#: A table cell's padding and a character's width at :data:`TABLE_PT` (mm), for the least
#: width of a column.
CELL_PADDING_MM, CHAR_MM = 4.0, 1.6


def convert(job: Job) -> dict[str, bytes]:
    """The ``docx`` format (see :mod:`sitrep.pipeline.formats`)."""
    return {f"{job.name}.docx": to_docx(job.blocks, title=job.title,
                                        date=report_date(job.nb) or "")}


def to_docx(shown: list[dict], *, title: str, date: str = "") -> bytes:
    """The blocks as a Word document's bytes (figure blocks with their ``png``)."""
    import docx
    from docx.shared import Mm

    document = docx.Document()
    _plain_package(document)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN_MM))
    _styles(document)
    writer = _Writer(document, _targets(shown))
    for block in shown:
        writer.block(block)
    _properties(document, title, date)
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_dates(buffer.getvalue(), date)


def _targets(shown: list[dict]) -> set[str]:
    """Every in-document target the blocks give: annex rows' and notes' ids."""
    found: set[str] = set()
    for block in shown:
        found.update(str(i) for i in block.get("row_ids") or [] if i)
        found.update(str(item["id"]) for item in block.get("items") or []
                     if isinstance(item, dict) and item.get("id"))
    return found


def bookmark_name(target: str) -> str:
    """The bookmark of an in-document target: ``claim-C01`` itself, a digest past 40
    characters or for a name Word would refuse."""
    if _BOOKMARK.fullmatch(target):
        return target
    return "b_" + hashlib.sha256(target.encode("utf-8", "surrogatepass")).hexdigest()[:30]


def _plain_package(document: Document) -> None:
    """Leave out what python-docx's template carries and a report does not: its thumbnail
    and its custom XML."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rel_id)
    for rel_id, rel in list(document.part.rels.items()):
        if rel.reltype == RT.CUSTOM_XML:
            document.part.rels.pop(rel_id)


def _styles(document: Document) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt, RGBColor

    normal = document.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    note = document.styles.add_style("Sitrep Note", WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = normal
    note.font.size = Pt(SMALL_PT)
    note.font.color.rgb = RGBColor(0x44, 0x44, 0x44)
    cell = document.styles.add_style("Sitrep Cell", WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    cell.font.size = Pt(TABLE_PT)
    cell.paragraph_format.space_after = Pt(0)
    code = document.styles.add_style("Sitrep Text", WD_STYLE_TYPE.PARAGRAPH)
    code.base_style = normal
    code.font.name = "DejaVu Sans Mono"
    code.font.size = Pt(SMALL_PT)


def _properties(document: Document, title: str, date: str) -> None:
    """Title and date in the core properties; nothing of the machine or the hour."""
    props = document.core_properties
    when = _date(date)
    props.title, props.author, props.last_modified_by = title, "sitrep", "sitrep"
    props.comments = props.subject = props.keywords = props.category = ""
    props.created = props.modified = when
    props.revision = 1


def _date(date: str) -> datetime:
    try:
        return datetime.strptime(date, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return datetime(1980, 1, 1, tzinfo=UTC)


def _fixed_dates(data: bytes, date: str) -> bytes:
    """The package rewritten with every part dated ``date`` (zip stamps the hour)."""
    when = _date(date).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=when)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


class _Writer:
    """Writes blocks into a document; links only to the targets it will hold."""

    def __init__(self, document: Document, targets: set[str]) -> None:
        self.document = document
        self.targets = targets
        self.bookmarks = 0
        usable = PAGE_MM[0] - 2 * MARGIN_MM
        self.width_mm = usable

    def block(self, block: dict) -> None:
        kind = block.get("kind")
        if kind == "heading":
            level = min(max(int(block.get("level") or 2), 1), 9)
            self.document.add_heading(_clean(str(block.get("text", ""))),
                                      0 if level == 1 else level - 1)
        elif kind in ("paragraph", "note"):
            style = {"subtitle": "Subtitle"}.get(str(block.get("class")))
            if kind == "note":
                style = "Sitrep Note"
            self.inline(self.document.add_paragraph(style=style), block.get("text"))
        elif kind == "list":
            self.items(block)
        elif kind == "table":
            self.table(block)
        elif kind == "figure":
            self.figure(block)
        elif kind == "text":
            for line in str(block.get("text", "")).rstrip("\n").split("\n"):
                self.document.add_paragraph(_clean(line), style="Sitrep Text")
        elif kind == "html":
            text = _html_text(str(block.get("html", "")))
            if text:
                self.document.add_paragraph(_clean(text))

    # -- inline text ------------------------------------------------------------------------

    def inline(self, paragraph: Paragraph, inline: Any, *, size: float | None = None) -> None:
        """Inline text into ``paragraph``: its claim ids internal links, addresses links."""
        from docx.shared import Pt

        for text, target in blocks.spans(inline):
            text = _clean(text)
            if target is not None and target in self.targets:
                _hyperlink(paragraph, text, anchor=bookmark_name(target), size=size)
            elif target is not None and target.lower().startswith(("http://", "https://")):
                _hyperlink(paragraph, text, url=target, size=size)
            else:
                run = paragraph.add_run(text)
                if size:
                    run.font.size = Pt(size)

    def bookmark(self, paragraph: Paragraph, target: str) -> None:
        """A bookmark around ``paragraph``'s content: where links to ``target`` land."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
        start.set(qn("w:id"), str(self.bookmarks))
        start.set(qn("w:name"), bookmark_name(target))
        end.set(qn("w:id"), str(self.bookmarks))
        self.bookmarks += 1
        p = paragraph._p
        properties = p.pPr
        if properties is not None:
            properties.addnext(start)
        else:
            p.insert(0, start)
        p.append(end)

    # -- lists, tables, figures -------------------------------------------------------------

    def items(self, block: dict) -> None:
        from docx.shared import Cm

        ordered = bool(block.get("ordered"))
        for n, item in enumerate(block.get("items") or [], start=1):
            if not isinstance(item, dict):
                continue
            paragraph = self.document.add_paragraph(style=None if ordered else "List Bullet")
            if ordered:  # the number as text: Word's numbering would run on from list to list
                fmt = paragraph.paragraph_format
                fmt.left_indent, fmt.first_line_indent = Cm(0.75), Cm(-0.75)
                fmt.tab_stops.add_tab_stop(Cm(0.75))
                paragraph.add_run(f"{n}.\t")
            self.inline(paragraph, item.get("text"))
            if blocks.plain(item.get("detail")):
                paragraph.add_run().add_break()
                self.inline(paragraph, item.get("detail"), size=SMALL_PT)
            if item.get("id"):
                self.bookmark(paragraph, str(item["id"]))

    def table(self, block: dict) -> None:
        columns = [c for c in block.get("columns") or [] if isinstance(c, dict)]
        rows = [r for r in block.get("rows") or [] if isinstance(r, list)]
        if not columns:
            return
        if block.get("caption"):
            self.document.add_paragraph(_clean(str(block["caption"])), style="Caption")
        table = self.document.add_table(rows=1 + len(rows), cols=len(columns))
        table.style = self.document.styles["Table Grid"]
        table.autofit = False
        _repeat_header(table)
        widths = _widths(columns, rows, self.width_mm)
        for i, column in enumerate(columns):
            cell = table.rows[0].cells[i]
            paragraph = cell.paragraphs[0]
            paragraph.style = "Sitrep Cell"
            paragraph.add_run(_clean(str(column.get("name", "")))).bold = True
        ids = block.get("row_ids") or []
        for r, row in enumerate(rows, start=1):
            cells = table.rows[r].cells
            for i, value in enumerate(row[:len(columns)]):
                paragraph = cells[i].paragraphs[0]
                paragraph.style = "Sitrep Cell"
                self.inline(paragraph, value)
            if r - 1 < len(ids) and ids[r - 1]:
                self.bookmark(cells[0].paragraphs[0], str(ids[r - 1]))
        _set_widths(table, widths)

    def figure(self, block: dict) -> None:
        from docx.shared import Mm

        png = block.get("png")
        if not isinstance(png, bytes | bytearray):
            self.document.add_paragraph("(a chart was left out: it could not be drawn)",
                                        style="Sitrep Note")
            return
        width = min(float(block.get("width_in") or 6) * 25.4, self.width_mm)
        self.document.add_picture(io.BytesIO(bytes(png)), width=Mm(width))
        picture = self.document.paragraphs[-1]
        for properties in picture._p.xpath(".//wp:docPr"):
            properties.set("descr", _clean(str(block.get("alt") or "chart")))
            properties.set("name", f"Chart {properties.get('id')}")
        if blocks.plain(block.get("caption")):
            self.inline(self.document.add_paragraph(style="Sitrep Note"), block["caption"])


def _repeat_header(table: Table) -> None:
    """The table's first row repeats at the top of each page it runs onto; no row is split
    between two pages."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for n, row in enumerate(table.rows):
        properties = row._tr.get_or_add_trPr()
        keep = OxmlElement("w:cantSplit")
        keep.set(qn("w:val"), "true")
        properties.append(keep)
        if n == 0:
            header = OxmlElement("w:tblHeader")
            header.set(qn("w:val"), "true")
            properties.append(header)


def _widths(columns: list[dict], rows: list[list], total_mm: float) -> list[float]:
    """Column widths (mm): a column's own share (``width``, ``"17%"``), else the rest of the
    page shared by how much its cells hold, weighted by its role; no column narrower than its
    longest word (a claim id, a number) needs, so that no word is split letter by letter."""
    given: dict[int, float] = {}
    for i, column in enumerate(columns):
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)%\s*", str(column.get("width") or ""))
        if match:
            given[i] = float(match.group(1)) / 100 * total_mm
    least, weights = {}, {}
    for i, column in enumerate(columns):
        texts = [str(column.get("name", "")), *(blocks.plain(r[i]) for r in rows if i < len(r))]
        word = max((len(w) for t in texts for w in t.split()), default=1)
        least[i] = min(max(CELL_PADDING_MM + CHAR_MM * word, 8.0), 30.0)
        lengths = sorted(len(t) for t in texts[1:]) or [0]
        typical = max(lengths[len(lengths) * 3 // 4], len(texts[0]) / 2)
        weights[i] = min(max(typical, 4), 60) * ROLE_WEIGHT.get(str(column.get("role")), 1)
    fixed = {i: max(w, least[i]) for i, w in given.items()}
    free = [i for i in range(len(columns)) if i not in fixed]
    while free:  # share the rest; a column that would be too narrow gets its least
        rest = max(total_mm - sum(fixed.values()), 0.0)
        scale = rest / sum(weights[i] for i in free)
        narrow = [i for i in free if weights[i] * scale < least[i]]
        if not narrow:
            fixed.update({i: weights[i] * scale for i in free})
            break
        fixed.update({i: least[i] for i in narrow})
        free = [i for i in free if i not in narrow]
    widths = [fixed[i] for i in range(len(columns))]
    factor = total_mm / sum(widths) if sum(widths) > total_mm else 1
    return [w * factor for w in widths]


def _set_widths(table: Table, widths: list[float]) -> None:
    from docx.shared import Mm

    for i, width in enumerate(widths):
        table.columns[i].width = Mm(width)
        for cell in table.columns[i].cells:
            cell.width = Mm(width)


def _hyperlink(paragraph: Paragraph, text: str, *, anchor: str | None = None,
               url: str | None = None, size: float | None = None) -> None:
    """A link run: to a bookmark (``anchor``) or, external, to an http(s) ``url``."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    link = OxmlElement("w:hyperlink")
    if anchor is not None:
        link.set(qn("w:anchor"), anchor)
    else:
        link.set(qn("r:id"), paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True))
    run, properties = OxmlElement("w:r"), OxmlElement("w:rPr")
    colour, underline = OxmlElement("w:color"), OxmlElement("w:u")
    colour.set(qn("w:val"), LINK_COLOUR)
    underline.set(qn("w:val"), "single")
    properties.extend([colour, underline])
    if size:
        half_points = OxmlElement("w:sz")
        half_points.set(qn("w:val"), str(round(size * 2)))
        properties.append(half_points)
    words = OxmlElement("w:t")
    words.text = text
    words.set(qn("xml:space"), "preserve")
    run.extend([properties, words])
    link.append(run)
    paragraph._p.append(link)


#: Characters XML 1.0 cannot hold (lxml refuses them): controls but tab and line breaks, lone
#: surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    """Text a Word document can hold (a control character shown as U+FFFD)."""
    return _NOT_XML.sub("\ufffd", text)


def _html_text(html: str) -> str:
    """The words of sanitised HTML (an output without blocks), without its markup."""
    from html.parser import HTMLParser

    class _Words(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.words: list[str] = []
            self.skip = 0

        def handle_starttag(self, tag: str, attrs: Any) -> None:
            self.skip += tag in ("svg", "style", "script")

        def handle_endtag(self, tag: str) -> None:
            self.skip -= tag in ("svg", "style", "script") and self.skip > 0

        def handle_data(self, data: str) -> None:
            if not self.skip:
                self.words.append(data)

    parser = _Words()
    parser.feed(html)
    return " ".join(" ".join(parser.words).split())
