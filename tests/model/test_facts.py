"""The facts loader and validator: the shipped data set loads clean, and every broken copy is
reported with the exact file, spreadsheet row (header = row 1), field and rule.

Each case below is named after the failure it causes; its mutation breaks one thing in a fresh
copy of the shipped data set (see conftest.py), and the test asserts the exact set of problems.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from sitrep import paths
from sitrep.model import Facts, FactsError, Problem, check, load
from sitrep.model.data.problems import errors

SOURCE_ID = "dagens-2024-11-russia-50000"
SENTENCE_TOTAL = 18
CLAIM_TOTAL = 28

Key = tuple[str, int | None, str | None, str]


def key(problem: Problem) -> Key:
    """What a case pins down: file basename, row, field and rule."""
    return (Path(problem.file).name, problem.row, problem.field, problem.rule)


def keys(problems: list[Problem]) -> set[Key]:
    return {key(p) for p in problems}


# -- mutations that need more than one line -------------------------------------------------

def _edit_schema_copy(d) -> None:
    """Loosen one field's type in the data set's datapackage.json only."""
    path = d.path("datapackage.json")
    package = json.loads(path.read_text(encoding="utf-8"))
    (places,) = [r for r in package["resources"] if r["name"] == "places"]
    (geonameid,) = [f for f in places["schema"]["fields"] if f["name"] == "geonameid"]
    geonameid["type"] = "string"
    path.write_text(json.dumps(package, indent=1), encoding="utf-8")


def _lower_above_upper(d) -> None:
    d.set_cell("quantities", 4, "lower", "10000")  # C27: value 10000, 'estimated'
    d.set_cell("quantities", 4, "upper", "9000")


def _case(id: str, mutate, expected: Key, *also: Key, value: str | None = None):
    """One broken data set: ``expected`` is the problem it is about, ``also`` any problems the
    same slip rightly causes elsewhere; together they are every problem reported."""
    return pytest.param(mutate, expected, also, value, id=id)


CASES = [
    # -- quotes, hedges and claims -----------------------------------------------------------
    _case("quote_not_in_source",
          lambda d: d.set_cell("claims", 2, "quote", "Russia has amassed 60,000 troops"),
          ("claims.csv", 2, "quote", "quote-in-source"),
          value="Russia has amassed 60,000 troops"),
    _case("quote_from_another_sentence",
          lambda d: d.set_cell("claims", 2, "quote", "Not Reallocating Soldiers"),
          ("claims.csv", 2, "quote", "quote-in-source")),
    _case("quote_missing",
          lambda d: d.set_cell("claims", 2, "quote", ""),
          ("claims.csv", 2, "quote", "quote-required")),
    _case("claim_cites_missing_sentence",
          lambda d: d.set_cell("claims", 2, "sentences", "19"),
          ("claims.csv", 2, "sentences", "sentence-exists"), value="19"),
    _case("hedge_not_in_source",  # C14, hedged 'potential'; no takeaway cites it
          lambda d: d.set_cell("claims", 15, "hedge", "allegedly"),
          ("claims.csv", 15, "hedge", "hedge-in-source"), value="allegedly"),
    _case("likelihood_without_hedge",
          lambda d: d.set_cell("claims", 2, "likelihood", "likely"),
          ("claims.csv", 2, "likelihood", "likelihood-needs-hedge"), value="likely"),
    # -- references between tables -----------------------------------------------------------
    _case("unknown_actor",
          lambda d: d.set_cell("claims", 2, "actors", "russia;russian_forces;nk_forces;ghost_army"),
          ("claims.csv", 2, "actors", "foreign-key"), value="ghost_army"),
    _case("unknown_actor_in_position",
          lambda d: d.set_cell("positions", 2, "actor_id", "ghost_army"),
          ("positions.csv", 2, "actor_id", "foreign-key"), value="ghost_army"),
    _case("unknown_outlet",
          lambda d: d.set_cell("sources", 2, "outlet_id", "ghost_news"),
          ("sources.csv", 2, "outlet_id", "foreign-key"), value="ghost_news"),
    _case("unknown_place_in_list",
          lambda d: d.set_cell("claims", 2, "places", "kursk_oblast;atlantis"),
          ("claims.csv", 2, "places", "foreign-key"), value="atlantis"),
    _case("unknown_claimant",
          lambda d: d.set_cell("claims", 2, "claimants", "dagens;ghost_source"),
          ("claims.csv", 2, "claimants", "foreign-key"), value="ghost_source"),
    _case("unknown_claim_in_takeaway",
          lambda d: d.set_cell("takeaways", 2, "claims", "C01;C02;C03;C99"),
          ("takeaways.csv", 2, "claims", "foreign-key"), value="C99"),
    _case("unknown_claim_in_position",
          lambda d: d.set_cell("positions", 2, "claim_id", "C99"),
          ("positions.csv", 2, "claim_id", "foreign-key"), value="C99"),
    _case("position_actor_not_on_claim",  # C01 lists russia, russian_forces, nk_forces
          lambda d: d.set_cell("positions", 2, "actor_id", "ukrainian_forces"),
          ("positions.csv", 2, "actor_id", "listed-on-claim"), value="ukrainian_forces"),
    # -- columns, cells and keys -------------------------------------------------------------
    _case("missing_column",
          lambda d: d.drop_column("measures", "note"),
          ("measures.csv", 1, "note", "missing-column")),
    _case("unknown_column",
          lambda d: d.add_column("measures", "source"),
          ("measures.csv", 1, "source", "unknown-column"), value="source"),
    _case("wrong_type_value",
          lambda d: d.set_cell("places", 6, "geonameid", "Kurakhove"),
          ("places.csv", 6, "geonameid", "type"), value="Kurakhove"),
    _case("number_with_thousands_separator",
          lambda d: d.set_cell("quantities", 2, "value", "50,000"),
          ("quantities.csv", 2, "value", "type"), value="50,000"),
    _case("empty_required_cell",
          lambda d: d.set_cell("claims", 2, "statement", ""),
          ("claims.csv", 2, "statement", "required")),
    _case("duplicate_claim_id",  # a copy of C01 appended as row 30
          lambda d: d.duplicate_row("claims", 2),
          ("claims.csv", 30, "claim_id", "unique"), value="C01"),
    _case("duplicate_position_row",  # a copy of row 2 appended as row 13
          lambda d: d.duplicate_row("positions", 2),
          ("positions.csv", 13, "claim_id,actor_id,activity,place_id", "unique")),
    _case("bad_enum_qualifier",
          lambda d: d.set_cell("quantities", 2, "qualifier", "roughly"),
          ("quantities.csv", 2, "qualifier", "enum"), value="roughly"),
    _case("bad_country_code_pattern",  # row 6 is ukraine
          lambda d: d.set_cell("actors", 6, "country", "Ukraine"),
          ("actors.csv", 6, "country", "pattern"), value="Ukraine"),
    _case("invalid_date_format",
          lambda d: d.set_cell("claims", 2, "refers_to", "10/11/2024"),
          ("claims.csv", 2, "refers_to", "date-format"), value="10/11/2024"),
    _case("impossible_date",
          lambda d: d.set_cell("sources", 2, "published", "2024-02-30"),
          ("sources.csv", 2, "published", "date-exists"), value="2024-02-30"),
    _case("negative_count",  # C27's lower bound of troops
          lambda d: d.set_cell("quantities", 4, "lower", "-1"),
          ("quantities.csv", 4, "lower", "minimum"), value="-1"),
    # -- source documents and their sentences ------------------------------------------------
    _case("edited_source_text",
          lambda d: d.replace_text(d.source_text().name, "50,000 troops", "60,000 troops"),
          ("sources.csv", 2, "sha256", "checksum")),
    _case("missing_source_document",
          lambda d: d.delete(d.source_text().name),
          ("sources.csv", 2, "document", "document-exists")),
    _case("sentence_not_accounted",  # sentence 2, the heading, is row 3
          lambda d: d.delete_row("sentences", 3),
          ("sentences.csv", None, "sentence", "sentence-accounted"),
          value=f"{SOURCE_ID} 2"),
    _case("sentence_numbering_off",  # sentence 3 listed with sentence 4's first words
          lambda d: d.set_cell("sentences", 4, "starts_with", "U.S. intelligence"),
          ("sentences.csv", 4, "starts_with", "sentence-starts-with"),
          value="U.S. intelligence"),
    _case("claims_sentence_uncited",  # the heading 'Not Reallocating Soldiers' marked claims
          lambda d: d.set_cell("sentences", 3, "role", "claims"),
          ("sentences.csv", 3, "role", "sentence-covered"), value="claims"),
    _case("heading_cited_by_claim",  # sentence 1, cited by C01 and C02, marked heading
          lambda d: d.set_cell("sentences", 2, "role", "heading"),
          ("sentences.csv", 2, "role", "sentence-covered"), value="heading"),
    # -- numbers and places ------------------------------------------------------------------
    _case("lower_above_upper",  # the bounds cannot straddle the value: two rules break
          _lower_above_upper,
          ("quantities.csv", 4, "lower", "bounds-order"),
          ("quantities.csv", 4, "upper", "bounds-order")),
    _case("lower_above_value",
          lambda d: d.set_cell("quantities", 4, "lower", "12000"),
          ("quantities.csv", 4, "lower", "bounds-order"), value="12000"),
    _case("over_without_lower_bound",  # C09 'over 10,000'
          lambda d: d.set_cell("quantities", 3, "lower", ""),
          ("quantities.csv", 3, "lower", "qualifier-bounds"), value="over"),
    _case("over_with_upper_bound",
          lambda d: d.set_cell("quantities", 3, "upper", "20000"),
          ("quantities.csv", 3, "upper", "qualifier-bounds"), value="20000"),
    _case("value_missing_outside_a_range",  # C17 'over 2' (years) without its number
          lambda d: d.set_cell("quantities", 5, "value", ""),
          ("quantities.csv", 5, "value", "value-required")),
    _case("unit_not_measure_unit",  # row 4 is C27, not an input of a derived figure
          lambda d: d.set_cell("quantities", 4, "unit", "soldiers"),
          ("quantities.csv", 4, "unit", "unit-of-measure"), value="soldiers"),
    _case("town_with_region_precision",  # row 6 is Kurakhove, a town
          lambda d: d.set_cell("places", 6, "geo_precision", "3"),
          ("places.csv", 6, "geo_precision", "precision-of-kind"), value="3"),
    # -- takeaways ---------------------------------------------------------------------------
    _case("takeaway_drops_hedge",  # T6 rests on C26, hedged 'reportedly'
          lambda d: d.set_cell("takeaways", 7, "text", d.cell("takeaways", 7, "text").replace(
              "is reportedly seeking", "is seeking")),
          ("takeaways.csv", 7, "text", "takeaway-keeps-hedge"), value="reportedly"),
    _case("takeaway_invents_figure",
          lambda d: d.set_cell("takeaways", 2, "text", d.cell("takeaways", 2, "text").replace(
              "50,000", "60,000")),
          ("takeaways.csv", 2, "text", "takeaway-figure"), value="60,000"),
    _case("second_bottom_line",  # row 9 is the bottom line; T1 (row 2) claims to be one too
          lambda d: d.set_cell("takeaways", 2, "role", "bottom_line"),
          ("takeaways.csv", 9, "role", "one-bottom-line"), value="bottom_line"),
    _case("bottom_line_drops_hedge",  # the bottom line rests on C03, hedged 'expected'
          lambda d: d.set_cell("takeaways", 9, "text", d.cell("takeaways", 9, "text").replace(
              "is expected soon", "is soon")),
          ("takeaways.csv", 9, "text", "takeaway-keeps-hedge"), value="expected"),
    # -- grades, measures and derived figures ------------------------------------------------
    _case("grade_without_rationale",
          lambda d: d.set_cell("claims", 2, "credibility", "2"),
          ("claims.csv", 2, "credibility_rationale", "grade-rationale"), value="2"),
    _case("source_grade_without_rationale",
          lambda d: d.set_cell("sources", 2, "reliability", "B"),
          ("sources.csv", 2, "reliability_rationale", "grade-rationale"), value="B"),
    _case("unknown_reliability_letter",
          lambda d: (d.set_cell("sources", 2, "reliability", "G"),
                     d.set_cell("sources", 2, "reliability_rationale", "why")),
          ("sources.csv", 2, "reliability", "enum"), value="G"),
    _case("part_of_without_basis",  # row 3: North Korean troops, part of the 50,000
          lambda d: d.set_cell("measures", 3, "part_basis", ""),
          ("measures.csv", 3, "part_basis", "part-basis")),
    _case("part_of_unknown_measure",
          lambda d: d.set_cell("measures", 3, "part_of", "all_troops"),
          ("measures.csv", 3, "part_of", "foreign-key"), value="all_troops"),
    _case("derived_from_claim_without_number",  # C02 carries no quantity
          lambda d: d.set_cell("derived", 2, "inputs", "C01;C02"),
          ("derived.csv", 2, "inputs", "derived-input"), value="C02"),
    _case("derived_from_unknown_claim",
          lambda d: d.set_cell("derived", 2, "inputs", "C01;C99"),
          ("derived.csv", 2, "inputs", "foreign-key"), value="C99"),
    _case("derived_across_units",  # C17 counts years, the derived measure troops
          lambda d: d.set_cell("derived", 2, "inputs", "C01;C17"),
          ("derived.csv", 2, "inputs", "unit-of-measure"), value="C17"),
    _case("under_with_lower_bound",  # C27 'estimated' -> 'under' needs an upper bound only
          lambda d: (d.set_cell("quantities", 4, "qualifier", "under"),
                     d.set_cell("quantities", 4, "lower", "9000")),
          ("quantities.csv", 4, "upper", "qualifier-bounds"),
          ("quantities.csv", 4, "lower", "qualifier-bounds")),
    _case("claim_dated_after_its_source",  # the source is of Nov 2024 (month precision)
          lambda d: d.set_cell("claims", 2, "refers_to", "2024-12-01"),
          ("claims.csv", 2, "refers_to", "date-after-source"), value="2024-12-01"),
    _case("date_precision_mismatch",  # a day-precise source cannot carry a later claim
          lambda d: (d.set_cell("sources", 2, "published_precision", "day"),
                     d.set_cell("claims", 2, "refers_to", "2024-11-11")),
          ("claims.csv", 2, "refers_to", "date-after-source"), value="2024-11-11"),
    # -- periods, status, relays and origins -----------------------------------------------
    _case("period_end_without_precision",
          lambda d: d.set_cell("claims", 2, "refers_to_end", "2024-11-20"),
          ("claims.csv", 2, "end_precision", "end-precision"), value="2024-11-20"),
    _case("period_ends_before_it_starts",  # C01 refers to November 2024 (from the 10th)
          lambda d: (d.set_cell("claims", 2, "refers_to_end", "2024-10-01"),
                     d.set_cell("claims", 2, "end_precision", "day")),
          ("claims.csv", 2, "refers_to_end", "period-order"), value="2024-10-01"),
    _case("period_ends_after_its_source",
          lambda d: (d.set_cell("claims", 2, "refers_to_end", "2024-12-15"),
                     d.set_cell("claims", 2, "end_precision", "day")),
          ("claims.csv", 2, "refers_to_end", "date-after-source"), value="2024-12-15"),
    _case("announced_period_starting_after_its_source",  # C02 counts nothing as present
          lambda d: (d.set_cell("claims", 3, "refers_to", "2024-12-14"),
                     d.set_cell("claims", 3, "time_precision", "day"),
                     d.set_cell("claims", 3, "refers_to_end", "2024-12-15"),
                     d.set_cell("claims", 3, "end_precision", "day")),
          ("claims.csv", 3, "refers_to", "date-after-source"), value="2024-12-14"),
    _case("projection_without_target_date",
          lambda d: d.set_cell("quantities", 2, "status", "projection"),
          ("quantities.csv", 2, "target_date", "status-fields"), value="projection"),
    _case("target_date_on_a_present_count",
          lambda d: (d.set_cell("quantities", 2, "target_date", "2025-01-01"),
                     d.set_cell("quantities", 2, "target_precision", "month")),
          ("quantities.csv", 2, "target_date", "status-fields"), value="present"),
    _case("hypothetical_without_condition",
          lambda d: d.set_cell("quantities", 2, "status", "hypothetical"),
          ("quantities.csv", 2, "condition", "status-fields"), value="hypothetical"),
    _case("condition_on_a_present_count",
          lambda d: d.set_cell("quantities", 2, "condition", "if a full invasion happened"),
          ("quantities.csv", 2, "condition", "status-fields")),
    _case("relay_is_claimant",  # C03: American and Ukrainian officials, relayed by the NYT
          lambda d: d.set_cell("claims", 4, "relays", "us_ua_officials"),
          ("claims.csv", 4, "relays", "relay-is-claimant"), value="us_ua_officials"),
    _case("outlet_relays_its_own_claim",
          lambda d: d.set_cell("claims", 4, "relays", "nyt;dagens"),
          ("claims.csv", 4, "relays", "relay-is-outlet"), value="dagens"),
    _case("relay_cycle",
          lambda d: d.set_cell("claims", 4, "relays", "nyt;hotnews;nyt"),
          ("claims.csv", 4, "relays", "relay-cycle"), value="nyt;hotnews;nyt"),
    _case("source_republishes_itself",
          lambda d: d.set_cell("sources", 2, "republishes", SOURCE_ID),
          ("sources.csv", 2, "republishes", "republish-cycle"),
          value=f"{SOURCE_ID} -> {SOURCE_ID}"),
    _case("origin_cycle",
          lambda d: d.write_rows("origins", [
              d.read_rows("origins")[0],
              ["O1", "officials to a paper", "officials_to_outlet", "us_ua_officials", "nyt",
               "", "O2", ""],
              ["O2", "an assessment", "intelligence_assessment", "us_intelligence", "", "",
               "O1", ""]]),
          ("origins.csv", 2, "draws_on", "origin-cycle"),
          ("origins.csv", 3, "draws_on", "origin-cycle")),
    _case("unknown_origin",
          lambda d: (d.set_cell("claims", 2, "origin", "ghost"),
                     d.set_cell("claims", 2, "origin_basis", "stated")),
          ("claims.csv", 2, "origin", "foreign-key"), value="ghost"),
    _case("inferred_origin_without_rationale",
          lambda d: (d.write_rows("origins", [
              d.read_rows("origins")[0],
              ["O1", "officials to a paper", "officials_to_outlet", "us_ua_officials", "nyt",
               "", "", ""]]),
              d.set_cell("claims", 2, "origin", "O1"),
              d.set_cell("claims", 2, "origin_basis", "inferred")),
          ("claims.csv", 2, "origin_rationale", "origin-basis"), value="O1"),
    _case("bad_tolerance_setting",
          lambda d: d.replace_text("datapackage.json", '"name": "kursk-2024-11",',
                                   '"name": "kursk-2024-11", "sitrep": '
                                   '{"approximate_tolerance": "lots"},'),
          ("datapackage.json", None, "sitrep.approximate_tolerance", "setting"), value="lots"),
    # -- files -------------------------------------------------------------------------------
    _case("non_utf8_file",  # a Latin-1 byte on line 3
          lambda d: d.replace_bytes("issues", b"Ending the war", b"\xe9nding the war"),
          ("issues.csv", 3, None, "utf-8")),
    _case("empty_file",
          lambda d: d.write_bytes("relations", b""),
          ("relations.csv", None, None, "header")),
    _case("malformed_csv",
          lambda d: d.write_bytes("issues", b'issue_id,label\n"unterminated,x\n'),
          ("issues.csv", None, None, "csv")),
    _case("unquoted_comma_in_cell",  # row 7: one cell too many
          lambda d: d.replace_text("issues", "Defending Kurakhove and", "Defending Kurakhove, and"),
          ("issues.csv", 7, None, "csv")),
    _case("missing_table",
          lambda d: d.delete("stances"),
          ("stances.csv", None, None, "file-exists")),
    _case("schema_copy_differs",
          _edit_schema_copy,
          ("datapackage.json", None, "places", "descriptor")),
    _case("schema_copy_missing",
          lambda d: d.delete("datapackage.json"),
          ("datapackage.json", None, None, "descriptor")),
    _case("no_facts_folder",
          lambda d: d.rename_folder("facts", "tables"),
          ("facts", None, None, "dataset-layout")),
]


@pytest.mark.parametrize(("mutate", "expected", "also", "value"), CASES)
def test_broken_dataset_reports_exactly(broken_dataset, mutate, expected, also, value):
    problems = check(broken_dataset(mutate))
    assert expected in keys(problems), "\n".join(map(str, problems))
    assert keys(problems) == {expected, *also}, "\n".join(map(str, problems))
    assert len(problems) == 1 + len(also), "\n".join(map(str, problems))
    if value is not None:
        (problem,) = [p for p in problems if key(p) == expected]
        assert problem.value == value
    for problem in problems:
        assert problem.message, problem


@pytest.mark.parametrize(("mutate", "expected", "also", "value"), CASES[:1])
def test_load_raises_every_problem(broken_dataset, mutate, expected, also, value):
    dataset = broken_dataset(mutate)
    with pytest.raises(FactsError) as raised:
        load(dataset)
    assert raised.value.problems == check(dataset)
    assert str(raised.value).startswith("1 problem in the data set:")


# -- the shipped data set ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def facts() -> Facts:
    return load(paths.DEFAULT_DATASET)


def test_shipped_dataset_is_clean():
    assert check(paths.DEFAULT_DATASET) == []


def test_shipped_dataset_shapes(facts):
    expected = {"sources": 1, "actors": 19, "places": 6, "sentences": 18, "claims": 28,
                "measures": 4, "quantities": 4, "positions": 11, "issues": 6, "stances": 6,
                "relations": 9, "takeaways": 8, "derived": 1, "origins": 0, "episodes": 0,
                "updates": 0, "claim_relations": 0, "assessments": 0}
    assert {name: len(frame) for name, frame in facts.tables.items()} == expected
    for name, frame in facts.tables.items():
        assert isinstance(frame, pd.DataFrame), name
    assert facts.claims.shape == (CLAIM_TOTAL, 25)
    assert facts.title.startswith("Kursk, November 2024")


def test_shipped_dataset_types(facts):
    assert pd.api.types.is_datetime64_any_dtype(facts.claims["refers_to"])
    assert pd.api.types.is_datetime64_any_dtype(facts.sources["published"])
    assert pd.api.types.is_numeric_dtype(facts.quantities["value"])
    assert facts.claims.loc[0, "claimants"] == ("dagens",)
    assert facts.claims.loc[0, "sentences"] == (1,)
    assert facts.quantities["value"].tolist() == [50000, 10000, 10000, 2]


def test_every_sentence_accounted_for(facts):
    assert len(facts.sentences_of[SOURCE_ID]) == SENTENCE_TOTAL
    assert sorted(facts.sentences["sentence"]) == list(range(1, SENTENCE_TOTAL + 1))
    cited = {n for ns in facts.claims["sentences"] for n in ns}
    headings = set(facts.sentences.loc[facts.sentences["role"] == "heading", "sentence"])
    assert headings == {2, 9}
    assert cited | headings == set(range(1, SENTENCE_TOTAL + 1))


def test_every_quote_found_in_its_sentences(facts):
    split = facts.sentences_of[SOURCE_ID]
    for claim in facts.claims.itertuples():
        cited = " ".join(split[n - 1] for n in claim.sentences)
        assert claim.quote in cited, claim.claim_id
        assert claim.quote in facts.texts[SOURCE_ID], claim.claim_id


def test_link_table(facts):
    claimants = facts.link("claims", "claimants")
    assert list(claimants.columns) == ["claim_id", "claimant_id"]
    assert claimants.loc[claimants["claim_id"] == "C25", "claimant_id"].tolist() == [
        "zelensky", "umerov"]


# -- line endings and byte-order marks --------------------------------------------------------

def _rewrite_tables(d, *, newline: bytes = b"\n", bom: bool = False) -> None:
    for path in sorted(d.facts.glob("*.csv")):
        data = path.read_bytes().replace(b"\n", newline)
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


@pytest.mark.parametrize(("newline", "bom"), [(b"\r\n", False), (b"\n", True), (b"\r\n", True)],
                         ids=["crlf", "bom", "crlf_and_bom"])
def test_line_endings_and_bom_load_clean(broken_dataset, newline, bom):
    dataset = broken_dataset(lambda d: _rewrite_tables(d, newline=newline, bom=bom))
    assert check(dataset) == []
    facts = load(dataset)
    assert len(facts.claims) == CLAIM_TOTAL
    assert "claim_id" in facts.claims.columns  # the BOM is not glued to the first header
    assert not facts.claims["note"].str.endswith("\r").any()


# -- every problem at once --------------------------------------------------------------------

def test_several_problems_reported_at_once(broken_dataset):
    def three_slips(d) -> None:
        d.set_cell("claims", 2, "quote", "Russia has amassed 60,000 troops")
        d.set_cell("quantities", 4, "unit", "soldiers")
        d.set_cell("places", 6, "geo_precision", "3")

    dataset = broken_dataset(three_slips)
    assert keys(check(dataset)) == {
        ("claims.csv", 2, "quote", "quote-in-source"),
        ("quantities.csv", 4, "unit", "unit-of-measure"),
        ("places.csv", 6, "geo_precision", "precision-of-kind"),
    }
    with pytest.raises(FactsError) as raised:
        load(dataset)
    assert len(raised.value.problems) == 3
    message = str(raised.value)
    assert message.startswith("3 problems in the data set:")
    for name in ("claims.csv", "quantities.csv", "places.csv"):
        assert name in message


def test_structural_and_cell_problems_reported_together(broken_dataset):
    def slips(d) -> None:
        d.delete("stances")
        d.set_cell("claims", 2, "statement", "")
        d.set_cell("sources", 2, "published", "2024-02-30")

    assert keys(check(broken_dataset(slips))) == {
        ("stances.csv", None, None, "file-exists"),
        ("claims.csv", 2, "statement", "required"),
        ("sources.csv", 2, "published", "date-exists"),
    }


# -- what had been reported by a date --------------------------------------------------------

def test_until_before_publication_drops_every_claim(facts):
    early = facts.until("2024-11-01")
    assert len(early.sources) == 0
    assert len(early.claims) == 0
    for name in ("sentences", "quantities", "positions", "stances", "relations", "takeaways"):
        assert len(early.tables[name]) == 0, name
    assert early.texts == {}
    assert len(early.actors) == len(facts.actors)  # reference tables stay whole


def test_until_end_of_month_keeps_every_claim(facts):
    later = facts.until("2024-11-30")
    assert len(later.claims) == CLAIM_TOTAL
    assert len(later.takeaways) == len(facts.takeaways)
    assert later.sentences_of == facts.sentences_of



def test_month_precision_source_after_cut(facts):
    """The seed is dated only 'November 2024': by 10 November it may not have been published.
    The default cut keeps only sources certainly published by then, and says what it left out;
    ``include_possible`` keeps it, and says so."""
    cut = facts.until(pd.Timestamp("2024-11-10"))
    assert len(cut.claims) == 0 and len(cut.takeaways) == 0
    assert cut.cut.sources_left_out["source_id"].tolist() == [SOURCE_ID]
    assert cut.cut.sources_left_out.at[0, "reason"].startswith("possibly published")
    assert len(cut.cut.takeaways_left_out) == len(facts.takeaways) - 1  # and the bottom line
    assert cut.cut.bottom_line_left_out is not None
    assert "may have been published after it" in cut.cut.summary()
    assert "7 key takeaways and the bottom line" in cut.cut.summary()
    possible = facts.until("2024-11-10", include_possible=True)
    assert len(possible.claims) == CLAIM_TOTAL
    assert possible.cut.sources_possible["source_id"].tolist() == [SOURCE_ID]
    assert "kept although possibly published after it" in possible.cut.summary()


# -- how a problem reads ----------------------------------------------------------------------

def test_problem_str_names_file_row_field_rule_and_value():
    problem = Problem("data/facts/claims.csv", 7, "quote", "quote-in-source", "60,000 troops",
                      "the quote must occur verbatim in the cited sentence(s)")
    text = str(problem)
    for part in ("data/facts/claims.csv", "row 7", "'quote'", "[quote-in-source]",
                 "'60,000 troops'", "verbatim"):
        assert part in text


def test_problem_str_without_row_or_value():
    text = str(Problem("data/facts/stances.csv", None, None, "file-exists", None, "missing"))
    assert text == "data/facts/stances.csv: [file-exists] missing"


def test_problem_str_shortens_long_values():
    text = str(Problem("f.csv", 2, "quote", "quote-in-source", "x" * 500, "m"))
    assert "…" in text
    assert len(text) < 200


def test_reported_problem_str(broken_dataset):
    (problem,) = check(broken_dataset(lambda d: d.set_cell("quantities", 4, "unit", "soldiers")))
    text = str(problem)
    assert "quantities.csv row 4 field 'unit': [unit-of-measure]" in text
    assert "(value 'soldiers')" in text


# -- the outside validator agrees --------------------------------------------------------------

def test_frictionless_validates_shipped_package():
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(paths.facts_dir(paths.DEFAULT_DATASET) / "datapackage.json")
    assert report.valid, report.flatten(["type", "note"])


def test_frictionless_reports_broken_foreign_key(broken_dataset):
    frictionless = pytest.importorskip("frictionless")
    dataset = broken_dataset(lambda d: d.set_cell("positions", 2, "actor_id", "ghost_army"))
    report = frictionless.validate(paths.facts_dir(dataset) / "datapackage.json")
    assert not report.valid
    errors = report.flatten(["type", "rowNumber", "fieldNames"])
    assert ["foreign-key", 2, ["actor_id"]] in errors, errors
    # sitrep reports the same row and field
    assert ("positions.csv", 2, "actor_id", "foreign-key") in keys(check(dataset))


# -- sitrep render refuses every broken data set, and reports/ stays as it was --------------------

@pytest.mark.parametrize(("mutate", "expected", "also", "value"), CASES)
def test_render_exits_2_and_changes_nothing(broken_dataset, tmp_path, monkeypatch, capsys,
                                            mutate, expected, also, value):
    from sitrep import cli

    dataset = broken_dataset(mutate)
    monkeypatch.setenv("SITREP_DATA_ROOTS", str(dataset.parent))
    manifest_file = tmp_path / "reports.toml"
    manifest_file.write_text('[[report]]\nname = "brief"\nnotebook = "brief.ipynb"\n'
                             f'parameters.dataset = "{dataset}"\n', encoding="utf-8")
    out = tmp_path / "reports"
    (out / "brief").mkdir(parents=True)
    (out / "brief" / "brief.html").write_text("earlier report", encoding="utf-8")
    code = cli.main(["render", "--manifest", str(manifest_file), "--out", str(out)])
    assert code == 2
    assert (out / "brief" / "brief.html").read_text(encoding="utf-8") == "earlier report"
    assert sorted(p.name for p in (out / "brief").iterdir()) == ["brief.html"]
    err = capsys.readouterr().err
    assert expected[3] in err and "Traceback" not in err


def test_header_only_table_of_claims_reports_what_is_left_uncited(broken_dataset):
    dataset = broken_dataset(lambda d: d.write_rows("claims", d.read_rows("claims")[:1]))
    found = keys(check(dataset))
    assert ("sentences.csv", 2, "role", "sentence-covered") in found
    assert ("quantities.csv", 2, "claim_id", "foreign-key") in found


def test_header_only_optional_table_is_clean(broken_dataset):
    dataset = broken_dataset(lambda d: d.write_rows("relations", d.read_rows("relations")[:1]))
    assert check(dataset) == []


@pytest.mark.slow
def test_fifty_megabyte_table_with_one_bad_row_near_its_end(broken_dataset):
    """A 50 MB actors.csv: the one bad row is found with its row number (how long it takes is
    measured by benchmarks/render_suite.py, not asserted here)."""

    def grow(d) -> None:
        rows = d.read_rows("actors")
        filler = "x" * 80
        empty = [""] * (len(rows[0]) - 4)  # country .. colour; the note last
        extra = [[f"synthetic{i:06d}", f"Synthetic actor {i}", "person", *empty, filler]
                 for i in range(420_000)]
        extra[-5][2] = "alien"  # the one bad row
        d.write_rows("actors", rows + extra)

    dataset = broken_dataset(grow)
    size = (dataset / "facts" / "actors.csv").stat().st_size
    assert size > 50 * 2**20
    problems = check(dataset)
    bad_row = 1 + 19 + 420_000 - 4  # header, 19 shipped actors, then the fifth-last filler row
    assert keys(errors(problems)) == {("actors.csv", bad_row, "kind", "enum")}
    # The filler actors are named by no claim, but with an error in the data set unused ones
    # are not warned about (tests/model/rules/test_messages.py checks the warnings and their cap).
    assert not [p for p in problems if p.rule == "unused-actor"]


def test_announced_period_may_run_past_its_source(broken_dataset):
    """Drills announced for 23-24 May on the 23rd: a claim with no present count whose period
    starts by the source's publication may end after it (C02 counts nothing)."""
    def announce(d):
        d.set_cell("claims", 3, "refers_to_end", "2024-12-15")
        d.set_cell("claims", 3, "end_precision", "day")

    assert not [p for p in check(broken_dataset(announce)) if p.rule == "date-after-source"]
