"""Messages that teach: did-you-mean, takeaways read as a reader would (dates, millions, halves,
percentages, qualifiers, word forms of hedges), warnings that do not fail, the right field,
and one message per slip."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sitrep.cli import main
from sitrep.model import check
from sitrep.model.data import wording as w
from sitrep.model.data.problems import WARNING, errors

FICTIONAL = Path(__file__).parents[2] / "data" / "fictional"


def rules(problems) -> list[tuple[str, int | None, str | None, str]]:
    return sorted((Path(p.file).name, p.row, p.field, p.rule) for p in problems)


# -- takeaways, each a slip or a sound wording on the seed (row 3 is T2) -------------------

TAKEAWAYS = [
    # (id, text, claims, problems expected)
    ("date_is_not_a_figure",
     "As of 4 November, Russia has massed 50,000 troops, as early as early 2022 planned.",
     "C01", []),
    ("iso_date_and_month_year",
     "By 2024-11-10 (November 2024) Russia had massed 50,000 troops.", "C01", []),
    ("figure_no_claim_gives",
     "Russia has massed 60,000 troops.", "C01", [("takeaways.csv", 3, "text", "takeaway-figure")]),
    ("same_wrong_figure_twice_one_message",
     "Russia has massed 60,000 troops; 60,000 of them are new.", "C01",
     [("takeaways.csv", 3, "text", "takeaway-figure")]),
    ("drops_over",
     "North Korean soldiers, estimated at 10,000, have joined Russian troops.", "C09",
     [("takeaways.csv", 3, "text", "takeaway-keeps-qualifier")]),
    ("keeps_over_as_more_than",
     "North Korean soldiers, estimated at more than 10,000, have joined Russian troops.",
     "C09", []),
    ("drops_hedge_of_two_claims_one_message",
     "North Korean soldiers, over 10,000, have joined Russian troops; 10,000 are deployed.",
     "C09;C27", [("takeaways.csv", 3, "text", "takeaway-keeps-hedge")]),
    ("hedge_word_form",
     "American and Ukrainian officials say the offensive is expecting to begin soon.", "C03", []),
    ("hedge_dropped",
     "American and Ukrainian officials say the offensive begins soon.", "C03",
     [("takeaways.csv", 3, "text", "takeaway-keeps-hedge")]),
    # measures kept apart: C01 counts the troops massed, C09 and C27 the North Korean soldiers
    ("each_measure_its_own_figure",
     "Russia has massed 50,000 troops, including North Korean soldiers estimated at over "
     "10,000.", "C01;C09", []),
    ("sum_of_two_measures",
     "Russia has massed 60,000 troops with North Korean soldiers, estimated at over 10,000.",
     "C01;C09", [("takeaways.csv", 3, "text", "takeaway-keeps-measures-apart")]),
    ("difference_of_two_measures",
     "Russia has massed 40,000 of its own troops beside North Korean soldiers, estimated at "
     "over 10,000.", "C01;C09", [("takeaways.csv", 3, "text", "takeaway-keeps-measures-apart")]),
    ("sum_within_one_measure_is_no_merge",  # still a figure no claim gives
     "North Korean soldiers, estimated at over 10,000 and at 10,000, make 20,000.", "C09;C27",
     [("takeaways.csv", 3, "text", "takeaway-figure")]),
]


@pytest.mark.parametrize(("text", "claims", "expected"),
                         [pytest.param(t, c, e, id=i) for i, t, c, e in TAKEAWAYS])
def test_takeaway_wording(broken_dataset, text, claims, expected):
    _assert_takeaway_problems(broken_dataset(None), 3, text, claims, expected)


def _assert_takeaway_problems(dataset: Path, row: int, text: str, claims: str,
                              expected: list) -> None:
    """Rewrite takeaway ``row`` of ``dataset`` and check it: exactly ``expected`` problems."""
    from conftest import DatasetEditor

    editor = DatasetEditor(dataset)
    editor.set_cell("takeaways", row, "text", text)
    editor.set_cell("takeaways", row, "claims", claims)
    problems = check(dataset)
    assert rules(problems) == expected, "\n".join(map(str, problems))


KURSK_SOURCES = Path(__file__).parents[3] / "datasets" / "kursk-2024-sources"

#: On the multi-source data set (row 2 is T1): K01 and K03 count the troops massed to retake
#: Kursk (50,000), K17 the troops held down there (also 50,000), K05 both the massed troops
#: (about 50,000) and the North Korean soldiers among them (about 10,000), K22 the losses
#: (20,842 people).
MERGED_MEASURES = [
    ("one_figure_for_two_measures",
     "Russia has 50,000 troops massed to retake Kursk and held down there by the operation.",
     "K01;K17", [("takeaways.csv", 2, "text", "takeaway-keeps-measures-apart")]),
    ("one_figure_written_for_each_measure",
     "Officials put the force massed to retake Kursk at 50,000; Zelensky says the operation "
     "holds down 50,000 Russian troops.", "K01;K17", []),
    ("one_figure_one_measure_two_claims",
     "Officials relayed by several outlets put the force massed to retake Kursk at 50,000.",
     "K01;K03", []),
    ("one_claim_two_measures_each_its_figure",
     "Russia has gathered around 50,000 soldiers, around 10,000 of them North Korean.", "K05",
     []),
    ("difference_within_one_claim_of_two_measures",
     "Russia has gathered around 40,000 soldiers of its own.", "K05",
     [("takeaways.csv", 2, "text", "takeaway-keeps-measures-apart")]),
    ("unit_of_another_measure",
     "Syrskyi says Russia lost 50,000 people in the Kursk direction.", "K01;K22",
     [("takeaways.csv", 2, "text", "takeaway-keeps-measures-apart")]),
    ("each_figure_its_own_unit",
     "Syrskyi says Russia lost 20,842 people in the Kursk direction, as 50,000 troops massed "
     "to retake it.", "K01;K22", []),
]


@pytest.mark.parametrize(("text", "claims", "expected"),
                         [pytest.param(t, c, e, id=i) for i, t, c, e in MERGED_MEASURES])
def test_takeaway_keeps_measures_apart(tmp_path, text, claims, expected):
    dataset = tmp_path / "kursk"
    shutil.copytree(KURSK_SOURCES, dataset)  # sources without text held: facts/ alone
    _assert_takeaway_problems(dataset, 2, text, claims, expected)


def test_merged_measures_message_names_the_rule_and_the_figures(broken_dataset):
    def edit(d):
        d.set_cell("takeaways", 3, "text", "Russia has massed 60,000 troops with North Korean "
                   "soldiers, estimated at over 10,000.")
        d.set_cell("takeaways", 3, "claims", "C01;C09")

    (problem,) = errors(check(broken_dataset(edit)))
    message = str(problem)
    assert "takeaway-keeps-measures-apart" in message
    assert "60,000 is 50,000 (C01, troops_massed_kursk) + 10,000 (C09, nk_troops_with_russia)" \
        in message
    assert "never adds up or subtracts figures of different measures" in message


FIGURES = [
    ("1 to 5 million people", [(1e6,), (5e6,)]),
    ("25,000-50,000 troops", [(25000.0,), (50000.0,)]),
    ("about half of them", [(0.5, 50.0)]),
    ("70% of the force", [(70.0, 0.7)]),
    ("2.5 million", [(2.5e6,)]),
    ("on 4 November 2024, 300 left", [(300.0,)]),
    ("in the 1990s and since March 3, 12 units", [(12.0,)]),
]


@pytest.mark.parametrize(("text", "values"), FIGURES)
def test_figures_as_a_reader_reads_them(text, values):
    assert [f.values for f in w.figures(text)] == values


@pytest.mark.parametrize(("text", "phrase", "found"), [
    ("analysts predicted a thaw", "predicting", True),
    ("sources indicated", "Sources indicate", True),
    ("the estimates vary", "estimated", True),
    ("Zelensky confirmed reports", "reportedly", False),
    ("it assesses", "assessed", True),
])
def test_hedge_word_forms(text, phrase, found):
    assert w.says(text, phrase) is found


@pytest.mark.parametrize(("before", "qualifier"), [
    ("estimated at over", "over"), ("Nearly", "nearly"), ("As many as", "up_to"),
    ("an estimated", "about"), ("has moved", None), ("at least", "at_least"),
])
def test_qualifier_from_wording(before, qualifier):
    assert w.qualifier_of(before) == qualifier


# -- ids, fields and warnings ---------------------------------------------------------------

def test_unknown_id_suggests_the_close_one(broken_dataset):
    dataset = broken_dataset(lambda d: d.set_cell("positions", 2, "actor_id", "russian_force"))
    (problem,) = errors(check(dataset))
    assert "did you mean 'russian_forces'?" in str(problem)
    assert (problem.field, problem.rule) == ("actor_id", "foreign-key")


def test_unknown_list_item_suggests_the_close_one(broken_dataset):
    dataset = broken_dataset(lambda d: d.set_cell("claims", 2, "places", "kursk_oblst"))
    messages = [str(p) for p in errors(check(dataset))]
    assert any("'kursk_oblst': did you mean 'kursk_oblast'?" in m for m in messages), messages


def test_no_suggestion_for_a_far_id(broken_dataset):
    dataset = broken_dataset(lambda d: d.set_cell("positions", 2, "actor_id", "zzz"))
    (problem,) = errors(check(dataset))
    assert "did you mean" not in str(problem)


def test_sentence_numbers_without_text_are_named_as_sentences(tmp_path):
    dataset = tmp_path / "fictional"
    shutil.copytree(FICTIONAL, dataset)
    claims = dataset / "facts" / "claims.csv"
    text = claims.read_text(encoding="utf-8")
    claims.write_text(text.replace("F05,mod-0309,,", "F05,mod-0309,2,"), encoding="utf-8")
    assert rules(check(dataset)) == [("claims.csv", 6, "sentences", "quote-without-text")]


def test_unused_place_is_a_warning_and_check_exits_0(broken_dataset, capsys):
    dataset = broken_dataset(lambda d: d.write_rows("places", [
        *d.read_rows("places"), ["atlantis", "Atlantis", "3", "region", "", "RU-KRS", "", "", "",
                                 ""]]))
    problems = check(dataset)
    assert [(p.rule, p.severity) for p in problems] == [("unused-place", WARNING)]
    assert main(["check", str(dataset)]) == 0
    shown = capsys.readouterr().out
    assert "warning:" in shown and "atlantis" in shown and "clean" in shown


def test_many_unused_actors_are_counted_not_listed(broken_dataset):
    def grow(d):
        filler = [[f"extra{i:02d}", f"Extra actor {i}", "person", "", "", "", ""]
                  for i in range(25)]
        rows = d.read_rows("actors")
        d.write_rows("actors", rows + [r + [""] * (len(rows[0]) - len(r)) for r in filler])

    problems = check(broken_dataset(grow))
    assert not errors(problems)
    unused = [p for p in problems if p.rule == "unused-actor"]
    assert len(unused) == 21
    counted = next(p for p in unused if p.row is None)
    assert "and 5 more actors that nothing names" in counted.message


@pytest.mark.parametrize("dataset", [
    Path(__file__).parents[3] / "data", FICTIONAL,
    *sorted((Path(__file__).parents[3] / "datasets").glob("*/facts/..")),
], ids=lambda p: p.resolve().name)
def test_shipped_takeaways_raise_no_merged_measures_alarm(dataset):
    assert [p for p in check(dataset.resolve()) if p.rule == "takeaway-keeps-measures-apart"] \
        == []
