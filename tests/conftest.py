"""Shared fixtures: copies of the shipped data set, broken on purpose.

A *mutation* is a callable that receives a :class:`DatasetEditor` on a fresh copy of the
shipped data set (``data/facts`` and ``data/sources``) and breaks one thing in it::

    def test_something(broken_dataset):
        dataset = broken_dataset(lambda d: d.set_cell("claims", 2, "quote", "made up"))

Rows are spreadsheet rows, as the validator reports them: the header is row 1, the first
record row 2. Cells are edited through the csv module, so quoting stays right.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from sitrep import paths

#: The shipped data set the copies are made from.
SHIPPED = paths.DEFAULT_DATASET

Mutation = Callable[["DatasetEditor"], object]


class DatasetEditor:
    """Edits a copied data set in place; tables are named without ``.csv``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.facts = paths.facts_dir(self.root)
        self.sources = paths.sources_dir(self.root)

    # -- files -------------------------------------------------------------------------------
    def path(self, name: str) -> Path:
        """A table name (``claims``), a file under facts/ or sources/, or a relative path."""
        for candidate in (self.facts / f"{name}.csv", self.facts / name, self.sources / name,
                          self.root / name):
            if candidate.exists():
                return candidate
        return self.root / name

    def source_text(self) -> Path:
        """The one source document the seed data set holds."""
        (document,) = sorted(self.sources.glob("*.txt"))
        return document

    def delete(self, name: str) -> None:
        self.path(name).unlink()

    def rename_folder(self, old: str, new: str) -> None:
        (self.root / old).rename(self.root / new)

    def write_bytes(self, name: str, data: bytes) -> None:
        self.path(name).write_bytes(data)

    def replace_bytes(self, name: str, old: bytes, new: bytes) -> None:
        """Replace raw bytes in a file (to write what no text editor would)."""
        path = self.path(name)
        data = path.read_bytes()
        assert old in data, f"{old!r} not found in {path}"
        path.write_bytes(data.replace(old, new, 1))

    def replace_text(self, name: str, old: str, new: str, count: int = 1) -> None:
        """Replace text in a file; fails loudly when ``old`` is not there."""
        path = self.path(name)
        text = path.read_bytes().decode("utf-8")
        assert old in text, f"{old!r} not found in {path}"
        path.write_bytes(text.replace(old, new, count).encode("utf-8"))

    # -- tables ------------------------------------------------------------------------------
    def read_rows(self, table: str) -> list[list[str]]:
        text = self.path(table).read_bytes().decode("utf-8")
        return list(csv.reader(io.StringIO(text, newline="")))

    def write_rows(self, table: str, rows: list[list[str]]) -> None:
        buffer = io.StringIO(newline="")
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        self.path(table).write_bytes(buffer.getvalue().encode("utf-8"))

    def _column(self, rows: list[list[str]], column: str) -> int:
        assert column in rows[0], f"no column {column!r} in {rows[0]}"
        return rows[0].index(column)

    def _record(self, rows: list[list[str]], row: int) -> int:
        assert 2 <= row <= len(rows), f"row {row} is not a record (rows 2..{len(rows)})"
        return row - 1

    def cell(self, table: str, row: int, column: str) -> str:
        rows = self.read_rows(table)
        return rows[self._record(rows, row)][self._column(rows, column)]

    def set_cell(self, table: str, row: int, column: str, value: str) -> None:
        rows = self.read_rows(table)
        rows[self._record(rows, row)][self._column(rows, column)] = value
        self.write_rows(table, rows)

    def delete_row(self, table: str, row: int) -> None:
        rows = self.read_rows(table)
        del rows[self._record(rows, row)]
        self.write_rows(table, rows)

    def duplicate_row(self, table: str, row: int) -> None:
        """Append a copy of ``row`` at the end of the table."""
        rows = self.read_rows(table)
        rows.append(list(rows[self._record(rows, row)]))
        self.write_rows(table, rows)

    def drop_column(self, table: str, column: str) -> None:
        rows = self.read_rows(table)
        index = self._column(rows, column)
        self.write_rows(table, [r[:index] + r[index + 1:] for r in rows])

    def add_column(self, table: str, column: str, value: str = "") -> None:
        rows = self.read_rows(table)
        self.write_rows(table, [rows[0] + [column]] + [[*r, value] for r in rows[1:]])


def copy_dataset(target: Path, mutate: Mutation | None = None) -> Path:
    """Copy the shipped data set into ``target`` (a new folder) and apply ``mutate``."""
    target = Path(target)
    for part in (paths.FACTS_DIR, paths.SOURCES_DIR):
        shutil.copytree(SHIPPED / part, target / part)
    if mutate is not None:
        mutate(DatasetEditor(target))
    return target


def broken_dataset_in(tmp_path: Path, mutate: Mutation | None = None) -> Path:
    """``broken_dataset(tmp_path, mutate)``: a fresh mutated copy under ``tmp_path``."""
    existing = len(list(Path(tmp_path).glob("dataset-*")))
    return copy_dataset(Path(tmp_path) / f"dataset-{existing}", mutate)


@pytest.fixture
def broken_dataset(tmp_path: Path) -> Callable[..., Path]:
    """A factory: ``broken_dataset(mutate)`` returns a mutated copy of the shipped data set.

    Each call makes a new copy, so one test can build several.
    """

    def make(mutate: Mutation | None = None) -> Path:
        return broken_dataset_in(tmp_path, mutate)

    return make


@pytest.fixture
def clean_dataset(broken_dataset: Callable[..., Path]) -> Path:
    """An unmodified copy of the shipped data set."""
    return broken_dataset(None)


def published(out: Path, name: str, fmt: str) -> Path:
    """A report's published file: ``out/NAME/NAME.FMT``, or for an ad-hoc render (one with
    ``-p`` parameters of its own) the one ``out/NAME.adhoc-*/NAME.adhoc-*.FMT``."""
    adhoc = sorted(Path(out).glob(f"{name}.adhoc-*"))
    assert len(adhoc) <= 1, adhoc
    folder = adhoc[0] if adhoc else Path(out) / name
    return folder / f"{folder.name}.{fmt}"


def render_report(out: Path, name: str, *args: str, timeout: int = 300):
    """``sitrep render NAME --out OUT ARGS...`` as a real process (what a user runs)."""
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "sitrep.cli", "render", name, "--out", str(out), *args],
        capture_output=True, text=True, timeout=timeout, cwd=Path(out).parent,
    )
