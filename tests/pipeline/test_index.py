"""reports/index.html never forgets: every render (partial, ad-hoc, sharded) rebuilds it from
every report's render.json, marks the stale and missing ones, and lists ad-hoc renders apart."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sitrep import paths

FICTIONAL = paths.ROOT / "tests" / "data" / "fictional"


class _Rows(HTMLParser):
    """The index's rows: (table id, report name, status) from the rows' data attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.table = ""
        self.rows: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = dict(attrs)
        if tag == "table":
            self.table = found.get("id", "")
        if tag == "tr" and "data-report" in found:
            self.rows.append((self.table, found["data-report"], found["data-status"]))


def _index(out: Path) -> dict[str, tuple[str, str]]:
    """Report name -> (table, status), as the index lists it."""
    parser = _Rows()
    parser.feed((out / "index.html").read_text(encoding="utf-8"))
    rows = {name: (table, status) for table, name, status in parser.rows}
    assert len(rows) == len(parser.rows), "a report is listed once"
    return rows


@pytest.fixture
def three_reports(tmp_path, monkeypatch):
    """Three reports of the fictional data set (two copies), HTML only."""
    monkeypatch.setenv("SITREP_DATA_ROOTS", str(tmp_path))
    first, second = tmp_path / "first", tmp_path / "second"
    shutil.copytree(FICTIONAL, first)
    shutil.copytree(FICTIONAL, second)
    text = '[defaults]\nformats = ["html"]\n' + "".join(
        f'[[report]]\nname = "{name}"\nnotebook = "force_sizes.ipynb"\n'
        f'parameters.dataset = "{folder}"\n'
        for name, folder in (("one", first), ("two", second), ("three", second)))
    manifest = tmp_path / "reports.toml"
    manifest.write_text(text, encoding="utf-8")
    return {"manifest": manifest, "out": tmp_path / "reports", "first": first}


def _render(setup, *extra: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "sitrep.cli", "render", "--manifest", str(setup["manifest"]),
         "--out", str(setup["out"]), *extra], capture_output=True, text=True, timeout=600,
        cwd=paths.ROOT)
    assert result.returncode == 0, result.stderr
    return result


@pytest.mark.e2e
def test_partial_adhoc_and_sharded_renders_keep_every_report_in_the_index(three_reports):
    out = three_reports["out"]
    _render(three_reports, "one")  # partial: the others were never rendered
    assert _index(out) == {"one": ("manifest", "rendered"), "two": ("manifest", "missing"),
                           "three": ("manifest", "missing")}

    adhoc = _render(three_reports, "two", "-p", "title=Ad hoc")
    (name,) = [p.name for p in out.iterdir() if p.name.startswith("two.")]
    assert re.fullmatch(r"two\.title-ad-hoc-[0-9a-f]{8}", name) and name in adhoc.stdout
    assert _index(out) == {"one": ("manifest", "rendered"), "two": ("manifest", "missing"),
                           "three": ("manifest", "missing"), name: ("adhoc", "rendered")}

    # The data of 'one' changes; shard 2 of 2 (sorted names: one, three, two -> three) renders.
    actors = three_reports["first"] / "facts" / "actors.csv"
    actors.write_text(actors.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    _render(three_reports, "--shard", "2/2")
    assert _index(out) == {"one": ("manifest", "stale"), "two": ("manifest", "missing"),
                           "three": ("manifest", "rendered"), name: ("adhoc", "rendered")}

    # A render with nothing to do still lists everything.
    _render(three_reports, "three")
    assert _index(out) == {"one": ("manifest", "stale"), "two": ("manifest", "missing"),
                           "three": ("manifest", "unchanged"), name: ("adhoc", "rendered")}
