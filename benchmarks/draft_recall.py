"""How much of each curated data set ``sitrep draft`` finds, and how long drafting takes.

For the seed (``data/``) and the fictional data set (``tests/data/fictional``), every held
source text is drafted (``sitrep.authoring.draft_recall.measure``) and compared with the curated
rows: quantities (value, bounds, unit and qualifier all equal), hedges, claimants, places and
headings. Results go to benchmarks/results/draft_recall.{json,md}; the README quotes them and
tests/test_draft.py guards a floor. Run it with ``.venv/bin/python benchmarks/draft_recall.py``.
"""

from __future__ import annotations

import json
import time

from sitrep import paths
from sitrep.authoring.draft_recall import KINDS, measure

RESULTS = paths.ROOT / "benchmarks" / "results"
DATASETS = {"seed (data/)": paths.DEFAULT_DATASET,
            "fictional (tests/data/fictional/)": paths.ROOT / "tests" / "data" / "fictional"}


def main() -> None:
    rows = {}
    for name, folder in DATASETS.items():
        started = time.perf_counter()
        recall = measure(folder)
        rows[name] = {"seconds": round(time.perf_counter() - started, 2),
                      **{k: {"found": recall.found[k], "total": recall.total[k]} for k in KINDS},
                      "missed": recall.missed}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "draft_recall.json").write_text(json.dumps(rows, indent=1) + "\n",
                                               encoding="utf-8")
    lines = ["| data set | " + " | ".join(KINDS) + " | seconds |",
             "|---" * (len(KINDS) + 2) + "|"]
    for name, row in rows.items():
        cells = [f"{row[k]['found']} of {row[k]['total']}" for k in KINDS]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {row['seconds']} |")
    (RESULTS / "draft_recall.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
