"""The domain checks have no hidden edges: run in any order they report the same problems, on
every broken data set the hostile and fact tests build and on every shipped data set. Every rule
they report is one the registry lists, and every rule the registry lists is reported by one of
these corpora or named below with the reason it is not."""

from __future__ import annotations

import copy
import importlib.util
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import DatasetEditor, copy_dataset

from sitrep.model import loader
from sitrep.model.data import rule_ids as R
from sitrep.model.rules import registry

ROOT = Path(__file__).resolve().parents[3]
SEEDS = (1, 2, 3)

#: Rules no corpus here reports, and why.
NOT_IN_A_CORPUS = {
    R.GRAPH_SIZE: "needs a table past limits.GRAPH_NODES rows; too big to build per case",
}


def _cases(path: Path) -> object:
    """A test module, loaded under a name of its own, for its lists of cases."""
    spec = importlib.util.spec_from_file_location(f"_cases_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _plant(payload: str, fields: list[tuple[str, str]]) -> Callable[[DatasetEditor], None]:
    """The payload matrix of the hostile tests: ``payload`` in every text field at once."""

    def plant(d: DatasetEditor) -> None:
        for table, field in fields:
            rows = d.read_rows(table)
            if len(rows) < 2:
                rows.append([""] * len(rows[0]))
            rows[1][rows[0].index(field)] += payload
            d.write_rows(table, rows)

    return plant


def _mutations() -> dict[str, Callable[[DatasetEditor], None]]:
    """Every mutation of the shipped data set the hostile tests (their case lists) and the fact
    tests (``CASES``) break it with, by name."""
    hostile = _cases(ROOT / "tests" / "test_hostile_data.py")
    found: dict[str, Callable[[DatasetEditor], None]] = {}
    for name, cases in vars(hostile).items():
        if not (name.isupper() and isinstance(cases, list)):
            continue
        for case in cases:
            mutate = case[0] if isinstance(case, tuple) else case
            if callable(mutate):
                found[f"hostile-{mutate.__name__}"] = mutate
    fields = hostile.text_fields()
    for label, payload, _ in hostile.PAYLOADS:
        found[f"hostile-payload-{label}"] = _plant(payload, fields)
    for case in _cases(ROOT / "tests" / "model" / "test_facts.py").CASES:
        found[f"facts-{case.id}"] = case.values[0]
    return found


MUTATIONS = _mutations()
SHIPPED = sorted(str(p.parent.relative_to(ROOT)) for pattern in
                 ("data/facts", "datasets/*/facts", "tests/data/*/facts")
                 for p in ROOT.glob(pattern) if p.is_dir())
#: The rules each corpus reported (filled as the tests below run; one module, one worker).
REPORTED: dict[str, set[str]] = {}


def _same_in_every_order(dataset: Path) -> set[str]:
    """Check ``dataset`` with the registry's order of domain checks and with shuffled ones (each
    on a fresh copy of what the reading gave): the same problems, in the same order."""
    out, facts, stopped = loader.read(dataset)
    if facts is None:
        problems = stopped  # the reading stopped: no domain check runs
    else:
        problems, _ = loader.apply_rules(*copy.deepcopy((facts, out)))
        for seed in SEEDS:
            shuffled, _ = loader.apply_rules(*copy.deepcopy((facts, out)),
                                             shuffle=random.Random(seed))
            assert shuffled == problems, f"seed {seed}: {set(shuffled) ^ set(problems)}"
    undeclared = {p.rule for p in problems} - set(registry.BY_ID)
    assert not undeclared, f"reported but not in the registry: {undeclared}"
    return {p.rule for p in problems}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_broken_data_set_checks_alike_in_any_order(tmp_path, name):
    REPORTED[name] = _same_in_every_order(copy_dataset(tmp_path / "dataset", MUTATIONS[name]))


@pytest.mark.parametrize("dataset", SHIPPED)
def test_shipped_data_set_checks_alike_in_any_order(dataset):
    REPORTED[dataset] = _same_in_every_order(ROOT / dataset)


def test_every_listed_rule_is_reported_by_a_corpus():
    """Runs after the tests above (same module): every rule of the registry was reported by
    some corpus, or is named in NOT_IN_A_CORPUS with its reason."""
    if len(REPORTED) < len(MUTATIONS) + len(SHIPPED):
        pytest.skip("needs every corpus above to have run in this session")
    reported = set().union(*REPORTED.values())
    unreported = set(registry.BY_ID) - reported - set(NOT_IN_A_CORPUS)
    assert not unreported, f"no corpus reports {sorted(unreported)}: add a case, or a reason"
    stale = set(NOT_IN_A_CORPUS) & reported
    assert not stale, f"reported after all, drop from NOT_IN_A_CORPUS: {sorted(stale)}"
