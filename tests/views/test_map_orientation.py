"""Maps that orient and never mislead (issue 19, item 5): occupied areas only from the explicit
list (never from a name mismatch in Natural Earth), and orientation towns from the areas the
claims are about first."""

from __future__ import annotations

import pytest
from matplotlib.patches import PathPatch

from sitrep import paths
from sitrep.model import load
from sitrep.model.geo import place
from sitrep.views import maps
from sitrep.views.maps import zones


@pytest.fixture(scope="module")
def layers() -> place.Layers:
    return place.read_layers(paths.geo_dir(paths.DEFAULT_DATASET))


def test_only_listed_units_count_as_occupied(layers):
    """Natural Earth names 40 units' de facto admin differently from their country (all of
    Serbia, Bonaire, Cocos...); only the listed ones are occupied."""
    found = set(zones.occupied(layers.admin1)["iso_3166_2"])
    assert found == set(zones.OCCUPIED_UNITS) == {"UA-43", "UA-40"}


def _occupied_hatches(drawn: maps.PositionMap) -> int:
    main = drawn.figure.axes[0]  # the map (the inset comes after it)
    return sum(1 for artist in main.patches
               if isinstance(artist, PathPatch) and artist.get_hatch() == zones.OCCUPIED_HATCH)


#: (extent lon_min, lat_min, lon_max, lat_max, the occupied units a map of it may hatch)
EXTENTS = [
    ((18.5, 41.5, 23.5, 46.5), set()),                     # Serbia, all 25 units
    ((-69.0, 11.8, -67.8, 12.5), set()),                   # Bonaire, Caribbean Netherlands
    ((32.0, 34.4, 34.8, 35.8), set()),                     # Cyprus and the base areas
    ((32.0, 44.0, 37.0, 46.5), {"Crimea", "Sevastopol"}),  # Crimea
]


@pytest.mark.slow
@pytest.mark.parametrize(("extent", "expected"), EXTENTS, ids=["serbia", "bonaire", "cyprus",
                                                                "crimea"])
def test_no_unit_is_hatched_as_occupied_unless_listed(extent, expected):
    drawn = maps.position_map(load(), extent=extent)
    assert {unit for unit, _, _ in drawn.occupied} == expected
    assert _occupied_hatches(drawn) == len(expected)


@pytest.mark.slow
def test_seed_map_plan_includes_sudzha_and_korenevo():
    """The towns inside the Ukrainian-held areas of the Kursk region come before the most
    populous ones of the view."""
    drawn = maps.position_map(load())
    assert {"Sudzha", "Korenevo"} <= set(drawn.context_places), drawn.context_places
    placed = set(drawn.labels.loc[drawn.labels["placed"].astype(bool), "text"])
    assert {"Sudzha", "Korenevo"} <= placed


@pytest.mark.slow
@pytest.mark.parametrize("dataset", [None, "datasets/eastern-drc-2024-2025"],
                         ids=["seed", "eastern-drc"])
def test_callout_boxes_cover_no_other_mark(dataset):
    """Every box of claims lies clear of every town dot, ring, anchor, name, furniture and
    other box the placer knows (the DR Congo map has seven boxes round one cluster)."""
    drawn = maps.position_map(load(dataset))
    assert drawn.covered == []
    assert (drawn.labels["kind"] == "claims box").sum() >= 4
