"""Peak memory of one command's process tree, by kind of process.

Samples every 0.2 s the RSS and PSS of each process under the command and names it: the
sitrep process, Jupyter kernels, Playwright's driver (node), Chromium's browser, renderer and
utility processes. Prints the peak of the whole tree and, at that moment, what each kind held.
Usage::

    python benchmarks/memory_tree.py -- sitrep render brief force_sizes --force -p dataset=DIR
"""

from __future__ import annotations

import sys
import time

import psutil


def kind(proc: psutil.Process) -> str:
    try:
        line = " ".join(proc.cmdline())
    except psutil.Error:
        return "gone"
    if "ipykernel" in line:
        return "kernel"
    if "chromium" in line or "/proc/self/exe" in line:
        for part in ("renderer", "utility", "gpu-process", "zygote"):
            if f"--type={part}" in line:
                return f"chromium {part}"
        return "chromium browser"
    if "node" in line and "playwright" in line.lower():
        return "playwright driver"
    if "sitrep" in line:
        return "sitrep"
    return proc.name()


def main() -> int:
    command = sys.argv[sys.argv.index("--") + 1:]
    started = time.perf_counter()
    process = psutil.Popen(command)
    peak, at_peak, counts = 0, {}, {}
    while process.poll() is None:
        rows: dict[str, list[int]] = {}
        for proc in [process, *process.children(recursive=True)]:
            try:
                memory = proc.memory_full_info()
            except psutil.Error:
                continue
            row = rows.setdefault(kind(proc), [0, 0, 0])
            row[0] += memory.rss
            row[1] += memory.pss
            row[2] += 1
        total = sum(r[0] for r in rows.values())
        for name, row in rows.items():
            counts[name] = max(counts.get(name, 0), row[2])
        if total > peak:
            peak, at_peak = total, rows
        time.sleep(0.2)
    took = time.perf_counter() - started
    print(f"exit {process.returncode}, {took:.1f} s, peak RSS of the tree {peak / 2**20:.0f} MB "
          f"(PSS {sum(r[1] for r in at_peak.values()) / 2**20:.0f} MB)")
    for name, (rss, pss, n) in sorted(at_peak.items(), key=lambda x: -x[1][0]):
        print(f"  {name:20s} {n:2d} processes  RSS {rss / 2**20:6.0f} MB  "
              f"PSS {pss / 2**20:6.0f} MB")
    print("most processes of each kind at once: "
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return process.returncode or 0


if __name__ == "__main__":
    sys.exit(main())
