"""The generated demonstration data: deterministic, sparse, labelled, on the real codes."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from dashboard import demo
from dashboard.catalog import load_catalogue
from dashboard.vocabulary import MUNICIPALITY


@pytest.fixture(scope="module")
def inputs(settings):
    return demo.load_inputs(settings.data_dir)


@pytest.fixture(scope="module")
def rows(inputs):
    return demo.generate_service_counts("default", demo.DEFAULT_SEED, inputs=inputs)


def test_same_seed_same_rows_other_seed_other_rows(inputs, rows):
    again = demo.generate_service_counts("default", demo.DEFAULT_SEED, inputs=inputs)
    pd.testing.assert_frame_equal(rows, again)
    other = demo.generate_service_counts("default", demo.DEFAULT_SEED + 1, inputs=inputs)
    assert not rows[["client_category_code", "service_code", "count"]].equals(
        other[["client_category_code", "service_code", "count"]]
    )


def test_columns_are_the_catalogue_columns_in_order(settings, rows):
    dataset = load_catalogue(settings.data_dir)["service_counts"]
    assert tuple(rows.columns) == dataset.column_names
    assert dataset.generated and dataset.demonstration


def test_every_row_is_labelled_as_demonstration(rows):
    assert rows["demonstration"].all()
    assert set(rows["import_id"]) == {f"demo:default:seed={demo.DEFAULT_SEED}"}
    assert set(rows["source"]) == {demo.DEMO_SOURCE}
    assert "jo shifra reale" in demo.DEMO_SOURCE and "not real" in demo.DEMO_SOURCE
    assert rows["status"].isna().all()


def test_codes_come_from_the_catalogue(settings, rows):
    with (settings.data_dir / "client_categories.csv").open(encoding="utf-8") as handle:
        audience = {int(r["code"]): r["audience"] for r in csv.DictReader(handle)}
    with (settings.data_dir / "services.csv").open(encoding="utf-8") as handle:
        services = {int(r["code"]) for r in csv.DictReader(handle)}
    assert set(rows["client_category_code"]) <= set(audience)
    assert set(rows["service_code"]) <= services
    assert set(rows["sex"]) <= set(demo.SEXES)
    assert set(rows["age_group"]) <= set(demo.AGE_GROUPS)
    assert set(rows["municipality"]) == {MUNICIPALITY}
    children = rows[rows["client_category_code"].map(audience) == "children"]
    assert set(children["age_group"]) <= {"0-5", "6-13", "14-17"}


def test_sparse_and_realistic_in_scale(inputs, rows):
    assert (rows["count"] >= 1).all()  # only non-zero cells are rows
    years = rows["year"].nunique()
    dense = years * 12 * len(inputs.category_codes) * len(inputs.service_codes) * 2 * 5
    assert len(rows) < 0.02 * dense
    # Calibrated on the plan matrix's real count of services in its baseline year.
    yearly = rows.groupby("year")["count"].sum()
    calibration = yearly[inputs.calibration_year]
    assert 0.85 * inputs.annual_services < calibration < 1.15 * inputs.annual_services
    assert ((yearly > 0.7 * inputs.annual_services) & (yearly < 1.4 * inputs.annual_services)).all()
    # Not every category uses every service.
    pairs = rows.groupby("client_category_code")["service_code"].nunique()
    assert pairs.max() < len(inputs.service_codes)


def test_inputs_from_the_database_match_the_files(database, inputs):
    cursor = database.connection().cursor()
    try:
        assert demo.inputs_from_connection(cursor) == inputs
    finally:
        cursor.close()


def test_unknown_scale_is_refused(inputs):
    with pytest.raises(ValueError, match="unknown scale"):
        demo.generate_service_counts("huge", inputs=inputs)


def test_national_scale_has_every_municipality_and_about_ten_million_rows(inputs):
    national = demo.generate_service_counts("national", demo.DEFAULT_SEED, inputs=inputs)
    assert 9_000_000 < len(national) < 12_000_000
    assert national["municipality"].nunique() == len(inputs.municipalities) == 38
    assert national["demonstration"].all()
    assert set(national["import_id"]) == {f"demo:national:seed={demo.DEFAULT_SEED}"}


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_the_demo_command_writes_the_rows_to_a_file(settings, tmp_path, capsys, suffix):
    from dashboard.cli import main

    out = tmp_path / f"demo{suffix}"
    assert main(["demo", "--seed", "7", "--out", str(out)]) == 0
    written = pd.read_parquet(out) if suffix == ".parquet" else pd.read_csv(out)
    columns = load_catalogue(settings.data_dir)["service_counts"].column_names
    assert tuple(written.columns) == columns
    assert written["demonstration"].all()
    assert set(written["import_id"]) == {"demo:default:seed=7"}
    assert "GENERATED DEMONSTRATION DATA" in capsys.readouterr().err
