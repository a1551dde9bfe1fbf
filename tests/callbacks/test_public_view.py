"""What the public gets from the API and the downloads, against what staff get."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from dashboard.catalog import load_catalogue
from dashboard.components.chart_data import register_chart_data
from dashboard.db import get_database
from dashboard.suppression import REASON_COLUMN

INJECTIONS = [
    "x' OR '1'='1",
    "1; DROP TABLE settlements; --",
    "' UNION SELECT * FROM _datasets --",
    "') OR 1=1 --",
    '" OR ""="',
    "%' OR 1=1 --",
    "\\'; SELECT 1; --",
    "$v0_0",
]


def rows(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.data[:300])
    return response.get_json()


def test_the_plan_is_public_as_printed(client, staff_client):
    # The Action Plan's matrix is a public municipal document: its figures, small ones
    # included, are published as printed (data/datasets.toml, policy and reason).
    url = "/api/v1/datasets/plan_indicator_values.json?indicator_code=4.3.b"
    public = rows(client, url)
    staff = rows(staff_client, url)
    assert public and len(public) == len(staff)
    assert any(r["value"] is not None and 1 <= r["value"] < 5 for r in staff)
    shown = {(r["year"], r["kind"]): r for r in public}
    for row in staff:
        mine = shown[(row["year"], row["kind"])]
        assert mine["value"] == row["value"] and mine[REASON_COLUMN] is None
    assert all(REASON_COLUMN not in row for row in staff)


def test_indicators_that_do_not_count_people_are_not_suppressed(client):
    trainings = rows(client, "/api/v1/datasets/plan_indicator_values.json?indicator_code=3.3.c")
    assert trainings and all(r[REASON_COLUMN] is None for r in trainings)
    assert any(r["value"] is not None and r["value"] < 5 for r in trainings)


def test_a_filtered_download_is_the_whole_table_filtered(client):
    whole = rows(client, "/api/v1/datasets/plan_indicator_values.json")
    for code in ("1.3.c", "4.3.f", "1.1.a"):
        part = rows(client, f"/api/v1/datasets/plan_indicator_values.json?indicator_code={code}")
        assert part == [row for row in whole if row["indicator_code"] == code]


def test_demonstration_data_is_never_public(client, staff_client):
    public = {e["name"]: e for e in rows(client, "/api/v1/datasets")["datasets"]}
    staff = {e["name"]: e for e in rows(staff_client, "/api/v1/datasets")["datasets"]}
    demo_rows = staff["service_counts"]["row_count"] - public["service_counts"]["row_count"]
    assert public["service_counts"]["row_count"] == len(
        rows(client, "/api/v1/datasets/service_counts.json")
    )
    assert demo_rows > 0
    for fmt in ("csv", "json", "parquet"):
        body = client.get(f"/api/v1/datasets/service_counts.{fmt}").data
        if fmt == "json":
            frame = pd.DataFrame(json.loads(body))
        elif fmt == "csv":
            frame = pd.read_csv(io.BytesIO(body), encoding="utf-8-sig")
        else:
            frame = pd.read_parquet(io.BytesIO(body))
        assert frame.empty or not frame["demonstration"].any()
    staff_rows = rows(staff_client, "/api/v1/datasets/service_counts.json?year=2024")
    assert staff_rows and all(r["demonstration"] for r in staff_rows)


def test_the_public_catalogue_explains_the_marks(client, staff_client):
    public = {e["name"]: e for e in rows(client, "/api/v1/datasets")["datasets"]}
    entry = public["plan_indicator_values"]
    assert entry["disclosure"]["threshold"] == 5 and entry["disclosure"]["zero_suppressed"] is False
    assert REASON_COLUMN in [c["name"] for c in entry["columns"]]
    assert public["settlements"]["disclosure"] is None
    staff = {e["name"]: e for e in rows(staff_client, "/api/v1/datasets")["datasets"]}
    assert REASON_COLUMN not in [c["name"] for c in staff["plan_indicator_values"]["columns"]]


def test_chart_downloads_read_the_database_of_the_role(client, staff_client, settings):
    # A download is drawn from the database the person asking opens: the published layer
    # for the public, so no chart can hand out a figure the layer withheld.
    from dashboard.audience import current_database

    def provider(_query):
        return pd.DataFrame(
            {"path": [current_database().path.name] * 2, "demonstration": [False, True]}
        )

    register_chart_data("test-public-view-chart", provider, "plan_indicator_values")
    public = pd.read_csv(
        io.BytesIO(client.get("/charts/test-public-view-chart.csv").data), encoding="utf-8-sig"
    )
    assert public["path"].tolist() == [settings.public_db_path.name]  # no demonstration row
    staff_body = staff_client.get("/charts/test-public-view-chart.csv").data.decode("utf-8-sig")
    staff = pd.read_csv(io.StringIO(staff_body), comment="#")
    assert staff["path"].tolist() == [settings.db_path.name] * 2 and staff_body.startswith("# DEMO")


@pytest.mark.parametrize("payload", INJECTIONS)
def test_sql_injection_in_every_filter_of_every_dataset_is_just_a_value(client, settings, payload):
    database = get_database()
    before = database.query("dataset_row_counts").set_index("name")["row_count"].to_dict()
    for dataset in load_catalogue(settings.data_dir).values():
        for column in dataset.filters:
            response = client.get(
                f"/api/v1/datasets/{dataset.name}.json", query_string={column: payload}
            )
            assert response.status_code == 200, (dataset.name, column, response.data[:200])
            assert response.get_json() == [], (dataset.name, column)
        bad_column = client.get(
            f"/api/v1/datasets/{dataset.name}.json", query_string={payload: "1"}
        )
        assert bad_column.status_code == 400
    for name in ("settlements", "swot"):
        assert client.get(f"/api/v1/datasets/{name}.json").status_code == 200
    after = database.query("dataset_row_counts").set_index("name")["row_count"].to_dict()
    assert after == before
