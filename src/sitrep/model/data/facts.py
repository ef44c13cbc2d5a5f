"""The facts of a data set: one validated DataFrame per table (see :mod:`sitrep.model.loader`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

T = TypeVar("T")

ID_LIST_SEPARATOR = ";"


def copy_on_write() -> bool:
    """Whether pandas copies on write (always from pandas 3): then a shallow copy of a memoised
    table is safe to change, and costs no copy of its columns (44 MB a table of 100,000
    figures)."""
    if int(pd.__version__.split(".")[0]) >= 3:
        return True
    return pd.options.mode.copy_on_write is True


@dataclass
class Facts:
    """A validated data set: one DataFrame per table, plus tidy link tables for list fields."""

    dataset: Path
    tables: dict[str, pd.DataFrame]
    title: str = ""
    texts: dict[str, str] = field(default_factory=dict)
    sentences_of: dict[str, list[str]] = field(default_factory=dict)
    #: The data set's settings (its datapackage.json's ``sitrep`` block, over the defaults).
    settings: dict[str, str] = field(default_factory=dict)
    #: What an ``as_of`` cut left out (see :meth:`until`); None when the facts are whole.
    cut: Any = None
    #: What is derived from this data set, computed once per report (see :meth:`memo`).
    derived_cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def memo(self, name: str, compute: Callable[[Facts], T]) -> T:
        """What ``compute`` derives from these facts, computed once per Facts object and kept
        under ``name`` (which must name everything else the result depends on, such as a
        filter). A cut (:meth:`until`) is another Facts object with a memo of its own, so a cut
        or a filter never reads another's result. A DataFrame is handed out as a copy (callers
        may change it); any other value as it is, to be read only."""
        if name not in self.derived_cache:
            self.derived_cache[name] = compute(self)
        value = self.derived_cache[name]
        return value.copy(deep=not copy_on_write()) if isinstance(value, pd.DataFrame) \
            else value

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    def __dir__(self) -> list[str]:
        """Tab completion offers the tables: ``facts.<Tab>`` lists ``claims``, ``actors``..."""
        return sorted(set(super().__dir__()) | set(self.__dict__.get("tables", {})))

    def link(self, table: str, column: str) -> pd.DataFrame:
        """A list column as a tidy two-column table, e.g. ``link("claims", "claimants")``."""
        frame = self.tables[table]
        key = frame.columns[0]
        exploded = frame[[key, column]].explode(column).dropna(subset=[column])
        return exploded.rename(columns={column: column.rstrip("s") + "_id"}).reset_index(drop=True)

    def until(self, as_of: str | pd.Timestamp, *, include_possible: bool = False) -> Facts:
        """Only what had been reported by ``as_of``: sources certainly published by then (the
        latest day their date can mean, at its precision, is on or before it; with
        ``include_possible`` also those whose earliest possible day is), their claims that refer
        to no later time, and what rests on those claims. A takeaway is kept only when every
        claim it cites is kept. ``cut`` records what was left out, for the report to state."""
        from sitrep.model.data import when

        cut = pd.Timestamp(as_of)
        t = self.tables
        kept_mask, possible = when.kept_sources(t["sources"], cut, include_possible)
        sources = t["sources"][kept_mask]
        left = t["sources"][~kept_mask]
        reasons = pd.Series(["possibly published by then, but its date reaches past it"
                             if possible[i] else "published after it" for i in left.index],
                            index=left.index, dtype=str)
        of_kept = t["claims"]["source_id"].isin(sources["source_id"])
        later = of_kept & (t["claims"]["refers_to"] > cut)
        claims = t["claims"][of_kept & ~later]
        kept = set(claims["claim_id"])
        tables = dict(t, sources=sources, claims=claims,
                      sentences=t["sentences"][t["sentences"]["source_id"].isin(
                          sources["source_id"])])
        for name in ("quantities", "positions", "stances", "relations"):
            tables[name] = t[name][t[name]["claim_id"].isin(kept)]
        answers = t["claim_relations"]
        tables["claim_relations"] = answers[answers["claim_id"].isin(kept) & (
            answers["target"].eq("") | answers["target"].isin(kept))]
        judged = t["assessments"]
        tables["assessments"] = judged[(judged["assessed"] <= cut) & judged["rests_on"].map(
            lambda ids: all(i in kept for i in ids)).astype(bool)]
        whole = t["takeaways"]["claims"].map(lambda ids: all(i in kept for i in ids)).astype(bool)
        tables["takeaways"] = t["takeaways"][whole]
        line = t["takeaways"]["role"].eq("bottom_line")
        tables = {name: frame.reset_index(drop=True) for name, frame in tables.items()}
        held = set(sources["source_id"])
        record = when.Cut(
            as_of=cut, include_possible=include_possible,
            sources_left_out=when.describe_sources(left, reasons),
            sources_possible=when.describe_sources(
                sources[possible[kept_mask]], pd.Series("kept", index=sources.index[
                    possible[kept_mask].to_numpy()], dtype=str)),
            claims_left_out=len(t["claims"]) - len(claims),
            claims_later=t["claims"].loc[later, "claim_id"].tolist(),
            takeaways_left_out=[
                (r.takeaway_id, r.text, ", ".join(i for i in r.claims if i not in kept))
                for r in t["takeaways"][~whole & ~line].itertuples(index=False)],
            bottom_line_left_out=next(
                ((r.text, ", ".join(i for i in r.claims if i not in kept))
                 for r in t["takeaways"][~whole & line].itertuples(index=False)), None))
        return Facts(dataset=self.dataset, tables=tables, title=self.title,
                     texts={k: v for k, v in self.texts.items() if k in held},
                     sentences_of={k: v for k, v in self.sentences_of.items() if k in held},
                     settings=self.settings, cut=record)


#: The keys under which a table says what its rows are (``frame.attrs``): what its empty section
#: names, and whether the report's filters chose the rows.
SUBJECT, FILTERED = "subject", "filtered"


def about(frame: pd.DataFrame, subject: str, *, filtered: bool = True) -> pd.DataFrame:
    """``frame``, marked as holding ``subject`` (plural: "pairs of figures"), which its empty
    section names; ``filtered=False`` for rows the report's filters do not choose."""
    frame.attrs.update({SUBJECT: subject, FILTERED: filtered})
    return frame
