"""Build the layer of disputed boundary lines of data/geo from Natural Earth, reproducibly.

    .venv/bin/python scripts/build_disputed_geo.py [OUT_DIR]      (default: data/geo)

Source: Natural Earth 1:10m "Admin 0 - Breakaway, Disputed Areas", boundary lines
(ne_10m_admin_0_boundary_lines_disputed_areas), release 4.1.0, public domain, as shipped in
Debian's package qgis-common (3.22.16+dfsg-1, bookworm): the layer ``disputed_borders`` of
/usr/share/qgis/resources/data/world_map.gpkg, which QGIS imported from NE "as-is", keeping
the fields name, adm0_left, adm0_right, adm0_a3_l and adm0_a3_r (its README_world_map.md).
The script fetches the package with the ordinary apt client (`apt-get download`), checks the
package's and the GeoPackage's sha256 against the values below, and writes:

- disputed.geojson.gz: every line of that layer (46), each with NE's name ("Indian claim",
  "Ceasefire Line 1994", ...), the kind of line read from that name, the country NE puts it
  in, its NE record number, and whether it still holds (``status``: current, or superseded
  with the reason in ``note``; see SUPERSEDED). Coordinates on a 0.001 degree grid (about
  100 m); lines are short, so they are not simplified.

No package reachable from here ships NE's disputed *areas* (ne_10m_admin_0_disputed_areas,
polygons) or the attributes of its land boundary lines (ne_10m_admin_0_boundary_lines_land,
whose ``featurecla`` marks the lines of control): see data/geo/SOURCE.md.

RFC 7946 GeoJSON, gzip-compressed without a time stamp: a second run writes byte-identical files.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pyogrio
import shapely
from shapely.geometry import mapping

PACKAGE = "qgis-common=3.22.16+dfsg-1"
DEB = "qgis-common_3.22.16+dfsg-1_all.deb"
DEB_SHA256 = "8c46e9da78b82772b23777643e02210c43945f01faee2316899f6438b65a5960"
GPKG = "usr/share/qgis/resources/data/world_map.gpkg"
GPKG_SHA256 = "ff5cceefc4b27abea094fa82459d8aef9417023236c326a666978b62ffe85db2"
LAYER = "disputed_borders"
RELEASE = "Natural Earth 4.1.0"

GRID = 0.001  # degrees (about 100 m)

#: Lines of NE 4.1.0 (2018) that no longer hold: (NE name, NE country code) -> why. They stay
#: in the layer, marked, and the maps draw none of them: drawn as disputed today, a line of
#: contact would be read as a front line (the maps show none) and a ceasefire line as a line
#: that still divides control.
SUPERSEDED = {
    ("Ukrainian claim", "UKR"): (
        "NE 4.1.0's line between the government-held and the Russian-backed areas of Donetsk "
        "and Luhansk oblasts (the line of contact of 2015); superseded by Russia's full-scale "
        "invasion of 24 February 2022."),
    ("Ceasefire Line 1994", "AZE"): (
        "The Nagorno-Karabakh ceasefire line of 1994; superseded by the war of 2020 and "
        "Azerbaijan's offensive of September 2023, after which the breakaway republic "
        "dissolved (1 January 2024)."),
    ("Former USSR oblast in 1991", "AZE"): (
        "The outline of the former Nagorno-Karabakh Autonomous Oblast, which NE 4.1.0 draws "
        "as a breakaway area's boundary; no longer a line of control since September 2023 "
        "(the breakaway republic dissolved on 1 January 2024)."),
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch(work: Path) -> Path:
    """The GeoPackage, from the Debian package, both checked against their checksums."""
    subprocess.run(["apt-get", "download", "-q", PACKAGE], cwd=work, check=True,
                   stdout=subprocess.DEVNULL)
    deb = work / DEB
    if sha256(deb) != DEB_SHA256:
        sys.exit(f"{deb.name}: sha256 {sha256(deb)} is not the recorded one")
    subprocess.run(["dpkg-deb", "-x", str(deb), str(work / "root")], check=True)
    gpkg = work / "root" / GPKG
    if sha256(gpkg) != GPKG_SHA256:
        sys.exit(f"{GPKG}: sha256 {sha256(gpkg)} is not the recorded one")
    return gpkg


def kind(name: str) -> str:
    """The kind of line, read from NE's name."""
    if name.endswith(" claim"):
        return "claim line"
    if name.lower().startswith("ceasefire"):
        return "ceasefire line"
    if name.lower().startswith("former"):
        return "former boundary"
    return "disputed boundary"


def lines(gpkg: Path) -> list[dict]:
    frame = pyogrio.read_dataframe(gpkg, layer=LAYER)
    records = []
    for number, row in enumerate(frame.itertuples(index=False), start=1):
        geometry = shapely.set_precision(shapely.force_2d(row.geometry), GRID)
        if geometry.is_empty:
            continue
        key = (str(row.name), str(row.adm0_a3_l))
        note = SUPERSEDED.get(key, "")
        records.append({
            "name": key[0], "kind": kind(key[0]), "adm0_a3": key[1],
            "country": str(row.adm0_left), "ne_record": number, "release": RELEASE,
            "status": "superseded" if note else "current", "note": note,
            "geometry": geometry,
        })
    return sorted(records, key=lambda r: (r["adm0_a3"], r["name"], r["ne_record"]))


def _rounded(value):
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def write(records: list[dict], path: Path) -> None:
    features = [{"type": "Feature",
                 "properties": {k: v for k, v in r.items() if k != "geometry"},
                 "geometry": _rounded(mapping(r["geometry"]))} for r in records]
    text = json.dumps({"type": "FeatureCollection", "features": features},
                      ensure_ascii=False, separators=(",", ":"))
    # gzip without a time stamp or file name: the same input gives the same bytes
    path.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    print(f"{path.name}: {len(features)} lines, {path.stat().st_size:,} bytes, "
          f"sha256 {sha256(path)}")


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parents[1] / "data/geo"
    with tempfile.TemporaryDirectory() as tmp:
        records = lines(fetch(Path(tmp)))
    missing = set(SUPERSEDED) - {(r["name"], r["adm0_a3"]) for r in records}
    if missing:
        sys.exit(f"superseded lines not in the source: {sorted(missing)}")
    write(records, out / "disputed.geojson.gz")


if __name__ == "__main__":
    main()
