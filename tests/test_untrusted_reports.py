"""The output folder as untrusted input: ``reports/`` may be gathered from other machines (shards)
or left by someone else, so what `sitrep index` and `sitrep render --list` read there is checked
like a data set. Each case is named after the attack; each is one message naming the path and
the rule, exit 2: never a hang (a pipe), never an endless read (/dev/zero), never a bare
MemoryError (a sparse 6 GB record), never exit 1, never a link followed, never a
``javascript:`` link in the index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sitrep import paths
from sitrep.pipeline import index
from sitrep.pipeline.entry import RENDER_JSON, read_record

SECRET = "SITREP_TEST_SECRET_VALUE"
#: A record as sitrep writes it (what each case breaks one field of).
RECORD = {"name": "brief", "title": "Situation brief", "notebook": "brief.ipynb",
          "parameters": {}, "formats": ["html"], "inputs": "a" * 64, "status": "rendered",
          "seconds": 4.2, "digest": "b" * 64, "dataset": "data", "dataset_digest": "c" * 64,
          "rendered_at": "2025-01-01T00:00:00Z"}


@pytest.fixture
def out(tmp_path):
    """A manifest of one report (the brief, HTML) and its output folder, rendered once."""
    (tmp_path / "reports.toml").write_text(
        '[[report]]\nname = "brief"\nnotebook = "brief.ipynb"\nformats = ["html"]\n',
        encoding="utf-8")
    folder = tmp_path / "reports" / "brief"
    folder.mkdir(parents=True)
    (folder / "brief.html").write_text("<p>the brief</p>", encoding="utf-8")
    (folder / RENDER_JSON).write_text(json.dumps(RECORD), encoding="utf-8")
    return tmp_path / "reports"


def sitrep(out: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sitrep.cli", *args, "--out", str(out),
                           "--manifest", str(out.parent / "reports.toml")],
                          capture_output=True, text=True, timeout=60, cwd=paths.ROOT,
                          env={**os.environ, "SITREP_SECRET": SECRET}, check=False)


def record(out: Path) -> Path:
    return out / "brief" / RENDER_JSON


def field(name: str, value: object):
    def mutate(out: Path) -> None:
        record(out).write_text(json.dumps({**RECORD, name: value}), encoding="utf-8")
    mutate.__name__ = f"{name}_{type(value).__name__}"
    return mutate


# -- what is not a regular file, or too large ---------------------------------------------------

def render_json_is_a_named_pipe(out):
    record(out).unlink()
    os.mkfifo(record(out))


def render_json_linked_to_dev_zero(out):
    record(out).unlink()
    os.symlink("/dev/zero", record(out))


def render_json_linked_to_passwd(out):
    record(out).unlink()
    os.symlink("/etc/passwd", record(out))


def render_json_a_sparse_6_gb_file(out):
    with open(record(out), "r+b") as handle:
        handle.truncate(6 * 1024**3)


def render_json_a_folder(out):
    record(out).unlink()
    record(out).mkdir()


def report_folder_linked_elsewhere(out):
    elsewhere = out.parent / "elsewhere"
    (out / "brief").rename(elsewhere)
    os.symlink(elsewhere, out / "brief")


def report_folder_linked_to_etc(out):
    os.symlink("/etc", out / "etc")


def report_folder_is_a_pipe(out):
    os.mkfifo(out / "notes")


def extra_folder_linked_to_proc(out):
    os.symlink("/proc/self", out / "brief.adhoc-12345678")


# -- what is not the JSON sitrep writes ---------------------------------------------------------

def render_json_not_json(out):
    record(out).write_text("{not json", encoding="utf-8")


def render_json_a_list(out):
    record(out).write_text("[1, 2]", encoding="utf-8")


def render_json_nested_100000_deep(out):
    record(out).write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")


def render_json_not_utf8(out):
    record(out).write_bytes(b'{"title": "\xff"}')


# -- a folder named like a link -----------------------------------------------------------------

def folder_named_like_a_javascript_url(out):
    folder = out / "javascript:void(0)"
    folder.mkdir()
    (folder / RENDER_JSON).write_text(json.dumps({**RECORD, "name": "javascript:void(0)"}),
                                      encoding="utf-8")
    (folder / "javascript:void(0).html").write_text("x", encoding="utf-8")


def folder_named_like_a_javascript_url_holding_a_report(out):
    folder = out / "javascript:alert(1)"
    folder.mkdir()
    (folder / RENDER_JSON).write_text(json.dumps(RECORD), encoding="utf-8")


def folder_claiming_another_report(out):
    folder = out / "brief.adhoc-00000000"
    folder.mkdir()
    (folder / RENDER_JSON).write_text(json.dumps({**RECORD, "name": "javascript:void(0)//"}),
                                      encoding="utf-8")


HOSTILE = [
    (render_json_is_a_named_pipe, "not a regular file"),
    (render_json_linked_to_dev_zero, "is a link"),
    (render_json_linked_to_passwd, "is a link"),
    (render_json_a_sparse_6_gb_file, "a render record holds at most 1,000,000"),
    (render_json_a_folder, "not a regular file"),
    (report_folder_linked_elsewhere, "is a link"),
    (report_folder_linked_to_etc, "is a link"),
    (report_folder_is_a_pipe, "not a folder"),
    (extra_folder_linked_to_proc, "is a link"),
    (render_json_not_json, "not the JSON object sitrep writes"),
    (render_json_a_list, "not the JSON object sitrep writes"),
    (render_json_nested_100000_deep, "not the JSON object sitrep writes"),
    (render_json_not_utf8, "not the JSON object sitrep writes"),
    (field("seconds", "fast"), "'seconds' must be a number of seconds"),
    (field("seconds", True), "'seconds' must be a number of seconds"),
    (field("seconds", 1e308), "'seconds' must be a number of seconds"),
    (field("seconds", -1), "'seconds' must be a number of seconds"),
    (field("digest", "not hex"), "'digest' must be a hex digest"),
    (field("digest", 5), "'digest' must be a hex digest"),
    (field("dataset_digest", ["c"]), "'dataset_digest' must be a hex digest"),
    (field("inputs", {"a": 1}), "'inputs' must be a hex digest"),
    (field("formats", "html"), "'formats' must list formats sitrep writes"),
    (field("formats", ["html", "exe"]), "'formats' must list formats sitrep writes"),
    (field("parameters", ["dataset", "/"]), "'parameters' must map parameter names to text"),
    (field("parameters", {"dataset": 7}), "'parameters' must map parameter names to text"),
    (field("notebook", "../../etc/passwd"), "'notebook' must be a notebook's file name"),
    (field("notebook", "/dev/zero.ipynb"), "'notebook' must be a notebook's file name"),
    (field("status", "pwned"), "'status' must be a status sitrep writes"),
    (field("rendered_at", "<script>alert(1)</script>"), "'rendered_at' must be a UTC time"),
    (field("title", 3), "'title' must be text"),
    (field("name", "javascript:void(0)//"), "'name' must be a report name"),
    (folder_named_like_a_javascript_url, "'name' must be a report name"),
    (folder_named_like_a_javascript_url_holding_a_report, "is not a report's folder"),
    (folder_claiming_another_report, "'name' must be a report name"),
]


@pytest.mark.parametrize("command", [["index"], ["render", "--list"]], ids=["index", "list"])
@pytest.mark.parametrize(("mutate", "rule"), HOSTILE, ids=[m.__name__ for m, _ in HOSTILE])
def test_a_hostile_output_folder_is_one_message_and_exit_2(out, mutate, rule, command):
    mutate(out)
    result = sitrep(out, *command)  # within the timeout: a pipe is never waited on
    shown = result.stdout + result.stderr
    if command == ["render", "--list"] and mutate.__name__ in (
            "report_folder_linked_to_etc", "report_folder_is_a_pipe",
            "extra_folder_linked_to_proc", "folder_named_like_a_javascript_url",
            "folder_named_like_a_javascript_url_holding_a_report",
            "folder_claiming_another_report"):
        # --list reads the chosen reports' folders only: what lies beside them is the index's
        assert result.returncode == 0, shown
        return
    assert result.returncode == 2, shown
    assert shown.count("error:") == 1 and rule in shown, shown
    assert "Traceback" not in shown and "MemoryError" not in shown
    for leaked in (SECRET, "root:x:0", os.uname().nodename):
        assert leaked not in shown, shown
    assert not (out / "index.html").exists() or "javascript:" not in (
        out / "index.html").read_text(encoding="utf-8")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.hrefs += [value for name, value in attrs if tag == "a" and name == "href"]


def test_the_index_links_only_to_each_report_s_own_files(out):
    adhoc = out / "brief.adhoc-1a2b3c4d"
    adhoc.mkdir()
    (adhoc / RENDER_JSON).write_text(json.dumps({**RECORD, "name": adhoc.name}),
                                     encoding="utf-8")
    (adhoc / f"{adhoc.name}.html").write_text("x", encoding="utf-8")
    os.symlink("/etc/passwd", adhoc / f"{adhoc.name}.pdf")  # a link is no published file
    (out / "notes").mkdir()  # a folder with no record is no report, and no message
    result = sitrep(out, "index")
    # exit 1: the hand-written records are stale (rendered from other inputs), no hostile input
    assert result.returncode == 1 and "error:" not in result.stderr, result.stderr
    parser = _Links()
    parser.feed((out / "index.html").read_text(encoding="utf-8"))
    assert sorted(parser.hrefs) == ["./brief.adhoc-1a2b3c4d/brief.adhoc-1a2b3c4d.html",
                                    "./brief/brief.html"]


@pytest.mark.parametrize(("name", "fmt"), [("javascript:void(0)//", "html"),
                                           ("brief", "javascript:alert(1)"),
                                           ("Brief", "html"), ("../brief", "html")])
def test_a_link_is_written_only_for_a_plain_name_and_a_known_format(name, fmt):
    with pytest.raises(ValueError, match="no link"):
        index.link(name, fmt)
    assert index.link("brief.adhoc-1a2b3c4d", "pdf") == \
        "./brief.adhoc-1a2b3c4d/brief.adhoc-1a2b3c4d.pdf"


def test_a_missing_folder_or_record_is_no_record(tmp_path):
    assert read_record(tmp_path / "never") == {}
    (tmp_path / "empty").mkdir()
    assert read_record(tmp_path / "empty") == {}
