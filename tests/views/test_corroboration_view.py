"""The corroboration as the force-size report shows it: the figures something corroborates or
contradicts in a table, every figure that stands alone named once in the line under it, none
dropped and none twice."""

from __future__ import annotations

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


def test_every_figure_is_in_the_table_or_named_in_the_line_once(found):
    in_table = reconciliation.corroboration_table(found)["Claim"].tolist()
    note = reconciliation.alone_note(found)
    named = note.split("): ", 1)[1].removesuffix(".").split(", ") if note else []
    assert sorted(in_table + named) == sorted(found["claim_id"])


def test_a_row_left_out_would_have_said_nothing_but_cannot_be_judged(found):
    alone = found[~found["claim_id"].isin(reconciliation.corroboration_table(found)["Claim"])]
    assert alone["agreeing_origins"].eq("none").all()
    assert alone["contradicting_origins"].eq("none").all()
    assert alone["proposed_credibility"].eq(6).all()
    assert alone["analyst_credibility"].isna().all() or alone["analyst_credibility"].eq(6).all()
