"""One skeleton for every report notebook: :class:`Report`.

A report notebook declares its parameters once, in the cell tagged ``parameters``; the first
code cell after it opens the report from the notebook's namespace::

    from sitrep.report import Report

    report = Report("brief", "Situation brief", globals())
    report.show_title()

The report reads the declared parameters (every name of :data:`~sitrep.pipeline.parameters.KNOWN`
the namespace holds, in the order the cell assigns them) and checks them; loads the data set
(``report.whole``) and cuts it at ``as_of`` (``report.facts``); composes the title by one rule
(the ``title`` parameter, else "<kind>: <the data set's title>", else the kind); holds the
active filters in words, naming actors and measures by their names, and the claim ids of the
annex that links land on (a :class:`~sitrep.views.display.Scope`, no module state); and shows
tables, lists and charts with them (``report.figure(fig, claims=...)`` adds the credit line).
``report.command`` is the ``sitrep render`` command that renders the notebook with the values
in use, runnable as printed from the project root.

This module sits above the views, the pipeline and authoring, and below the command line: a
notebook may import anything, a view never imports the pipeline.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from sitrep.model.analysis import attribution
from sitrep.model.data.facts import Facts
from sitrep.pipeline import parameters
from sitrep.views import brief, display

__all__ = ["Report", "compose_title"]


def compose_title(kind: str, facts: Facts, given: str = "") -> str:
    """The one rule for a report's title: the ``title`` parameter when set, else the kind of
    report and the data set's title ('Force sizes: Kursk, November 2024 ...'), else the kind."""
    if given:
        return given
    return f"{kind}: {facts.title}" if facts.title else kind


def _names(frame: pd.DataFrame, key: str, name: str, ids: Sequence[str] | None) -> list[str]:
    """The names of the chosen ids, in the order chosen (the id itself when it has no name)."""
    if not ids:
        return []
    named = dict(zip(frame[key], frame[name], strict=True))
    return [str(named.get(i) or i) for i in ids]


class Report:
    """A report notebook's parameters, facts, title, filters and claim links, in one object.

    Args:
        name: the report's notebook name ('brief'): what the render command names.
        kind: what the report is ('Situation brief'): the title's first part.
        namespace: the notebook's ``globals()``, holding the parameters cell's values.

    Raises:
        ParameterError: a parameter breaks its rule or names an id the data set lacks.
        FactsError: the data set breaks a rule.
    """

    def __init__(self, name: str, kind: str, namespace: Mapping[str, Any], *,
                 defaults: Mapping[str, str] | None = None) -> None:
        self.name, self.kind = name, kind
        #: The declared parameters in use (text), in the parameters cell's order.
        self.values: dict[str, Any] = _with_defaults(
            {k: v for k, v in namespace.items() if k in parameters.KNOWN}, defaults or {})
        self.given = parameters.read(**self.values)
        #: The whole data set, validated; :attr:`facts` is it cut at ``as_of``.
        self.whole = self.given.load()
        self.facts = self.given.cut(self.whole)
        self.title = compose_title(kind, self.facts, self.given.title)
        self.measure_names = _names(self.whole.measures, "measure_id", "label",
                                    self.given.measures)
        self.actor_names = _names(self.whole.actors, "actor_id", "name", self.given.actors)
        self.scope = display.Scope(
            filters=brief.filters(self.given.as_of, measures=self.measure_names,
                                  min_grade=self.given.min_grade, actors=self.actor_names),
            claims=frozenset(map(str, self.facts.claims["claim_id"])))
        _readable_frames()

    @property
    def command(self) -> str:
        """The ``sitrep render`` command that renders this notebook with the values in use,
        run from the project root: the manifest's report of this name, else its first report
        of this notebook, with every parameter it sets overridden (``-p since=`` when empty
        here), so that the render shows what the notebook shows."""
        from sitrep.pipeline import manifest

        mine = [e for e in manifest.load() if e.notebook.stem == self.name]
        entry = next((e for e in mine if e.name == self.name), mine[0] if mine else None)
        if entry is None:
            return (f"# {self.name} is not in reports.toml yet: add [[report]] name = "
                    f"\"{self.name}\", notebook = \"{self.name}.ipynb\"; then:\n"
                    + parameters.render_command(self.name, **self.values))
        return parameters.render_command(entry.name, keep=set(entry.parameters),
                                         **self.values)

    def link_only(self, claims: Iterable[str]) -> None:
        """Link only these claim ids from now on: a report whose annex lists the claims it
        cites (not every claim of the data set) links no id that has no row to land on."""
        self.scope = replace(self.scope, claims=frozenset(map(str, claims)))

    def subtitle(self) -> str:
        """What the reader is looking at: sources, claims, the cut-off and every filter, the
        chosen actors and measures named by their names."""
        return brief.subtitle(self.facts, self.given.as_of, self.given.min_grade,
                              measures=self.measure_names or None,
                              actors=self.actor_names or None)

    def show_title(self, subtitle: str | None = None) -> None:
        """Show the title (the renderer reads it from this output) and the subtitle (default:
        :meth:`subtitle`)."""
        display.title(self.title, self.subtitle() if subtitle is None else subtitle,
                      date=self.date)

    @property
    def date(self) -> str:
        """The report's date: its newest source's publication date (ISO 8601), '' when it
        has no dated source. The PDF is dated by it, not by the hour it was printed."""
        published = pd.to_datetime(self.facts.sources.get("published", pd.Series(dtype=object)),
                                   errors="coerce").dropna()
        return published.max().strftime("%Y-%m-%d") if len(published) else ""

    def table(self, frame: pd.DataFrame, **options: Any) -> display.Output:
        """A table with the report's claim links and filters (see :func:`display.table`)."""
        return display.table(frame, scope=self.scope, **options)

    def items(self, entries: Iterable[tuple[str, str]], **options: Any) -> display.Output:
        """A list with the report's claim links and filters (see :func:`display.items`)."""
        return display.items(entries, scope=self.scope, **options)

    def figure(self, fig: Figure, *, claims: Iterable[str] | pd.Series = (),
               caption: str | None = None, alt: str = "chart",
               kind: str = "chart") -> display.Output:
        """A chart (or, with ``kind="map"``, a map) with its credit line: every source of
        ``claims`` (none: no credit line), unless ``caption`` gives the line itself."""
        ids = list(claims)
        if caption is None:
            caption = attribution.credit_line(self.facts, ids) if ids else ""
        return display.figure(fig, caption=caption, alt=alt, scope=self.scope, kind=kind)

    def paragraph(self, text: str, **options: Any) -> display.Output:
        """A paragraph with the report's claim links (see :func:`display.paragraph`)."""
        return display.paragraph(text, scope=self.scope, **options)

    show = staticmethod(display.show)

    def __repr__(self) -> str:
        return f"{self.title}\n{self.command}"


def _with_defaults(values: dict[str, Any], defaults: Mapping[str, str]) -> dict[str, Any]:
    """A notebook's own defaults: its ``dataset`` when the parameter is empty, and with it the
    other defaults (the editions ``since`` and ``as_of``) when every one of them is empty."""
    if not defaults or values.get("dataset", "") != "":
        return values
    rest = {k: v for k, v in defaults.items() if k != "dataset"}
    chosen = {"dataset": defaults.get("dataset", "")}
    if all(values.get(k, "") == "" for k in rest):
        chosen.update(rest)
    return {**values, **{k: v for k, v in chosen.items() if k in values}}


def _readable_frames() -> None:
    """In a running IPython (JupyterLab), show DataFrames with list cells as text: 'dagens'
    rather than "('dagens',)" in ``report.facts.claims``. Report tables are not affected."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency of the kernel
        return
    shell = get_ipython()
    if shell is None:
        return
    formatters = shell.display_formatter.formatters
    formatters["text/html"].for_type(pd.DataFrame, _html)
    formatters["text/plain"].for_type(pd.DataFrame, _plain)


def _html(frame: pd.DataFrame) -> str | None:
    return display.readable(frame).to_html(max_rows=60, max_cols=30, notebook=True)


def _plain(frame: pd.DataFrame, printer: Any, cycle: bool) -> None:
    printer.text(display.readable(frame).to_string(max_rows=60, max_cols=30))
