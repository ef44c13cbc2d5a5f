"""What check accepts always renders: every value bounded, every graph walk linear, no bare crash.

Each field of every table is fed the extremes (100,000 characters, 1.7e308, 400 digits, year 1
and year 0, a list of one item 5,000 times): check must name the field (never raise); the
limits table of the README must be the one the code applies; and data sets at the limits must
render within a time and memory budget. Fixtures are named after the failure they caused."""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import shapely
from conftest import DatasetEditor, ceiling, published
from shapely.geometry import mapping, shape

from sitrep import cli, paths
from sitrep.model import check
from sitrep.model.data import limits
from sitrep.model.data.tables import load_schema
from sitrep.model.geo import place

RESOURCES = {r["name"]: r for r in load_schema()["resources"]}


def extreme(spec: dict, kind: str) -> str:
    """The hostile cell of one field for one kind of extreme."""
    if kind == "long":
        return "A" * 100_000
    return {"number": "1.7e308", "integer": "9" * 400, "date": "0001-01-01",
            "list": ";".join(["A"] * 5_000)}.get(spec["type"], "A" * 30_000)


def fill_row(d: DatasetEditor, table: str, kind: str) -> None:
    rows = d.read_rows(table)
    header = rows[0]
    specs = {f["name"]: f for f in RESOURCES[table]["schema"]["fields"]}
    cells = [extreme(specs[name], kind) if name in specs else "" for name in header]
    if len(rows) > 1:
        rows[1] = cells
    else:
        rows.append(cells)
    d.write_rows(table, rows)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["long", "typed"])
@pytest.mark.parametrize("table", sorted(RESOURCES))
def test_every_field_at_an_extreme_is_named_never_a_crash(broken_dataset, table, kind):
    dataset = broken_dataset(lambda d: fill_row(d, table, kind))
    started = time.monotonic()
    problems = check(dataset)  # raises nothing
    assert time.monotonic() - started < ceiling(30)
    named = {p.field for p in problems if Path(p.file).name == f"{table}.csv" and p.row == 2}
    fields = {f["name"] for f in RESOURCES[table]["schema"]["fields"]}
    assert fields <= named, sorted(fields - named)
    for problem in problems:  # a message shows an excerpt, never the whole cell
        assert len(str(problem)) < 1_000, str(problem)[:200]


def claim_dated_year_one(d):
    d.set_cell("claims", 2, "refers_to", "0001-01-01")


def claim_dated_year_zero(d):
    d.set_cell("claims", 2, "refers_to", "0000-01-01")


def figure_of_1_7e308(d):
    d.set_cell("quantities", 2, "value", "1.7e308")


def geonameid_past_int64(d):
    d.set_cell("places", 5, "geonameid", "99999999999999999999")


def sentence_past_int64(d):
    d.set_cell("sentences", 2, "sentence", "18446744073709551616")


def cited_sentence_past_int64(d):
    d.set_cell("claims", 2, "sentences", "18446744073709551616")


def near_a_400_digit_distance(d):
    d.set_cell("places", 3, "part", "near UA-59 " + "9" * 400 + " km")


def near_a_150_digit_distance(d):
    d.set_cell("places", 3, "part", "near UA-59 " + "9" * 150 + " km")


def members_one_unit_5000_times(d):
    d.set_cell("places", 5, "members", ";".join(["UA-14"] * 5_000))


def members_one_unit_twice(d):
    d.set_cell("places", 5, "members", "UA-14;UA-09;UA-14")


def url_of_30000_characters(d):
    d.set_cell("sources", 2, "url", "https://example.org/" + "a" * 30_000)


def claim_id_of_20000_characters(d):
    d.replace_text("claims", "C01,", "C" + "1" * 20_000 + ",")


def actor_name_of_100_kilobytes(d):
    d.set_cell("actors", 2, "name", "N" * 100_000)


def place_spanning_the_globe(d):
    d.set_cell("places", 5, "members", "US-AK;NZ-AUK")


def title_of_300_characters(d):
    path = d.facts / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    package["title"] = "T" * 300
    path.write_text(json.dumps(package), encoding="utf-8")


def datapackage_nested_100000_deep(d):
    (d.facts / "datapackage.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")


def geo_layer_nested_100000_deep(d):
    layer, _ = own_layer(d, place.ADMIN0)
    layer.write_text('{"a":' * 100_000, encoding="utf-8")


def geo_name_of_5_megabytes(d):
    layer, data = own_layer(d, place.ADMIN1)
    data["features"][0]["properties"]["name"] = "N" * 5_000_000
    layer.write_text(json.dumps(data), encoding="utf-8")


EXTREMES = [
    (claim_dated_year_one, "claims.csv", "refers_to", "date-span"),
    (claim_dated_year_zero, "claims.csv", "refers_to", "date-span"),
    (figure_of_1_7e308, "quantities.csv", "value", "range"),
    (geonameid_past_int64, "places.csv", "geonameid", "range"),
    (sentence_past_int64, "sentences.csv", "sentence", "range"),
    (cited_sentence_past_int64, "claims.csv", "sentences", "type"),
    (near_a_400_digit_distance, "places.csv", "part", "length"),
    (near_a_150_digit_distance, "places.csv", "part", None),
    (members_one_unit_5000_times, "places.csv", "members", "list-length"),
    (members_one_unit_twice, "places.csv", "members", "list-duplicate"),
    (url_of_30000_characters, "sources.csv", "url", "length"),
    (claim_id_of_20000_characters, "claims.csv", "claim_id", "length"),
    (actor_name_of_100_kilobytes, "actors.csv", "name", "length"),
    (place_spanning_the_globe, "places.csv", "place_id", "map-extent"),
    (title_of_300_characters, "datapackage.json", "title", "length"),
    (datapackage_nested_100000_deep, "datapackage.json", None, "descriptor"),
    (geo_layer_nested_100000_deep, "admin0.geojson", None, place.RULE_GEO_FILE),
    (geo_name_of_5_megabytes, "admin1.geojson", None, place.RULE_GEO_FILE),
]


@pytest.mark.parametrize(("mutate", "file", "field", "rule"), EXTREMES,
                         ids=[m.__name__ for m, *_ in EXTREMES])
def test_an_extreme_value_is_one_message_with_its_limit(broken_dataset, capsys, monkeypatch,
                                                       mutate, file, field, rule):
    dataset = broken_dataset(mutate)
    monkeypatch.setattr(cli, "_stop_on_terminate", lambda: None)
    code = cli.main(["check", str(dataset)])
    printed = capsys.readouterr()
    assert code == cli.EXIT_BAD_INPUT, printed
    assert "error:" not in printed.err and "Traceback" not in printed.err, printed.err[:500]
    found = [p for p in check(dataset) if Path(p.file).name == file and p.field == field
             and (rule is None or p.rule == rule)]
    assert found, [str(p)[:200] for p in check(dataset)]
    if rule in ("length", "range", "date-span", "list-length"):
        assert re.search(r"\d", found[0].message), found[0]  # the limit is in the message


def own_layer(d: DatasetEditor, name: str) -> tuple[Path, dict]:
    import gzip

    shutil.copytree(paths.GEO, d.root / "geo", dirs_exist_ok=True)
    layer = d.root / "geo" / name
    packed = layer.with_name(name + ".gz")
    if packed.exists():
        layer.write_bytes(gzip.decompress(packed.read_bytes()))
        packed.unlink()
    return layer, json.loads(layer.read_text(encoding="utf-8"))


# -- graph walks -------------------------------------------------------------------------------

def origins_lattice(layers: int, *, cycle: bool):
    """``layers`` layers of two origins, each drawing on both of the next layer's (2**layers
    paths: the old cycle search re-walked each); with ``cycle`` the last draws on the first."""
    def mutate(d: DatasetEditor) -> None:
        rows = d.read_rows("origins")[:1]
        for layer in range(layers):
            below = (f"o{layer + 1}a;o{layer + 1}b" if layer + 1 < layers
                     else "o0a" if cycle else "")
            for side in "ab":
                rows.append([f"o{layer}{side}", f"origin {layer}{side}", "other", "russia",
                             "", "", below, ""])
        d.write_rows("origins", rows)
    mutate.__name__ = f"origins_lattice_{layers}{'_with_cycle' if cycle else ''}"
    return mutate


@pytest.mark.parametrize("cycle", [False, True])
def test_an_80_row_origin_lattice_checks_in_seconds(broken_dataset, cycle):
    dataset = broken_dataset(origins_lattice(40, cycle=cycle))
    started = time.monotonic()
    problems = check(dataset)
    assert time.monotonic() - started < ceiling(20)  # about a second on a quiet machine
    cycles = [p for p in problems if p.rule == "origin-cycle" and p.row]
    # 79 origins lie on the cycle (o0b is drawn on by none): 50 listed, 29 counted
    assert len(cycles) == (50 if cycle else 0)
    if cycle:
        (rest,) = [p for p in problems if p.rule == "origin-cycle" and not p.row]
        assert rest.message.startswith("29 more problems")
        shown = next(p for p in cycles if p.row == 2)
        assert str(shown.value).startswith("o0a -> ") and str(shown.value).endswith("-> o0a")


def measures_part_of_each_other(d: DatasetEditor) -> None:
    rows = d.read_rows("measures")
    header = rows[0]
    for number in range(3):
        row = dict.fromkeys(header, "")
        row.update(measure_id=f"m{number}", label=f"measure {number}", unit="troops",
                   part_of=f"m{(number + 1) % 3}", part_basis="the text says so")
        rows.append([row[h] for h in header])
    d.write_rows("measures", rows)


def test_measures_part_of_each_other_in_a_ring_are_named(broken_dataset):
    problems = check(broken_dataset(measures_part_of_each_other))
    ring = sorted(str(p.value) for p in problems if p.rule == "part-of-cycle")
    assert ring == ["m0 -> m1 -> m2 -> m0", "m1 -> m2 -> m0 -> m1", "m2 -> m0 -> m1 -> m2"]


def places_parent_chain(length: int):
    def mutate(d: DatasetEditor) -> None:
        rows = d.read_rows("places")
        header = rows[0]
        for number in range(length):
            row = dict.fromkeys(header, "")
            row.update(place_id=f"p{number}", name=f"part {number}", geo_precision="2",
                       kind="region_part", parent_id=f"p{number + 1}" if number + 1 < length
                       else "kursk_oblast", part="anywhere")
            rows.append([row[h] for h in header])
        d.write_rows("places", rows)
    return mutate


def test_a_parent_chain_past_its_budget_is_one_message_not_a_recursion(broken_dataset):
    dataset = broken_dataset(places_parent_chain(5_000))
    started = time.monotonic()
    problems = check(dataset)
    assert time.monotonic() - started < ceiling(60)
    assert any(f"longer than {limits.PARENT_DEPTH} steps" in p.message for p in problems)


# -- the table of limits -----------------------------------------------------------------------

def test_the_readme_lists_the_limits_the_code_applies():
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    assert limits.markdown() in readme, (
        "README's table of limits differs from the code: paste "
        "`python -m sitrep.model.data.limits` into the Security section")


def test_extent_parameter_past_the_projection_is_refused():
    from sitrep.pipeline.parameters import ParameterError, _extent

    with pytest.raises(ParameterError, match="spans 360"):
        _extent("-180,-60,180,60")
    assert _extent("30,44,42,53") == (30.0, 44.0, 42.0, 53.0)


# -- at the limits, a report renders within budget --------------------------------------------

def values_at_their_limits(d: DatasetEditor) -> None:
    d.set_cell("sources", 2, "url", "https://example.org/"
               + "a" * (limits.URL_LENGTH - len("https://example.org/")))
    d.set_cell("actors", 2, "name", "N" * limits.NAME_LENGTH)
    d.set_cell("sources", 2, "note", "n " * (limits.TEXT_LENGTH // 2))


def outline_of_690000_vertices(d: DatasetEditor) -> None:
    layer, data = own_layer(d, place.ADMIN1)
    for feature in data["features"]:
        if feature["properties"]["iso_3166_2"] == "RU-KRS":
            outline = shape(feature["geometry"])
            feature["geometry"] = mapping(shapely.segmentize(outline, outline.length / 690_000))
    layer.write_text(json.dumps(data), encoding="utf-8")


#: What a report at the limits may take: seconds and the peak memory of the largest process of
#: the render (kernel, browser or sitrep), in MB. The seconds bound each process's CPU time
#: (twice them, a hard limit that ends a runaway process whatever the load) and, as a generous
#: ceiling (:func:`conftest.ceiling`), the wall clock.
RENDER_SECONDS, RENDER_MB = 240, 1_500


@pytest.mark.e2e
@pytest.mark.parametrize(("report", "mutate"), [("brief", values_at_their_limits),
                                                ("actor_positions", outline_of_690000_vertices)],
                         ids=["brief_values_at_their_limits",
                              "actor_positions_outline_of_690000_vertices"])
def test_a_data_set_at_the_limits_renders_within_budget(tmp_path, report, mutate):
    from conftest import copy_dataset

    dataset = copy_dataset(tmp_path / "data", mutate)
    assert [p for p in check(dataset) if p.severity == "error"] == []
    probe = ("import resource, subprocess, sys, time; t = time.monotonic(); "
             "r = subprocess.run(sys.argv[1:]); "
             "print(r.returncode, time.monotonic() - t, "
             "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)")
    command = [sys.executable, "-m", "sitrep.cli", "render", report, "--force", "--out",
               str(tmp_path / "reports"), "-p", f"dataset={dataset}"]
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True,
                          text=True, timeout=ceiling(RENDER_SECONDS) + 60, check=False,
                          env={**os.environ, "SITREP_DATA_ROOTS": str(tmp_path)},
                          preexec_fn=lambda: resource.setrlimit(
                              resource.RLIMIT_CPU, (RENDER_SECONDS * 2, RENDER_SECONDS * 2)))
    code, seconds, peak = done.stdout.split()[-3:]
    print(f"{report}: {float(seconds):.0f} s, peak {peak} MB")
    assert int(code) == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert float(seconds) < ceiling(RENDER_SECONDS)
    assert time.monotonic() - started < ceiling(RENDER_SECONDS) + 60
    assert int(peak) < RENDER_MB, f"{peak} MB"
    assert published(tmp_path / "reports", report, "pdf").stat().st_size < 5_000_000
