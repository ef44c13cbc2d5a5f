"""Benchmark the report suite against the naive chain, in one run on one machine.

(a) naive: for every manifest entry, the papermill CLI, then per format a fresh nbconvert CLI
    (HTML) and, for PDF, a fresh headless Chromium printing that HTML;
(b) ``sitrep render --force`` from cold (a fresh process);
(c) ``sitrep render`` with nothing changed;
(d) scale: the brief and the force sizes for a synthetic data set of 100,000 claims, against the
    same two reports for the seed data set.

Each is run several times; medians, the ratios b/a and c/a, and the peak memory of the whole
process tree, sampled (the sum of resident set sizes, which counts pages that processes share
once per process, and the sum of proportional set sizes, which counts them once), go to
benchmarks/results/render_suite.{json,md} with the machine's description and each target, met
or not. "Cold" means no report rendered and no validated data set cached (build/cache is
emptied before each cold and each scale run), so validation is always part of the figure.
Run it with ``make bench`` (or ``.venv/bin/python benchmarks/render_suite.py --runs 3``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from importlib.metadata import version
from pathlib import Path
from typing import NamedTuple

import psutil

from sitrep import paths
from sitrep.authoring import synthetic
from sitrep.pipeline import manifest

RESULTS = paths.ROOT / "benchmarks" / "results"
#: Seconds after which a scale run is stopped (recorded as not finished, with how far it got);
#: ``--scale-timeout`` sets it.
SCALE_TIMEOUT = 300
BIN = Path(sys.executable).parent


class Run(NamedTuple):
    """One measured command: wall seconds (infinite when stopped), peak RSS and PSS of the
    process tree (bytes), the load average (1 min) just before it, and its last output line
    (how far it got, when it was stopped)."""

    seconds: float
    rss: int
    pss: int
    load: float = 0.0
    last: str = ""


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


def _last_line(*outputs: str | None) -> str:
    lines = [line.strip() for out in outputs if out for line in out.splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


def measure(command: list[str], *, cwd: Path = paths.ROOT, expect_failure: bool = False,
            timeout: float | None = None) -> Run:
    """Wall seconds, peak RSS and peak PSS (bytes, each summed over the process tree) of one
    command; past ``timeout`` seconds the command is stopped, its seconds are infinite and its
    last progress line says where it was."""
    load = os.getloadavg()[0]
    started = time.perf_counter()
    process = psutil.Popen(command, cwd=cwd, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    peak, peak_pss = 0, 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_pss
        while not stop.is_set():
            total, proportional = 0, 0
            try:
                for proc in [process, *process.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):
                        memory = proc.memory_full_info()
                        total += memory.rss
                        proportional += memory.pss
            except psutil.Error:
                pass
            peak, peak_pss = max(peak, total), max(peak_pss, proportional)
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        for proc in [*process.children(recursive=True), process]:
            with contextlib.suppress(psutil.Error):
                proc.kill()
        stdout, stderr = process.communicate()
        stop.set()
        sampler.join()
        return Run(math.inf, peak, peak_pss, load, _last_line(stdout, stderr))
    stop.set()
    sampler.join()
    seconds = time.perf_counter() - started
    if (process.returncode != 0) != expect_failure:
        raise SystemExit(f"benchmark step failed ({process.returncode}): {' '.join(command)}\n"
                         f"{stderr[-3000:]}")
    return Run(seconds, peak, peak_pss, load, _last_line(stdout, stderr))


def cold(command: list[str], timeout: float | None = None) -> Run:
    """``measure`` with no validated data set cached: validation is part of the figure."""
    shutil.rmtree(paths.BUILD / "cache", ignore_errors=True)
    return measure(command, timeout=timeout)


def naive_chain(entries: list[manifest.Entry], work: Path) -> Run:
    """The naive way: a fresh CLI process per step, per entry, per format (HTML by nbconvert;
    PDF by nbconvert, then Chromium printing that HTML; Markdown by nbconvert)."""
    total, peak, peak_pss = 0.0, 0, 0
    load = os.getloadavg()[0]
    work.mkdir(parents=True, exist_ok=True)
    for entry in entries:
        executed = work / f"{entry.name}.ipynb"
        args = [a for k, v in entry.kernel_parameters().items() for a in ("-p", k, v)]
        steps = [[str(BIN / "papermill"), str(entry.notebook), str(executed), "-k", "python3",
                  "--cwd", str(paths.NOTEBOOKS), "--no-progress-bar", *args]]
        for fmt in entry.formats:
            html = work / fmt / f"{entry.name}.html"
            steps.append([str(BIN / "jupyter"), "nbconvert", "--to",
                          "markdown" if fmt == "md" else "html", "--no-input",
                          "--output-dir", str(html.parent), "--output", entry.name,
                          str(executed)])
            if fmt == "pdf":
                steps.append(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                              "--disable-background-networking", "--no-pdf-header-footer",
                              f"--print-to-pdf={work / (entry.name + '.pdf')}",
                              html.as_uri()])
        for step in steps:
            run = measure(step)
            total += run.seconds
            peak, peak_pss = max(peak, run.rss), max(peak_pss, run.pss)
    return Run(total, peak, peak_pss, load)


def sitrep(out: Path, *extra: str) -> list[str]:
    return [str(BIN / "sitrep"), "render", "--out", str(out), *extra]


def median_of(runs: list[Run]) -> dict:
    memory = {"peak_rss_mb": round(max(r.rss for r in runs) / 2**20),
              "peak_pss_mb": round(max(r.pss for r in runs) / 2**20),
              "load_before_each": [round(r.load, 2) for r in runs]}
    stopped = [r for r in runs if math.isinf(r.seconds)]
    if stopped:
        return {"median_s": f"not finished in {SCALE_TIMEOUT} s", "runs_s": [],
                "stopped_at": stopped[0].last or "(it printed nothing)", **memory}
    return {"median_s": round(statistics.median(r.seconds for r in runs), 2),
            "runs_s": [round(r.seconds, 2) for r in runs], **memory}


def machine() -> dict:
    """What the figures were measured on, and how busy it was."""
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor()) if Path("/proc/cpuinfo").is_file() else platform.processor()
    chromium = subprocess.run(["chromium", "--version"], capture_output=True, text=True,
                              check=False).stdout.strip()
    return {"cores": os.cpu_count(), "cpu": cpu,
            "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "pandas": version("pandas"), "chromium": chromium,
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}


def suite_runs(entries: list[manifest.Entry], work: Path, runs: int) -> dict:
    """(a), (b) and (c), interleaved run by run so that all three see the same machine."""
    naive, cold_runs, warm = [], [], []
    for run in range(runs):
        naive.append(naive_chain(entries, work / f"naive{run}"))
        out = work / f"suite{run}"
        cold_runs.append(cold(sitrep(out, "--force")))
        warm.append(measure(sitrep(out)))
        print(f"run {run + 1}: naive {naive[-1][0]:.1f} s, cold {cold_runs[-1][0]:.1f} s, "
              f"unchanged {warm[-1][0]:.1f} s", flush=True)
    results = {"a_naive": median_of(naive), "b_cold": median_of(cold_runs),
               "c_unchanged": median_of(warm)}
    for step, key in (("b_cold", "ratio_b_a"), ("c_unchanged", "ratio_c_a")):
        results[key] = round(results[step]["median_s"] / results["a_naive"]["median_s"], 3)
    return results


def scale_runs(work: Path, runs: int, claims: int) -> dict:
    """(d): the brief and the force sizes, seed against synthetic, each run cold."""
    big = synthetic.generate(work / "synthetic", claims)
    # A data set outside the project is used only from a folder listed here.
    os.environ["SITREP_DATA_ROOTS"] = os.pathsep.join(
        r for r in (os.environ.get("SITREP_DATA_ROOTS", ""), str(work)) if r)
    seed, scaled = [], []
    for run in range(runs):
        seed.append(cold(sitrep(work / f"seed{run}", "brief", "force_sizes", "--force")))
        if scaled and math.isinf(scaled[-1][0]):
            continue  # it did not finish once: the target is missed, no need to wait again
        scaled.append(cold(sitrep(work / f"big{run}", "brief", "force_sizes", "--force",
                                  "-p", f"dataset={big}"), timeout=SCALE_TIMEOUT))
        print(f"scale run {run + 1}: seed {seed[-1][0]:.1f} s, "
              f"{claims:,} claims {scaled[-1][0]:.1f} s", flush=True)
    results = {"claims": claims, "seed": median_of(seed), "synthetic": median_of(scaled)}
    finished = isinstance(results["synthetic"]["median_s"], float)
    results["ratio"] = (round(results["synthetic"]["median_s"] / results["seed"]["median_s"], 2)
                        if finished else None)
    return results


def scale_only(runs: int, claims: int) -> int:
    """(d) alone, with the machine's description: ``benchmarks/results/scale.json``."""
    work = Path(tempfile.mkdtemp(prefix="sitrep-bench-"))
    results: dict = {"machine": machine(), "runs": runs}
    try:
        results["scale"] = scale_runs(work, runs, claims)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "scale.json").write_text(json.dumps(results, indent=1) + "\n")
    print(json.dumps(results["scale"], indent=1))
    ratio = results["scale"]["ratio"]
    return 0 if ratio is not None and ratio <= 2.0 else 1


def main() -> int:
    global SCALE_TIMEOUT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--scale-timeout", type=float, default=SCALE_TIMEOUT,
                        help="seconds after which a scale run is stopped (default %(default)s)")
    parser.add_argument("--only-scale", action="store_true",
                        help="run only (d), the scale step, and write results/scale.json")
    args = parser.parse_args()
    SCALE_TIMEOUT = args.scale_timeout
    if args.only_scale:
        return scale_only(args.runs, args.claims)
    entries = manifest.load()
    work = Path(tempfile.mkdtemp(prefix="sitrep-bench-"))
    results: dict = {"machine": machine(), "entries": [e.name for e in entries],
                     "runs": args.runs}
    try:
        results.update(suite_runs(entries, work, args.runs))
        results["scale"] = scale_runs(work, args.runs, args.claims)
        table = big_table(work / "big-table")
        results["check_50mb"] = median_of([
            measure([str(BIN / "sitrep"), "check", "--fresh", str(table)], expect_failure=True)
            for _ in range(args.runs)])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["targets"] = targets(results)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "render_suite.json").write_text(json.dumps(results, indent=1) + "\n")
    (RESULTS / "render_suite.md").write_text(report(results))
    print(report(results))
    missed = [t["target"] for t in results["targets"] if not t["met"]]
    if missed:
        print("targets missed: " + "; ".join(missed), file=sys.stderr)
    return 1 if missed else 0


def targets(r: dict) -> list[dict]:
    """Each target of issue 14 with the figure measured in this run and whether it is met."""
    s, check = r["scale"], r["check_50mb"]
    rows = [
        ("cold suite / naive chain", r["ratio_b_a"], 0.12, "x"),
        ("nothing changed / naive chain", r["ratio_c_a"], 0.02, "x"),
        ("cold suite peak RSS (MB), at most the naive chain's", r["b_cold"]["peak_rss_mb"],
         r["a_naive"]["peak_rss_mb"], " MB"),
        (f"{s['claims']:,} claims / seed, time",
         s["ratio"] if s["ratio"] is not None else math.inf, 2.0, "x"),
        (f"{s['claims']:,} claims, peak RSS of the process tree (MB)"
         + ("" if s["ratio"] is not None else ", until it was stopped"),
         s["synthetic"]["peak_rss_mb"], 1500, " MB"),
        ("sitrep check of the 50 MB table (s)", check["median_s"], 5.0, " s"),
        ("sitrep check of the 50 MB table, peak RSS (MB)", check["peak_rss_mb"], 500, " MB"),
    ]
    return [{"target": name, "measured": value if value != math.inf else "not finished",
             "limit": limit, "unit": unit.strip(), "met": value <= limit}
            for name, value, limit, unit in rows]


def report(r: dict) -> str:
    """The results as Markdown, as quoted in the README."""
    s, m = r["scale"], r["machine"]
    lines = [
        f"Suite of {len(r['entries'])} reports (HTML and PDF each), {r['runs']} runs, medians. "
        f"Machine: {m['cores']} cores ({m['cpu']}), {m['memory_gb']} GB, Python {m['python']}, "
        f"pandas {m['pandas']}, {m['chromium']}; load average (1, 5, 15 min) "
        f"{m['load_average_at_start']} at the start, {m.get('load_average_at_end')} at the end.",
        "",
        "| step | median (s) | peak RSS (MB) | peak PSS (MB) | ratio to naive | load before "
        "each run |",
        "|---|---|---|---|---|---|",
    ]
    for key, name, ratio in (
            ("a_naive", "(a) naive: papermill CLI + nbconvert CLI + Chromium CLI per entry", 1),
            ("b_cold", "(b) `sitrep render --force`, cold", r["ratio_b_a"]),
            ("c_unchanged", "(c) `sitrep render`, nothing changed", r["ratio_c_a"]),
            ("scale.seed", "(d) brief and force sizes, seed data set, cold", ""),
            ("scale.synthetic", f"(d) the same, {s['claims']:,} synthetic claims, cold", "")):
        step = s[key.split(".")[1]] if key.startswith("scale.") else r[key]
        loads = ", ".join(str(x) for x in step.get("load_before_each", []))
        lines.append(f"| {name} | {step['median_s']} | {step['peak_rss_mb']} | "
                     f"{step['peak_pss_mb']} | {ratio} | {loads} |")
        if "stopped_at" in step:
            lines.append(f"| ... stopped at | {step['stopped_at']} | | | | |")
    check = r["check_50mb"]
    lines += ["", f"`sitrep check` on a 50 MB actors.csv with one bad row near its end: "
              f"{check['median_s']} s, peak RSS {check['peak_rss_mb']} MB.", "",
              "| target | measured | limit | met |", "|---|---|---|---|"]
    for t in r.get("targets", []):
        unit = "" if isinstance(t["measured"], str) else (
            t["unit"] if t["unit"] == "x" else f" {t['unit']}")
        lines.append(f"| {t['target']} | {t['measured']}{unit} | {t['limit']}{unit} | "
                     f"{'yes' if t['met'] else 'no'} |")
    return "\n".join([*lines, ""])


if __name__ == "__main__":
    sys.exit(main())
