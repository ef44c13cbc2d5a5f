r"""The ``md`` format: a report as Markdown, for review in git.

The report's blocks (:mod:`sitrep.blocks`, read from the executed notebook by
:func:`sitrep.pipeline.blocks.read`) written as Markdown: headings, paragraphs, lists, tables as
pipe tables and charts as SVG files beside the ``.md`` (``<name>-chart-1.svg``, ...), linked as
images; a markdown cell as it was written. nbconvert's own MarkdownExporter is not used: it
copies every ``text/html`` output into the Markdown as raw HTML (so text from a data set would
be markup again, and a table stays an HTML table).

Safety: every text from a block is escaped by :func:`sitrep.model.data.hygiene.markdown` (a
backslash before each of `` ` * _ [ ] ( ) < > # | ~ @ & ! `` and before a leading ``-``, ``+``,
``=`` or ``1.``; each run of ``$`` and ``\`` a code span, so that neither GitHub nor Jupyter
reads maths): a ``<script>``, ``$x^2$`` or ``[x](javascript:...)`` in a quote shows as text.
Links keep only http(s) targets, percent-encoded; in-document links (a claim id to its annex
row) keep their text. A chart's SVG is checked again by :mod:`sitrep.svgsafe` before it is
written. An output that carries no blocks (another library's HTML) goes through the HTML
report's sanitiser (:func:`sitrep.pipeline.html.clean_html`), then markdownify, every text
escaped the same way, links kept only to http(s) and mailto targets. Plain-text outputs (a
stream, an error) go in a fenced block longer than any backtick run in them.
"""

from __future__ import annotations

import html as html_lib
import re
import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from markdownify import MarkdownConverter

from sitrep import blocks, svgsafe
from sitrep.model.data import hygiene
from sitrep.pipeline import blocks as notebook_blocks
from sitrep.pipeline import svg_blocks

if TYPE_CHECKING:
    from sitrep.pipeline.formats import Job

__all__ = ["convert", "to_markdown"]

_SVG = re.compile(r"<svg\b.*?</svg\s*>", re.IGNORECASE | re.DOTALL)
_LABEL = re.compile(r'\baria-label="([^"]*)"')
_LINK_SCHEMES = ("http://", "https://", "mailto:")
#: Characters left as they are in a link's target; any other (a space, ``(``, ``)``, ``<``) is
#: percent-encoded, so a target cannot end the link early.
_URL_SAFE = ":/?#@!$&'*+,;=%~-._"


class _Converter(MarkdownConverter):
    """markdownify with every text escaped, safe links and no images (charts are files)."""

    def __init__(self) -> None:
        super().__init__(escape_misc=True, escape_asterisks=True, escape_underscores=True,
                         heading_style="ATX", bullets="-", autolinks=False,
                         strip=["img", "code", "kbd", "samp", "pre", "script", "style"],
                         table_infer_header=True)

    def escape(self, text: str, parent_tags: set[str]) -> str:
        """Every text node as Markdown text that reads as written (:func:`hygiene.markdown`)."""
        return hygiene.markdown(text) if text else ""

    def convert_a(self, el: Any, text: str, parent_tags: set[str]) -> str:
        href = str(el.get("href") or "").strip()
        if not text.strip() or not href.lower().startswith(_LINK_SCHEMES):
            return text
        return f"[{text.strip()}]({quote(href, safe=_URL_SAFE)})"


def _fence(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text.rstrip()}\n{fence}"


def _html_block(html: str, name: str, charts: dict[str, str]) -> str:
    """An output without blocks (sanitised HTML) as Markdown; its charts go into ``charts``."""
    nonce = secrets.token_hex(6)
    links: dict[str, str] = {}

    def take(match: re.Match[str]) -> str:
        label = _LABEL.search(match.group().split(">", 1)[0])
        alt = html_lib.unescape(label.group(1)) if label else "chart"
        token = f"sitrepchart{nonce}n{len(links)}"
        links[token] = _chart(match.group(), alt, name, charts)
        return f"<p>{token}</p>"

    text = _Converter().convert(_SVG.sub(take, html))
    for token, link in links.items():
        text = text.replace(token, link)
    return text


def _chart(svg: str, alt: str, name: str, charts: dict[str, str]) -> str:
    """A chart as an SVG file beside the Markdown (checked again), and its image link."""
    try:
        checked = svg_blocks.check(svg)
    except svgsafe.UnsafeSvg as error:
        return _text(f"(a chart was left out: {error})")
    file_name = f"{name}-chart-{len(charts) + 1}.svg"
    charts[file_name] = checked + "\n"
    return f"![{_text(alt)}]({file_name})"


def _text(text: str) -> str:
    """Text from a block as Markdown text that reads as written, its whitespace as HTML
    shows it (runs of spaces and line breaks one space)."""
    return hygiene.markdown(re.sub(r"[ \t\r\n]+", " ", text).strip()) if text else ""


def _inline(inline: Any) -> str:
    """Inline text: each span escaped; http(s) links as links, in-document ones as text."""
    out = []
    for text, target in blocks.spans(inline):
        shown = hygiene.markdown(re.sub(r"[ \t\r\n]+", " ", text))
        if target is not None and target.lower().startswith(("http://", "https://")):
            shown = f"[{shown.strip()}]({quote(target, safe=_URL_SAFE)})"
        out.append(shown)
    return "".join(out).strip()


def _list(block: dict) -> str:
    lines = []
    for n, item in enumerate(block.get("items") or [], start=1):
        marker = f"{n}." if block.get("ordered") else "-"
        detail = _inline(item.get("detail"))
        lines.append(f"{marker} {_inline(item.get('text'))}"
                     + (f"  \n{' ' * (len(marker) + 1)}{detail}" if detail else ""))
    return "\n".join(lines)


def _table(block: dict) -> str:
    columns = block.get("columns") or []
    head = "| " + " | ".join(_text(str(c.get("name", ""))) for c in columns) + " |"
    rule = "| " + " | ".join("---" for _ in columns) + " |"
    rows = ["| " + " | ".join(_inline(cell) for cell in row) + " |"
            for row in block.get("rows") or []]
    caption = _text(str(block.get("caption") or ""))
    return "\n".join([*([caption, ""] if caption else []), head, rule, *rows])


def _figure(block: dict, name: str, charts: dict[str, str]) -> str:
    link = _chart(str(block.get("svg", "")), str(block.get("alt") or "chart"), name, charts)
    caption = _inline(block.get("caption"))
    return f"{link}\n\n{caption}" if caption else link


def _block(block: dict, name: str, charts: dict[str, str]) -> str:
    """One block as Markdown (a markdown cell's block as it was written)."""
    kind = block.get("kind")
    if isinstance(block.get("source"), str):
        return block["source"]
    if kind == "heading":
        level = min(max(int(block.get("level") or 2), 1), 6)
        return f"{'#' * level} {_text(str(block.get('text', '')))}"
    if kind in ("paragraph", "note"):
        return _inline(block.get("text"))
    if kind == "list":
        return _list(block)
    if kind == "table":
        return _table(block)
    if kind == "figure":
        return _figure(block, name, charts)
    if kind == "text":
        return _fence(str(block.get("text", "")))
    if kind == "html":
        return _html_block(str(block.get("html", "")), name, charts)
    return ""


def write(shown: list[dict], name: str) -> tuple[str, dict[str, str]]:
    """Blocks as Markdown, and their charts (file name -> SVG)."""
    charts: dict[str, str] = {}
    parts = [_block(block, name, charts) for block in shown]
    text = "\n\n".join(part.strip() for part in parts if part.strip())
    return re.sub(r"\n{3,}", "\n\n", text) + "\n", charts


def to_markdown(nb: Any, name: str) -> tuple[str, dict[str, str]]:
    """The report's Markdown and its charts (file name -> SVG), from the executed notebook's
    blocks (:func:`sitrep.pipeline.blocks.read`: no code, no cell tagged
    ``injected-parameters`` or ``remove-cell``, no output of a cell tagged ``remove-output``)."""
    return write(notebook_blocks.read(nb), name)


def convert(job: Job) -> dict[str, str]:
    """The ``md`` format (see :mod:`sitrep.pipeline.formats`)."""
    text, charts = write(job.blocks, job.name)
    return {f"{job.name}.md": text, **charts}
