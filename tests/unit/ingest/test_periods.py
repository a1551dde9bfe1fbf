"""Time read from its values in every spelling: years, quarters, months; spans refused.

Labels as ASK and staff write them (2023Q1, 2023K1, 2023 TM1, TM1 2023, T1 2023, TM1;
2023M02, 2023 Shkurt, Shkurt 2023, February 2023, Februar 2023) and synthetic exports of
the real shapes (tests/fixtures/formats/*_synthetic_*, made by make_spelling_fixtures.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.ingest import importer, mapping
from dashboard.ingest.mapping import parse_period, period_refusal, read_period_label, title_year

FORMATS = Path(__file__).parents[2] / "fixtures" / "formats"


@pytest.fixture()
def private(tmp_path, settings):
    """Settings with an empty journal and no database: previews only read."""
    return settings.model_copy(
        update={"db_path": tmp_path / "db" / "dms.duckdb", "imports_dir": tmp_path / "imports"}
    )


@pytest.mark.parametrize(
    ("label", "period"),
    [
        ("2023", ("2023", "year")),
        ("2023Q1", ("2023-Q1", "quarter")),
        ("2023K1", ("2023-Q1", "quarter")),
        ("2023 TM1", ("2023-Q1", "quarter")),
        ("2023-Q2", ("2023-Q2", "quarter")),
        ("TM1 2023", ("2023-Q1", "quarter")),
        ("T1 2023", ("2023-Q1", "quarter")),
        ("Q3/2023", ("2023-Q3", "quarter")),
        ("tremujori 4 2023", ("2023-Q4", "quarter")),
        ("2023M02", ("2023-02", "month")),
        ("2023-02", ("2023-02", "month")),
        ("2023 Shkurt", ("2023-02", "month")),
        ("Shkurt 2023", ("2023-02", "month")),
        ("SHKURT 2023", ("2023-02", "month")),
        ("Nëntor 2023", ("2023-11", "month")),
        ("Nentor 2023", ("2023-11", "month")),
        ("February 2023", ("2023-02", "month")),
        ("Februar 2023", ("2023-02", "month")),
        ("Feb. 2023", ("2023-02", "month")),
        ("Decembar 2023", ("2023-12", "month")),
    ],
)
def test_every_spelling_of_a_period(label, period):
    parsed = parse_period(label)
    assert parsed is not None and parsed[:2] == period and parsed[2] == 2023


@pytest.mark.parametrize(("label", "period"), [("TM1", "2023-Q1"), ("Shkurt", "2023-02")])
def test_a_period_without_its_year_takes_the_year_given(label, period):
    assert parse_period(label) is None  # no year: nothing is guessed
    assert parse_period(label, 2023)[0] == period
    assert period_refusal(label, None)[0] == "ingest.period.needs_year"


@pytest.mark.parametrize(
    ("label", "key", "first", "last"),
    [
        ("2011-2024", "ingest.period.year_range", 2011, 2024),
        ("2023/2024", "ingest.period.school_year", 2023, 2024),
        ("2023/24", "ingest.period.school_year", 2023, 2024),
    ],
)
def test_a_span_of_years_is_refused_never_stored_as_one_year(label, key, first, last):
    assert parse_period(label) is None and mapping.parse_year(label) is None
    found = read_period_label(label)
    assert found is not None and (found.year, found.last) == (first, last)
    assert period_refusal(label, None) == (key, {"first": first, "last": last})


@pytest.mark.parametrize(
    ("label", "expected"),
    [("2023/12", "2023-12"), ("2011/12", "2011-12"), ("2023M13", None), ("TM5 2023", None)],
)
def test_months_written_with_a_slash_stay_months(label, expected):
    parsed = parse_period(label)
    assert (parsed[0] if parsed else None) == expected


def test_a_period_whose_year_disagrees_with_the_given_one_is_refused():
    assert parse_period("TM1 2022", 2023) is None
    assert period_refusal("TM1 2022", 2023) == (
        "ingest.period.other_year",
        {"year": 2023, "given": 2022},
    )


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("Familjet sipas tremujorit, 2023", 2023),
        ("Familjet sipas tremujorit", None),
        ("Popullsia 2011 dhe 2024", None),
        ("Popullsia 2011-2024", None),
        ("Nxënësit 2023/2024", None),
    ],
)
def test_the_year_of_a_title_is_one_calendar_year_or_none(title, year):
    assert title_year(title) == year


def test_values_say_a_column_holds_time():
    assert mapping.value_role(["TM1", "TM2", "TM3"]) == "month"
    assert mapping.value_role(["Shkurt 2023", "Mars 2023"]) == "month"
    assert mapping.value_role(["2023/2024", "2024/2025"]) == "year"  # then refused, saying why
    assert mapping.split_labels(["TM1 2023 Familjet", "TM2 2023 Familjet"]) == (
        [["TM1", "TM2"], ["2023", "2023"], ["Familjet", "Familjet"]],
        ["month", "year", "measure"],
    )


# --- synthetic exports of the real shapes ------------------------------------------------


def sns_periods(result: importer.ImportPreview) -> dict[tuple[str, str], int]:
    assert result.ok, [p.text("en") for p in result.problems]
    frame = result.rows["sns_beneficiaries"]
    return {
        (row.municipality, row.period): int(row.value)
        for row in frame.itertuples()
        if row.measure == "families"
    }


def test_quarters_written_before_their_year_in_the_heading(private):
    path = FORMATS / "ask_sns_families_quarter_first_synthetic_2023.csv"
    found = sns_periods(importer.preview(path, settings=private))
    assert found[("Mitrovicë", "2023-Q1")] == 2100 and found[("Skenderaj", "2023-Q3")] == 960
    assert {period for _, period in found} == {"2023-Q1", "2023-Q2", "2023-Q3"}


def test_every_quarter_spelling_in_a_period_column(private):
    path = FORMATS / "ask_sns_families_quarter_codes_synthetic_2023.csv"
    found = sns_periods(importer.preview(path, settings=private))
    assert [found[("Vushtrri", f"2023-Q{q}")] for q in (1, 2, 3, 4)] == [1290, 1291, 1292, 1293]


def test_quarters_without_a_year_take_the_one_year_of_the_title(private):
    path = FORMATS / "ask_sns_families_quarter_title_year_synthetic_2023.csv"
    result = importer.preview(path, settings=private)
    assert set(sns_periods(result)) == {
        (name, period)
        for name in ("Mitrovicë", "Vushtrri", "Skenderaj")
        for period in ("2023-Q1", "2023-Q2")
    }
    assert set(result.rows["sns_beneficiaries"]["period_type"]) == {"quarter"}


def test_quarters_without_any_year_are_refused_asking_for_it(private):
    path = FORMATS / "ask_sns_families_quarter_no_year_synthetic.csv"
    result = importer.preview(path, settings=private)
    assert not result.ok
    assert {(p.key, p.value) for p in result.problems} == {
        ("ingest.period.needs_year", "TM1"),
        ("ingest.period.needs_year", "TM2"),
    }
    (first, _) = result.problems
    assert "viti i këtij muaji ose tremujori" in first.text("sq")
    assert "godinu ovog meseca ili kvartala" in first.text("sr")
    assert first.line == 3 and first.field == "heading[1]"


def test_month_names_with_their_year_in_every_order(private):
    path = FORMATS / "ask_sns_families_month_names_synthetic_2023.csv"
    found = sns_periods(importer.preview(path, settings=private))
    assert [found[("Mitrovicë", f"2023-{m:02d}")] for m in (2, 3, 4, 5, 6)] == [
        2100,
        2101,
        2102,
        2103,
        2104,
    ]


@pytest.mark.parametrize(
    ("name", "key", "sq", "sr"),
    [
        (
            "ask_population_school_year_synthetic.csv",
            "ingest.period.school_year",
            "vit shkollor ose fiskal mbi 2023 dhe 2024",
            "školska ili fiskalna godina preko 2023 i 2024",
        ),
        (
            "ask_population_year_range_synthetic.csv",
            "ingest.period.year_range",
            "përfshin vitet 2011 deri 2024",
            "obuhvata godine od 2011 do 2024",
        ),
    ],
)
def test_a_heading_of_a_span_of_years_is_refused_clearly(private, name, key, sq, sr):
    result = importer.preview(FORMATS / name, settings=private)
    (problem,) = result.problems
    assert problem.key == key and problem.line == 3
    assert sq in problem.text("sq") and sr in problem.text("sr")
    assert "calendar year" in problem.text("en")
