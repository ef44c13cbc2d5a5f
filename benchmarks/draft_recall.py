"""How much of each curated data set ``sitrep draft`` finds, how much of what it proposes is
right, and how long drafting takes.

For the seed (``data/``) and the fictional data set (``tests/data/fictional``), every held
source text is drafted (``sitrep.authoring.draft_recall.measure``) and compared with the curated
rows: quantities (value, bounds, unit and qualifier all equal), hedges, claimants, places and
headings, found (recall) and right (precision). The unseen text (``tests/data/draft_unseen``,
written from public reporting on naval and air drills, annotated before the draft was run on
it) is scored the same way, with actor kinds and reference dates
(``measure_annotated``). Drafting time is CPU time of the draft alone, layers read. Results
go to benchmarks/results/draft_recall.{json,md}; the README quotes them and
tests/authoring/test_draft.py guards floors. Run it with
``.venv/bin/python benchmarks/draft_recall.py``.
"""

from __future__ import annotations

import json
import time

import pandas as pd

from sitrep import paths
from sitrep.authoring.draft import Context, draft_text
from sitrep.authoring.draft_recall import (
    ANNOTATED_KINDS,
    KINDS,
    Recall,
    draft_source,
    measure,
    measure_annotated,
)
from sitrep.model.geo import place
from sitrep.model.loader import load

RESULTS = paths.ROOT / "benchmarks" / "results"
DATASETS = {"seed (data/)": paths.DEFAULT_DATASET,
            "fictional (tests/data/fictional/)": paths.ROOT / "tests" / "data" / "fictional"}
UNSEEN = paths.ROOT / "tests" / "data" / "draft_unseen"


def _cpu_seconds(call) -> float:
    call()  # caches warm (layers, name index)
    started = time.process_time()
    call()
    return round(time.process_time() - started, 3)


def _row(recall: Recall, kinds: tuple[str, ...], seconds: float, sentences: int) -> dict:
    return {"draft_cpu_seconds": seconds, "sentences": sentences,
            **{k: {"found": recall.found[k], "total": recall.total[k],
                   "right": recall.right[k], "proposed": recall.proposed[k]} for k in kinds},
            "missed": recall.missed, "wrong": recall.wrong}


def main() -> None:
    rows = {}
    for name, folder in DATASETS.items():
        facts = load(folder, cache=False)
        seconds = sum(_cpu_seconds(lambda s=s, f=facts: draft_source(f, s)) for s in facts.texts)
        rows[name] = _row(measure(folder), KINDS, seconds,
                          sum(len(v) for v in facts.sentences_of.values()))
    expected = json.loads((UNSEEN / "expected.json").read_text(encoding="utf-8"))
    text = (UNSEEN / "drills.txt").read_text(encoding="utf-8")
    layers = place.read_layers()
    context = Context("unseen", "OUTLET", expected["published"],
                      pd.DataFrame(columns=["actor_id", "name", "role"]),
                      pd.DataFrame(columns=["place_id", "geonameid", "iso_3166_2",
                                            "geo_precision", "part"]), layers)
    rows["unseen drills text (tests/data/draft_unseen/)"] = _row(
        measure_annotated(text, expected, layers), ANNOTATED_KINDS,
        _cpu_seconds(lambda: draft_text(text, context)), len(expected["sentences"]))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "draft_recall.json").write_text(json.dumps(rows, indent=1) + "\n",
                                               encoding="utf-8")
    lines = []
    for kinds, names in ((KINDS, list(DATASETS)), (ANNOTATED_KINDS, [list(rows)[-1]])):
        lines += ["", "| data set | " + " | ".join(kinds) + " | draft CPU s |",
                  "|---" * (len(kinds) + 2) + "|"]
        for name in names:
            row = rows[name]
            cells = [f"{row[k]['found']}/{row[k]['total']} found, "
                     f"{row[k]['right']}/{row[k]['proposed']} right" for k in kinds]
            lines.append(f"| {name} | " + " | ".join(cells) +
                         f" | {row['draft_cpu_seconds']} |")
    (RESULTS / "draft_recall.md").write_text("\n".join(lines).strip() + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
