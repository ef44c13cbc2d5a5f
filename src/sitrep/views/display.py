"""Showing tables and text in a notebook so that HTML and PDF read well and stay safe.

Every string from a data set is untrusted. It reaches the output only through these helpers,
which escape it (pandas Styler with ``escape="html"``, ``html.escape`` for text): a '<script>'
in a quote is shown as text, never run.
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
from IPython.display import HTML
from IPython.display import display as _display
from matplotlib.figure import Figure

from sitrep import blocks, paths, svgsafe
from sitrep.model.data import hygiene
from sitrep.model.data.facts import FILTERED, SUBJECT
from sitrep.views.headings import shown as _headed
from sitrep.views.style import FONT, NO_MATHS

EMPTY = "Nothing recorded in the data set (up to the cut-off, if any)."


@dataclass(frozen=True)
class Scope:
    """What a report shows, handed to every helper that needs it (no module state): its active
    filters in words, so an empty section says which filters emptied it, and the claim ids of
    its annex, the only ids that become links (a derived figure's id, D01, has no claim row to
    land on; a report without an annex links none). :class:`sitrep.report.Report` holds one."""

    filters: str = ""
    claims: frozenset[str] = field(default_factory=frozenset)


#: No filters, no links: what a helper uses when it is given no scope.
NO_SCOPE = Scope()


class Output(HTML):
    """HTML for the report, with a plain-text (and, where it helps, Markdown) form of the same
    content: what a terminal, a diff or a Markdown export shows instead of the HTML; and the
    blocks it shows (:mod:`sitrep.blocks`), in the output's metadata
    (``metadata["sitrep"]["blocks"]``), which every other format walks."""

    def __init__(self, data: str, *, text: str = "", markdown: str | None = None,
                 blocks: Iterable[dict] = ()) -> None:
        super().__init__(data)
        self.text = text
        self.markdown = markdown
        self.blocks = list(blocks)

    def _repr_mimebundle_(self, include=None, exclude=None):
        if not self.blocks:
            return None
        return {"text/html": self.data}, {"sitrep": {"blocks": self.blocks}}

    def __repr__(self) -> str:
        return self.text or super().__repr__()

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(repr(self))

    def _repr_markdown_(self) -> str | None:
        return self.markdown


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its list cells as text ('dagens, tass' rather than "('dagens', 'tass')",
    '' for an empty list): how a table of the facts reads in JupyterLab."""
    def text(value: object) -> object:
        return ", ".join(map(str, value)) if isinstance(value, list | tuple) else value

    listed = [i for i in range(frame.shape[1]) if pd.api.types.is_object_dtype(frame.dtypes.iloc[i])
              and any(isinstance(v, list | tuple) for v in frame.iloc[:, i])]
    if not listed:
        return frame
    shown = frame.copy()
    for i in listed:
        shown.isetitem(i, shown.iloc[:, i].map(text))
    return shown


def _pipe(value: object) -> str:
    """Untrusted text as one line of Markdown that reads as written on GitHub and in Jupyter
    (:func:`sitrep.model.data.hygiene.markdown`): no tag, link, emphasis, heading, list or
    maths, and no pipe that would split a table cell; line breaks become spaces."""
    return hygiene.markdown(" ".join(str(value).split("\n")).strip())


def markdown_table(frame: pd.DataFrame) -> str:
    """A DataFrame as a Markdown pipe table (cells on one line, pipes escaped)."""
    head = "| " + " | ".join(_pipe(c) for c in frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    rows = ["| " + " | ".join("" if pd.isna(v) is True else _pipe(v) for v in row) + " |"
            for row in readable(frame).itertuples(index=False)]
    return "\n".join([head, rule, *rows])


def empty_note(empty: str, subject: str = "", *, filtered: bool = True,
               filters: str = "") -> str:
    """The sentence an empty section shows: the default names what is empty (``subject``,
    e.g. "derived figures") and the active ``filters`` (in words), if they chose the rows."""
    if empty != EMPTY:
        return empty
    what = f"No {subject}" if subject else "Nothing recorded"
    if filters and filtered:
        return f"{what} in the data set under the active filters ({filters})."
    return f"{what} in the data set."


#: Rows a report table shows at most: a cap for synthetic corpora (100,000 claims), far above
#: any real report's table, so that no real table is cut. Past it a table is cut and says how
#: many rows it leaves out and where they are. An annex (a table shown with ``anchor``: its
#: rows are the targets of the report's claim links) is never cut: every claim the report cites
#: is in it, at any size.
MAX_ROWS = 500


def table(frame: pd.DataFrame, *, caption: str | None = None,
          widths: dict[str, str] | None = None, empty: str = EMPTY,
          limit: int | None = MAX_ROWS, anchor: str | None = None, note_links: bool = False,
          scope: Scope = NO_SCOPE, rest: str = "") -> Output:
    """A DataFrame as an escaped HTML table without its index (a sentence when it is empty);
    its text and Markdown forms list the same rows.

    Past ``limit`` rows (``None``: no limit) the table shows the first ones and says how many
    it left out and where they are (``rest``, e.g. "the force-size report lists every figure";
    by default the data set's tables); a table with ``anchor`` is never cut.
    Linked provenance: the ids in a claim column (:func:`column_role`) link to their rows in
    the claims annex, which is the table shown with ``anchor="Claim"`` (each row gets the id
    ``claim-<id>``, for the claim ids of ``scope``); http(s) URLs are links; with
    ``note_links`` a "[3]" links to note 3.

    A tidy model table (every column a snake_case name) is shown under its headings
    (:mod:`sitrep.views.headings`); ``widths`` and ``anchor`` name the headings.
    """
    frame = _headed(frame)
    if frame.empty:
        return paragraph(empty_note(empty, frame.attrs.get(SUBJECT, ""),
                                    filtered=frame.attrs.get(FILTERED, True),
                                    filters=scope.filters),
                         css_class="sitrep-empty")
    if anchor is None and limit is not None and len(frame) > limit:
        shown = table(frame.head(limit), caption=caption, widths=widths, limit=None,
                      note_links=note_links, scope=scope)
        note = paragraph(cut_note(limit, len(frame), rest), css_class="sitrep-more")
        return Output(shown.data + note.data, text=f"{shown.text}\n{note.text}",
                      markdown=f"{shown.markdown}\n\n{note.text}",
                      blocks=[*shown.blocks, *note.blocks])
    # Column headers can come from data too (an actor's name heads a column): escape them.
    styler = (frame.style.hide(axis="index").format(escape="html", na_rep="")
              .format_index(escape="html", axis=1))
    # The table's ids come from what it shows, not a random uuid: the same inputs give the same
    # bytes (README, "Rendering the suite").
    styler = styler.set_uuid(content_id(frame, caption, widths))
    styler = _links(styler, frame, note_links, scope.claims)
    if caption:
        styler = styler.set_caption(html.escape(caption))
    styles = [{"selector": "", "props": [("width", "100%")]}]
    for column, width in (widths or {}).items():
        if column in frame.columns:
            position = list(frame.columns).index(column)
            styles.append({"selector": f"th.col_heading.col{position}",
                           "props": [("width", width)]})
    styler = styler.set_table_styles(styles).set_table_attributes('class="sitrep-table"')
    body = styler.to_html()
    row_ids = None
    if anchor is not None and anchor in frame.columns:
        row_ids = [anchor_id(CLAIM_ANCHOR, v) for v in frame[anchor]]
        body = _row_ids(body, row_ids)
    block = table_block(frame, caption=caption, widths=widths, row_ids=row_ids,
                        note_links=note_links, claims=scope.claims)
    text = readable(frame).to_string(index=False, na_rep="")
    markdown = markdown_table(frame)
    if caption:
        text, markdown = f"{caption}\n{text}", f"{_pipe(caption)}\n\n{markdown}"
    return Output(table_style() + body, text=text, markdown=markdown, blocks=[block])


def cut_note(shown: int, total: int, rest: str = "") -> str:
    """What a cut table says under its rows: how many it shows, how many it leaves out and
    where they are."""
    where = rest or "the data set's tables hold every one"
    return (f"Showing the first {shown:,} of {total:,} rows: {total - shown:,} left out here; "
            f"{where}.")


#: The role of each column a report's tables show (:data:`sitrep.blocks.ROLES`), by heading:
#: the one place a heading decides how a column is linked and shown. A heading not named here
#: holds text (a ``Since 2024-11-12`` column text naming claims, a ``URL`` one an address).
ROLES: dict[str, str] = {
    **dict.fromkeys(("Claim", "Claims", "claim_id", "Inputs", "Input claims"), "claim_ids"),
    **dict.fromkeys(("Figure", "Figures", "Best figure", "Conservative figure", "Range"),
                    "figure"),
    **dict.fromkeys(("Said by", "Who says"), "claimant"),
    "Measure": "measure",
    "Quote (verbatim)": "quote",
    **dict.fromkeys(("Pair", "Reading", "Superseded by", "Before", "Now", "First", "Second",
                     "Change and flags", "Flags", "Rests on", "What is claimed there"),
                    "claim_text"),
}
#: Columns named for an edition ('Since 2024-11-12') whose cells name claims too.
CLAIM_TEXT_PREFIXES = ("Since ",)
CLAIM_ANCHOR, NOTE_ANCHOR = blocks.CLAIM_PREFIX, blocks.NOTE_PREFIX
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_NOTE = re.compile(r"\[(\d+)\]")
_MENTION = re.compile(r"(?<![\w.&#;-])[A-Za-z0-9][A-Za-z0-9_.-]*(?![\w-])")
_URL = re.compile(r"https?://[^\s\"<>]+")


def column_role(column: object) -> str:
    """What a column holds (:data:`sitrep.blocks.ROLES`), from its heading: claim ids, text
    naming claims, a figure, who said it, a measure, a quote, an address or other text."""
    name = str(column)
    if name in ROLES:
        return ROLES[name]
    if name.startswith(CLAIM_TEXT_PREFIXES):
        return "claim_text"
    return "url" if name.lower() in ("url", "link") else "text"


def anchor_id(prefix: str, value: object) -> str:
    """The HTML id of a claim's annex row or a note: 'claim-C01', 'note-3'."""
    return f"{prefix}{value}"


def claim_link(claim_id: str) -> str:
    """A claim id as a link to its annex row (the id itself when it is no plain id)."""
    text = html.escape(str(claim_id))
    if not _ID.fullmatch(str(claim_id)):
        return text
    return f'<a class="sitrep-claim" href="#{anchor_id(CLAIM_ANCHOR, claim_id)}">{text}</a>'


# Links are found once, in escaped text, as pieces: escaped text, or (target kind, escaped
# value). The HTML writes the pieces as markup (:func:`_markup`); the blocks as spans of the
# text as written (:func:`_inline`): both link the same ids.
Piece = str | tuple[str, str]


def _id_pieces(escaped: str, claims: frozenset[str]) -> list[Piece]:
    """A claim-id cell ('C01, C02'): each id among ``claims`` a link."""
    out: list[Piece] = []
    at = 0
    for match in re.finditer(r"[^,;\s]+", escaped):
        token = match.group()
        if token in claims and _ID.fullmatch(token) and token != "none":
            out += [escaped[at:match.start()], ("claim", token)]
            at = match.end()
    return [*out, escaped[at:]]


def _mention_pieces(escaped: str, claims: frozenset[str]) -> list[Piece]:
    """Running text ('C01: Dagens · C02: ...'): the ids among ``claims`` links."""
    out: list[Piece] = []
    at = 0
    for match in _MENTION.finditer(escaped):
        core = match.group().rstrip(".")
        if core in claims:
            out += [escaped[at:match.start()], ("claim", core)]
            at = match.start() + len(core)
    return [*out, escaped[at:]]


def _url_pieces(escaped: str) -> list[Piece]:
    return [("url", escaped)] if _URL.fullmatch(escaped) else [escaped]


def _note_pieces(escaped: str) -> list[Piece]:
    out: list[Piece] = []
    at = 0
    for match in _NOTE.finditer(escaped):
        out += [escaped[at:match.start()], ("note", match.group(1))]
        at = match.end()
    return [*out, escaped[at:]]


def _markup(pieces: list[Piece]) -> str:
    def one(piece: Piece) -> str:
        if isinstance(piece, str):
            return piece
        kind, value = piece
        if kind == "claim":
            return claim_link(value)
        if kind == "url":
            return f'<a href="{value}">{value}</a>'
        return f'<a href="#{anchor_id(NOTE_ANCHOR, value)}">[{value}]</a>'

    return "".join(map(one, pieces))


def _inline(pieces: list[Piece]) -> str | list[blocks.Span]:
    """The pieces as inline text of a block (:mod:`sitrep.blocks`): a string when nothing is a
    link, else spans; the text unescaped, as written."""
    out: list[blocks.Span] = []
    for piece in pieces:
        if isinstance(piece, str):
            text = html.unescape(piece)
            if text and out and isinstance(out[-1], str):
                out[-1] += text
            elif text:
                out.append(text)
            continue
        kind, value = piece
        value = html.unescape(value)
        shown = f"[{value}]" if kind == "note" else value
        out.append({"text": shown, kind: value})
    if all(isinstance(span, str) for span in out):
        return "".join(out)  # type: ignore[arg-type]
    return out


def _pieces(kind: str, escaped: str, claims: frozenset[str], note_links: bool) -> list[Piece]:
    """A cell's pieces by how its column is linked (:func:`_kind`)."""
    if kind == "claim_ids":
        return _id_pieces(escaped, claims)
    if kind == "claim_text":
        return _mention_pieces(escaped, claims)
    if kind == "url":
        return _url_pieces(escaped)
    return _note_pieces(escaped) if note_links else [escaped]


def link_known_claims(escaped: object, claims: frozenset[str] = frozenset()) -> str:
    """In escaped running text ('C01: Dagens · C02: ...'), link the ids among ``claims``."""
    return _markup(_mention_pieces(str(escaped), claims))


def linked_text(text: str, claims: frozenset[str] = frozenset()) -> str | list[blocks.Span]:
    """Running text as a block's inline text, the ids among ``claims`` links."""
    return _inline(_mention_pieces(html.escape(text), claims))


def _kind(role: str, note_links: bool) -> str | None:
    """How a column of ``role`` is linked: its claim ids, the claim ids its text names, its
    address, its notes (with ``note_links``), or not at all (None)."""
    if role == "claim_ids" or role == "url":
        return role
    if role in blocks.LINKING:
        return "claim_text"
    return "text" if note_links else None


def _cell_markup(value: object, *, kind: str, claims: frozenset[str]) -> str:
    return _markup(_pieces(kind, str(value), claims, note_links=True))


def _links(styler, frame: pd.DataFrame, note_links: bool, known: frozenset[str]):
    """The Styler's cells linked by their columns' roles (:func:`column_role`)."""
    groups: dict[str, list] = {}
    for column in frame.columns:
        kind = _kind(column_role(column), note_links)
        if kind is not None:
            groups.setdefault(kind, []).append(column)
    for kind, columns in groups.items():
        styler = styler.format(functools.partial(_cell_markup, kind=kind, claims=known),
                               subset=columns, escape="html", na_rep="")
    return styler


def cell_text(value: object, *, linked: bool = False) -> str:
    """A cell's text as the HTML table shows it: '' for a missing value; unless the cell is
    ``linked`` (formatted as text by its links), a float with pandas' display precision."""
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return ""
    if not linked and isinstance(value, float):
        return f"{value:.{pd.get_option('styler.format.precision')}f}"
    return str(value)


def table_block(frame: pd.DataFrame, *, caption: str | None, widths: dict[str, str] | None,
                row_ids: list[str] | None, note_links: bool, claims: frozenset[str]) -> dict:
    """A table as a block (:mod:`sitrep.blocks`): columns with their roles and widths, rows as
    text with the links their roles make."""
    roles = [column_role(c) for c in frame.columns]
    kinds = [_kind(role, note_links) for role in roles]
    rows = [[_inline(_pieces(kind or "text", html.escape(cell_text(value, linked=bool(kind))),
                             claims, note_links=kind is not None))
             for kind, value in zip(kinds, row, strict=True)]
            for row in frame.itertuples(index=False)]
    return {"kind": "table", "caption": caption or None,
            "columns": [{"name": str(c), "role": role, "width": (widths or {}).get(c)}
                        for c, role in zip(frame.columns, roles, strict=True)],
            "rows": rows, "row_ids": row_ids}


def content_id(*parts: object) -> str:
    """A short id digested from what an element shows (its ids and an SVG's salt): stable
    across renders of the same inputs, unlike pandas' and matplotlib's random ones."""
    text = "\x1f".join(p.to_csv(index=False) if isinstance(p, pd.DataFrame) else repr(p)
                        for p in parts)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]


def _row_ids(body: str, ids: list[str]) -> str:
    """Give the body rows of a Styler table their ids, in order."""
    head, sep, rows = body.partition("<tbody>")
    it = iter(ids)
    rows = re.sub(r"<tr>", lambda m: f'<tr id="{html.escape(next(it, ""))}">', rows)
    return head + sep + rows


@functools.cache
def table_style() -> str:
    """The report's table style as a ``<style>`` block: each table carries it, so a table
    looks the same in JupyterLab as in the report (whose renderer drops the block and uses the
    same rules from its stylesheet)."""
    css = (paths.TEMPLATES / "sitrep_html" / "tables.css").read_text(encoding="utf-8")
    return f"<style>{css}</style>"


def heading(text: str, level: int = 2) -> Output:
    """A heading whose text comes from data or parameters."""
    return Output(f"<h{level}>{html.escape(text)}</h{level}>", text=text,
                  markdown=f"{'#' * level} {_pipe(text)}",
                  blocks=[{"kind": "heading", "level": level, "text": text}])


def paragraph(text: str, *, css_class: str = "", scope: Scope = NO_SCOPE) -> Output:
    """A paragraph of untrusted text; the claim ids of ``scope`` in it link to their rows."""
    attribute = f' class="{html.escape(css_class)}"' if css_class else ""
    linked = link_known_claims(html.escape(text), scope.claims)
    return Output(f"<p{attribute}>{linked}</p>", text=text,
                  blocks=[paragraph_block(text, css_class, scope.claims)])


#: Paragraph classes that set a paragraph apart: a ``note`` block of this ``class``.
NOTES = {"sitrep-note": "note", "sitrep-empty": "empty", "sitrep-more": "more"}


def paragraph_block(text: str, css_class: str = "",
                    claims: frozenset[str] = frozenset()) -> dict:
    """A paragraph (or, set apart by its class, a note) as a block."""
    block = {"kind": "note" if css_class in NOTES else "paragraph",
             "text": linked_text(text, claims)}
    if css_class:
        block["class"] = NOTES.get(css_class, css_class.removeprefix("sitrep-"))
    return block


def wrap(shown: Output, css_class: str) -> Output:
    """``shown`` in a ``<div>`` of ``css_class`` (a page layout's hook), its blocks kept."""
    return Output(f'<div class="{html.escape(css_class)}">{shown.data}</div>', text=shown.text,
                  markdown=shown.markdown, blocks=shown.blocks)


class Entries(list):
    """(text, detail) pairs for :func:`items` that name what they are (``subject``, e.g.
    "key takeaways"), so that an empty list says what is empty."""

    def __init__(self, entries: Iterable[tuple[str, str]] = (), *, subject: str = "") -> None:
        super().__init__(entries)
        self.subject = subject


def items(entries: Iterable[tuple[str, str]], *, ordered: bool = False,
          empty: str = EMPTY, anchor: str | None = None, scope: Scope = NO_SCOPE,
          css_class: str = "") -> Output:
    """A list of (text, detail) pairs; the detail is shown smaller beneath each item; the
    claim ids of ``scope`` in them link to the annex.

    With ``anchor`` (e.g. ``"note-"``) item n gets the id ``note-n``, the target of the
    "[n]" links of a table shown with ``note_links``."""
    subject = getattr(entries, "subject", "")
    entries = list(entries)
    if not entries:
        return paragraph(empty_note(empty, subject, filters=scope.filters),
                         css_class="sitrep-empty")
    tag = "ol" if ordered else "ul"
    known = scope.claims
    body = "".join(
        (f'<li id="{html.escape(anchor_id(anchor, n))}">' if anchor else "<li>")
        + f"<span class=\"sitrep-item\">{link_known_claims(html.escape(text), known)}</span>"
        + (f"<br><small class=\"sitrep-detail\">"
           f"{link_known_claims(html.escape(detail), known)}</small>" if detail else "")
        + "</li>"
        for n, (text, detail) in enumerate(entries, start=1)
    )
    lines = [f"{f'{n}.' if ordered else '-'} {text}" + (f"\n   {detail}" if detail else "")
             for n, (text, detail) in enumerate(entries, start=1)]
    marks = [f"{f'{n}.' if ordered else '-'} {_pipe(text)}" + (f"  \n   {_pipe(detail)}"
                                                              if detail else "")
             for n, (text, detail) in enumerate(entries, start=1)]
    classes = html.escape(f"sitrep-list {css_class}".strip())
    block = {"kind": "list", "ordered": ordered,
             "items": [{"text": linked_text(text, known), "detail": linked_text(detail, known),
                        **({"id": anchor_id(anchor, n)} if anchor else {})}
                       for n, (text, detail) in enumerate(entries, start=1)]}
    if css_class:
        block["class"] = css_class.removeprefix("sitrep-")
    return Output(f"<{tag} class=\"{classes}\">{body}</{tag}>", text="\n".join(lines),
                  markdown="\n".join(marks), blocks=[block])


def title(text: str, subtitle: str = "", *, date: str = "") -> None:
    """Show the report's title; the renderer reads it from this output's metadata, and the
    report's date (``date``, ISO 8601, e.g. its newest source's) too: the HTML's
    ``dcterms.date`` and the PDF's creation date, the same in every render."""
    body = f"<h1>{html.escape(text)}</h1>"
    if subtitle:
        body += f'<p class="sitrep-subtitle">{html.escape(subtitle)}</p>'
    plain = f"{text}\n\n{subtitle}" if subtitle else text
    shown = [{"kind": "heading", "level": 1, "text": text}]
    if subtitle:
        shown.append({"kind": "paragraph", "text": subtitle, "class": "subtitle"})
    _display(Output(body, text=plain, markdown=f"# {_pipe(text)}\n\n{_pipe(subtitle)}".rstrip(),
                    blocks=shown),
             metadata={"sitrep": {"title": text, **({"date": date} if date else {})}})


def figure(fig: Figure, *, caption: str = "", alt: str = "chart",
           scope: Scope = NO_SCOPE, kind: str = "chart") -> Output:
    """A chart as inline SVG: sharp in print, its text real text in the PDF, its marks links.

    The SVG keeps its text as ``<text>`` elements (``svg.fonttype="none"``) rather than glyph
    outlines, so the PDF Chromium prints carries the chart's labels as text that can be found
    and copied, in fonts the PDF embeds. The SVG names the charts' fonts (:data:`FONT`),
    so the browser draws a Korean name from Noto Sans CJK rather than an empty box, and runs of
    spaces are kept (``xml:space="preserve"``) as matplotlib laid them out.

    A mark drawn for a claim (:func:`sitrep.views.style.link_claim`) is a link to the claim's
    annex row with the claim id as its tooltip. Links need the SVG inline, not in an
    ``<img>``; it is inlined only after :func:`sitrep.svgsafe.clean` (drawing elements only,
    no script or handler, no reference outside the page), and the renderer checks it again.
    Its text is XML-escaped by matplotlib and again on output, the alt text by us. The
    caption (the credit line) is escaped HTML text under the chart; the claim ids of ``scope``
    in it link to their annex rows. Its text form is the alt text and the caption.

    ``kind="map"`` marks a map (class ``sitrep-map``): in print it is at most as tall as the
    stylesheet allows a map, so that it shares its page with the report's title and the
    section's lead-in rather than leaving that page empty.
    """
    import matplotlib as mpl

    buffer = io.BytesIO()
    # Tick labels may be made only now, while the figure is drawn: maths parsing stays off.
    # The SVG's ids (clip paths, markers, hatches) are digests salted by its alt text and
    # caption, not by a random salt, and it carries no date: the same inputs give the same
    # bytes (README, "Rendering the suite").
    salt = f"sitrep-{content_id(alt, caption, kind)}"
    with mpl.rc_context({"svg.fonttype": "none", "font.sans-serif": FONT, "svg.hashsalt": salt,
                         **NO_MATHS}), \
            warnings.catch_warnings():
        # matplotlib measures a glyph DejaVu Sans lacks (Korean) with an empty box and warns;
        # the text is written as text, and the browser draws it from the fallback fonts.
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font")
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    # Spaces in a label are kept as drawn ('50,000  [C01]'); SVG would collapse them.
    svg = buffer.getvalue().replace(b"<svg ", b'<svg xml:space="preserve" ', 1)
    inline = svgsafe.clean(svg, link_title=lambda target: target.replace("-", " ", 1))
    width_in = fig.get_figwidth()
    # A chart whose marks are links is a group (a screen reader reaches each link, named by
    # its title); one without links is an image. role="img" would hide the links inside it.
    # On a phone a chart keeps a legible width and its box scrolls sideways: a keyboard user
    # reaches it through its links (keyboard stops already; tabindex says so to checkers such
    # as axe's scrollable-region-focusable), or, without links, through the chart itself.
    links = "<a " in inline
    role = 'role="group"' if links else 'role="img" tabindex="0"'
    inline = inline.replace("<a ", '<a tabindex="0" ')
    inline = inline.replace(
        "<svg ", f'<svg class="sitrep-chart{" sitrep-map" if kind == "map" else ""}" {role} '
                 f'aria-label="{html.escape(alt)}" '
                 f'style="width:100%;max-width:{width_in:.2f}in;height:auto" ', 1)
    note = (f'<p class="sitrep-credit"><small>'
            f"{link_known_claims(html.escape(caption), scope.claims)}</small></p>"
            if caption else "")
    text = f"[{alt}]" + (f"\n{caption}" if caption else "")
    block = {"kind": "figure", "svg": inline, "alt": alt,
             "caption": linked_text(caption, scope.claims) if caption else "",
             "claims": list(dict.fromkeys(_DRAWN.findall(inline))), "figure": kind,
             "width_in": round(width_in, 2)}
    return Output(f'<div class="sitrep-figure">{inline}</div>' + note, text=text,
                  blocks=[block])


#: The claim a chart's mark links to (:func:`sitrep.views.style.link_claim`).
_DRAWN = re.compile(r'href="#' + re.escape(CLAIM_ANCHOR) + r'([^"]+)"')


def show(*objects: object) -> None:
    """Display objects from inside a loop (a cell shows only its last value by itself)."""
    for obj in objects:
        _display(obj)
