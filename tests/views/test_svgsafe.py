"""Inline SVG whitelist: what a chart needs stays, what could run or fetch goes."""

from __future__ import annotations

import pytest

from sitrep import svgsafe
from sitrep.pipeline.html import clean_html

NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'

CASES = [
    # (id, markup inside <svg>, kept, gone)
    ("script", "<script>alert(1)</script><path d='M0 0'/>", ["<path"], ["script", "alert"]),
    ("handler", "<rect onclick='alert(1)' width='1'/>", ["<rect"], ["onclick"]),
    ("foreign", "<foreignObject><p>x</p></foreignObject>", [], ["foreignObject"]),
    ("remote-link", "<a xlink:href='https://evil.example'><text>x</text></a>", ["<text"],
     ["evil.example"]),
    ("js-link", "<a href='javascript:alert(1)'><text>x</text></a>", ["<text"], ["javascript"]),
    ("claim-link", "<a xlink:href='#claim-C09' target='_blank'><path d='M0 0'/></a>",
     ['xlink:href="#claim-C09"', "<title>claim C09</title>"], ["_blank"]),
    ("remote-image", "<image xlink:href='http://evil.example/a.png'/>", ["<image"],
     ["evil.example"]),
    ("css-url", "<rect style='fill:url(http://evil.example/x)'/>", ["<rect"], ["evil.example"]),
    ("style-element", "<style>@import url(http://evil.example/a.css); *{x:y}</style>", [],
     ["evil.example", "<style"]),
    ("escaped-text", "<text>&lt;script&gt;alert(1)&lt;/script&gt;</text>",
     ["&lt;script&gt;"], ["<script"]),
]


@pytest.mark.parametrize(("inner", "kept", "gone"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_whitelist(inner, kept, gone):
    cleaned = svgsafe.clean(f"<svg {NS}>{inner}</svg>",
                            link_title=lambda target: target.replace("-", " ", 1))
    for text in kept:
        assert text in cleaned
    for text in gone:
        assert text not in cleaned


@pytest.mark.parametrize("markup", [
    '<!DOCTYPE x [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
    "<svg><unclosed></svg>",
    '<html xmlns="http://www.w3.org/2000/svg"></html>',
])
def test_refused(markup):
    with pytest.raises(svgsafe.UnsafeSvg):
        svgsafe.clean(markup)


def test_report_sanitiser_checks_inline_svg_again():
    html = (f'<p>a</p><svg {NS} onload="alert(1)"><script>alert(2)</script>'
            '<a xlink:href="#claim-C1"><path d="M0 0"/></a></svg><svg onload=alert(3)>')
    cleaned = clean_html(html)
    assert "alert" not in cleaned.replace("&lt;svg onload=alert(3)&gt;", "")
    assert 'xlink:href="#claim-C1"' in cleaned and "<p>a</p>" in cleaned
