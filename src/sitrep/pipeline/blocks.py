"""An executed notebook as the blocks it shows (:mod:`sitrep.blocks`), in order: what every
format but HTML and PDF walks.

A report's outputs carry their blocks (the display helpers put them in each output's metadata);
its markdown cells are read into blocks here (markdown-it), each keeping the Markdown it was
written as (``source``). An output without blocks (a stream, an error, a DataFrame shown by
hand, another library's HTML) becomes one block of its own: ``text`` (plain text, shown as
written in a fixed font) or ``html`` (sanitised HTML, :func:`sitrep.pipeline.html.clean_html`,
that each writer reads as best it can). Cells tagged ``injected-parameters`` or ``remove-cell``
and the outputs of cells tagged ``remove-output`` are left out, as the HTML leaves them out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sitrep import blocks
from sitrep.pipeline.html import REMOVE_CELL_TAGS, clean_html

__all__ = ["from_markdown", "read"]

#: Kinds of the blocks read here besides those the display helpers emit.
FOREIGN = frozenset({"text", "html"})


def read(nb: Any) -> list[dict]:
    """Every block the notebook shows, in order."""
    found: list[dict] = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & REMOVE_CELL_TAGS:
            continue
        if cell.cell_type == "markdown":
            found += from_markdown(str(cell.source))
        elif cell.cell_type == "code" and "remove-output" not in tags:
            for output in cell.get("outputs", []):
                found += _of_output(output)
    return found


def _of_output(output: Any) -> list[dict]:
    kind = output.get("output_type")
    if kind == "stream":
        return _text(str(output.get("text", "")))
    if kind == "error":
        return _text(f"{output.get('ename', '')}: {output.get('evalue', '')}")
    shown = output.get("metadata", {}).get("sitrep", {}).get("blocks")
    if isinstance(shown, list) and shown and all(_valid(b) for b in shown):
        return [dict(b) for b in shown]
    data = output.get("data", {})
    if "text/html" in data:
        return [{"kind": "html", "html": clean_html(str(data["text/html"]))}]
    if "text/markdown" in data:  # read as Markdown, then sanitised as any HTML output is
        from markdown_it import MarkdownIt

        rendered = MarkdownIt("commonmark").render(str(data["text/markdown"]))
        return [{"kind": "html", "html": clean_html(rendered)}]
    if "image/svg+xml" in data:
        return [{"kind": "html", "html": clean_html(str(data["image/svg+xml"]))}]
    if "text/plain" in data:
        return _text(str(data["text/plain"]))
    return []


def _text(text: str) -> list[dict]:
    return [{"kind": "text", "text": text}] if text.strip() else []


def _valid(block: Any) -> bool:
    return isinstance(block, dict) and block.get("kind") in blocks.KINDS


# -- markdown cells ---------------------------------------------------------------------------


def from_markdown(source: str) -> list[dict]:
    """A markdown cell's blocks: headings, paragraphs and lists (their inline markup read as
    text, http(s) links kept), code as ``text``, raw HTML as ``html``; each with the lines of
    Markdown it was written as (``source``)."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(source)
    lines = source.splitlines()
    found: list[dict] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        end = _closing(tokens, i)
        block = _block(tokens[i:end + 1])
        if block is not None:
            if token.map and token.level == 0:
                block["source"] = "\n".join(lines[token.map[0]:token.map[1]])
            found.append(block)
        i = end + 1
    return found


def _closing(tokens: list, i: int) -> int:
    """The index of the token closing the one opened at ``i`` (itself if it opens nothing)."""
    if tokens[i].nesting != 1:
        return i
    depth = 0
    for j in range(i, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


def _block(tokens: list) -> dict | None:
    first = tokens[0]
    if first.type == "heading_open":
        return {"kind": "heading", "level": int(first.tag[1:]), "text": blocks.plain(
            _inline(tokens[1]))}
    if first.type == "paragraph_open":
        return {"kind": "paragraph", "text": _inline(tokens[1])}
    if first.type in ("bullet_list_open", "ordered_list_open"):
        return {"kind": "list", "ordered": first.type == "ordered_list_open",
                "items": list(_items(tokens))}
    if first.type in ("fence", "code_block"):
        return {"kind": "text", "text": first.content}
    if first.type == "html_block":
        return {"kind": "html", "html": clean_html(first.content)}
    if first.type == "blockquote_open":
        inner = [t for t in tokens if t.type == "inline"]
        return {"kind": "paragraph", "text": _join([_inline(t) for t in inner])} if inner \
            else None
    return None


def _items(tokens: list) -> Iterator[dict]:
    depth, texts = 0, []
    for token in tokens[1:-1]:
        if token.type == "list_item_open":
            depth += 1
            if depth == 1:
                texts = []
        elif token.type == "list_item_close":
            depth -= 1
            if depth == 0:
                yield {"text": _join(texts[:1]), "detail": _join(texts[1:])}
        elif token.type == "inline":
            texts.append(_inline(token))


def _join(parts: list) -> str | list:
    spans: list = []
    for n, part in enumerate(parts):
        if n:
            spans.append(" ")
        spans += [part] if isinstance(part, str) else list(part)
    return _tidy(spans)


def _inline(token: Any) -> str | list:
    """A markdown inline token as inline text: its words, http(s) links kept."""
    spans: list = []
    link: str | None = None
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            text = child.content
        elif child.type in ("softbreak", "hardbreak"):
            text = " "
        elif child.type == "link_open":
            link = str(child.attrs.get("href") or "")
            continue
        elif child.type == "link_close":
            link = None
            continue
        elif child.type == "image":
            text = child.content
        else:
            continue
        target = link if link and link.lower().startswith(("http://", "https://")) else None
        spans.append({"text": text, "url": target} if target else text)
    return _tidy(spans)


def _tidy(spans: list) -> str | list:
    """Adjacent strings joined; a plain string when nothing links."""
    out: list = []
    for span in spans:
        if isinstance(span, str) and out and isinstance(out[-1], str):
            out[-1] += span
        elif span:
            out.append(span)
    if all(isinstance(s, str) for s in out):
        return "".join(out)
    return out
