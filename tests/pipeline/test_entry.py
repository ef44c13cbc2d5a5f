"""An entry answers from its own render record: is it current, why not, which formats are kept
and which files are stale (no rendering here: the record and files are written by hand)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitrep import paths
from sitrep.pipeline.entry import RENDER_JSON, Entry, Status, Why

DIGEST, INPUTS = "d" * 64, "e" * 64  # hex, as sitrep writes them


def _entry(*formats: str) -> Entry:
    return Entry("brief", paths.NOTEBOOKS / "brief.ipynb", {}, formats)


def _publish(out: Path, files: list[str], record: dict | None) -> None:
    folder = out / "brief"
    folder.mkdir(parents=True, exist_ok=True)
    for name in files:
        (folder / name).write_text("x", encoding="utf-8")
    if record is not None:
        (folder / RENDER_JSON).write_text(json.dumps(record), encoding="utf-8")


RENDERED = {"status": "rendered", "digest": DIGEST, "inputs": INPUTS, "formats": ["html", "pdf"]}


@pytest.mark.parametrize(("files", "record", "force", "why"), [
    (["brief.html", "brief.pdf"], RENDERED, False, None),
    (["brief.html", "brief.pdf"], RENDERED, True, Why.FORCED),
    (["brief.html", "brief.pdf"], {**RENDERED, "digest": "f" * 64}, False, Why.STALE),
    (["brief.html"], RENDERED, False, Why.MISSING),
    ([], None, False, Why.MISSING),
    (["brief.html", "brief.pdf"], {**RENDERED, "status": "failed"}, False, Why.MISSING),
], ids=["current", "forced", "stale_inputs", "format_file_gone", "never_rendered",
        "record_not_rendered"])
def test_an_entry_says_why_it_renders(tmp_path, files, record, force, why):
    _publish(tmp_path, files, record)
    assert _entry("html", "pdf").why(tmp_path, DIGEST, force=force) == why


def test_a_render_of_some_formats_keeps_the_others_only_from_the_same_inputs(tmp_path):
    _publish(tmp_path, ["brief.html", "brief.pdf"], RENDERED)
    assert _entry("html").kept_formats(tmp_path, INPUTS) == ["html", "pdf"]
    assert _entry("html").kept_formats(tmp_path, "new inputs") == ["html"]


def test_stale_files_are_other_formats_and_charts_no_longer_drawn(tmp_path):
    _publish(tmp_path, ["brief.html", "brief.pdf", "brief.md", "brief-chart-1.svg",
                        "brief-chart-2.svg", "brief-chart-3.svg"], RENDERED)
    folder = tmp_path / "brief"
    written = [folder / "brief.md", folder / "brief-chart-1.svg", folder / "brief-chart-2.svg"]
    stale = _entry("md").stale_files(tmp_path, ["md", "html"], written)
    assert sorted(p.name for p in stale) == ["brief-chart-3.svg", "brief.pdf"]


def test_statuses_refused_before_anything_ran():
    assert {s for s in Status if s.refused} == {Status.BAD_DATA, Status.BAD_PARAMETER,
                                                 Status.REFUSED}
    assert f"{Status.BAD_DATA:<10}|" == "bad data  |"
