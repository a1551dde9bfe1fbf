"""The open-data API through Flask's test client: every dataset, every format, errors."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest

from dashboard.catalog import load_catalogue


def dataset_names(settings) -> list[str]:
    return list(load_catalogue(settings.data_dir))


def test_catalogue_describes_every_dataset(client, settings):
    response = client.get("/api/v1/datasets")
    assert response.status_code == 200
    entries = {e["name"]: e for e in response.get_json()["datasets"]}
    assert set(entries) == set(dataset_names(settings))
    settlements = entries["settlements"]
    assert settlements["title"]["sq"] and settlements["title"]["en"]
    assert settlements["row_count"] == 39 and settlements["built_at"]
    assert "Tabela 5" in settlements["source"] and settlements["licence"]
    columns = {c["name"]: c for c in settlements["columns"]}
    assert columns["population"]["type"] == "INTEGER" and columns["population"]["description"]
    assert "density_computed" in columns
    assert settlements["downloads"]["csv"] == "/api/v1/datasets/settlements.csv"


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_every_dataset_in_every_format(client, settings, fmt):
    counts = {
        e["name"]: e["row_count"] for e in client.get("/api/v1/datasets").get_json()["datasets"]
    }
    for name in dataset_names(settings):
        response = client.get(f"/api/v1/datasets/{name}.{fmt}")
        assert response.status_code == 200, name
        if fmt == "csv":
            assert response.data.startswith(b"\xef\xbb\xbf")
            frame = pd.read_csv(io.BytesIO(response.data), encoding="utf-8-sig")
        elif fmt == "json":
            frame = pd.DataFrame(json.loads(response.data))
        else:
            frame = pd.read_parquet(io.BytesIO(response.data))
        assert len(frame) == counts[name], name
        if len(frame):
            assert "source" in frame.columns


def test_settlements_csv_has_every_row_of_tabela_5_with_albanian_letters(client):
    response = client.get("/api/v1/datasets/settlements.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="settlements.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 39
    by_name = {r["settlement"]: r for r in rows}
    assert by_name["Kçiq i Madh"]["population"] == "3312"
    assert by_name["Mitrovicë"]["density_printed"] == "4465"
    assert (
        by_name["Zasellë"]["area_km2"] == "" and by_name["Zasellë"]["density_printed_text"] == "///"
    )
    assert by_name["Tërstenë"]["source"].startswith("Plani i Veprimit 2024-2026 (002), Tabela 5")


def test_filters_on_documented_columns(client):
    urban = client.get("/api/v1/datasets/settlements.json?settlement_type=Urban").get_json()
    assert [r["settlement"] for r in urban] == ["Mitrovicë"]
    both = client.get(
        "/api/v1/datasets/population_by_municipality.json?year=2024&municipality=Mitrovicë"
        "&municipality=Pejë"
    ).get_json()
    assert sorted((r["municipality"], r["population"]) for r in both) == [
        ("Mitrovicë", 64742),
        ("Pejë", 82745),
    ]
    missing = client.get(
        "/api/v1/datasets/population_by_municipality.json?year=2011&municipality=Leposaviq"
    ).get_json()
    assert missing == [{**missing[0], "population": None, "status": "."}]


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/datasets/nope.csv", 404),
        ("/api/v1/datasets/settlements.xml", 404),
        ("/api/v1/datasets/settlements.csv?population=32260", 400),
        ("/api/v1/datasets/settlements.csv?settlement_type=Urban&x=1", 400),
        ("/api/v1/datasets/_datasets.csv", 404),
        ("/api/v1/datasets/..%2Fsettlements.csv", 404),
        ("/api/v1/nothing", 404),
    ],
)
def test_errors_are_json_never_a_traceback(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    body = response.get_json()
    assert body["error"]["status"] == status and body["error"]["message"]
    assert b"Traceback" not in response.data


def test_injection_in_a_filter_value_is_just_a_value(client):
    response = client.get("/api/v1/datasets/settlements.json?settlement=x' OR '1'='1")
    assert response.status_code == 200 and response.get_json() == []
    response = client.get("/api/v1/datasets/settlements.json?settlement=Mitrovicë; DROP TABLE swot")
    assert response.get_json() == []
    assert client.get("/api/v1/datasets/swot.json").status_code == 200
