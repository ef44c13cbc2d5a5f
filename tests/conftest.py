"""Shared fixtures: copies of the shipped data set, broken on purpose; work done once per run.

A *mutation* is a callable that receives a :class:`DatasetEditor` on a fresh copy of the
shipped data set (``data/facts`` and ``data/sources``) and breaks one thing in it::

    def test_something(broken_dataset):
        dataset = broken_dataset(lambda d: d.set_cell("claims", 2, "quote", "made up"))

Rows are spreadsheet rows, as the validator reports them: the header is row 1, the first
record row 2. Cells are edited through the csv module, so quoting stays right.

The suite runs in parallel (``make test``: pytest-xdist, one worker per core, a module's tests
on one worker). Work that tests of several modules need is done once per test run, by whichever
worker asks first, through the ``once`` fixture; reports that several tests read are listed in
:data:`SHARED_REPORTS` and rendered together by one ``sitrep render`` (``shared_report``).
A test that renders for real is marked ``e2e`` (a test using ``shared_report`` is marked so by
itself); one that takes more than a few seconds without rendering is marked ``slow``.
``make test-fast`` leaves both out.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from filelock import FileLock

from sitrep import paths

#: The shipped data set the copies are made from.
SHIPPED = paths.DEFAULT_DATASET

#: A wall-clock bound in a test is a ceiling against a hang or a blow-up (minutes where a
#: second is expected), never a timing: :func:`ceiling` is ten times what a quiet machine
#: takes, so that a loaded machine (load 20 on 2 cores) passes it. Timings are the benchmarks'
#: (``make bench``).
SLACK = 10


def ceiling(seconds: float) -> float:
    """``seconds``, a quiet machine's budget, as a test's wall-clock ceiling."""
    return seconds * SLACK


#: Claims in :func:`busy_dataset`: its force-sizes notebook runs for about 8 s on a quiet
#: machine (the fictional data set's for about 1 s), and longer the more loaded the machine.
BUSY_CLAIMS = 20_000


def busy_dataset(target: Path) -> Path:
    """A synthetic data set in ``target`` whose notebooks run for seconds, so that a signal
    sent once a notebook is executing lands mid-run on any machine: the busier the machine,
    the longer the run, where a small data set's run may be over before the signal lands."""
    from sitrep.authoring import synthetic

    return synthetic.generate(target, BUSY_CLAIMS)

@pytest.fixture(autouse=True, scope="session")
def _own_local_settings(tmp_path_factory):
    """Every test, and every command a test starts, reads and writes local settings of its own
    (``sitrep new`` outside the project registers the folder there), never the checkout's
    ``.sitrep/local.toml``."""
    os.environ["SITREP_SETTINGS"] = str(tmp_path_factory.mktemp("settings") / "local.toml")


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
    ``-p`` parameters of its own) the one ``out/NAME.<slug>/NAME.<slug>.FMT``."""
    adhoc = sorted(p for p in Path(out).glob(f"{name}.*") if p.is_dir())
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


# -- once per test run, whichever worker asks first ------------------------------------------

def run_folder(factory: pytest.TempPathFactory) -> Path:
    """A folder every worker of this test run shares (pytest-xdist gives each worker its own
    base folder inside the run's folder)."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def once(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, Callable[[Path], None]],
                                                                 Path]:
    """``once(key, make)``: ``make(folder)`` runs once per test run, in the first worker that
    asks; every other asker waits for it (a file lock) and gets the same folder. A failure is
    recorded and raised again for every later asker rather than made again."""
    root = run_folder(tmp_path_factory) / "once"
    root.mkdir(parents=True, exist_ok=True)

    def get(key: str, make: Callable[[Path], None]) -> Path:
        folder, done, failed = root / key, root / f"{key}.done", root / f"{key}.failed"
        with FileLock(root / f"{key}.lock"):
            if failed.exists():
                pytest.fail(f"{key} failed earlier in this run:\n{failed.read_text()}")
            if not done.exists():
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir()
                try:
                    make(folder)
                except BaseException as error:
                    failed.write_text(f"{type(error).__name__}: {error}")
                    raise
                done.touch()
        return folder

    return get


#: Reports several tests read: name -> (notebook, parameters, formats). They are rendered once
#: per test run, together, by one ``sitrep render`` (warm kernels, one Chromium), the first
#: time a test asks for one of them. Add a report here rather than rendering it in a test.
SHARED_REPORTS: dict[str, tuple[str, dict[str, str], tuple[str, ...]]] = {
    "brief": ("brief.ipynb", {}, ("html", "pdf")),
    "brief-as-of-2024-11-01": ("brief.ipynb", {"as_of": "2024-11-01"}, ("html",)),
    "brief-kursk-sources": ("brief.ipynb", {"dataset": "datasets/kursk-2024-sources",
                                            "since": "2024-11-12"}, ("html", "pdf")),
    "brief-eastern-drc": ("brief.ipynb", {"dataset": "datasets/eastern-drc-2024-2025"},
                          ("html", "pdf")),
    "brief-fictional": ("brief.ipynb", {"dataset": "tests/data/fictional"}, ("html", "pdf")),
    "brief-red-sea": ("brief.ipynb", {"dataset": "datasets/red-sea-2023-2024"}, ("html", "pdf")),
    "force_sizes": ("force_sizes.ipynb", {}, ("html", "pdf")),
    "force_sizes-fictional": ("force_sizes.ipynb", {"dataset": "tests/data/fictional"},
                              ("html", "pdf")),
    "force_sizes-fictional-c3": ("force_sizes.ipynb", {"dataset": "tests/data/fictional",
                                                       "min_grade": "C3"}, ("html", "pdf")),
    "actor_positions": ("actor_positions.ipynb", {}, ("html", "pdf")),
    "actor_positions-red-sea": ("actor_positions.ipynb",
                                {"dataset": "datasets/red-sea-2023-2024"}, ("pdf",)),
    "actor_positions-nk-forces": ("actor_positions.ipynb",
                                  {"actors": "nk_forces", "extent": "33,50,39,53"}, ("html",)),
    "brief-israel-iran": ("brief.ipynb", {"dataset": "datasets/israel-iran-2025"},
                          ("html", "pdf")),
    "actor_positions-israel-iran": ("actor_positions.ipynb",
                                    {"dataset": "datasets/israel-iran-2025"}, ("html",)),
    "changes-kursk-sources": ("changes.ipynb", {"dataset": "datasets/kursk-2024-sources",
                                                "since": "2024-11-05", "as_of": "2024-11-12"},
                              ("html",)),
    # the force sizes of every further data set (datasets/*), read back from their PDFs
    **{f"force_sizes-{d.name}": ("force_sizes.ipynb", {"dataset": f"datasets/{d.name}"},
                                 ("pdf",))
       for d in sorted((paths.ROOT / "datasets").glob("*/")) if (d / "facts").is_dir()},
}


def shared_manifest(path: Path) -> Path:
    """:data:`SHARED_REPORTS` as a report manifest (reports.toml's format)."""
    entries = []
    for name, (notebook, parameters, formats) in SHARED_REPORTS.items():
        lines = [f"name = {json.dumps(name)}", f"notebook = {json.dumps(notebook)}",
                 f"formats = {json.dumps(list(formats))}"]
        lines += [f"parameters.{key} = {json.dumps(value, ensure_ascii=False)}"
                  for key, value in parameters.items()]
        entries.append("[[report]]\n" + "\n".join(lines) + "\n")
    path.write_text("\n".join(entries), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def shared_report(once) -> Callable[[str], Path]:
    """``shared_report(name)``: the folder of a report of :data:`SHARED_REPORTS` (its HTML, PDF
    and render.json), rendered for real by the command line once per test run."""

    def render_all(folder: Path) -> None:
        manifest = shared_manifest(folder / "reports.toml")
        result = subprocess.run(
            [sys.executable, "-m", "sitrep.cli", "render", "--manifest", str(manifest),
             "--out", str(folder / "reports"), "--force"],
            capture_output=True, text=True, timeout=600, cwd=folder)
        assert result.returncode == 0, result.stdout + result.stderr

    def get(name: str) -> Path:
        assert name in SHARED_REPORTS, f"{name!r} is not in conftest.SHARED_REPORTS"
        return once("shared-reports", render_all) / "reports" / name

    return get


#: The notebooks as the working tree holds them; the one test that reads them is
#: test_notebooks_clean.py::test_working_notebook_is_as_committed.
WORKING_NOTEBOOKS = paths.ROOT / "notebooks"


def committed_form(notebook: Path, folder: Path) -> Path:
    """A copy of ``notebook`` in ``folder`` as it must be committed: canonical (no outputs,
    counts or session metadata) and every sitrep parameter's default back to ``""``."""
    import re

    import nbformat

    from sitrep.pipeline import lab
    from sitrep.pipeline.parameters import KNOWN

    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if "parameters" in cell.metadata.get("tags", []):
            cell.source = re.sub(
                rf"^({'|'.join(KNOWN)}) = [^#\n]*?(\s*#.*)?$",
                lambda m: f'{m.group(1)} = ""{m.group(2) or ""}', cell.source, flags=re.M)
    copy = folder / notebook.name
    copy.write_text(lab.canonical_text(nb), encoding="utf-8")
    return copy


def pytest_configure(config: pytest.Config) -> None:
    """Every test (and every render it starts, through SITREP_NOTEBOOKS) uses copies of the
    notebooks in their committed form: a notebook edited and saved in JupyterLab fails one
    test, which names it, not every test that renders it."""
    import atexit
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="sitrep-notebooks-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    for notebook in sorted(WORKING_NOTEBOOKS.glob("*.ipynb")):
        committed_form(notebook, folder)
    os.environ["SITREP_NOTEBOOKS"] = str(folder)
    paths.NOTEBOOKS = folder


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that reads a shared report renders for real: mark it ``e2e``."""
    for item in items:
        if "shared_report" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright, as a reader's browser (one per test module)."""
    from playwright.sync_api import sync_playwright

    from sitrep.pipeline.pdf import CHROMIUM_ARGS, chromium_path

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(),
                                              args=list(CHROMIUM_ARGS))
        yield launched
        launched.close()


def overlapping_labels(table: pd.DataFrame) -> list[tuple[str, str]]:
    """Pairs of placed labels whose boxes overlap (what a test asserts is empty)."""
    shown = table[table["placed"].astype(bool)].reset_index(drop=True)
    pairs = []
    for i in range(len(shown)):
        a = shown.iloc[i]
        for j in range(i + 1, len(shown)):
            b = shown.iloc[j]
            if a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1:
                pairs.append((a.text, b.text))
    return pairs
