"""The report suite: manifest, incremental renders, isolation of failures, atomic outputs."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import busy_dataset

from sitrep import paths
from sitrep.pipeline import formats, manifest

FICTIONAL = paths.ROOT / "tests" / "data" / "fictional"


def _write_manifest(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "names"), [
    ('[[report]]\nname = "brief"\nnotebook = "brief.ipynb"\n', ["brief"]),
    ('[[report]]\nname = "b-{as_of}"\nnotebook = "brief.ipynb"\n'
     'matrix.as_of = ["2024-11-09", "2024-11-30"]\n', ["b-2024-11-09", "b-2024-11-30"]),
    ('[[report]]\nname = "f-{dataset}-{min_grade}"\nnotebook = "force_sizes.ipynb"\n'
     'matrix.dataset = ["a", "b"]\nmatrix.min_grade = ["c3"]\n', ["f-a-c3", "f-b-c3"]),
], ids=["single", "matrix_of_dates", "matrix_of_two_axes"])
def test_manifest_expands_matrices(tmp_path, text, names):
    entries = manifest.load(_write_manifest(tmp_path / "m.toml", text))
    assert [e.name for e in entries] == names


@pytest.mark.parametrize(("text", "message"), [
    ('[[report]]\nname = "x"\nnotebook = "brief.ipynb"\ncolour = "red"\n', "unknown keys"),
    ('[[report]]\nnotebook = "brief.ipynb"\n', "needs a name and a notebook"),
    ('[[report]]\nname = "../escape"\nnotebook = "brief.ipynb"\n', "must be lower-case"),
    ('[[report]]\nname = "/abs"\nnotebook = "brief.ipynb"\n', "must be lower-case"),
    ('[[report]]\nname = "x"\nnotebook = "../README.md"\n', "must be a file in notebooks/"),
    ('[[report]]\nname = "x"\nnotebook = "brief.ipynb"\nformats = ["odt"]\n', "formats"),
    ('[[report]]\nname = "x-{nope}"\nnotebook = "brief.ipynb"\n', "not a parameter"),
    ('[[report]]\nname = "x"\nnotebook = "brief.ipynb"\n[[report]]\nname = "x"\n'
     'notebook = "brief.ipynb"\n', "must be unique"),
    ('[[report]]\nname = "x"\nnotebook = "brief.ipynb"\nparameters.title = true\n',
     "parameter values are strings"),
    ('[[report]\n', "cannot read the manifest"),
    ('[[report]]\nname = "x"\nnotebook = "brief.ipynb"\nparameters.dataset = "../elsewhere"\n',
     "outside the project"),
    ('[[report]]\nname = "x"\nnotebook = "brief.ipynb"\nparameters.dataset = "/etc"\n',
     "is absolute"),
    ('[[report]]\nname = "x"\nnotebook = "brief.ipynb"\nparameters.dataset = "data/../../x"\n',
     "outside the project"),
    ('[[report]]\nname = "x"\nnotebook = "brief.ipynb"\nparameters.dataset = "data\\nx"\n',
     "line breaks"),
    ('[[report]]\nname = "x"\nnotebook = "brief.ipynb"\nmatrix.dataset = ["data", "../x"]\n',
     "outside the project"),
], ids=["unknown_key", "missing_name", "name_escapes_folder", "absolute_name",
        "notebook_outside_notebooks", "unknown_format", "template_unknown_parameter",
        "duplicate_name", "boolean_parameter", "broken_toml", "dataset_parent_escape",
        "dataset_absolute", "dataset_escape_after_normalising", "dataset_with_newline",
        "dataset_escape_in_matrix"])
def test_manifest_errors_state_the_rule(tmp_path, text, message):
    with pytest.raises(manifest.ManifestError, match=message):
        manifest.load(_write_manifest(tmp_path / "m.toml", text))


def test_sibling_with_the_same_prefix_is_outside(tmp_path, monkeypatch):
    root = tmp_path / "data"
    root.mkdir()
    sibling = tmp_path / "data-evil"
    sibling.mkdir()
    monkeypatch.setenv("SITREP_DATA_ROOTS", str(root))
    text = f'[[report]]\nname = "x"\nnotebook = "brief.ipynb"\nparameters.dataset = "{sibling}"\n'
    with pytest.raises(manifest.ManifestError, match="is absolute"):
        manifest.load(_write_manifest(tmp_path / "m.toml", text))


def test_shipped_manifest_has_the_reports_and_an_as_of_variant():
    names = [e.name for e in manifest.load()]
    assert {"brief", "force_sizes", "actor_positions"} <= set(names)
    assert any(n.startswith("brief-as-of-") for n in names)


# -- rendering, for real --------------------------------------------------------------------

def _sitrep(*args: str, timeout: int = 400) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sitrep.cli", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=paths.ROOT)


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def suite(tmp_path, monkeypatch):
    """Two reports on two copies of the fictional data set, HTML only (fast)."""
    monkeypatch.setenv("SITREP_DATA_ROOTS", str(tmp_path))
    first, second = tmp_path / "first", tmp_path / "second"
    shutil.copytree(FICTIONAL, first)
    shutil.copytree(FICTIONAL, second)
    text = (f'[defaults]\nformats = ["html"]\n'
            f'[[report]]\nname = "one"\nnotebook = "force_sizes.ipynb"\n'
            f'parameters.dataset = "{first}"\n'
            f'[[report]]\nname = "two"\nnotebook = "force_sizes.ipynb"\n'
            f'parameters.dataset = "{second}"\n')
    return {"manifest": _write_manifest(tmp_path / "reports.toml", text),
            "out": tmp_path / "reports", "first": first, "second": second}


def _render(suite, *extra: str) -> subprocess.CompletedProcess:
    return _sitrep("render", "--manifest", str(suite["manifest"]), "--out", str(suite["out"]),
                   *extra)


@pytest.mark.e2e
def test_second_run_renders_nothing_and_touching_a_file_renders_only_its_reader(suite):
    first = _render(suite)
    assert first.returncode == 0, first.stderr
    assert "2 rendered" in first.stdout
    assert (suite["out"] / "one" / "one.html").is_file()
    assert (suite["out"] / "one" / "render.json").is_file()
    again = _render(suite)  # a no-op says its one line, nothing else (it said 20 and more)
    assert again.returncode == 0
    assert again.stdout.splitlines() == [
        f"nothing to render: 2 reports current in {suite['out']} (--force renders them again)"]
    assert again.stderr == ""
    actors = suite["first"] / "facts" / "actors.csv"
    actors.write_text(actors.read_text(encoding="utf-8").replace("Fictional state.",
                                                                 "A fictional state."),
                      encoding="utf-8")
    touched = _render(suite)
    assert touched.returncode == 0, touched.stderr
    lines = {line.split()[0]: line.split()[1] for line in touched.stdout.splitlines()
             if line.startswith(("one ", "two "))}
    assert lines == {"one": "rendered", "two": "unchanged"}
    index = (suite["out"] / "index.html").read_text(encoding="utf-8")
    for expected in ("one", "two", "rendered", "unchanged", "force_sizes.ipynb"):
        assert expected in index


@pytest.mark.e2e
def test_a_failing_entry_keeps_earlier_outputs_and_the_others_render(suite):
    assert _render(suite).returncode == 0
    before = _snapshot(suite["out"] / "one")
    # A broken parameter value is refused before any kernel starts; 'two' must still render.
    failing = _render(suite, "--force", "one", "-p", "min_grade=ZZ")
    assert failing.returncode == 2
    assert "one" in failing.stderr and "bad parameter" in failing.stdout
    assert "min_grade" in failing.stderr
    assert _snapshot(suite["out"] / "one") == before
    assert "Traceback (most recent call last)" not in failing.stderr.split("\n")[0]
    others = _render(suite, "--force", "two")
    assert others.returncode == 0


@pytest.mark.e2e
def test_every_format_of_the_one_list_reaches_the_suite(suite):
    """The command line takes render.FORMATS: the executed notebook alone, through the suite."""
    result = _render(suite, "one", "--format", "ipynb")
    assert result.returncode == 0, result.stderr
    folder = suite["out"] / "one"
    assert sorted(p.name for p in folder.iterdir()) == ["one.ipynb", "render.json"]
    executed = json.loads((folder / "one.ipynb").read_text(encoding="utf-8"))
    given = executed["metadata"]["papermill"]["parameters"]
    assert given == {"dataset": str(suite["first"].resolve())}
    assert json.loads((folder / "render.json").read_text(encoding="utf-8"))["formats"] == \
        ["ipynb"]
    refused = _render(suite, "one", "--format", "odt")
    assert refused.returncode == 2 and ", ".join(formats.FORMATS) in refused.stderr


@pytest.mark.e2e
def test_bad_data_renders_nothing_and_exits_2(suite):
    assert _render(suite).returncode == 0
    before = _snapshot(suite["out"])
    claims = suite["first"] / "facts" / "claims.csv"
    claims.write_text(claims.read_text(encoding="utf-8").replace(
        "Veldoria has moved 12,000 troops", "Veldoria has moved 99,000 troops"), encoding="utf-8")
    result = _render(suite, "--force", "one")
    assert result.returncode == 2
    assert "quote-in-source" in result.stderr
    after = _snapshot(suite["out"])
    assert {k: v for k, v in after.items() if k != "index.html"} == \
        {k: v for k, v in before.items() if k != "index.html"}


@pytest.mark.e2e
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["terminate", "kill"])
def test_killing_a_render_leaves_published_reports_byte_identical(suite, sig):
    # A data set whose notebook runs for seconds, so that the signal reliably lands mid-run
    # even on a loaded machine (with the small fictional one both reports were sometimes
    # published again before the signal took effect).
    shutil.rmtree(suite["first"])
    busy_dataset(suite["first"])
    assert _render(suite).returncode == 0
    before = _snapshot(suite["out"])
    process = subprocess.Popen(
        [sys.executable, "-m", "sitrep.cli", "render", "--manifest", str(suite["manifest"]),
         "--out", str(suite["out"]), "--force", "--format", "html"],
        cwd=paths.ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True)
    deadline = time.monotonic() + 120
    for line in process.stdout:  # wait until a notebook is running, then stop mid-run
        if "executing" in line or time.monotonic() > deadline:
            break
    os.killpg(process.pid, sig)
    process.wait(timeout=60)
    after = _snapshot(suite["out"])
    assert after == before
    assert not [p for p in suite["out"].rglob("*") if p.name.startswith(".tmp")]


# -- shards: the suite split over several machines, then one index ---------------------------

@pytest.mark.parametrize("count", [1, 2, 3, 7, 9])
def test_shards_hold_every_entry_once_in_near_equal_numbers(count):
    entries = manifest.load()
    shards = [manifest.shard(entries, index, count) for index in range(1, count + 1)]
    names = [e.name for s in shards for e in s]
    assert sorted(names) == sorted(e.name for e in entries)  # each entry once, none lost
    sizes = [len(s) for s in shards]
    assert max(sizes) - min(sizes) <= 1
    # The same share whatever order the manifest lists its entries in.
    assert manifest.shard(entries[::-1], 1, count) == manifest.shard(entries, 1, count)[::-1]


@pytest.mark.parametrize("text", ["0/3", "4/3", "1/0", "a/b", "2", "", "1/2/3", "-1/2"])
def test_a_bad_shard_is_refused_stating_the_rule(text):
    with pytest.raises(manifest.ManifestError, match="a shard is I/N with 1 <= I <= N"):
        manifest.parse_shard(text)


@pytest.mark.e2e
def test_shards_rendered_apart_gather_into_one_index(suite, tmp_path):
    """Two machines each render one shard; their folders gathered, `sitrep index` lists both;
    a shard not gathered is 'missing', a report whose data changed since is 'stale'."""
    outs = [tmp_path / f"shard{i}" for i in (1, 2)]
    runs = [subprocess.Popen([sys.executable, "-m", "sitrep.cli", "render", "--manifest",
                              str(suite["manifest"]), "--out", str(out), "--shard", f"{i}/2"],
                             cwd=paths.ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for i, out in zip((1, 2), outs, strict=True)]
    for run in runs:
        stdout, stderr = run.communicate(timeout=400)
        assert run.returncode == 0, stderr
        assert "1 rendered" in stdout
    assert {p.name for p in outs[0].iterdir() if p.is_dir()} == {"one"}
    gathered = suite["out"]
    for out in outs:
        shutil.copytree(out, gathered, dirs_exist_ok=True, ignore=shutil.ignore_patterns(
            "index.html"))
    index = _sitrep("index", "--manifest", str(suite["manifest"]), "--out", str(gathered))
    assert index.returncode == 0, index.stderr
    assert "2 rendered" in index.stdout
    page = (gathered / "index.html").read_text(encoding="utf-8")
    assert 'href="./one/one.html"' in page and 'href="./two/two.html"' in page

    shutil.rmtree(gathered / "two")
    actors = suite["first"] / "facts" / "actors.csv"
    actors.write_text(actors.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    index = _sitrep("index", "--manifest", str(suite["manifest"]), "--out", str(gathered))
    assert index.returncode == 1
    assert "two: missing" in index.stderr and "one: stale" in index.stderr


@pytest.mark.parametrize("in_child", [False, True], ids=["in this process", "in a child"])
def test_a_large_data_set_is_validated_in_a_child_with_the_same_problems(
        broken_dataset, monkeypatch, in_child):
    """A data set over the size limit is checked in a child process (its memory goes back to
    the system whole); what it finds is what this process would."""
    from sitrep.pipeline import suite

    monkeypatch.setattr(suite, "LARGE_DATA_SET_BYTES", -1 if in_child else 2**62)
    clean = broken_dataset(None)
    broken = broken_dataset(lambda d: d.duplicate_row("claims", 2))
    spawned = []
    real = suite.concurrent.futures.ProcessPoolExecutor

    def counting(*args, **kwargs):
        spawned.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(suite.concurrent.futures, "ProcessPoolExecutor", counting)
    found = suite._validate({clean, broken})
    assert bool(spawned) == in_child
    assert found[clean] == []
    assert [p.rule for p in found[broken]] and all(p.file.endswith("claims.csv")
                                                   for p in found[broken])
