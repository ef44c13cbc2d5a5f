"""The command line and the renderer under interrupts, odd options and stray parameters:
nothing hangs, nothing is published over a manifest report, every refusal is one message."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from conftest import busy_dataset, ceiling

from sitrep import paths
from sitrep.pipeline import adhoc, manifest

FICTIONAL = paths.ROOT / "tests" / "data" / "fictional"


def sitrep(*args: str | bytes, env: dict | None = None, timeout: int = 300):
    return subprocess.run([sys.executable, "-m", "sitrep.cli", *args], capture_output=True,
                          timeout=timeout, cwd=paths.ROOT, env={**os.environ, **(env or {})},
                          check=False)


def text(result) -> str:
    return (result.stdout + result.stderr).decode("utf-8", "replace")


# -- command line ------------------------------------------------------------------------------

DIGITS_5000 = "9" * 5_000
JOBS_RULE = "--jobs takes a whole number from 1 to 256, written in the digits 0-9"
SHARD_RULE = "a shard is I/N with 1 <= I <= N <= 10,000"

#: (attack, the options, what the one message says): every numeric option is bounded on its
#: text before it is converted (Python's int() refuses past 4,300 digits, with a traceback).
NUMERIC_OPTIONS = [
    ("jobs_zero", ["--jobs", "0"], JOBS_RULE),
    ("jobs_negative", ["--jobs", "-1"], JOBS_RULE),
    ("jobs_in_words", ["--jobs", "two"], JOBS_RULE),
    ("jobs_of_5000_digits", ["--jobs", DIGITS_5000], JOBS_RULE),
    ("jobs_in_fullwidth_digits", ["-j", "\uff18"], JOBS_RULE),
    ("jobs_past_the_limit", ["-j", "257"], JOBS_RULE),
    ("jobs_in_exponent_notation", ["-j", "1e3"], JOBS_RULE),
    ("shard_count_of_5000_digits", ["--shard", f"1/{DIGITS_5000}"], SHARD_RULE),
    ("shard_index_of_5000_digits", ["--shard", f"{DIGITS_5000}/2"], SHARD_RULE),
    ("shard_count_past_the_limit", ["--shard", "1/10001"], SHARD_RULE),
    ("shard_in_fullwidth_digits", ["--shard", "\uff11/\uff12"], SHARD_RULE),
    ("shard_index_past_its_count", ["--shard", "3/2"], SHARD_RULE),
    ("shard_zero", ["--shard", "0/2"], SHARD_RULE),
    ("shard_with_two_slashes", ["--shard", "1/2/3"], SHARD_RULE),
    ("shard_without_a_slash", ["--shard", "2"], SHARD_RULE),
]


@pytest.mark.parametrize(("options", "rule"), [c[1:] for c in NUMERIC_OPTIONS],
                         ids=[c[0] for c in NUMERIC_OPTIONS])
def test_a_numeric_option_out_of_bounds_is_one_message(options, rule):
    result = sitrep("render", "--list", *options)
    shown = text(result)
    assert result.returncode == 2, shown
    assert rule in shown and "Traceback" not in shown and "int_max_str_digits" not in shown
    assert shown.count("error:") == 1, shown
    assert len(shown) < 2_000  # an excerpt of the value, never 5,000 digits


@pytest.mark.parametrize("options", [["-j", "256"], ["--shard", "1/1"],
                                     ["--shard", "10000/10000"]],
                         ids=["jobs_at_the_limit", "one_shard", "last_of_10000_shards"])
def test_a_numeric_option_within_bounds_is_taken(options):
    result = sitrep("render", "--list", *options)
    assert result.returncode == 0, text(result)
    assert "would render" in text(result) or "nothing to render" in text(result), text(result)


@pytest.mark.parametrize("extent", [f"30,44,{DIGITS_5000},53", "30,44,\uff14\uff12,53",
                                    "30,44,4e1,53", "30,44,inf,53"],
                         ids=["extent_of_5000_digits", "extent_in_fullwidth_digits",
                              "extent_in_exponent_notation", "extent_infinite"])
def test_an_extent_is_read_on_its_text(extent):
    from sitrep.pipeline.parameters import ParameterError, check

    with pytest.raises(ParameterError, match="must be four numbers") as refused:
        check("extent", extent)
    assert len(str(refused.value)) < 300


def test_help_states_the_jobs_default():
    assert "default: one per core" in " ".join(text(sitrep("render", "--help")).split())


@pytest.mark.parametrize("argv", [["--debug", "check", "data"], ["check", "data", "--debug"],
                                  ["check", "--debug", "data"]])
def test_debug_is_accepted_before_or_after_the_subcommand(argv):
    assert sitrep(*argv).returncode == 0


def test_undecodable_parameter_bytes_name_the_parameter():
    result = sitrep("render", "brief", "-p", b"title=caf\xe9", "--format", "html")
    assert result.returncode == 2
    assert "parameter 'title': the value must be UTF-8 text (byte 0xe9" in text(result)
    assert "codec" not in text(result)


def test_dataset_outside_the_project_is_refused_like_in_the_manifest(tmp_path):
    outside = shutil.copytree(FICTIONAL, tmp_path / "fictional")
    result = sitrep("render", "force_sizes", "-p", f"dataset={outside}", "--format", "html",
                    "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "outside the project" in text(result) and "SITREP_DATA_ROOTS" in text(result)
    assert not (tmp_path / "out").exists()


def test_unknown_measure_id_is_refused_before_any_kernel(tmp_path):
    out = tmp_path / "out"
    result = sitrep("render", "force_sizes", "-p", "measures=troops", "--format", "html",
                    "--out", str(out))
    assert result.returncode == 2, text(result)
    assert "bad parameter" in text(result)
    assert "parameter 'measures' names 'troops'" in text(result)
    assert "Traceback" not in text(result)
    assert [p.name for p in out.iterdir()] == ["index.html"]  # no report folder


# -- parameters from the command line: where they go, under which name ------------------------

def _entries() -> list[manifest.Entry]:
    return [e for e in manifest.load() if e.name in ("brief", "force_sizes", "actor_positions")]


def test_a_parameter_goes_only_to_the_reports_that_declare_it():
    said: list[str] = []
    entries = adhoc.apply(_entries(), {"measures": "troops_massed"}, say=said.append)
    by_name = {e.name.split(".")[0]: e for e in entries}
    assert by_name["force_sizes"].parameters["measures"] == "troops_massed"
    assert "measures" not in by_name["brief"].parameters
    assert by_name["brief"].name == "brief"  # untouched: still the manifest's report
    assert any("not to brief, actor_positions" in line for line in said)


def test_a_parameter_no_chosen_report_declares_is_refused():
    brief = [e for e in _entries() if e.name == "brief"]
    with pytest.raises(manifest.ManifestError, match="none of the chosen reports declares"):
        adhoc.apply(brief, {"measures": "x"}, say=lambda _: None)


def test_adhoc_render_gets_its_own_stable_name():
    (first,) = adhoc.apply([e for e in _entries() if e.name == "brief"],
                           {"as_of": "2024-11-20"}, say=lambda _: None)
    (again,) = adhoc.apply([e for e in _entries() if e.name == "brief"],
                           {"as_of": "2024-11-20"}, say=lambda _: None)
    (other,) = adhoc.apply([e for e in _entries() if e.name == "brief"],
                           {"as_of": "2024-11-21"}, say=lambda _: None)
    assert first.name == "brief.as_of-2024-11-20" and manifest.NAME.fullmatch(first.name)
    assert first.name == again.name != other.name
    assert first.parameters["as_of"] == "2024-11-20" and first.adhoc


@pytest.mark.parametrize(("given", "expected"), [
    ({"dataset": "datasets/red-sea-2023-2024"}, r"brief\.dataset-red-sea-2023-2024"),
    ({"as_of": "2024-11-20", "since": "2024-11-12"},
     r"brief\.as_of-2024-11-20\.since-2024-11-12"),
    ({"title": "It's a brief"}, r"brief\.title-it-s-a-brief-[0-9a-f]{8}"),
    ({"title": "x" * 200}, r"brief\.title-x{50,}-[0-9a-f]{8}"),
    ({"title": "../../etc"}, r"brief\.title-etc-[0-9a-f]{8}"),
    ({"title": "///"}, r"brief\.title-empty-[0-9a-f]{8}"),
], ids=["data_set_in_datasets", "two_dates", "value_the_slug_cannot_show", "value_too_long",
        "value_like_a_path", "value_of_no_letters"])
def test_an_adhoc_render_is_named_by_a_readable_slug_of_its_parameters(given, expected):
    (entry,) = adhoc.apply([e for e in _entries() if e.name == "brief"], given,
                           say=lambda _: None)
    assert re.fullmatch(expected, entry.name), entry.name
    assert manifest.NAME.fullmatch(entry.name) and len(entry.name) <= 80


@pytest.mark.parametrize(("name", "given", "expected"), [
    ("red-sea", {"dataset": "datasets/red-sea-2023-2024"}, None),
    ("brief", {"as_of": "2024-11-20"}, "is a report of the manifest"),
    ("Bad/Name", {"as_of": "2024-11-20"}, "must be lower-case letters"),
    ("x", {}, "names one ad-hoc render"),
], ids=["named", "manifest_name", "unsafe_name", "no_parameters"])
def test_an_adhoc_render_named_on_the_command_line(name, given, expected):
    brief = [e for e in _entries() if e.name == "brief"]
    if expected is None:
        (entry,) = adhoc.apply(brief, given, say=lambda _: None, name=name)
        assert entry.name == name and entry.adhoc
    else:
        with pytest.raises(manifest.ManifestError, match=expected):
            adhoc.apply(brief, given, say=lambda _: None, name=name,
                        taken=frozenset(e.name for e in _entries()))


# -- rendering for real: formats, failed notebooks, interrupts ---------------------------------

@pytest.fixture
def one_report(tmp_path, monkeypatch):
    """One force-size report on a copy of the fictional data set, in its own manifest."""
    monkeypatch.setenv("SITREP_DATA_ROOTS", str(tmp_path))
    data = shutil.copytree(FICTIONAL, tmp_path / "data")
    text_ = (f'[[report]]\nname = "one"\nnotebook = "force_sizes.ipynb"\n'
             f'parameters.dataset = "{data}"\n')
    (tmp_path / "reports.toml").write_text(text_, encoding="utf-8")
    return {"manifest": tmp_path / "reports.toml", "out": tmp_path / "reports", "data": data,
            "env": {"SITREP_DATA_ROOTS": str(tmp_path)}}


def _render(report, *extra: str):
    return sitrep("render", "--manifest", str(report["manifest"]), "--out",
                  str(report["out"]), *extra, env=report["env"])


@pytest.mark.e2e
def test_rendering_some_formats_removes_the_others_made_from_older_inputs(one_report):
    first = _render(one_report)
    assert first.returncode == 0
    assert "without encryption" not in text(first)  # kernels talk over private Unix sockets
    folder = one_report["out"] / "one"
    assert (folder / "one.pdf").is_file()
    # same inputs, HTML only: the PDF is still current and stays
    assert _render(one_report, "--format", "html", "--force").returncode == 0
    assert (folder / "one.pdf").is_file()
    assert json.loads((folder / "render.json").read_text())["formats"] == ["html", "pdf"]
    # the data change, HTML only: the PDF of the old data goes, and the index lists HTML only
    actors = one_report["data"] / "facts" / "actors.csv"
    actors.write_text(actors.read_text(encoding="utf-8").replace("Fictional state.",
                                                                 "A fictional state."))
    assert _render(one_report, "--format", "html").returncode == 0
    assert not (folder / "one.pdf").exists()
    assert json.loads((folder / "render.json").read_text())["formats"] == ["html"]
    assert "one.pdf" not in (one_report["out"] / "index.html").read_text(encoding="utf-8")


@pytest.mark.e2e
def test_a_successful_render_clears_its_stale_failed_notebook(one_report):
    stale = paths.FAILED / "one.ipynb"
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_text("{}", encoding="utf-8")
    assert _render(one_report, "--format", "html").returncode == 0
    assert not stale.exists()


#: Every process a started render makes (kernels, the browser's driver) inherits this mark, so
#: the test finds its own among the kernels other tests run at the same time (xdist).
RUN_MARK = f"SITREP_TEST_RUN={uuid.uuid4().hex}"


def _start(report, *, sigint: bool) -> subprocess.Popen:
    """A render in a session of its own, SIGINT at its default (as from a terminal) or
    ignored (as a job started from a script)."""
    def child() -> None:
        signal.signal(signal.SIGINT, signal.SIG_DFL if sigint else signal.SIG_IGN)

    return subprocess.Popen(
        [sys.executable, "-m", "sitrep.cli", "render", "--manifest", str(report["manifest"]),
         "--out", str(report["out"]), "--force"],
        cwd=paths.ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True, preexec_fn=child,
        env={**os.environ, **report["env"], "SITREP_TEST_RUN": RUN_MARK.split("=", 1)[1]})


def _ours() -> set[int]:
    """Kernels and browser drivers of the renders this module started (by their mark)."""
    mark = RUN_MARK.encode()
    found = set()
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            environ = (entry / "environ").read_bytes().split(b"\0")
        except (OSError, ValueError):
            continue
        if mark in environ and ("ipykernel" in command or "driver/package/cli.js" in command):
            found.add(int(entry.name))
    return found


@pytest.mark.e2e
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl_c", "terminate"])
def test_an_interrupt_stops_within_two_seconds_with_one_line(one_report, sig):
    # A notebook that runs for seconds (the fictional data set's was sometimes over, and the
    # report published with exit 0, before the signal landed on a loaded machine): the signal
    # is sent as soon as the notebook executes, and lands mid-run however loaded the machine.
    shutil.rmtree(one_report["data"])
    busy_dataset(one_report["data"])
    before = _ours()
    process = _start(one_report, sigint=True)
    assert process.stdout is not None
    for line in process.stdout:  # wait until a notebook is running, then stop mid-run
        if "executing" in line:
            break
    else:
        pytest.fail(f"the render ended before a notebook ran: {process.wait()}")
    os.killpg(process.pid, sig)
    started = time.monotonic()
    process.wait(timeout=ceiling(2.0) + 30)
    stopped = time.monotonic() - started
    print(f"stopped {stopped:.2f} s after the signal (README: within 2 s on a quiet machine)")
    assert process.returncode == 130
    assert stopped < ceiling(2.0)
    assert process.stderr is not None and process.stderr.read() == "interrupted\n"
    deadline = time.monotonic() + ceiling(2.0)  # the kernels' and the driver's exits
    while _ours() - before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _ours() - before == set(), "a kernel or the browser's driver outlived the run"
    assert not (one_report["out"] / "one" / "one.html").exists()


@pytest.mark.e2e
def test_a_group_sigint_the_run_ignores_does_not_break_the_browser(one_report):
    """A job started from a script ignores SIGINT; a SIGINT to its group must not reach the
    browser's driver alone (every PDF would fail after it)."""
    process = _start(one_report, sigint=False)
    assert process.stdout is not None
    for line in process.stdout:
        if "executing" in line:
            break
    os.killpg(process.pid, signal.SIGINT)
    rest = process.stdout.read()
    assert process.wait(timeout=300) == 0, rest + (process.stderr.read() if process.stderr
                                                   else "")
    assert (one_report["out"] / "one" / "one.pdf").read_bytes().startswith(b"%PDF")
