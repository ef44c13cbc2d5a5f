"""The marks of the position map: each position, and each claim that names a place without
putting an actor there, with the place's geometry at its source's precision."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import pandas as pd

from sitrep import paths
from sitrep.model.analysis import sides
from sitrep.model.analysis.attribution import attributions
from sitrep.model.data.facts import Facts
from sitrep.model.geo.place import Layers, read_layers, resolve
from sitrep.views.style import OTHER_ACTORS

NAMED = "named"  # a claim that names the place without putting an actor there
#: How a mark is shown: a position (the claim that an actor is there, uncontested), a claim (a
#: position another side denies or disputes: drawn dashed and hollow, with who says it and
#: who denies it, never as a position) or a place a claim names.
AS_POSITION, AS_CLAIM = "position", "claim"

#: Past this many actors the least frequent share one symbol.
MAX_ACTORS = 8

COLUMNS = ["claim_id", "actor_id", "actor", "activity", "place_role", "place_id", "place",
           "kind", "precision", "drawn_as", "approximate", "method", "hedge", "statement",
           "said_by", "shown_as", "contest", "answered_by", "geometry"]


def marks(facts: Facts, actors: Sequence[str] | None = None,
          layers: Layers | None = None) -> gpd.GeoDataFrame:
    """One row per mark: each position, and each claim that names a place but carries no
    position. Columns: claim_id, actor_id, actor, activity, place_role, place_id, place, kind,
    precision, drawn_as (point/zone), approximate, method, hedge, statement, said_by,
    shown_as (position, claim or named: see :data:`AS_CLAIM`), contest ("Israel says; Iran
    denies", for a position another side contests, else empty), answered_by (the claims that
    deny or dispute it), geometry (lon/lat, EPSG:4326). ``actors``: the ids to keep (checked by
    sitrep.pipeline.parameters); None keeps all."""
    chosen = list(actors) if actors else None
    layers = layers or read_layers(paths.geo_dir(facts.dataset))
    located = resolve(facts.places, layers).set_index("place_id")
    names = facts.actors.set_index("actor_id")["name"]
    said = attributions(facts).set_index("claim_id")
    claims = facts.claims.set_index("claim_id")
    rows = []
    p = facts.positions
    if chosen is not None:
        p = p[p["actor_id"].isin(chosen)]
    for r in p.itertuples(index=False):
        rows.append({"claim_id": r.claim_id, "actor_id": r.actor_id,
                     "actor": str(names.get(r.actor_id, r.actor_id)), "activity": r.activity,
                     "place_role": r.place_role, "place_id": r.place_id})
    placed = set(facts.positions["claim_id"])
    for claim_id, places, claim_actors in zip(facts.claims["claim_id"], facts.claims["places"],
                                              facts.claims["actors"], strict=True):
        if claim_id in placed or not places:
            continue
        if chosen is not None and not set(claim_actors) & set(chosen):
            continue
        for place_id in places:
            rows.append({"claim_id": claim_id, "actor_id": "", "actor": "", "activity": NAMED,
                         "place_role": "named", "place_id": place_id})
    if not rows:
        return gpd.GeoDataFrame(columns=COLUMNS, geometry="geometry", crs="EPSG:4326")
    frame = pd.DataFrame(rows)
    frame["place"] = frame["place_id"].map(located["name"])
    frame["kind"] = frame["place_id"].map(located["kind"])
    for column in ("precision", "drawn_as", "approximate", "method", "geometry"):
        frame[column] = frame["place_id"].map(located[column])
    frame["hedge"] = frame["claim_id"].map(said["hedge"]).fillna("")
    frame["statement"] = frame["claim_id"].map(claims["statement"]).fillna("")
    frame["said_by"] = frame["claim_id"].map(said["said_by"]).fillna("")
    frame = _contests(frame, facts)
    frame = _fold_actors(frame)
    frame = frame.sort_values(["place_id", "claim_id", "actor_id"], kind="stable")
    return gpd.GeoDataFrame(frame[COLUMNS].reset_index(drop=True), geometry="geometry",
                            crs="EPSG:4326")


def _contests(frame: pd.DataFrame, facts: Facts) -> pd.DataFrame:
    """A position another side denies or disputes is shown as a claim, with who says it and
    who answers (sitrep.model.analysis.sides.contested); a named place stays named."""
    contested = sides.contested(facts).set_index("claim_id")
    position = frame["activity"].ne(NAMED)
    hit = position & frame["claim_id"].isin(contested.index)
    words = frame["claim_id"].map(contested["words"]).where(hit, "").fillna("")
    by = frame["claim_id"].map(contested["answered_by"])
    return frame.assign(
        shown_as=[AS_CLAIM if h else AS_POSITION if p else NAMED
                  for h, p in zip(hit, position, strict=True)],
        contest=words,
        answered_by=[", ".join(b) if h else "" for b, h in zip(by, hit, strict=True)])


def project_by_place(table: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    """Project each place's geometry once, however many marks share it."""
    places = table.drop_duplicates("place_id").set_index("place_id").geometry.to_crs(crs)
    return gpd.GeoDataFrame(table.drop(columns="geometry"),
                            geometry=table["place_id"].map(places).to_numpy(), crs=crs)


def _fold_actors(frame: pd.DataFrame) -> pd.DataFrame:
    """Past MAX_ACTORS actors, the least frequent share one symbol, 'other actors (N)', so the
    legend stays readable; every claim is still listed."""
    counts = frame.loc[frame["actor_id"] != "", "actor_id"].value_counts()
    if len(counts) <= MAX_ACTORS:
        return frame
    rest = counts.index[MAX_ACTORS - 1:]
    folded = frame["actor_id"].isin(rest)
    return frame.assign(actor_id=frame["actor_id"].where(~folded, OTHER_ACTORS),
                        actor=frame["actor"].where(~folded, f"other actors ({len(rest):,})"))


def countries_marked(table: gpd.GeoDataFrame, layers: Layers) -> list[str]:
    """ISO codes of the countries the marks' places lie in, most marks first."""
    if table.empty:
        return []
    a0 = layers.admin0[layers.admin0["iso_a2"].ne("")]
    counts: dict[str, int] = {}
    for geometry, n in table.groupby("place_id").agg(
            geometry=("geometry", "first"), n=("claim_id", "size")).itertuples(index=False):
        probe = geometry.representative_point()
        for code, country in zip(a0["iso_a2"], a0["geometry"], strict=True):
            if country.intersects(geometry) and (country.covers(probe)
                                                  or geometry.geom_type != "Point"):
                counts[code] = counts.get(code, 0) + int(n)
    return sorted(counts, key=lambda c: (-counts[c], c))
