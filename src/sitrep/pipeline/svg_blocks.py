"""Inline ``<svg>`` charts through the report's HTML sanitiser: each block is taken out before
bleach (which would escape it), checked by :func:`sitrep.svgsafe.clean`, and put back after.
A block that fails the check is dropped, leaving a note in its place."""

from __future__ import annotations

import html as html_lib
import re
import secrets

from sitrep import svgsafe

_SVG_BLOCK = re.compile(r"<svg\b.*?</svg\s*>", re.IGNORECASE | re.DOTALL)
_SVG_NS = ' xmlns="http://www.w3.org/2000/svg"'


def hold(text: str) -> tuple[str, dict[str, str]]:
    """The text with every ``<svg>...</svg>`` replaced by a placeholder, and the checked
    blocks by placeholder."""
    held: dict[str, str] = {}
    nonce = secrets.token_hex(8)

    def take(match: re.Match[str]) -> str:
        key = f"sitrepsvg{nonce}n{len(held)}"
        try:
            held[key] = check(match.group())
        except svgsafe.UnsafeSvg as error:
            held[key] = f"<p>(a chart was left out: {html_lib.escape(str(error))})</p>"
        return key

    return _SVG_BLOCK.sub(take, text), held


def check(block: str) -> str:
    """One ``<svg>`` block checked by :func:`sitrep.svgsafe.clean` (plain attributes such as
    class and style kept), in the SVG namespace.

    Raises:
        sitrep.svgsafe.UnsafeSvg: it is no SVG document the check can read.
    """
    if "xmlns=" not in block.split(">", 1)[0]:
        block = block.replace("<svg", "<svg" + _SVG_NS, 1)
    return svgsafe.clean(block)


def restore(held: dict[str, str], text: str) -> str:
    """Put the checked blocks back where :func:`hold` took them out."""
    for key, block in held.items():
        text = text.replace(key, block, 1)
    return text
