"""The shared ASK-shaped fixtures: same cube in three formats, figures only from references."""

import csv
from pathlib import Path

import pandas as pd
import pytest

from dashboard.ingest import jsonstat, px, pxweb_csv, sniff

FIXTURES = Path(__file__).parents[2] / "fixtures" / "ask"
REFERENCE = Path(__file__).resolve().parents[3].parent / "shared" / "reference"  # ../shared
CENSUS = "census_mitrovice_2011_2024"
SNS = FIXTURES / "sns_mitrovice_kosova_2023.px"


def census_tables():
    (from_px,) = px.read(FIXTURES / f"{CENSUS}.px")
    (from_csv,) = pxweb_csv.read(FIXTURES / f"{CENSUS}.csv")
    (from_json,) = jsonstat.read(FIXTURES / f"{CENSUS}.json")
    return from_px, from_csv, from_json


def test_census_fixture_is_the_same_cube_in_three_formats():
    from_px, from_csv, from_json = census_tables()
    labels = ["Komuna", "Gjinia", "Viti", "value", "status"]
    assert from_px.dimensions == from_csv.dimensions == from_json.dimensions == labels[:3]
    pd.testing.assert_frame_equal(from_px.data[labels], from_csv.data[labels])
    pd.testing.assert_frame_equal(from_px.data, from_json.data)
    assert from_px.title == from_csv.title == from_json.title
    assert [sniff.detect_kind(FIXTURES / f"{CENSUS}.{ext}") for ext in ("px", "csv", "json")] == [
        "px",
        "pxweb-csv",
        "jsonstat",
    ]


@pytest.mark.skipif(not REFERENCE.exists(), reason="shared reference data not mounted")
def test_census_totals_are_the_reference_figures_and_nothing_else_is_invented():
    with (REFERENCE / "ask_population_by_municipality_2011_2024.csv").open(encoding="utf-8") as f:
        (row,) = [r for r in csv.DictReader(f) if r["municipality"] == "Mitrovicë"]
    for table in census_tables():
        data = table.data
        totals = data[data["Gjinia"] == "Gjithsej"].set_index("Viti")["value"]
        assert totals["2011"] == int(row["population_2011"])
        assert totals["2024"] == int(row["population_2024"])
        split = data[data["Gjinia"] != "Gjithsej"]
        assert split["value"].isna().all()
        assert split["status"].eq(":").all()


def reference_sns() -> dict[tuple[str, str, str], int]:
    municipality = {"Kosovo": "KOSOVA", "Mitrovicë": "Mitrovicë"}
    measure = {"families": "Familjet", "members": "Anëtarët e familjeve"}
    figures = {}
    with (REFERENCE / "sns_by_municipality_press.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            year, _, month = row["period"].partition("-")
            if row["municipality"] in municipality and year == "2023" and month.isdigit():
                key = (municipality[row["municipality"]], measure[row["measure"]], f"2023M{month}")
                figures[key] = int(row["value"])
    return figures


@pytest.mark.skipif(not REFERENCE.exists(), reason="shared reference data not mounted")
def test_sns_fixture_holds_exactly_the_reference_monthly_figures():
    (table,) = px.read(SNS)
    assert table.dimensions == ["Komuna", "Treguesi", "Muaji"]
    assert table.data["Muaji"].unique().tolist() == [f"2023M{m:02d}" for m in range(1, 13)]
    data = table.data
    known = data[data["value"].notna()]
    found = {(r.Komuna, r.Treguesi, r.Muaji): int(r.value) for r in known.itertuples(index=False)}
    assert found == reference_sns()
    assert len(found) == 7
    assert data.loc[data["value"].isna(), "status"].eq(":").all()


def test_sns_fixture_says_where_its_figures_come_from():
    (table,) = px.read(SNS)
    assert table.source is not None and "sns_by_municipality_press.csv" in table.source
    assert "jo një eksport i vërtetë" in table.metadata["NOTE"]
