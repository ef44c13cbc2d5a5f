"""What a broken rule looks like: a problem naming file, row, field, rule and value, the error
that carries every problem of a data set, and the collector the checks report into."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sitrep.model.data.errors import SitrepError

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True, order=True)
class Problem:
    """One broken rule: where (file, row, field), which rule, the value, and what it requires."""

    file: str
    row: int | None
    field: str | None
    rule: str
    value: str | None
    message: str
    #: ``error`` stops a render; ``warning`` is printed and does not.
    severity: str = "error"

    def __str__(self) -> str:
        where = ("warning: " if self.severity == WARNING else "") + self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.field:
            where += f" field {self.field!r}"
        shown = "" if self.value is None else f" (value {shorten(self.value)!r})"
        return f"{where}: [{self.rule}] {self.message}{shown}"


ERROR, WARNING = "error", "warning"


def errors(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that stop a render (warnings left out)."""
    return [p for p in problems if p.severity == ERROR]


class FactsError(SitrepError):
    """The data set breaks one or more rules; ``problems`` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.row or 0, p.field or "", p.rule))
        noun = "problem" if len(problems) == 1 else "problems"
        lines = [f"{len(problems)} {noun} in the data set:"] + [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))

    def _render_traceback_(self) -> list[str]:
        """IPython (JupyterLab) shows the problems, not a traceback."""
        return [f"FactsError: {self}"]


def shorten(value: str, limit: int = 80) -> str:
    """A short excerpt of a value: a message never shows more than ``limit`` characters."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


#: Problems listed per rule and file; past it, one line counts the rest (a 20 MB document with
#: 700,000 unlisted sentences gives 50 messages and a count, not 700,000 messages).
MAX_PER_RULE = 50


class Collector:
    """Where the checks report problems; at most ``limit`` per rule and file are kept."""

    def __init__(self, limit: int = MAX_PER_RULE) -> None:
        self.problems: list[Problem] = []
        self.limit = limit
        self.counts: dict[tuple[str, str], int] = {}
        #: Cells (file, row, field) refused for good: no later rule reports them again.
        self.refused: set[tuple[str, int, str]] = set()

    def refuse(self, file: str, row: int, fld: str) -> None:
        """Mark a cell as refused for good: it has its one message, and later rules reading it
        (its type, a foreign key, a figure it no longer gives) say nothing more of it."""
        self.refused.add((file, row, fld))

    def add(self, file: str, row: int | None, fld: str | None, rule: str, value: object,
            message: str, *, severity: str = ERROR) -> None:
        if self.refused and row is not None and fld is not None \
                and (file, row, fld) in self.refused:
            return
        seen = self.counts[(file, rule)] = self.counts.get((file, rule), 0) + 1
        if seen > self.limit:
            return
        import pandas as pd  # imported on first use: a memoised check never needs it

        if isinstance(value, float) and value.is_integer():
            value = int(value)
        missing = value is None or value is pd.NA or value is pd.NaT or (
            isinstance(value, float) and pd.isna(value))
        shown = None if missing else str(value)
        self.problems.append(Problem(file, row, fld, rule, shown, message, severity))

    def add_rows(self, file: str, frame: pd.DataFrame, mask: pd.Series, fld: str | None,
                 rule: str, message: str, values: pd.Series | None = None) -> None:
        """Report every row where ``mask`` is true (vectorised checks end here)."""
        if not mask.any():
            return
        shown = (values if values is not None else frame[fld] if fld else None)
        rows = mask[mask].index
        room = max(self.limit - self.counts.get((file, rule), 0), 0)
        for index in rows[:room]:
            value = None if shown is None else shown.loc[index]
            self.add(file, row_number(index), fld, rule, value, message)
        if len(rows) > room:
            self.counts[(file, rule)] = self.counts.get((file, rule), 0) + len(rows) - room

    def finish(self) -> list[Problem]:
        """Every problem kept, and per rule and file past the limit a line counting the rest."""
        more = [Problem(file, None, None, rule, None,
                        f"{count - self.limit:,} more problems of this rule in this file are not "
                        f"listed (the first {self.limit} are)")
                for (file, rule), count in self.counts.items() if count > self.limit]
        return self.problems + more


def records(frame: pd.DataFrame) -> Iterable[tuple[int, dict]]:
    """(index, row as a dict) pairs: what iterrows gives, without building a Series a row."""
    columns = list(frame.columns)
    values = zip(*(frame[c].tolist() for c in columns), strict=True) if columns else ()
    return zip(frame.index, (dict(zip(columns, row, strict=True)) for row in values),
               strict=False)


def row_number(index: int) -> int:
    """The spreadsheet row of a data record: the header is row 1."""
    return int(index) + 2


def by_id(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """A table indexed by its id, first row of a duplicated id only (reported as 'unique')."""
    return frame.drop_duplicates(subset=key, keep="first").set_index(key)


