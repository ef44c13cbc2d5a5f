"""The disputed boundary lines of data/geo (built by scripts/build_disputed_geo.py from Natural
Earth 4.1.0 as Debian's qgis-common ships it) load, say what each line is, and mark the lines
that no longer hold."""

from __future__ import annotations

import gzip

from shapely.geometry import box

from sitrep import paths
from sitrep.model.geo import disputed


def test_lines_load_with_what_they_are():
    lines = disputed.lines()
    assert len(lines) == 44
    assert set(lines.geom_type) <= {"LineString", "MultiLineString"}
    assert set(lines["kind"]) == {"claim line", "ceasefire line", "former boundary"}
    assert lines["release"].eq("Natural Earth 4.1.0").all()
    assert set(lines["status"]) == {"current", "superseded"}
    superseded = lines[lines["status"].eq("superseded")]
    assert set(superseded["name"]) == {"Ukrainian claim", "Ceasefire Line 1994",
                                       "Former USSR oblast in 1991"}
    assert superseded["note"].str.len().gt(40).all()       # each with its reason
    assert lines.loc[lines["status"].eq("current"), "note"].eq("").all()


def test_lines_in_view_are_current_and_clipped():
    kashmir = box(72, 31.5, 81, 37.2)
    found = disputed.lines_in(kashmir)
    assert {"Indian claim", "Pakistani claim", "Chinese claim"} <= set(found["name"])
    assert found.geometry.within(kashmir.buffer(1e-9)).all()
    karabakh = disputed.lines_in(box(45.5, 39.0, 47.5, 40.6))
    assert karabakh.empty                                   # superseded: drawn nowhere


def test_file_is_small_and_reproducible_gzip():
    data = (paths.GEO / disputed.DISPUTED).read_bytes()
    assert len(data) < 100_000
    assert data[4:8] == b"\0\0\0\0"  # no time stamp in the gzip header
    assert gzip.decompress(data).startswith(b'{"type":"FeatureCollection"')
