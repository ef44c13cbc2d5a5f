"""Benchmark the reconciliation, the pair table and the corroboration on synthetic data sets.

For each size, a synthetic data set (sitrep.authoring.synthetic) is written and loaded once; then
``quantity.figures``, ``reconcile.reconcile``, ``reconcile.pairs`` and
``corroboration.corroboration`` are timed (median of the runs). Results go to
benchmarks/results/reconcile_scale.{json,md}. Run it with
``.venv/bin/python benchmarks/reconcile_scale.py --sizes 20000 100000 --runs 3``.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import tempfile
import time
from pathlib import Path

from sitrep import paths
from sitrep.authoring import synthetic
from sitrep.model import load
from sitrep.model.analysis import corroboration, quantity, reconcile

RESULTS = paths.ROOT / "benchmarks" / "results"
STEPS = {
    "figures": lambda facts, table: quantity.figures(facts),
    "reconcile": lambda facts, table: reconcile.reconcile(table),
    "pairs": lambda facts, table: reconcile.pairs(table),
    "corroboration": lambda facts, table: corroboration.corroboration(table),
}


def measure(size: int, runs: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        dataset = synthetic.generate(Path(folder) / "synthetic", claims=size)
        facts = load(dataset, cache=False)
        table = quantity.figures(facts)
        row: dict = {"claims": size}
        for name, step in STEPS.items():
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                result = step(facts, table)
                times.append(time.perf_counter() - start)
            row[name] = round(statistics.median(times), 3)
            row[f"{name}_rows"] = len(result)
        return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows = [measure(size, args.runs) for size in args.sizes]
    RESULTS.mkdir(parents=True, exist_ok=True)
    meta = {"python": platform.python_version(), "runs": args.runs, "results": rows}
    (RESULTS / "reconcile_scale.json").write_text(json.dumps(meta, indent=1) + "\n")
    lines = [f"Reconciliation on synthetic data sets; medians of {args.runs} runs, seconds; "
             f"Python {meta['python']}.", "",
             "| claims | figures | reconcile | pairs (rows) | corroboration |",
             "|---|---|---|---|---|"]
    lines += [f"| {r['claims']:,} | {r['figures']} | {r['reconcile']} | {r['pairs']} "
              f"({r['pairs_rows']:,}) | {r['corroboration']} |" for r in rows]
    (RESULTS / "reconcile_scale.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
