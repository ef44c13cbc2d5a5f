"""The corroboration as the force-size report shows it: the figures something corroborates or
contradicts in a table, every figure that stands alone named once in the line under it, none
dropped and none twice."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from sitrep import paths
from sitrep.model import load
from sitrep.model.analysis import corroboration, quantity
from sitrep.views import reconciliation

SHIPPED = {"seed": paths.DATA, "fictional": paths.ROOT / "tests" / "data" / "fictional",
           **{d.name: d for d in sorted((paths.ROOT / "datasets").glob("*/"))
              if (d / "facts").is_dir()}}


@pytest.fixture(scope="module", params=list(SHIPPED))
def found(request) -> pd.DataFrame:
    return corroboration.corroboration(quantity.figures(load(SHIPPED[request.param]),
                                                        kinds=None))


def _named(note: str) -> list[str]:
    """The claim ids the line under the table names: after each '...): ', comma-separated,
    a superseded one followed by '(by X)'."""
    ids = []
    for part in note.removeprefix("Not in the table: ").removesuffix(".").split("; "):
        if "): " in part:
            listed = part.split("): ", 1)[1]
            ids += [re.sub(r" \(by [^)]*\)$", "", x) for x in re.split(r", (?![^(]*\))", listed)]
    return ids


def test_every_figure_is_in_the_table_or_named_in_the_line_once(found):
    in_table = reconciliation.corroboration_table(found)["Claim"].tolist()
    named = _named(reconciliation.alone_note(found))
    assert sorted(in_table + named) == sorted(found["claim_id"])


def test_a_row_left_out_would_have_said_nothing_the_line_does_not(found):
    left = found[~found["claim_id"].isin(reconciliation.corroboration_table(found)["Claim"])]
    assert left["agreeing_origins"].eq("none").all()
    assert left["contradicting_origins"].eq("none").all()
    superseded = left["proposed_credibility"].isna()
    assert left.loc[~superseded, "proposed_credibility"].eq(6).all()
    assert left.loc[superseded, "superseded_by"].ne("").all()
    note = reconciliation.alone_note(found)
    for claim, by in zip(left.loc[superseded, "claim_id"], left.loc[superseded, "superseded_by"],
                         strict=True):
        assert f"{claim} (by {by})" in note
