"""The facts of a data set: one validated DataFrame per table (see :mod:`sitrep.model.load`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

ID_LIST_SEPARATOR = ";"


@dataclass
class Facts:
    """A validated data set: one DataFrame per table, plus tidy link tables for list fields."""

    dataset: Path
    tables: dict[str, pd.DataFrame]
    title: str = ""
    texts: dict[str, str] = field(default_factory=dict)
    sentences_of: dict[str, list[str]] = field(default_factory=dict)
    #: Tables derived from this data set, computed once (see sitrep.model.attribution).
    derived_cache: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

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

    def until(self, as_of: str | pd.Timestamp) -> Facts:
        """Only what had been reported by ``as_of``: sources published (at the earliest) on or
        before it, their claims that refer to no later time, and what rests on those claims.
        A takeaway is kept only when every claim it cites is kept."""
        cut = pd.Timestamp(as_of)
        t = self.tables
        sources = t["sources"][t["sources"]["published"] <= cut]
        claims = t["claims"][t["claims"]["source_id"].isin(sources["source_id"])
                             & (t["claims"]["refers_to"] <= cut)]
        kept = set(claims["claim_id"])
        tables = dict(t, sources=sources, claims=claims,
                      sentences=t["sentences"][t["sentences"]["source_id"].isin(
                          sources["source_id"])])
        for name in ("quantities", "positions", "stances", "relations"):
            tables[name] = t[name][t[name]["claim_id"].isin(kept)]
        tables["takeaways"] = t["takeaways"][t["takeaways"]["claims"].map(
            lambda ids: all(i in kept for i in ids))]
        tables = {name: frame.reset_index(drop=True) for name, frame in tables.items()}
        held = set(sources["source_id"])
        return Facts(dataset=self.dataset, tables=tables, title=self.title,
                     texts={k: v for k, v in self.texts.items() if k in held},
                     sentences_of={k: v for k, v in self.sentences_of.items() if k in held})


