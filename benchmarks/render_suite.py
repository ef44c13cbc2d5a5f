"""Benchmark the report suite against the naive chain, in one run on one machine.

(a) naive: for every manifest entry, the papermill CLI, then per format a fresh nbconvert CLI
    (HTML) and, for PDF, a fresh headless Chromium printing that HTML;
(b) ``sitrep render --force`` from cold (a fresh process);
(c) ``sitrep render`` with nothing changed;
(d) scale: the brief and the force sizes for a synthetic data set of 100,000 claims, against the
    same two reports for the seed data set.

Each is run several times; medians, the ratios b/a and c/a, and the peak memory (resident set
size of the whole process tree, sampled) go to benchmarks/results/render_suite.{json,md}.
Run it with ``make bench`` (or ``.venv/bin/python benchmarks/render_suite.py --runs 3``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from sitrep import paths
from sitrep.model import synthetic
from sitrep.pipeline import manifest

RESULTS = paths.ROOT / "benchmarks" / "results"
BIN = Path(sys.executable).parent


def big_table(target: Path) -> Path:
    """The shipped data set with a 50 MB actors.csv whose one bad row lies near its end."""
    if not target.exists():
        shutil.copytree(paths.facts_dir(paths.DEFAULT_DATASET), paths.facts_dir(target))
        shutil.copytree(paths.sources_dir(paths.DEFAULT_DATASET), paths.sources_dir(target))
        with open(paths.facts_dir(target) / "actors.csv", "a", encoding="utf-8") as fh:
            for i in range(420_000):
                kind = "alien" if i == 419_995 else "person"
                fh.write(f"synthetic{i:06d},Synthetic actor {i},{kind},,,,,,{'x' * 80}\n")
    return target


def measure(command: list[str], *, cwd: Path = paths.ROOT,
            expect_failure: bool = False) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes, summed over the process tree) of one command."""
    started = time.perf_counter()
    process = psutil.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            total = 0
            try:
                for proc in [process, *process.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):
                        total += proc.memory_info().rss
            except psutil.Error:
                pass
            peak = max(peak, total)
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    stop.set()
    sampler.join()
    seconds = time.perf_counter() - started
    if (process.returncode != 0) != expect_failure:
        raise SystemExit(f"benchmark step failed ({process.returncode}): {' '.join(command)}\n"
                         f"{stderr[-3000:]}")
    return seconds, peak


def naive_chain(entries: list[manifest.Entry], work: Path) -> tuple[float, int]:
    """The naive way: a fresh CLI process per step, per entry, per format."""
    total, peak = 0.0, 0
    work.mkdir(parents=True, exist_ok=True)
    for entry in entries:
        executed = work / f"{entry.name}.ipynb"
        args = [a for k, v in entry.kernel_parameters().items() for a in ("-p", k, v)]
        steps = [[str(BIN / "papermill"), str(entry.notebook), str(executed), "-k", "python3",
                  "--cwd", str(paths.NOTEBOOKS), "--no-progress-bar", *args]]
        for fmt in entry.formats:
            html = work / fmt / f"{entry.name}.html"
            steps.append([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input",
                          "--output-dir", str(html.parent), "--output", entry.name,
                          str(executed)])
            if fmt == "pdf":
                steps.append(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                              "--disable-background-networking", "--no-pdf-header-footer",
                              f"--print-to-pdf={work / (entry.name + '.pdf')}",
                              html.as_uri()])
        for step in steps:
            seconds, rss = measure(step)
            total += seconds
            peak = max(peak, rss)
    return total, peak


def sitrep(out: Path, *extra: str) -> list[str]:
    return [str(BIN / "sitrep"), "render", "--out", str(out), *extra]


def median_of(runs: list[tuple[float, int]]) -> dict:
    return {"median_s": round(statistics.median(r[0] for r in runs), 2),
            "runs_s": [round(r[0], 2) for r in runs],
            "peak_rss_mb": round(max(r[1] for r in runs) / 2**20)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--claims", type=int, default=100_000)
    args = parser.parse_args()
    entries = manifest.load()
    work = Path(tempfile.mkdtemp(prefix="sitrep-bench-"))
    results: dict = {"machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                                 "platform": platform.platform()},
                     "entries": [e.name for e in entries], "runs": args.runs}
    try:
        naive, cold, warm = [], [], []
        for run in range(args.runs):
            naive.append(naive_chain(entries, work / f"naive{run}"))
            out = work / f"suite{run}"
            cold.append(measure(sitrep(out, "--force")))
            warm.append(measure(sitrep(out)))
            print(f"run {run + 1}: naive {naive[-1][0]:.1f} s, cold {cold[-1][0]:.1f} s, "
                  f"unchanged {warm[-1][0]:.1f} s", flush=True)
        results["a_naive"] = median_of(naive)
        results["b_cold"] = median_of(cold)
        results["c_unchanged"] = median_of(warm)
        results["ratio_b_a"] = round(results["b_cold"]["median_s"] /
                                     results["a_naive"]["median_s"], 3)
        results["ratio_c_a"] = round(results["c_unchanged"]["median_s"] /
                                     results["a_naive"]["median_s"], 3)

        big = synthetic.generate(work / "synthetic", args.claims)
        scale_seed, scale_big = [], []
        for run in range(args.runs):
            scale_seed.append(measure(sitrep(work / f"seed{run}", "brief", "force_sizes",
                                             "--force")))
            scale_big.append(measure(sitrep(work / f"big{run}", "brief", "force_sizes",
                                            "--force", "-p", f"dataset={big}")))
            print(f"scale run {run + 1}: seed {scale_seed[-1][0]:.1f} s, "
                  f"{args.claims:,} claims {scale_big[-1][0]:.1f} s", flush=True)
        results["scale"] = {"claims": args.claims, "seed": median_of(scale_seed),
                            "synthetic": median_of(scale_big)}
        results["scale"]["ratio"] = round(results["scale"]["synthetic"]["median_s"] /
                                          results["scale"]["seed"]["median_s"], 2)
        results["check_50mb"] = median_of([measure([str(BIN / "sitrep"), "check",
                                                    str(big_table(work / "big-table"))],
                                                   expect_failure=True)
                                           for _ in range(args.runs)])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "render_suite.json").write_text(json.dumps(results, indent=1) + "\n")
    (RESULTS / "render_suite.md").write_text(report(results))
    print(report(results))


def report(r: dict) -> str:
    """The results as a Markdown table, as quoted in the README."""
    s = r["scale"]
    return "\n".join([
        f"Suite of {len(r['entries'])} reports (HTML and PDF each), {r['runs']} runs, medians; "
        f"{r['machine']['cores']} cores, Python {r['machine']['python']}.",
        "",
        "| step | median (s) | peak RSS (MB) | ratio to naive |",
        "|---|---|---|---|",
        f"| (a) naive: papermill CLI + nbconvert CLI + Chromium CLI per entry | "
        f"{r['a_naive']['median_s']} | {r['a_naive']['peak_rss_mb']} | 1 |",
        f"| (b) `sitrep render --force`, cold | {r['b_cold']['median_s']} | "
        f"{r['b_cold']['peak_rss_mb']} | {r['ratio_b_a']} |",
        f"| (c) `sitrep render`, nothing changed | {r['c_unchanged']['median_s']} | "
        f"{r['c_unchanged']['peak_rss_mb']} | {r['ratio_c_a']} |",
        "",
        f"Scale: brief and force sizes for {s['claims']:,} synthetic claims "
        f"{s['synthetic']['median_s']} s (peak RSS {s['synthetic']['peak_rss_mb']} MB) against "
        f"{s['seed']['median_s']} s for the seed data set: {s['ratio']}x.",
        "",
        f"Bad data: `sitrep check` on a 50 MB actors.csv with one bad row near its end finds it "
        f"in {r['check_50mb']['median_s']} s (peak RSS {r['check_50mb']['peak_rss_mb']} MB).",
        "",
    ])


if __name__ == "__main__":
    main()
