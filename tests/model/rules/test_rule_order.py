"""The domain checks have no hidden edges: run in any order they report the same problems, on
every broken data set the hostile and fact tests build and on every shipped data set. Every rule
they report is one the registry lists, and every rule the registry lists is reported by one of
these corpora or named below with the reason it is not."""

from __future__ import annotations

import copy
import importlib.util
import random
import shutil
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
    R.GRAPH_SIZE: "needs a table past limits.GRAPH_NODES rows: too big to build per case",
    R.UPDATE_EPISODE: "no test builds an update across episodes yet",
    R.UPDATE_MEASURE: "no test builds an update across measures yet",
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


def _rewrite_takeaway(text: str, claims: str) -> Callable[[DatasetEditor], None]:
    """A takeaway case of the message tests: row 3 of takeaways.csv says ``text``."""

    def rewrite(d: DatasetEditor) -> None:
        d.set_cell("takeaways", 3, "text", text)
        d.set_cell("takeaways", 3, "claims", claims)

    return rewrite


def _append(table: str, rows: list[dict]) -> Callable[[DatasetEditor], None]:
    """An update case of the episode tests: ``rows`` added to ``table``."""

    def append(d: DatasetEditor) -> None:
        lines = d.read_rows(table)
        d.write_rows(table, lines + [[row.get(c, "") for c in lines[0]] for row in rows])

    return append


Mutation = Callable[[DatasetEditor], None]


def _row_set(table: str, column: str, value: str) -> Mutation:
    """A spare copy of row 2 of ``table`` at its end, with ``column`` set to ``value``."""

    def spare(d: DatasetEditor) -> None:
        d.duplicate_row(table, 2)
        d.set_cell(table, len(d.read_rows(table)), column, value)

    return spare


#: Rules the case lists of other tests leave out, broken here (on the shipped data set).
OWN: dict[str, Mutation] = {
    "colour-too-light": lambda d: d.set_cell("actors", 2, "colour", "#ffff00"),
    "document-without-checksum": lambda d: d.set_cell("sources", 2, "sha256", ""),
    "measures-part-of-each-other": lambda d: (
        d.set_cell("measures", 2, "part_of", "nk_troops_with_russia"),
        d.set_cell("measures", 2, "part_basis", "as read")),
    "place-nothing-names": _row_set("places", "place_id", "spare_place"),
    "no-source-at-all": lambda d: d.write_rows("sources", d.read_rows("sources")[:1]),
    "episode-ending-before-it-starts": _append("episodes", [{
        "episode_id": "e1", "name": "E", "kind": "offensive", "start": "2024-11-10",
        "end": "2024-11-01"}]),
    "relation-naming-nothing": _append("claim_relations", [{
        "claim_id": "C01", "relation": "denies", "basis": "stated"}]),
    "relation-inferred-without-rationale": _append("claim_relations", [{
        "claim_id": "C01", "relation": "denies", "target": "C09", "basis": "inferred"}]),
    "relation-on-a-measure-its-target-lacks": _append("claim_relations", [{
        "claim_id": "C01", "relation": "denies", "target": "C09", "measure_id": "war_duration",
        "basis": "stated"}]),
}


def _mutations() -> dict[str, tuple[Path | None, Mutation]]:
    """Every broken data set the case lists of the hostile, fact, place, message and episode
    tests build, by name: the data set it starts from (None: the shipped one) and what breaks
    it."""
    found: dict[str, tuple[Path | None, Mutation]] = {}
    for test in ("test_hostile_data.py", "test_hostile_values.py", "model/test_facts.py",
                 "model/geo/test_place.py"):
        module = _cases(ROOT / "tests" / test)
        for name, cases in vars(module).items():
            if not (name.isupper() and isinstance(cases, list)):
                continue
            for index, case in enumerate(cases):
                mutate = (case.values[0] if hasattr(case, "values") and case.values
                          else case[0] if isinstance(case, tuple) else case)
                if callable(mutate):
                    label = getattr(case, "id", None) or f"{mutate.__name__}-{index}"
                    found[f"{Path(test).stem}-{name.lower()}-{label}"] = (None, mutate)
        if test == "test_hostile_data.py":
            fields = module.text_fields()
            for label, payload, _ in module.PAYLOADS:
                found[f"test_hostile_data-payload-{label}"] = (None, _plant(payload, fields))
    messages = _cases(ROOT / "tests" / "model" / "rules" / "test_messages.py")
    for label, text, claims, _ in messages.TAKEAWAYS:
        found[f"test_messages-takeaway-{label}"] = (None, _rewrite_takeaway(text, claims))
    episodes = _cases(ROOT / "tests" / "model" / "analysis" / "test_episodes.py")
    for rule, rows in episodes.UPDATE_RULES.items():
        found[f"test_episodes-{rule}"] = (episodes.INTERIM, _append("updates", rows))
    found.update({f"own-{label}": (None, mutate) for label, mutate in OWN.items()})
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
    base, mutate = MUTATIONS[name]
    target = tmp_path / "dataset"
    if base is None:
        copy_dataset(target, mutate)
    else:
        shutil.copytree(base, target)
        mutate(DatasetEditor(target))
    REPORTED[name] = _same_in_every_order(target)


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
