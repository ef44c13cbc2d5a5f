"""The command line speaks first and finishes clearly: a first line saying what it does, one
state per report at a time, no spinner redrawn after an interrupt, "did you mean" for report
and parameter names, every file written named, --list, exit codes and plain text in --help,
and no suite, kernel or browser imported for --help or check."""

from __future__ import annotations

import contextlib
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import busy_dataset

from sitrep import paths
from sitrep.cli import build_parser
from sitrep.pipeline.errors import did_you_mean

FICTIONAL = paths.ROOT / "tests" / "data" / "fictional"


def sitrep(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sitrep.cli", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=paths.ROOT, check=False)


@pytest.fixture
def two_reports(tmp_path, monkeypatch):
    """Two reports of two copies of the fictional data set, HTML only."""
    monkeypatch.setenv("SITREP_DATA_ROOTS", str(tmp_path))
    text = '[defaults]\nformats = ["html"]\n'
    for name in ("one", "two"):
        shutil.copytree(FICTIONAL, tmp_path / name)
        text += (f'[[report]]\nname = "{name}"\nnotebook = "force_sizes.ipynb"\n'
                 f'parameters.dataset = "{tmp_path / name}"\n')
    (tmp_path / "reports.toml").write_text(text, encoding="utf-8")
    return ["--manifest", str(tmp_path / "reports.toml"), "--out", str(tmp_path / "out")]


# -- did you mean -------------------------------------------------------------------------------

@pytest.mark.parametrize(("word", "choices", "hint"), [
    ("breif", ["brief", "force_sizes"], "; did you mean 'brief'?"),
    ("titel", ["title", "as_of", "dataset"], "; did you mean 'title'?"),
    ("force_size", ["force_sizes", "force_sizes-eastern-drc", "brief"],
     "; did you mean 'force_sizes' or 'force_sizes-eastern-drc'?"),
    ("mesures", ["measures", "min_grade"], "; did you mean 'measures'?"),
    ("zzz", ["brief", "title"], ""),
    ("brief", [], ""),
], ids=["report_transposed", "parameter_transposed", "two_close", "parameter_letter_missing",
        "nothing_close", "no_choices"])
def test_did_you_mean_names_the_close_choices(word, choices, hint):
    assert did_you_mean(word, choices) == hint


@pytest.mark.parametrize(("argv", "expected"), [
    (["render", "breif"], "no report named 'breif' (did you mean 'brief'?)"),
    (["render", "brief", "-p", "titel=x"],
     "declares the parameter 'titel' (brief); did you mean 'title'?"),
    (["render", "force_sizes", "-p", "mesures=x"], "did you mean 'measures'?"),
    (["render", "nothing_like_it"], "no report named 'nothing_like_it' in reports.toml; "
                                    "'sitrep render --list' lists them"),
], ids=["report_name", "parameter_name", "parameter_of_another_report", "no_close_name"])
def test_a_mistyped_name_gets_a_did_you_mean_before_anything_runs(argv, expected):
    result = sitrep(*argv)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


# -- help -----------------------------------------------------------------------------------------

def _helps() -> dict[str, str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.choices and "render" in a.choices)
    return {"sitrep": parser.format_help(),
            **{f"sitrep {name}": p.format_help() for name, p in sub.choices.items()}}


@pytest.mark.parametrize("command", list(_helps()))
def test_help_is_plain_text_and_states_the_exit_codes(command):
    text = _helps()[command]
    assert "`" not in text and ":func:" not in text and "::" not in text
    for code in ("0 ", "1 ", "2 ", "130 "):
        assert re.search(rf"^  {code}", text, re.MULTILINE), (command, code)


def test_the_docstring_names_every_command():
    import sitrep.cli

    commands = [name.split()[1] for name in _helps() if " " in name]
    for command in commands:
        assert f"sitrep {command}" in sitrep.cli.__doc__


@pytest.mark.parametrize("argv", [["--help"], ["check", "tests/data/fictional"]],
                         ids=["help", "check"])
def test_help_and_check_import_neither_the_suite_nor_kernels_nor_the_browser(argv):
    code = ("import sys, runpy; sys.argv = ['sitrep', *sys.argv[1:]]\n"
            "try:\n    runpy.run_module('sitrep.cli', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "heavy = ('sitrep.pipeline.suite', 'sitrep.pipeline.kernels', 'sitrep.pipeline.pdf',"
            " 'playwright', 'jupyter_client', 'papermill', 'nbconvert')\n"
            "print('LOADED', [m for m in heavy if m in sys.modules], file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True,
                            cwd=paths.ROOT, timeout=300, check=False)
    assert "LOADED []" in result.stderr, result.stderr[-500:]


# -- --list ---------------------------------------------------------------------------------------

def test_list_says_what_would_render_and_why_without_rendering(two_reports, tmp_path):
    result = sitrep("render", *two_reports, "--list")
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line.split()[1:3] for line in result.stdout.splitlines()
            if line.startswith(("one ", "two "))}
    assert rows == {"one": ["render", "missing:"], "two": ["render", "missing:"]}
    assert "2 of 2 would render (2 missing)" in result.stdout
    assert not (tmp_path / "out").exists()
    shard = sitrep("render", *two_reports, "--list", "--shard", "2/2")
    rows = [line.split()[:3] for line in shard.stdout.splitlines() if line.startswith("two ")]
    assert rows == [["two", "render", "missing:"]] and "one " not in shard.stdout


def _notebook_saved_with_outputs(tmp_path: Path) -> dict[str, str]:
    import nbformat

    notebooks = tmp_path / "notebooks"
    shutil.copytree(paths.NOTEBOOKS, notebooks)
    nb = nbformat.read(notebooks / "force_sizes.ipynb", as_version=4)
    nb.cells[1].execution_count = 4
    nbformat.write(nb, notebooks / "force_sizes.ipynb")
    return {"SITREP_NOTEBOOKS": str(notebooks)}


#: What a real render refuses before it executes anything, and --list must refuse alike:
#: (extra arguments, environment made in tmp_path, what the message says).
PREFLIGHT = {
    "notebook_saved_with_outputs": ((), _notebook_saved_with_outputs,
                                    "one: refused: "),
    "grade_out_of_range": (("-p", "min_grade=Z9"), None,
                           "bad parameter: parameter 'min_grade' must be an Admiralty grade"),
    "unknown_measure_id": (("-p", "measures=troops_nowhere"), None,
                           "bad parameter: parameter 'measures' names 'troops_nowhere'"),
    "missing_data_set_folder": (("-p", "dataset=datasets/red-sea-2023-2042"), None,
                                "datasets/red-sea-2023-2042"),
    "unknown_format": (("--format", "odt"), None, "error: --format: "),
    "no_browser_for_pdf": (("--format", "pdf"),
                           lambda tmp: {"SITREP_CHROMIUM": str(tmp / "no-chromium")},
                           "refused: its formats need a browser: SITREP_CHROMIUM="),
}


def _refusal_lines(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stderr.splitlines()
            if line.startswith(("one", "error:"))]


@pytest.mark.parametrize("case", list(PREFLIGHT))
def test_list_is_the_preflight_and_refuses_as_the_render_does(two_reports, tmp_path,
                                                               monkeypatch, case):
    extra, environment, expected = PREFLIGHT[case]
    for name, value in (environment(tmp_path) if environment else {}).items():
        monkeypatch.setenv(name, value)
    listed = sitrep("render", "one", *two_reports, *extra, "--list")
    rendered = sitrep("render", "one", *two_reports, *extra)
    assert (listed.returncode, rendered.returncode) == (2, 2), listed.stdout + rendered.stdout
    said = _refusal_lines(listed)
    assert said == _refusal_lines(rendered), (listed.stderr, rendered.stderr)
    assert said and expected in said[0], said
    assert "nothing was rendered" in listed.stdout or said[0].startswith("error:")
    assert not (tmp_path / "out" / "one").exists()


# -- a render that speaks first ------------------------------------------------------------------

def _states(lines: list[str]) -> list[dict[str, str]]:
    """Each report's state after each log line ('[  1.2s] one: executing')."""
    now: dict[str, str] = {}
    seen = []
    for line in lines:
        match = re.match(r"\[\s*[\d.]+s\] (one|two): (.*)", line)
        if match:
            now[match[1]] = match[2]
            seen.append(dict(now))
    return seen


@pytest.mark.e2e
def test_a_render_speaks_first_one_state_at_a_time_and_names_every_file(two_reports, tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "sitrep.cli", "render", *two_reports, "--jobs", "1"],
        cwd=paths.ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started = time.monotonic()
    first = process.stdout.readline()
    first_after = time.monotonic() - started
    second = process.stdout.readline()
    rest, errors = process.communicate(timeout=600)
    assert process.returncode == 0, errors
    assert first.strip() == ("2 reports chosen: checking which are current, then validating "
                             "2 data sets and starting kernels")
    assert re.match(r"\[\s*[\d.]+s\] 2 reports to render: validating 2 data sets \(.*\), "
                    r"starting 1 kernel$", second.strip()), second
    print(f"first line after {first_after:.2f} s (not asserted: timed in the benchmark)")
    for state in _states(rest.splitlines()):
        assert list(state.values()).count("executing") <= 1, state
    out = tmp_path / "out"
    written = rest.split("files written:\n", 1)[1].split()
    expected = [out / n / f for n in ("one", "two") for f in (f"{n}.html", "render.json")]
    assert sorted(map(Path, written)) == sorted([*expected, out / "index.html"])
    assert all(Path(p).is_file() for p in written)


def _read_pty(fd: int, until: float) -> bytes:
    chunks = b""
    while time.monotonic() < until:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks += chunk
    return chunks


@pytest.fixture
def terminal():
    """A pseudo-terminal's (leader, follower) descriptors, closed after the test (the follower
    as soon as the test hands it to a child, see :func:`_hand_over`); where none can be opened
    (a root without /dev/ptmx or devpts), the test is skipped, saying so."""
    try:
        ends = list(pty.openpty())
    except OSError as error:
        pytest.skip(f"needs a pseudo-terminal, and none can be opened here: {error}")
    yield ends
    for fd in ends:
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)


def _hand_over(ends: list, index: int) -> None:
    """Close this process's copy of a descriptor a child now holds (so the leader reads EOF
    once the child is gone), once: the fixture does not close it again."""
    os.close(ends[index])
    ends[index] = None


@pytest.fixture
def busy_reports(tmp_path, monkeypatch):
    """Two reports of one synthetic data set whose notebook runs for seconds, HTML only: a
    signal sent once a notebook executes lands mid-run however loaded the machine (with the
    fictional data set the run was sometimes over, exit 0, before the signal landed)."""
    monkeypatch.setenv("SITREP_DATA_ROOTS", str(tmp_path))
    data = busy_dataset(tmp_path / "busy")
    text = '[defaults]\nformats = ["html"]\n'
    for name in ("one", "two"):
        text += (f'[[report]]\nname = "{name}"\nnotebook = "force_sizes.ipynb"\n'
                 f'parameters.dataset = "{data}"\n')
    (tmp_path / "reports.toml").write_text(text, encoding="utf-8")
    return ["--manifest", str(tmp_path / "reports.toml"), "--out", str(tmp_path / "out")]


@pytest.mark.e2e
def test_no_spinner_is_redrawn_after_an_interrupt(terminal, busy_reports):
    """On a terminal (a pseudo-terminal here) Ctrl-C leaves 'interrupted' as the last thing
    shown: the live display was stopped before it, every unfinished report saying so."""
    leader, follower = terminal
    process = subprocess.Popen(
        [sys.executable, "-m", "sitrep.cli", "render", *busy_reports, "--force"],
        cwd=paths.ROOT, stdin=follower, stdout=follower, stderr=follower,
        start_new_session=True)
    _hand_over(terminal, 1)
    shown = b""
    deadline = time.monotonic() + 300
    while b"executing" not in shown and time.monotonic() < deadline:
        shown += _read_pty(leader, time.monotonic() + 0.2)
    assert b"executing" in shown, shown[-2000:]
    os.killpg(process.pid, signal.SIGINT)
    # everything the run draws until it has exited (the leader reads EOF then)
    shown += _read_pty(leader, time.monotonic() + 60)
    assert process.wait(timeout=60) == 130, shown[-2000:]
    text = re.sub(r"\x1b\[[0-9;?]*[ -/]*[@-~]", "", shown.decode("utf-8", "replace"))
    last = text.rstrip().rsplit("interrupted", 1)
    assert last[1].strip() == "", f"something was drawn after 'interrupted': {last[1]!r}"
    assert not re.search("[\u2800-\u28ff]", last[0].rsplit("\n", 3)[-1])
