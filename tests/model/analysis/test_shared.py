"""One computation per report: a figure table's reconciliation, pairs and corroboration are
computed once per facts and table contents, never read from another table's or another cut's."""

from __future__ import annotations

import pandas as pd
import pytest

from sitrep import paths
from sitrep.model import load
from sitrep.model.analysis import corroboration, grouping, quantity, reconcile


@pytest.fixture(scope="module")
def seed():
    return load(paths.DEFAULT_DATASET)


def _counting(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = grouping._groups
    monkeypatch.setattr(grouping, "_groups", lambda t: calls.append(1) or real(t))
    return calls


def test_every_table_of_a_report_shares_one_grouping(seed, monkeypatch):
    calls = _counting(monkeypatch)
    fresh = load(paths.DEFAULT_DATASET)  # a Facts of its own: nothing memoised yet
    reconcile.reconcile(quantity.figures(fresh, kinds=None))
    reconcile.pairs(quantity.figures(fresh, kinds=None))
    corroboration.corroboration(quantity.figures(fresh, kinds=None))
    assert calls == [1]


def _assign_column(table: pd.DataFrame) -> None:
    table["cmp_hi"] = table["cmp_hi"].where(table.index != table.index[0], -1.0)


def _write_one_cell(table: pd.DataFrame) -> None:
    table.loc[table.index[0], "cmp_hi"] = -1.0


@pytest.mark.parametrize("change", [_assign_column, _write_one_cell])
def test_stale_result_after_editing_the_figures_is_not_served(seed, change):
    figures = quantity.figures(seed, kinds=None)
    before = reconcile.reconcile(figures)
    change(figures)
    untagged = figures.copy()
    untagged.attrs = {}
    after = reconcile.reconcile(figures)
    pd.testing.assert_frame_equal(after, reconcile.reconcile(untagged))
    assert not after.equals(before)


def test_a_cut_reads_no_result_of_the_whole(seed):
    whole = reconcile.reconcile(quantity.figures(seed, kinds=None))
    cut = seed.until("2024-11-09")
    direct = quantity.figures(cut, kinds=None).copy()
    direct.attrs = {}
    pd.testing.assert_frame_equal(reconcile.reconcile(quantity.figures(cut, kinds=None)),
                                  reconcile.reconcile(direct))
    assert not whole.equals(reconcile.reconcile(quantity.figures(cut, kinds=None)))
