"""The analyst's loop, timed: how soon each command answers, against the naive way, in one run.

- ``sitrep --help``;
- ``sitrep check`` of the seed: naive (no prepared layers, no memo: the whole validation with
  the world layers parsed from GeoJSON, as before), cold after setup (layers prepared, the data
  set not checked before: ``--fresh``) and warm (a second run: the memo answers);
- ``sitrep check`` of an empty data set made by ``sitrep new``: cold and warm;
- ``sitrep draft`` of a 10-sentence text (the seed article's first ten sentences);
- the first line a render prints (``sitrep render brief --force``, stopped once it spoke);
- the guard's refusal of a notebook saved with an edited default (a copy of the notebooks with
  one default changed, as a JupyterLab save would leave it): ``sitrep render brief`` to exit 2.

Each figure is the median of ``--runs`` runs with the load average (1 minute) read just before
each run, since this machine is shared. Results: benchmarks/results/loop.{json,md}; each target
met or not; the script exits 1 when one is missed. Run with ``make bench``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sitrep import paths

RESULTS = paths.ROOT / "benchmarks" / "results"
BIN = Path(sys.executable).parent
SITREP = str(BIN / "sitrep")
CACHE = paths.BUILD / "cache"


def timed(command: list[str], *, before=None, first_line: bool = False) -> dict:
    """One run: seconds to exit (or to the first line printed), with the load just before."""
    if before is not None:
        before()
    load = os.getloadavg()[0]
    started = time.perf_counter()
    if first_line:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True, cwd=paths.ROOT)
        line = process.stdout.readline() if process.stdout else ""
        seconds = time.perf_counter() - started
        process.terminate()
        process.communicate(timeout=60)
        return {"s": round(seconds, 3), "load": round(load, 2), "line": line.strip()[:120]}
    run = subprocess.run(command, capture_output=True, text=True, cwd=paths.ROOT, check=False)
    seconds = time.perf_counter() - started
    if run.returncode not in (0, 2):
        raise SystemExit(f"{' '.join(command)} failed ({run.returncode}): {run.stderr[-2000:]}")
    return {"s": round(seconds, 3), "load": round(load, 2)}


def series(runs: int, command: list[str], **options) -> dict:
    samples = [timed(command, **options) for _ in range(runs)]
    return {"median_s": round(statistics.median(s["s"] for s in samples), 3),
            "runs": samples}


def _forget_checks() -> None:
    for memo in CACHE.glob("check-*.json"):
        memo.unlink(missing_ok=True)


def _forget_everything() -> None:
    _forget_checks()
    for prepared in CACHE.glob("layer-*.pickle"):
        prepared.unlink(missing_ok=True)


def _ten_sentences(work: Path) -> Path:
    """A new data set and, in its sources/, the seed article's first ten sentences."""
    dataset = work / "drafted"
    subprocess.run([SITREP, "new", str(dataset), "--title", "Draft timing"], check=True,
                   capture_output=True)
    from sitrep.model.data.sources import split_sentences

    (article,) = sorted(paths.sources_dir(paths.DEFAULT_DATASET).glob("*.txt"))
    text = " ".join(split_sentences(article.read_text(encoding="utf-8"))[:10])
    (paths.sources_dir(dataset) / "ten.txt").write_text(text + "\n", encoding="utf-8")
    return dataset


def _edited_notebooks(work: Path) -> Path:
    """A copy of the notebooks whose brief has one edited default (``as_of``)."""
    folder = work / "notebooks"
    shutil.copytree(paths.NOTEBOOKS, folder)
    brief = folder / "brief.ipynb"
    text = brief.read_text(encoding="utf-8")
    assert 'as_of = \\"\\"' in text, "the brief's as_of default is not where it was"
    brief.write_text(text.replace('as_of = \\"\\"', 'as_of = \\"2024-11-20\\"', 1),
                     encoding="utf-8")
    return folder


def measure(runs: int, work: Path) -> dict:
    seed = str(paths.DEFAULT_DATASET)
    empty = work / "empty"
    subprocess.run([SITREP, "new", str(empty), "--title", "Empty"], check=True,
                   capture_output=True)
    drafted = _ten_sentences(work)
    os.environ["SITREP_DATA_ROOTS"] = str(work)
    return {
        "help": series(runs, [SITREP, "--help"]),
        "check_seed_naive": series(runs, [SITREP, "check", "--fresh", seed],
                                   before=_forget_everything),
        "check_seed_cold": series(runs, [SITREP, "check", "--fresh", seed]),
        "check_seed_warm": series(runs, [SITREP, "check", seed]),
        "check_empty_cold": series(runs, [SITREP, "check", "--fresh", str(empty)]),
        "check_empty_warm": series(runs, [SITREP, "check", str(empty)]),
        "draft_10_sentences": series(runs, [SITREP, "draft", str(drafted), "sources/ten.txt",
                                            "--source-id", "ten"]),
        "render_first_line": series(runs, [SITREP, "render", "brief", "--force", "--out",
                                           str(work / "out")], first_line=True),
        "guard_refusal": series(runs, ["env", f"SITREP_NOTEBOOKS={_edited_notebooks(work)}",
                                       SITREP, "render", "brief", "--out", str(work / "out")]),
    }


#: (figure, limit in seconds, what the issue asks)
TARGETS = [
    ("check_seed_warm", 1.5, "check of the seed, warm"),
    ("check_empty_warm", 1.0, "check of an empty new data set, warm"),
    ("check_seed_cold", 4.0, "check of the seed, cold after setup"),
    ("draft_10_sentences", 3.0, "draft of a 10-sentence text"),
    ("render_first_line", 1.0, "first progress line of a render"),
    ("guard_refusal", 1.0, "refusal of a notebook saved with an edited default"),
]


def report(results: dict) -> str:
    f = results["figures"]
    naive, cold, warm = (f[k]["median_s"] for k in
                         ("check_seed_naive", "check_seed_cold", "check_seed_warm"))
    lines = [f"Machine: {os.cpu_count()} cores; load average (1 min) at the start "
             f"{results['load_at_start']}, at the end {results['load_at_end']}; "
             f"{results['runs']} runs, medians (each run's load is in loop.json).", "",
             "| step | median (s) | loads during the runs |", "|---|---|---|"]
    for key, value in f.items():
        loads = ", ".join(str(r["load"]) for r in value["runs"])
        lines.append(f"| {key.replace('_', ' ')} | {value['median_s']} | {loads} |")
    lines += ["", f"Check of the seed against the naive way (every layer parsed, nothing "
              f"remembered): cold {cold / naive:.2f}x, warm {warm / naive:.3f}x.", "",
              "| target | measured (s) | limit (s) | met |", "|---|---|---|---|"]
    for t in results["targets"]:
        lines.append(f"| {t['target']} | {t['measured']} | {t['limit']} | "
                     f"{'yes' if t['met'] else 'no'} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sitrep-loop-"))
    results: dict = {"runs": args.runs, "load_at_start": round(os.getloadavg()[0], 2)}
    try:
        results["figures"] = measure(args.runs, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["load_at_end"] = round(os.getloadavg()[0], 2)
    results["targets"] = [
        {"target": what, "measured": results["figures"][key]["median_s"], "limit": limit,
         "met": results["figures"][key]["median_s"] <= limit} for key, limit, what in TARGETS]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "loop.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    (RESULTS / "loop.md").write_text(report(results), encoding="utf-8")
    print(report(results))
    return 0 if all(t["met"] for t in results["targets"]) else 1


if __name__ == "__main__":
    sys.exit(main())
