"""One chart style: every figure's text through sitrep.views.style, with maths off, in the
fonts the page names too."""

from __future__ import annotations

import ast
import re

import matplotlib as mpl
import pytest
from matplotlib.figure import Figure

from sitrep import paths
from sitrep.views import style

REPORT_CSS = paths.TEMPLATES / "sitrep_html" / "report.css"
VIEWS = sorted((paths.PACKAGE / "views").glob("*.py"))


def page_fonts() -> list[str]:
    """The families of ``--sitrep-font`` in the report's stylesheet, in order."""
    declared = re.search(r"--sitrep-font:([^;]*);", REPORT_CSS.read_text(encoding="utf-8"))
    assert declared, "report.css no longer declares --sitrep-font"
    return [name.strip().strip('"') for name in declared.group(1).split(",")]


def test_the_charts_fonts_are_the_pages_fonts():
    """The PDF draws the charts (SVG text) and the page from the same families: every chart font
    is on the page's list, in the same relative order after the page's own first choice."""
    page = page_fonts()
    assert set(style.FONT) <= set(page), set(style.FONT) - set(page)
    first = page[0]  # the running text's face, which the charts keep as a fallback
    assert [f for f in page if f in style.FONT and f != first] == \
        [f for f in style.FONT if f != first]


@pytest.mark.parametrize("text", ["$x^2$", r"$\frac{1}$", "5 $bn and $10bn"])
def test_figure_text_is_never_maths(text):
    """Under style.rc() every text, axis labels and legends included, is drawn as written."""
    with mpl.rc_context(style.rc()):
        fig = Figure()
        ax = fig.add_subplot()
        label = ax.set_xlabel(text)
        drawn = style.draw_text(fig, 0.5, 0.5, text)
        ax.plot([0, 1], label=text)
        legend = ax.legend()
        fig.canvas.draw()  # a bad '$' expression would raise here
    assert not label.get_parse_math() and not drawn.get_parse_math()
    assert all(not t.get_parse_math() for t in legend.get_texts())


def _calls(module) -> list[tuple[str, int, ast.Call]]:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    return [(node.func.attr, node.lineno, node) for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)]


@pytest.mark.parametrize("module", [m for m in VIEWS if m.name != "style.py"],
                         ids=lambda m: m.name)
def test_views_put_text_on_figures_through_draw_text(module):
    """``.text(...)`` belongs to style.draw_text alone; ``annotate`` only draws arrows (no
    text); every figure is drawn under style.rc() (a module's own rc_context builds on it)."""
    found = []
    for name, line, call in _calls(module):
        printer = isinstance(call.func.value, ast.Name) and call.func.value.id == "printer"
        if name == "text" and not printer:  # an IPython pretty printer's text() draws nothing
            found.append(f"{module.name}:{line}: .text(); use style.draw_text")
        if name == "annotate" and not (call.args and isinstance(call.args[0], ast.Constant)
                                       and call.args[0].value == ""):
            found.append(f"{module.name}:{line}: annotate() with text; use style.draw_text")
    assert found == []
    source = module.read_text(encoding="utf-8")
    assert "rcParams[" not in source, f"{module.name} sets matplotlib's global settings"
