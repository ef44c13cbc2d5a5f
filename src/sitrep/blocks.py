"""What a report shows, as one structured form: the blocks every output format walks.

The display helpers (:mod:`sitrep.views.display`) emit, beside each output's HTML, the blocks
it shows in the output's metadata (``metadata["sitrep"]["blocks"]``, a list); the formats
(:mod:`sitrep.pipeline.markdown`, :mod:`sitrep.pipeline.docx`) read them from the executed
notebook and write each block their own way. A block is a JSON-serialisable dict with a
``kind``:

- ``heading``: ``level`` (1 is the report's title) and ``text``;
- ``paragraph`` and ``note`` (a note, an empty section's sentence, a cut table's line: a
  paragraph set apart; ``class`` says which: ``note``, ``empty``, ``more``, ``subtitle``):
  ``text`` (inline, below);
- ``list``: ``ordered``, ``items`` (each a dict with ``text``, ``detail`` and, for a list of
  notes, ``id``, the target of a "[n]" link);
- ``table``: ``caption``, ``columns`` (each ``name``, its :data:`ROLES` ``role`` and ``width``,
  a share of the page such as ``"17%"`` or None), ``rows`` (cells, inline) and ``row_ids``
  (the targets of the links to each row, ``claim-C01``, or None);
- ``figure``: ``svg`` (checked by :mod:`sitrep.svgsafe`), ``alt``, ``caption`` (inline),
  ``claims`` (the claim ids its marks link to), ``figure`` (``chart`` or ``map``) and
  ``width_in`` (its width in inches).

Reading a notebook (:func:`sitrep.pipeline.blocks.read`) adds two kinds for what no display
helper showed: ``text`` (plain text shown as written: a stream, an error) and ``html`` (another
library's HTML, sanitised), and reads markdown cells into headings, paragraphs and lists that
keep the Markdown they were written as (``source``).

Inline text (a paragraph, a cell, an item) is a plain string when it links nothing, else a list
of spans: a string, or a dict with ``text`` and one target: ``claim`` (a claim id, whose row
is ``claim-<id>``), ``note`` (a note's number, ``note-<n>``) or ``url`` (an http(s) address).
Text is the text as written: never HTML, never escaped; each writer escapes it for its format.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

__all__ = ["CLAIM_PREFIX", "KINDS", "LINKING", "NOTE_PREFIX", "ROLES", "Span", "plain",
           "spans", "target"]

KINDS = frozenset({"heading", "paragraph", "note", "list", "table", "figure"})

#: What a table column holds, named once by :func:`sitrep.views.display.column_role`; writers
#: link and size columns by role, never by their heading.
ROLES = {
    "claim_ids": "claim ids (one, or several separated by ', ' or ';'): each a link to its row",
    "claim_text": "text naming claims ('K01 and K17'): the report's claim ids in it are links",
    "figure": "a figure with the claims it rests on ('50,000 [K01]'): their ids are links",
    "claimant": "who said it, with the claims ('C01: Dagens'): their ids are links",
    "measure": "what is measured",
    "quote": "a source's words, verbatim",
    "url": "an http(s) address: a link",
    "text": "any other text",
}
#: Roles whose cells may link claims.
LINKING = frozenset({"claim_ids", "claim_text", "figure", "claimant"})

CLAIM_PREFIX, NOTE_PREFIX = "claim-", "note-"

#: One span: a string, or a dict with ``text`` and a target (``claim``, ``note`` or ``url``).
Span = str | Mapping[str, str]


def spans(inline: Any) -> Iterator[tuple[str, str | None]]:
    """The (text, target) pairs of inline text, target None for plain text and else the
    in-document anchor (``claim-C01``, ``note-3``) or an http(s) address."""
    if inline is None:
        return
    if isinstance(inline, str):
        if inline:
            yield inline, None
        return
    for span in inline if isinstance(inline, Iterable) else ():
        if isinstance(span, str):
            if span:
                yield span, None
        elif isinstance(span, Mapping) and str(span.get("text", "")):
            yield str(span["text"]), target(span)


def target(span: Mapping[str, Any]) -> str | None:
    """Where a span links: ``claim-<id>``, ``note-<n>``, an http(s) address, or None."""
    if span.get("claim"):
        return f"{CLAIM_PREFIX}{span['claim']}"
    if span.get("note"):
        return f"{NOTE_PREFIX}{span['note']}"
    url = str(span.get("url") or "")
    return url if url.lower().startswith(("http://", "https://")) else None


def plain(inline: Any) -> str:
    """Inline text without its links."""
    return "".join(text for text, _ in spans(inline))
