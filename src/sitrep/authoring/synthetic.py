"""A clearly synthetic data set of any size, for benchmarks and scale tests.

Every name says "Synthetic"; the texts are generated from the claims, so every quote is found
verbatim and every sentence is accounted for, and the data set passes ``sitrep check``.
Places are real first-level units of the shipped boundary layers, so maps can draw them.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
from pathlib import Path

import pandas as pd

from sitrep import paths
from sitrep.model.data.tables import load_schema, write_descriptor

QUALIFIERS = [("exact", "{n}"), ("over", "over {n}"), ("about", "about {n}"),
              ("up_to", "up to {n}"), ("estimated", "an estimated {n}")]
REGIONS = [("RU-KRS", "Kursk region"), ("RU-BEL", "Belgorod region"), ("RU-BRY", "Bryansk region"),
           ("UA-59", "Sumy region"), ("UA-63", "Kharkiv region"), ("UA-14", "Donetsk region")]
ACTIVITIES = ["massing", "training", "holding", "striking", "defending"]


def _write_tables(facts_dir: Path, headers: dict[str, list[str]],
                  tables: dict[str, list[dict]]) -> None:
    """Each table as a CSV with the schema's columns."""
    for name, header in headers.items():
        with open(facts_dir / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(tables[name])


def _regions(count: int) -> list[tuple[str, str]]:
    """``count`` first-level units: the six of :data:`REGIONS`, then others of the shipped
    boundary layers near them (Ukraine, Belarus, European Russia, in that order), so that one
    map draws them all."""
    if count <= len(REGIONS):
        return REGIONS[:max(count, 1)]
    from sitrep.model.geo.place import read_layers

    units = read_layers().admin1
    taken = {code for code, _ in REGIONS}
    more = units[units["iso_3166_2"].str.fullmatch(r"(UA|BY|RU)-[A-Z0-9]{2,3}")
                 & ~units["iso_3166_2"].isin(taken)].drop_duplicates("iso_3166_2")
    bounds = pd.DataFrame([g.bounds for g in more["geometry"]], index=more.index,
                          columns=["minx", "miny", "maxx", "maxy"])
    more = more[(bounds["minx"] >= 20) & (bounds["maxx"] <= 60) & (bounds["maxy"] <= 62)]
    more = more.sort_values("iso_3166_2", key=lambda s: s.str[:2].map(
        {"UA": 0, "BY": 1, "RU": 2}), kind="stable")
    extra = [(code, f"{name} region") for code, name in zip(more["iso_3166_2"], more["name"],
                                                              strict=True)]
    if len(REGIONS) + len(extra) < count:
        raise ValueError(f"the boundary layers hold {len(REGIONS) + len(extra)} units to use, "
                         f"not {count}")
    return REGIONS + extra[:count - len(REGIONS)]


def _actors(ids: list[str], country: str) -> list[dict]:
    """The synthetic actors (of ``country``, if given) and the outlet that reports them."""
    return [*({"actor_id": a, "name": f"Synthetic actor {i}", "kind": "state_forces",
               "country": country} for i, a in enumerate(ids)),
            {"actor_id": "outlet", "name": "Synthetic Wire", "kind": "news_outlet",
             "note": "Synthetic: not a real outlet."}]


def _takeaways(claims: int, count: int) -> list[dict]:
    """``count`` key takeaways, each resting on up to eight claims spread over the data set."""
    step = max(1, claims // max(count, 1), count)
    return [{"takeaway_id": f"T{t + 1}",
             "claims": ";".join(f"S{c:06d}" for c in range(1 + t, claims + 1, step)[:8]),
             "text": "A synthetic takeaway: synthetic actors, some of them estimated, are "
                     "reported in synthetic places."} for t in range(min(count, claims))]


def generate(target: Path, claims: int = 100_000, *, claims_per_source: int = 50,
             measures: int = 50, actors: int = 200, seed: int = 7, places: int = 6,
             country: str = "", takeaways: int = 0) -> Path:
    """Write a synthetic data set with about ``claims`` claims into ``target``; return it:
    ``places`` real first-level units, every actor of ``country`` (ISO 3166-1 alpha-2) if
    given, ``takeaways`` key takeaways resting on claims spread over the data set."""
    rng = random.Random(seed)
    target = Path(target)
    facts_dir, sources_dir = paths.facts_dir(target), paths.sources_dir(target)
    facts_dir.mkdir(parents=True, exist_ok=True)
    sources_dir.mkdir(parents=True, exist_ok=True)
    headers = {r["name"]: [f["name"] for f in r["schema"]["fields"]]
               for r in load_schema()["resources"]}
    tables: dict[str, list[dict]] = {name: [] for name in headers}

    actor_ids = [f"actor{i:04d}" for i in range(actors)]
    tables["actors"] = _actors(actor_ids, country)
    regions = _regions(places)
    tables["measures"] = [{"measure_id": f"measure{m:03d}", "label": f"Synthetic measure {m}",
                           "unit": "troops"} for m in range(measures)]
    tables["places"] = [{"place_id": f"place{k}", "name": f"{name} (synthetic use)",
                         "geo_precision": 3, "kind": "region", "iso_3166_2": code}
                        for k, (code, name) in enumerate(regions)]
    n_sources = max(1, claims // claims_per_source)
    number = 0
    for s in range(n_sources):
        source_id = f"synthetic-{s:05d}"
        day = 1 + s % 28
        sentences = [f"Synthetic Report {s}"]
        tables["sentences"].append({"source_id": source_id, "sentence": 1, "role": "heading",
                                    "starts_with": sentences[0]})
        for _ in range(claims_per_source):
            if number >= claims:
                break
            number += 1
            claim_id = f"S{number:06d}"
            actor = rng.choice(actor_ids)
            measure = rng.randrange(measures)
            qualifier, pattern = rng.choice(QUALIFIERS)
            value = rng.randrange(10, 600) * 100
            figure = pattern.format(n=f"{value:,}")
            text = (f"Synthetic actor {actor[5:]} has {figure} troops for synthetic measure "
                    f"{measure}, claim {claim_id}.")
            sentences.append(text)
            place = rng.randrange(len(regions))
            tables["sentences"].append({"source_id": source_id, "sentence": len(sentences),
                                        "role": "claims", "starts_with": text[:24]})
            tables["claims"].append({
                "claim_id": claim_id, "source_id": source_id, "sentences": len(sentences),
                "kind": "force_size", "quote": text[:-1], "statement": text,
                "claimants": "outlet", "actors": actor, "places": f"place{place}",
                "hedge": "estimated" if qualifier == "estimated" else "",
                "refers_to": f"2030-01-{day:02d}", "time_precision": "day"})
            bounds = {"over": {"lower": value}, "up_to": {"upper": value}}.get(qualifier, {})
            tables["quantities"].append({"claim_id": claim_id,
                                         "measure_id": f"measure{measure:03d}",
                                         "value": value, "unit": "troops",
                                         "qualifier": qualifier, **bounds})
            if number % 5 == 0:
                tables["positions"].append({"claim_id": claim_id, "actor_id": actor,
                                            "activity": rng.choice(ACTIVITIES),
                                            "place_id": f"place{place}",
                                            "place_role": "location"})
        document = f"{source_id}.txt"
        body = ("\n".join(sentences) + "\n").encode("utf-8")
        (sources_dir / document).write_bytes(body)
        tables["sources"].append({
            "source_id": source_id, "title": f"Synthetic report {s}", "outlet_id": "outlet",
            "url": f"https://example.org/synthetic/{s}", "document": document,
            "sha256": hashlib.sha256(body).hexdigest(), "published": f"2030-01-{day:02d}",
            "published_precision": "day", "published_basis": "stated", "language": "en"})
    tables["takeaways"] = _takeaways(number, takeaways)
    _write_tables(facts_dir, headers, tables)
    descriptor = facts_dir / "datapackage.json"
    descriptor.write_text(json.dumps({"name": "synthetic",
                                      "title": f"Synthetic data set ({number:,} claims)"}),
                          encoding="utf-8")
    write_descriptor(target)
    return target
