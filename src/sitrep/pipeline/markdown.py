r"""The ``md`` format: a report as Markdown, for review in git.

The report's text, its tables as pipe tables and its charts as SVG files beside the ``.md``
(``<name>-chart-1.svg``, ...), linked as images. nbconvert's own MarkdownExporter is not used:
it copies every ``text/html`` output into the Markdown as raw HTML (so text from a data set
would be markup again, and a table stays an HTML table) and extracts only ``image/svg+xml``
outputs, while sitrep's charts are SVG inside HTML.

Safety: every output goes through the HTML report's sanitiser first
(:func:`sitrep.pipeline.html.clean_html`, charts checked by :mod:`sitrep.svgsafe`), then
markdownify turns it into Markdown with every text escaped by
:func:`sitrep.model.data.hygiene.markdown` (a backslash before each of `` ` * _ [ ] ( ) < > # |
~ @ & ! `` and before a leading ``-``, ``+``, ``=`` or ``1.``; each run of ``$`` and ``\`` a
code span, so that neither GitHub nor Jupyter reads maths): a ``<script>``, ``$x^2$`` or
``[x](javascript:...)`` in a quote shows as text. Links keep only http(s) and mailto targets,
percent-encoded; in-page links (a claim id to its annex row) keep their text. Plain-text
outputs (a stream, an error) go in a fenced block longer than any backtick run in them.
"""

from __future__ import annotations

import html as html_lib
import re
import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from markdownify import MarkdownConverter

from sitrep.model.data import hygiene
from sitrep.pipeline.html import REMOVE_CELL_TAGS, clean_html

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


def _html(html: str, name: str, charts: dict[str, str]) -> str:
    """One HTML output as Markdown; its charts go into ``charts`` (file name -> SVG)."""
    nonce = secrets.token_hex(6)
    links: dict[str, str] = {}

    def take(match: re.Match[str]) -> str:
        file_name = f"{name}-chart-{len(charts) + 1}.svg"
        charts[file_name] = match.group() + "\n"
        label = _LABEL.search(match.group().split(">", 1)[0])
        alt = _Converter().escape(html_lib.unescape(label.group(1)) if label else "chart", set())
        token = f"sitrepchart{nonce}n{len(links)}"
        links[token] = f"![{alt}]({file_name})"
        return f"<p>{token}</p>"

    text = _Converter().convert(_SVG.sub(take, clean_html(html)))
    for token, link in links.items():
        text = text.replace(token, link)
    return text


def _output(output: Any, name: str, charts: dict[str, str]) -> str:
    kind = output.get("output_type")
    if kind == "stream":
        return _fence(str(output.get("text", "")))
    if kind == "error":
        return _fence(f"{output.get('ename', '')}: {output.get('evalue', '')}")
    data = output.get("data", {})
    if "text/html" in data:
        return _html(str(data["text/html"]), name, charts)
    if "text/markdown" in data:  # read as Markdown, then sanitised as any HTML output is
        from markdown_it import MarkdownIt

        return _html(MarkdownIt("commonmark").render(str(data["text/markdown"])), name, charts)
    if "image/svg+xml" in data:
        return _html(str(data["image/svg+xml"]), name, charts)
    if "text/plain" in data:
        return _fence(str(data["text/plain"]))
    return ""


def to_markdown(nb: Any, name: str) -> tuple[str, dict[str, str]]:
    """The report's Markdown and its charts (file name -> SVG), from the executed notebook:
    markdown cells as written, each shown output converted; no code, no cell tagged
    ``injected-parameters`` or ``remove-cell``, no output of a cell tagged ``remove-output``."""
    parts: list[str] = []
    charts: dict[str, str] = {}
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & REMOVE_CELL_TAGS:
            continue
        if cell.cell_type == "markdown":
            parts.append(str(cell.source))
        elif cell.cell_type == "code" and "remove-output" not in tags:
            parts.extend(_output(output, name, charts) for output in cell.get("outputs", []))
    text = "\n\n".join(part.strip() for part in parts if part.strip())
    return re.sub(r"\n{3,}", "\n\n", text) + "\n", charts


def convert(job: Job) -> dict[str, str]:
    """The ``md`` format (see :mod:`sitrep.pipeline.formats`)."""
    text, charts = to_markdown(job.nb, job.name)
    return {f"{job.name}.md": text, **charts}
