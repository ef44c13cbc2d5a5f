"""Convert an executed notebook to one self-contained HTML page, sanitised and print-ready.

nbconvert with sitrep's ``sitrep_html`` template: no code, no prompts, no cells tagged
``injected-parameters`` or ``remove-cell``; images embedded; nothing loaded from the network (no
MathJax, require.js, Mermaid or widget scripts). Markdown and HTML outputs pass through
:func:`clean_html`; table cells are prepared for print by :func:`tune_tables`. nbconvert is
imported lazily.
"""

from __future__ import annotations

import copy
import html as html_lib
import re
from typing import TYPE_CHECKING, Any

from sitrep import paths
from sitrep.pipeline import svg_blocks

if TYPE_CHECKING:
    import nbformat

__all__ = ["clean_html", "navigation", "report_date", "report_title", "to_html", "tune_tables"]

#: Where the ``sitrep_html`` nbconvert template lives.
TEMPLATES_DIR = paths.TEMPLATES
HTML_TEMPLATE = "sitrep_html"

#: Cell tags whose cells never reach a report. ``injected-parameters`` is papermill's.
REMOVE_CELL_TAGS = frozenset({"injected-parameters", "remove-cell"})

# fmt: off
_SAFE_TAGS = frozenset(
    {
        "a", "abbr", "acronym", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code",
        "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption",
        "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark",
        "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup",
        "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr",
    }
)
# fmt: on
_GLOBAL_ATTRS = frozenset({"class", "id", "title", "lang", "dir", "style"})
_TAG_ATTRS = {
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "type"},
    "table": {"border"},
    "time": {"datetime"},
    "abbr": {"title"},
}
#: Inline styles keep these properties only (bleach's former CSS allow-list, less the aural ones).
_STYLE_PROPERTIES = frozenset({
    "background-color", "border-bottom-color", "border-collapse", "border-color",
    "border-left-color", "border-right-color", "border-top-color", "clear", "color", "cursor",
    "direction", "display", "float", "font", "font-family", "font-size", "font-style",
    "font-variant", "font-weight", "height", "letter-spacing", "line-height", "overflow",
    "text-align", "text-decoration", "text-indent", "unicode-bidi", "vertical-align",
    "white-space", "width",
})
_DROP_WITH_CONTENT_RE = re.compile(
    r"<(script|style|template|noscript)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)
#: A start or end tag, its attribute values quoted or not.
_TAG_TOKEN_RE = re.compile(r"""<(/?)([A-Za-z][^\s/>]*)(?:[^>"']|"[^"]*"|'[^']*')*>""")


def _escape_unknown_tag(match: re.Match[str]) -> str:
    if match.group(2).lower() in _SAFE_TAGS:
        return match.group(0)
    return html_lib.escape(match.group(0), quote=False)


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    """nh3's attribute filter: the value kept, or None to drop the attribute."""
    v = value.strip().lower()
    if tag == "img" and name == "src" and not v.startswith("data:image/"):
        return None  # an <img> must never fetch from the network
    if name == "href" and v.startswith("data:"):
        return None
    return value


def clean_html(html: str | bytes) -> str:
    """Sanitise HTML from markdown cells and outputs, keeping what a report needs.

    Replaces nbconvert's ``clean_html`` filter, which escapes headings, paragraphs and
    ``thead``/``th`` (bleach's short default list) and prints a DataFrame's ``<style>`` block as
    text. Kept: headings, paragraphs, lists, tables, inline markup, links (http/https/mailto/#),
    ``data:image`` images and inline styles of a few properties. Removed with their content:
    ``script``, ``style``, ``template``, ``noscript``. Any other tag is escaped, so it shows as
    text. The sanitiser is nh3 (Ammonia, an HTML5 parser): it alone decides what is markup;
    escaping unknown tags beforehand only decides how they show.
    """
    import nh3

    text = html.decode() if isinstance(html, bytes) else str(html)
    text, inline_svgs = svg_blocks.hold(text)  # charts: checked by sitrep.svgsafe instead
    text = _TAG_TOKEN_RE.sub(_escape_unknown_tag, _DROP_WITH_CONTENT_RE.sub("", text))
    return svg_blocks.restore(inline_svgs, nh3.clean(
        text,
        tags=set(_SAFE_TAGS),
        clean_content_tags={"script", "style"},
        attributes={"*": set(_GLOBAL_ATTRS), **_TAG_ATTRS},
        attribute_filter=_filter_attribute,
        url_schemes={"http", "https", "mailto", "data"},
        filter_style_properties=set(_STYLE_PROPERTIES),
        strip_comments=True,
        link_rel=None,
    ))


_RAW_BLOCK_RE = re.compile(r"(<(script|style)\b[^>]*>.*?</\2\s*>)", re.IGNORECASE | re.DOTALL)
_TABLE_CELL_RE = re.compile(r"<(t[dh])\b([^>]*)>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG_RE = re.compile(r"(<[^>]*>)")
_NUMBER_RE = re.compile(
    r"^[(+\-\u2212\u2013~\u2248<>\u2264\u2265$\u20ac\u00a3]*\s?\d[\d.,\u00a0\u202f ]*"
    r"(?:%|k|m|bn|mn)?\)?$",
    re.IGNORECASE,
)
_SOFT_BREAK_TOKEN = 12  # characters; longer tokens may break after / . - _ ? & = etc.
_LONG_TOKEN = 20  # characters; longer tokens also get a break opportunity every 12 characters
_BREAK_AFTER = frozenset("/.-_?&=:;,|+")
_MAX_RUN = 12


_FIGURE_TOKEN_RE = re.compile(r"[\d.,]+(?:[\u2013\u2212-][\d.,]+)*")


def _breakable(token: str) -> str:
    """Escape ``token``, adding ``<wbr>`` break opportunities if it is long (URLs, ids).

    A figure such as '15,000–20,000' breaks only after its dash, never inside a number.
    """
    if len(token) <= _SOFT_BREAK_TOKEN:
        return html_lib.escape(token, quote=False)
    if _FIGURE_TOKEN_RE.fullmatch(token):
        return re.sub("([\u2013\u2212-])", "\\1<wbr>", html_lib.escape(token, quote=False))
    forced = len(token) > _LONG_TOKEN
    out: list[str] = []
    run = 0
    for char in token[:-1]:
        out.append(html_lib.escape(char, quote=False))
        run += 1
        if char in _BREAK_AFTER or (forced and run >= _MAX_RUN):
            out.append("<wbr>")
            run = 0
    out.append(html_lib.escape(token[-1], quote=False))
    return "".join(out)


def _tune_cell(match: re.Match[str]) -> str:
    tag, attrs, inner = match.group(1), match.group(2), match.group(3)
    parts = _TAG_RE.split(inner)
    for i in range(0, len(parts), 2):  # even items are text, odd items are tags
        parts[i] = re.sub(r"\S+", lambda m: _breakable(m.group()), html_lib.unescape(parts[i]))
    text = html_lib.unescape(_TAG_RE.sub("", inner)).strip()
    if text and _NUMBER_RE.match(text):
        if re.search(r'\bclass="', attrs):
            attrs = re.sub(r'\bclass="', 'class="sitrep-num ', attrs, count=1)
        else:
            attrs += ' class="sitrep-num"'
    return f"<{tag}{attrs}>{''.join(parts)}</{tag}>"


def tune_tables(html: str) -> str:
    """Make table cells print well: break long tokens, mark numeric cells.

    ``overflow-wrap: anywhere`` on table cells lets the browser squeeze every column down to one
    character ("50,00|0"); ``break-word`` lets one long URL push the table off the page. So the
    cells keep ``break-word`` and tokens get ``<wbr>`` break opportunities: after
    ``/ . - _ ? & =`` etc. in tokens over 12 characters, and also every 12 characters in tokens
    over 20. Cells whose text is a number
    get class ``sitrep-num`` (right-aligned, tabular figures). ``<script>``/``<style>`` blocks
    are left alone.
    """
    pieces = _RAW_BLOCK_RE.split(html)
    out: list[str] = []
    i = 0
    while i < len(pieces):
        out.append(_TABLE_CELL_RE.sub(_tune_cell, pieces[i]))
        if i + 1 < len(pieces):
            out.append(pieces[i + 1])  # the raw block, untouched
        i += 3  # split() yields text, whole block, tag name, text, ...
    return "".join(out)


def _html_exporter(sanitize: bool) -> Any:
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_CELL_TAGS)
    config.TagRemovePreprocessor.remove_input_tags = {"remove-input"}
    config.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output"}
    return HTMLExporter(
        config=config,
        template_name=HTML_TEMPLATE,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        sanitize_html=sanitize,
        filters={"clean_html": clean_html},
        # not used by the sitrep_html template; empty so that no fallback can load them
        mathjax_url="",
        require_js_url="",
    )


def to_html(nb: nbformat.NotebookNode, title: str, *, sanitize: bool = True) -> str:
    """Convert an executed notebook to one self-contained HTML page.

    No code input and no prompts are shown; cells tagged ``injected-parameters`` or
    ``remove-cell`` are dropped (``remove-input`` / ``remove-output`` hide one side of a cell).
    Images are embedded as ``data:`` URIs and nothing is loaded from the network. The page
    carries sitrep's stylesheet for screen and A4 print, and table cells are prepared for
    print by :func:`tune_tables`.

    Args:
        nb: the executed notebook; it is not modified.
        title: the page's ``<title>``.
        sanitize: pass markdown and HTML outputs through :func:`clean_html` (scripts, style
            blocks and unknown tags removed or escaped). Keep it on for anything that shows
            text from sources; JavaScript outputs (widgets, plotly) render only without it.
    """
    nb = copy.deepcopy(nb)
    nb.metadata["title"] = title
    resources = {"metadata": {"name": title}}
    body, _ = _html_exporter(sanitize).from_notebook_node(nb, resources=resources)
    date = report_date(nb)
    if date:  # the report's date, from its data: the PDF's creation date (pdfmeta)
        body = body.replace("</head>", f'<meta name="dcterms.date" content="{date}"/>\n</head>',
                            1)
    return navigation(zoomable(tune_tables(body)))


#: What comes before every chart and map: a disclosure that shows it at full size on a
#: phone (report.css), no script needed.
ZOOM = ('<details class="sitrep-zoom"><summary><span class="sitrep-zoom-full">'
        "\u2922 Open full size</span><span class=\"sitrep-zoom-fit\">\u2921 Fit to the "
        "screen</span></summary></details>")
_FIGURE_RE = re.compile(r'<div class="sitrep-figure">')


def zoomable(body: str) -> str:
    """Every chart and map (``div.sitrep-figure``) preceded by :data:`ZOOM`: on a narrow
    screen a chart is fitted to the column, and a tap on "Open full size" shows it at its own
    size in a box that scrolls sideways (a closed ``<details>``, so print shows nothing)."""
    return _FIGURE_RE.sub(lambda m: ZOOM + m.group(0), body)


#: nbconvert makes every output and input wrapper a Tab stop (``tabindex="0"``), so a keyboard
#: user tabs through 20 empty stops; a box that really scrolls is focusable in Chromium anyway.
_TAB_STOP_RE = re.compile(r'(<div\b[^>]*?)\s+tabindex="0"')
_H2_RE = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>', re.DOTALL)
_ANCHOR_LINK_RE = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.DOTALL)
#: Where the skip link lands: after the table of contents.
CONTENT_ID = "sitrep-content"


def navigation(body: str) -> str:
    """A keyboard and screen-reader friendly page: nbconvert's stray Tab stops removed, a skip
    link first in the page, and a table of contents (the ``<h2>`` sections) after the title,
    for the screen (the PDF has its outline instead). The skip link jumps past the contents to
    the report itself."""
    body = _TAB_STOP_RE.sub(r"\1", body)
    sections = [(anchor, " ".join(_TAG_RE.sub("", _ANCHOR_LINK_RE.sub("", text)).split()))
                for anchor, text in _H2_RE.findall(body)]
    entries = "".join(f'<li><a href="#{anchor}">{text}</a></li>' for anchor, text in sections
                      if text)
    contents = (f'<nav class="sitrep-toc" aria-label="Contents"><p class="sitrep-toc-title">'
                f"Contents</p><ol>{entries}</ol></nav>" if len(sections) > 1 else "")
    landing = f'{contents}<span id="{CONTENT_ID}" tabindex="-1"></span>'
    end_h1 = body.find("</h1>")
    if end_h1 >= 0:
        body = body[:end_h1 + 5] + landing + body[end_h1 + 5:]
    else:
        body = body.replace("<main>", "<main>" + landing, 1)
    skip = f'<a class="sitrep-skip" href="#{CONTENT_ID}">Skip to the report</a>'
    return re.sub(r"(<body\b[^>]*>)", lambda m: m.group(1) + skip, body, count=1)


def report_title(nb: nbformat.NotebookNode) -> str | None:
    """The title a notebook declares in an output's metadata (``sitrep.views.display.title``)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            declared = output.get("metadata", {}).get("sitrep", {}).get("title")
            if isinstance(declared, str) and declared:
                return declared
    return None


_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def report_date(nb: nbformat.NotebookNode) -> str | None:
    """The date (``YYYY-MM-DD``) a notebook declares with its title, e.g. its newest source's
    (``sitrep.views.display.title``); None when it declares none or no such date."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            declared = output.get("metadata", {}).get("sitrep", {}).get("date")
            if isinstance(declared, str) and _DATE_RE.fullmatch(declared):
                return declared
    return None

