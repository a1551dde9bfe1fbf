"""StatTable -> dataset rows: names in three languages, places, totals, missing values."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.catalog import load_catalogue
from dashboard.ingest import common, jsonstat, mapping, px, pxweb_csv
from dashboard.ingest.common import Dimension, IngestError, StatTable

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "data"
IMPORT = ROOT / "tests" / "fixtures" / "import"
ASK = ROOT / "tests" / "fixtures" / "ask"
CATALOGUE = load_catalogue(DATA)
PLACES = mapping.Places.from_data_dir(DATA)
POPULATION_TITLE = "Popullsia sipas Komuna, Mosha, Gjinia dhe Viti"


def cube(
    dims: dict[str, list[str]],
    cells: list[float | int | str],
    title: str = POPULATION_TITLE,
    metadata: dict[str, str] | None = None,
) -> StatTable:
    """A table as the readers return it: row-major cells, symbols as strings."""
    sizes = [len(labels) for labels in dims.values()]
    assert math.prod(sizes) == len(cells)
    values = np.array([np.nan if isinstance(c, str) else float(c) for c in cells])
    status = np.array([c if isinstance(c, str) else None for c in cells], dtype=object)
    frame = common.build_frame(
        [Dimension(name, labels) for name, labels in dims.items()],
        common.product_positions(sizes),
        values,
        status,
    )
    return StatTable(
        title=title,
        source_file="test.px",
        fmt="px",
        language=None,
        source=None,
        units=None,
        dimensions=list(dims),
        data=frame,
        metadata=metadata or {},
    )


def run(*tables: StatTable) -> mapping.Mapped:
    return mapping.map_tables(tables, "test.px", PLACES, CATALOGUE)


def problems_of(*tables: StatTable) -> list[common.Problem]:
    with pytest.raises(IngestError) as refused:
        run(*tables)
    for problem in refused.value.problems:
        assert problem.file == "test.px" and problem.expected
    return refused.value.problems


def figures(frame: pd.DataFrame) -> list[tuple]:
    columns = ["area", "area_type", "year", "sex", "age_from", "age_to", "population", "status"]
    return sorted(
        tuple(None if pd.isna(v) else v for v in row)
        for row in frame[columns].itertuples(index=False)
    )


# --- names ------------------------------------------------------------------------------

LANGUAGES = {
    "sq": (
        ["Komuna", "Mosha", "Gjinia", "Viti"],
        ["Mitrovicë"],
        ["Gjithsej", "0-4", "5+"],
        ["Gjithsej", "Meshkuj", "Femra"],
    ),
    "en": (
        ["Municipality", "Age", "Sex", "Year"],
        ["Mitrovica South"],
        ["Total", "0-4", "5 and over"],
        ["Total", "Male", "Female"],
    ),
    "sr": (
        ["Opština", "Starost", "Pol", "Godina"],
        ["Južna Mitrovica"],
        ["Ukupno", "0 - 4", "5 i više"],
        ["Ukupno", "Muškarci", "Žene"],
    ),
}
# age (total, 0-4, 5+) x sex (total, M, F) x year (2024): consistent made-up cells
CELLS = [100, 48, 52, 30, 14, 16, 70, 34, 36]


@pytest.mark.parametrize("language", LANGUAGES)
def test_dimensions_and_labels_in_three_languages_give_the_same_rows(language):
    names, places, ages, sexes = LANGUAGES[language]
    title = {"sq": POPULATION_TITLE, "en": "Population by ...", "sr": "Stanovništvo po ..."}
    table = cube(
        dict(zip(names, [places, ages, sexes, ["2024"]], strict=True)), CELLS, title[language]
    )
    rows = run(table).rows
    assert figures(rows["population_by_age_sex"]) == [
        ("Mitrovicë", "municipality", 2024, "F", 0, 4, 16, None),
        ("Mitrovicë", "municipality", 2024, "F", 5, None, 36, None),
        ("Mitrovicë", "municipality", 2024, "M", 0, 4, 14, None),
        ("Mitrovicë", "municipality", 2024, "M", 5, None, 34, None),
    ]
    totals = rows["population_by_municipality"]
    assert totals[["municipality", "ask_code", "year", "population"]].values.tolist() == [
        ["Mitrovicë", 11, 2024, 100]
    ]


def test_the_age_label_is_kept_as_the_export_writes_it():
    names, places, ages, sexes = LANGUAGES["sr"]
    rows = run(cube(dict(zip(names, [places, ages, sexes, ["2024"]], strict=True)), CELLS))
    assert set(rows.rows["population_by_age_sex"]["age_group"]) == {"0 - 4", "5 i više"}


@pytest.mark.parametrize(
    "spelling",
    [
        "MITROVICË",
        "mitrovice",
        "Mitrovicë  e   Jugut",
        "Mitrovica South",
        "KOMUNA E MITROVICËS SË JUGUT",
    ],
)
def test_place_names_are_matched_after_folding_case_space_and_diacritics(spelling):
    rows = run(cube({"Komuna": [spelling], "Viti": ["2024"]}, [64742])).rows
    assert rows["population_by_municipality"]["municipality"].tolist() == ["Mitrovicë"]


def test_an_unknown_place_is_an_error_that_names_it_never_a_new_place():
    table = cube({"Komuna": ["Mitrovicë", "Mitrovica e Mesme"], "Viti": ["2024"]}, [1, 2])
    (problem,) = problems_of(table)
    assert (problem.field, problem.value) == ("Komuna", "Mitrovica e Mesme")
    assert "place_aliases.csv" in problem.expected and "never a new place" in problem.expected


def test_settlements_resolve_through_the_settlement_list():
    table = cube(
        {
            "Vendbanimi": ["SHIPOL", "Zhabar i Ulet", "Mitrovicë"],
            "Gjinia": ["Meshkuj", "Femra"],
            "Viti": ["2024"],
        },
        [10, 11, 20, 21, 30, 31],
    )
    frame = run(table).rows["population_by_age_sex"]
    assert set(zip(frame["area"], frame["area_type"], strict=True)) == {
        ("Shipol", "settlement"),
        ("Zhabar i ulët", "settlement"),
        ("Mitrovicë", "settlement"),
    }
    assert "population_by_municipality" not in run(table).rows
    (problem,) = problems_of(cube({"Vendbanimi": ["Atlantis"], "Viti": ["2024"]}, [1]))
    assert problem.value == "Atlantis" and "settlements.csv" in problem.expected


# --- totals -----------------------------------------------------------------------------


def test_parts_that_do_not_add_up_are_an_error_naming_the_total_and_the_sum():
    broken = list(CELLS)
    broken[0] = 101  # Gjithsej/Gjithsej: the parts say 100
    problems = problems_of(
        cube(
            dict(
                zip(
                    LANGUAGES["sq"][0],
                    [["Mitrovicë"], LANGUAGES["sq"][2], LANGUAGES["sq"][3], ["2024"]],
                    strict=True,
                )
            ),
            broken,
        )
    )
    assert problems
    mentioned = " ".join(f"{p.field} {p.value} {p.expected}" for p in problems)
    assert "101" in mentioned and "100" in mentioned
    assert all("disagree" in p.expected for p in problems)
    assert any("Mosha=Gjithsej" in p.field and "Gjinia=Gjithsej" in p.field for p in problems)


def test_a_total_whose_parts_are_incomplete_is_not_checked_nor_stored():
    table = cube(
        {
            "Komuna": ["Mitrovicë"],
            "Mosha": ["Gjithsej", "0-4", "5-9"],
            "Gjinia": ["Femra"],
            "Viti": ["2024"],
        },
        [999, 10, 20],
    )
    mapped = run(table)
    frame = mapped.rows["population_by_age_sex"]
    assert sorted(frame["age_group"]) == ["0-4", "5-9"]
    assert any("Gjithsej not checked" in note and "age bands stop" in note for note in mapped.notes)


def test_nested_age_bands_are_aggregates_of_the_finest_ones():
    ages = ["Gjithsej", "0-14", "0-4", "5-9", "10-14", "15+"]
    table = cube(
        {"Komuna": ["Mitrovicë"], "Mosha": ages, "Viti": ["2011"]}, [100, 30, 10, 10, 10, 70]
    )
    frame = run(table).rows["population_by_age_sex"]
    assert sorted(frame["age_group"]) == ["0-4", "10-14", "15+", "5-9"]
    assert frame["population"].sum() == 100
    broken = cube(
        {"Komuna": ["Mitrovicë"], "Mosha": ages, "Viti": ["2011"]}, [100, 31, 10, 10, 10, 70]
    )
    (problem,) = problems_of(broken)
    assert "Mosha=0-14" in problem.field and problem.value == "31" and "30" in problem.expected


def test_overlapping_age_bands_are_refused():
    (problem,) = problems_of(
        cube({"Komuna": ["Mitrovicë"], "Mosha": ["0-9", "5-14"], "Viti": ["2011"]}, [1, 2])
    )
    assert problem.value == "0-9 / 5-14" and "overlap" in problem.expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("0-4", (0, 4)),
        ("0 – 4", (0, 4)),
        ("85+", (85, None)),
        ("85 e më shumë", (85, None)),
        ("85 and over", (85, None)),
        ("65 i više", (65, None)),
        ("Nën 1 vjeç", (0, 0)),
        ("Under 1", (0, 0)),
        ("7", (7, 7)),
        ("Gjithsej", "total"),
        ("All ages", "total"),
        ("E panjohur", "unknown"),
        ("adults", None),
        ("9-5", None),
    ],
)
def test_age_labels(label, expected):
    assert mapping.parse_age(label) == expected


# --- missing values and bad numbers -----------------------------------------------------


def test_symbols_are_null_with_the_symbol_in_status_never_zero():
    table = cube(
        {
            "Komuna": ["Mitrovicë"],
            "Gjinia": ["Gjithsej", "Meshkuj", "Femra"],
            "Viti": ["2011", "2024"],
        },
        [71909, 64742, ":", "..", ".", "-"],
    )
    frame = run(table).rows["population_by_age_sex"]
    assert frame["population"].isna().all()
    assert sorted(frame["status"]) == ["-", ".", "..", ":"]


def test_nil_and_not_applicable_count_as_nothing_in_a_check_other_symbols_skip_it():
    dims = {"Komuna": ["Mitrovicë"], "Gjinia": ["Gjithsej", "Meshkuj", "Femra"], "Viti": ["2024"]}
    run(cube(dims, [50, 50, "-"]))  # 50 = 50 + nil
    problems_of(cube(dims, [51, 50, "-"]))
    assert run(cube(dims, [51, 50, ":"]))  # ':' may hide anything: not checked


@pytest.mark.parametrize("value", [2.5, -3])
def test_a_fraction_or_a_negative_count_is_an_error_naming_the_cell(value):
    (problem,) = problems_of(
        cube({"Komuna": ["Mitrovicë"], "Gjinia": ["Meshkuj"], "Viti": ["2024"]}, [value])
    )
    assert problem.field == "Komuna=Mitrovicë, Gjinia=Meshkuj, Viti=2024"
    assert problem.value == str(value) and "whole number" in problem.expected


def test_an_unknown_dimension_is_an_error_unless_it_is_a_single_total_or_the_contents():
    filtered = cube({"Komuna": ["Mitrovicë"], "Etnia": ["Shqiptarë"], "Viti": ["2011"]}, [69497])
    (problem,) = problems_of(filtered)
    assert problem.field == "Etnia" and problem.value == "Shqiptarë"
    for harmless in (["Gjithsej"], ["Popullsia"]):
        rows = run(
            cube({"Komuna": ["Mitrovicë"], "Treguesi": harmless, "Viti": ["2011"]}, [71909])
        ).rows
        assert rows["population_by_municipality"]["population"].tolist() == [71909]


def test_a_table_that_is_neither_population_nor_sns_is_refused():
    (problem,) = problems_of(
        cube({"Komuna": ["Mitrovicë"], "Viti": ["2024"]}, [5], title="Banesat sipas Komuna")
    )
    assert problem.field == "title" and "Komuna, Viti" in problem.expected


def test_kosovo_totals_are_checked_against_all_municipalities_and_not_stored():
    names = sorted(PLACES.municipalities)
    counts = list(range(1, len(names) + 1))
    table = cube({"Komuna": ["KOSOVA", *names], "Viti": ["2024"]}, [sum(counts), *counts])
    totals = run(table).rows["population_by_municipality"]
    assert len(totals) == 38 and "Kosovë" not in set(totals["municipality"])
    wrong = cube({"Komuna": ["KOSOVA", *names], "Viti": ["2024"]}, [sum(counts) + 7, *counts])
    (problem,) = problems_of(wrong)
    assert problem.field == "Komuna=KOSOVA, Viti=2024" and str(sum(counts)) in problem.expected


# --- social assistance ------------------------------------------------------------------


def sns_table(categories: list[str], cells: list, municipalities=("Mitrovicë",)) -> StatTable:
    return cube(
        {
            "Komuna": list(municipalities),
            "Kategoria": categories,
            "Treguesi": ["Familjet", "Anëtarët e familjeve"],
            "Muaji": ["2023M01", "2023M02"],
        },
        cells,
        title="Familjet në skemën e ndihmës sociale sipas Komuna, Kategoria, Treguesi dhe Muaji",
    )


def test_sns_categories_are_stored_with_their_total_after_checking_it():
    cells = [30, 31, 120, 124, 10, 11, 40, 41, 20, 20, 80, 83]
    frame = run(sns_table(["Gjithsej", "Kategoria I", "Kategoria II"], cells)).rows[
        "sns_beneficiaries"
    ]
    assert sorted(set(frame["category"])) == ["I", "II", "all"]
    assert set(frame["period"]) == {"2023-01", "2023-02"}
    assert set(frame["period_type"]) == {"month"} and set(frame["statistic"]) == {"month"}
    assert set(frame["measure"]) == {"families", "members"}
    broken = [30, 32, 120, 124, 10, 11, 40, 41, 20, 20, 80, 83]
    (problem,) = problems_of(sns_table(["Gjithsej", "Kategoria I", "Kategoria II"], broken))
    assert (
        "Kategoria=Gjithsej" in problem.field and problem.value == "32" and "31" in problem.expected
    )


def test_sns_month_as_names_with_a_year_dimension_and_english_labels():
    table = cube(
        {
            "Municipality": ["Mitrovica"],
            "Indicator": ["Families", "Family members"],
            "Year": ["2023"],
            "Month": ["January", "February"],
        },
        [2152, ":", 8761, ".."],
        title="Social assistance families by municipality",
    )
    frame = run(table).rows["sns_beneficiaries"]
    assert frame[["measure", "period", "value", "status"]].astype(object).where(
        frame.notna(), None
    ).values.tolist() == [
        ["families", "2023-01", 2152, None],
        ["families", "2023-02", None, ":"],
        ["members", "2023-01", 8761, None],
        ["members", "2023-02", None, ".."],
    ]


def test_the_sns_fixture_keeps_its_missing_months_missing():
    frame = run(*px.read(ASK / "sns_mitrovice_kosova_2023.px")).rows["sns_beneficiaries"]
    assert len(frame) == 48
    missing = frame[frame["value"].isna()]
    assert len(missing) == 41 and set(missing["status"]) == {":"}
    known = frame.dropna(subset=["value"])
    assert set(
        zip(known["municipality"], known["period"], known["measure"], known["value"], strict=True)
    ) >= {
        ("Mitrovicë", "2023-02", "families", 2131),
        ("Kosovë", "2023-12", "families", 20379),
    }


# --- fixtures and catalogue -------------------------------------------------------------


@pytest.mark.parametrize(
    "stem", ["census_mitrovice_age_sex_2011_2024", "census_mitrovice_age_sex_synthetic_2011_2024"]
)
def test_the_census_fixture_maps_to_the_same_figures_from_px_csv_and_json(stem):
    mapped = [
        run(*reader(IMPORT / f"{stem}.{ext}"))
        for reader, ext in ((px.read, "px"), (pxweb_csv.read, "csv"), (jsonstat.read, "json"))
    ]
    assert figures(mapped[0].rows["population_by_age_sex"]) == figures(
        mapped[1].rows["population_by_age_sex"]
    )
    assert figures(mapped[0].rows["population_by_age_sex"]) == figures(
        mapped[2].rows["population_by_age_sex"]
    )
    for each in mapped:
        totals = each.rows["population_by_municipality"].set_index("year")["population"]
        assert totals.to_dict() == {2011: 71909, 2024: 64742}
        frame = each.rows["population_by_age_sex"]
        assert set(frame["sex"]) == {"M", "F"} and len(frame) == 2 * 2 * 18


def test_rows_have_exactly_the_catalogue_columns():
    for table, names in (
        (
            cube(
                dict(
                    zip(
                        LANGUAGES["sq"][0],
                        [["Mitrovicë"], LANGUAGES["sq"][2], LANGUAGES["sq"][3], ["2024"]],
                        strict=True,
                    )
                ),
                CELLS,
            ),
            ("population_by_age_sex", "population_by_municipality"),
        ),
        (sns_table(["Kategoria I"], [1, 2, 3, 4]), ("sns_beneficiaries",)),
    ):
        rows = run(table).rows
        for name in names:
            assert list(rows[name].columns) == [c.name for c in CATALOGUE[name].stored_columns]


# --- properties -------------------------------------------------------------------------


@st.composite
def population_cubes(draw):
    """A consistent cube: municipalities x (total + bands) x (total, M, F) x years."""
    municipalities = draw(
        st.lists(
            st.sampled_from(sorted(PLACES.municipalities)), min_size=1, max_size=3, unique=True
        )
    )
    cuts = sorted(draw(st.sets(st.integers(1, 99), min_size=1, max_size=5)))
    starts = [0, *cuts]
    bands = [f"{a}-{b - 1}" for a, b in zip(starts, [*cuts, None], strict=False) if b is not None]
    bands.append(f"{starts[-1]}+")
    years = draw(st.lists(st.sampled_from(["2011", "2024"]), min_size=1, max_size=2, unique=True))
    cells = []
    leaves = {}
    for m in municipalities:
        for y in years:
            for band in bands:
                leaves[(m, band, y)] = (draw(st.integers(0, 5000)), draw(st.integers(0, 5000)))
    for m in municipalities:
        for age in ["Gjithsej", *bands]:
            for sex in range(3):
                for y in years:
                    pairs = [leaves[(m, b, y)] for b in (bands if age == "Gjithsej" else [age])]
                    men = sum(p[0] for p in pairs)
                    women = sum(p[1] for p in pairs)
                    cells.append([men + women, men, women][sex])
    dims = {
        "Komuna": municipalities,
        "Mosha": ["Gjithsej", *bands],
        "Gjinia": ["Gjithsej", "Meshkuj", "Femra"],
        "Viti": years,
    }
    return dims, cells


@settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(case=population_cubes(), nudge=st.integers(1, 50))
def test_stored_parts_always_add_up_to_the_stored_totals_and_a_nudged_total_is_refused(case, nudge):
    dims, cells = case
    rows = run(cube(dims, cells)).rows
    parts = rows["population_by_age_sex"].groupby(["area", "year"])["population"].sum()
    totals = rows["population_by_municipality"].set_index(["municipality", "year"])["population"]
    assert parts.to_dict() == totals.to_dict()
    assert not (rows["population_by_age_sex"]["age_group"] == "Gjithsej").any()
    nudged = list(cells)
    nudged[0] += nudge
    with pytest.raises(IngestError):
        run(cube(dims, nudged))
