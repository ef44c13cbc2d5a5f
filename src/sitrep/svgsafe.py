"""Inline SVG that can neither run nor fetch anything, so a chart's marks can be links.

A chart drawn into an ``<img>`` is inert, but a reader cannot click a mark in it. Charts are
therefore inlined as ``<svg>`` after this whitelist: SVG drawing elements only (no
``script``, ``foreignObject``, ``iframe``, animation, and no ``<style>``, whose rules would
apply to the whole page), no ``on*`` attribute or ``target``, links and references only
within the page (``#...``), images only as ``data:image/png|jpeg``, and style attributes
without ``url()`` to elsewhere, ``@import`` or ``expression``. Text stays text:
``ElementTree`` escapes it again on output. Used by :mod:`sitrep.views.display` (what a
notebook shows) and again by the renderer's HTML sanitiser (what a report publishes), so an
``<svg>`` from anywhere else is held to the same rule.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

from sitrep.model.data.errors import SitrepError

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

ELEMENTS = frozenset({
    "svg", "g", "path", "defs", "clipPath", "use", "text", "tspan", "a", "title", "desc",
    "rect", "circle", "ellipse", "line", "polyline", "polygon", "linearGradient",
    "radialGradient", "stop", "pattern", "mask", "marker", "symbol", "image", "metadata",
})
_DROPPED_WITH_CONTENT = frozenset({"metadata"})
_BAD_CSS = re.compile(r"@import|expression\s*\(|javascript:|url\(\s*['\"]?(?!#)", re.IGNORECASE)
_SAFE_IMAGE = re.compile(r"data:image/(?:png|jpeg);base64,[A-Za-z0-9+/=\s]*")


class UnsafeSvg(SitrepError, ValueError):
    """The text is not an SVG document this module can check."""


def _local(name: str) -> tuple[str, str]:
    namespace, _, local = name[1:].partition("}") if name.startswith("{") else ("", "", name)
    return namespace, local


def _clean_element(element: ET.Element, link_title: Callable[[str], str] | None) -> None:
    for child in list(element):
        namespace, local = _local(child.tag)
        if namespace != SVG_NS or local not in ELEMENTS or local in _DROPPED_WITH_CONTENT:
            element.remove(child)
            continue
        _clean_element(child, link_title)
    _, tag = _local(element.tag)
    for name, value in list(element.attrib.items()):
        namespace, local = _local(name)
        # No handler, no new window (matplotlib writes target="_blank" on links).
        keep = not local.lower().startswith("on") and local != "target" \
            and namespace in ("", XLINK_NS, "http://www.w3.org/XML/1998/namespace")
        if keep and local == "href":
            keep = value.startswith("#") or (tag == "image" and bool(_SAFE_IMAGE.fullmatch(value)))
        if keep and (local == "style" or "url(" in value):
            keep = not _BAD_CSS.search(value)
        if not keep:
            del element.attrib[name]
    if tag == "a" and link_title is not None:
        href = element.get(f"{{{XLINK_NS}}}href") or element.get("href") or ""
        if href.startswith("#") and not any(_local(c.tag)[1] == "title" for c in element):
            title = ET.Element(f"{{{SVG_NS}}}title")
            title.text = link_title(href[1:])
            element.insert(0, title)


def clean(svg: str | bytes, *, link_title: Callable[[str], str] | None = None) -> str:
    """The SVG document as inline ``<svg>`` markup, whitelisted (see the module docstring).

    ``link_title`` names each in-page link's tooltip (an SVG ``<title>``), e.g. "claim C09".

    Raises:
        UnsafeSvg: not well-formed XML, declares entities, or its root is no ``<svg>``.
    """
    text = svg.decode("utf-8") if isinstance(svg, bytes) else svg
    if "<!ENTITY" in text:
        raise UnsafeSvg("an SVG declaring entities is refused")
    text = re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", text)
    text = re.sub(r"<!DOCTYPE[^>]*>\s*", "", text, count=1)
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        raise UnsafeSvg(f"not well-formed SVG: {error}") from error
    if _local(root.tag) != (SVG_NS, "svg"):
        raise UnsafeSvg("the root element must be an SVG <svg>")
    _clean_element(root, link_title)
    return ET.tostring(root, encoding="unicode")
