"""Profile the brief's and the force sizes' analysis at scale, in one process.

Runs what the two notebooks compute (figures, what changed, reconciliation, pairs,
corroboration, side by side, timelines and interval-chart plans) for one data set under
cProfile, with the validated data already cached (the kernels' case), and prints the top
lines by cumulative and by own time. Usage::

    python -c "from sitrep.authoring import synthetic; synthetic.generate('FOLDER', 100_000)"
    python benchmarks/profile_scale.py FOLDER [--lines 25] [--out profile.txt]

Profile two versions of sitrep side by side in one run (the machine's load then weighs on
both alike) by running this script with each version's ``src`` first on ``PYTHONPATH``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time
from pathlib import Path


def notebooks(folder: Path) -> None:
    """The calls the brief and the force sizes notebooks make, less the display."""
    from sitrep.model import load
    from sitrep.model.analysis import corroboration, quantity, reconcile
    from sitrep.views import annex, brief, charts, reconciliation, summary

    whole = load(folder)
    facts = whole
    # brief (as notebooks/brief.ipynb calls it, less the display)
    edition = summary.earlier_edition(whole, "", "")
    key_rows = summary.key_figures_rows(whole, facts, edition)
    summary.key_figures_section(key_rows, since=edition.since if edition else "")
    summary.what_changed(edition, whole)
    brief.evidence_figures(facts)
    brief.positions_table(facts)
    annex.claims(facts, annex.brief_citations(facts))
    # force sizes
    everything = quantity.figures(facts, kinds=None)
    figures = quantity.figures(facts, kinds=None, measures=None, min_grade="")
    charts.left_out(everything, figures, measures=None, min_grade="")
    quantity.derived_table(figures, facts)
    reconciliation.reconciliation_table(reconcile.reconcile(figures))
    reconcile.pairs(figures)
    reconciliation.corroboration_section(corroboration.corroboration(figures))
    quantity.side_by_side(figures)
    charts.timeline_charts(figures, facts)
    quantity.grades_table(facts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--lines", type=int, default=25)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    from sitrep.model import load

    load(args.folder)  # validate once: the kernels find the data set cached
    profile = cProfile.Profile()
    start = time.perf_counter()
    profile.runcall(notebooks, args.folder)
    took = time.perf_counter() - start
    text = io.StringIO()
    stats = pstats.Stats(profile, stream=text).strip_dirs()
    stats.sort_stats("cumulative").print_stats(args.lines)
    stats.sort_stats("tottime").print_stats(args.lines)
    report = f"{took:.1f} s under the profiler\n{text.getvalue()}"
    print(report)
    if args.out:
        args.out.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
