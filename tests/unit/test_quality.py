"""Each data-quality rule on small cases: it finds the contradiction and nothing else."""

from __future__ import annotations

import pandas as pd

from dashboard import quality
from dashboard.catalog import Column, Dataset


def dataset(name: str, key: list[str], checks: dict, columns: list[str]) -> Dataset:
    return Dataset(
        name=name,
        title_sq=name,
        title_en=name,
        description="",
        source="",
        licence="",
        key=tuple(key),
        filters=(),
        checks=checks,
        columns=tuple(Column(c, "VARCHAR", "") for c in columns),
    )


SETTLEMENTS = dataset(
    "places",
    ["place"],
    {
        "ratio": {
            "numerator": "people",
            "denominator": "area",
            "printed": "density",
            "label": "density",
        }
    },
    ["place", "kind", "people", "area", "density", "source"],
)


def places(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["place", "kind", "people", "area", "density", "source"])


def test_printed_totals_count_sum_ratio_and_classes():
    tables = {
        "places": places(("A", "Urban", 100, 2.0, 50, "T5"), ("B", "Rural", 50, 5.0, 10, "T5")),
        "printed_totals": pd.DataFrame(
            [
                ("places", "count", None, None, None, None, None, None, 3, "3", "T5 total"),
                ("places", "sum", "people", None, None, None, None, None, 150, "150", "T5 total"),
                ("places", "ratio", "people", "area", None, None, None, None, 25, "25", "T5 total"),
                ("places", "ratio", "people", "area", None, None, None, None, 21, "21", "rounded"),
                ("places", "count", None, None, "kind", "Rural", None, None, 1, "1", "T5 total"),
                ("places", "count", None, None, "density", None, 10, 100, 1, "1", "text"),
                ("places", "count", None, None, "density", None, 0, 10, 0, "0", "text"),
            ],
            columns=[
                "dataset",
                "aggregate",
                "column_name",
                "denominator",
                "filter_column",
                "filter_value",
                "filter_min",
                "filter_max",
                "value",
                "value_text",
                "source",
            ],
        ),
    }
    findings = quality.check_printed_totals(tables, {"places": SETTLEMENTS})
    by_key = {f.key: (f.expected, f.found) for f in findings}
    assert by_key == {
        "count [all rows]": ("3", "2"),
        "ratio people [all rows]": ("25", "21.43"),
        "count [10 ≤ density < 100]": ("1", "2"),
    }


def test_ratio_allows_rounding_but_not_more():
    tables = {
        "places": places(
            ("A", "U", 1213, 10.44, 116, "T5"),
            ("B", "R", 1213, 10.44, 129, "T5"),
            ("C", "R", 791, None, None, "T5"),
        )
    }
    findings = quality.check_ratios(tables, {"places": SETTLEMENTS})
    assert [(f.key, f.expected, f.found, f.severity) for f in findings] == [
        ("place=B", "116.2", "129", "warning")
    ]


def test_percentages_find_the_dropped_digit():
    frame = pd.DataFrame(
        {
            "group": ["T3"] * 4,
            "name": ["a", "b", "c", "d"],
            "value": [6949, 518, 416, 647],
            "pct": [96.68, 0.72, 0.58, 0.90],
            "source": ["T3"] * 4,
        }
    )
    spec = dataset(
        "eth",
        ["name"],
        {"percent": {"value": "value", "percent": "pct", "group": "group"}},
        list(frame.columns),
    )
    findings = quality.check_percentages({"eth": frame}, {"eth": spec})
    flagged = [f for f in findings if f.check == "percent_vs_total"]
    assert [f.key for f in flagged] == ["name=a"]
    assert 69_000 < int(flagged[0].expected) < 70_500
    assert [f.check for f in findings if f.check == "percent_sum"] == ["percent_sum"]


def test_same_measure_in_two_places_and_parts_vs_total():
    profile = pd.DataFrame(
        {
            "measure": ["population", "population", "area"],
            "period": ["2011", "2011", None],
            "value": [68238.0, 71909.0, 331.0],
            "source": ["Tabela 1", "text", "text"],
        }
    )
    ages = pd.DataFrame(
        {
            "age": ["0-4", "5+"],
            "year": [2011, 2011],
            "people": [1000, 70909],
            "source": ["Tabela 4", "Tabela 4"],
        }
    )
    catalogue = {
        "profile": dataset(
            "profile", ["measure", "source"], {"measures": {"scope": "M"}}, list(profile.columns)
        ),
        "ages": dataset(
            "ages",
            ["age"],
            {
                "total_of": {
                    "column": "people",
                    "measure": "population",
                    "period_column": "year",
                    "scope": "M",
                }
            },
            list(ages.columns),
        ),
    }
    tables = {"profile": profile, "ages": ages}
    same = quality.check_same_measure(tables, catalogue)
    assert [(f.expected, f.found) for f in same] == [("68238", "71909")]
    parts = quality.check_parts_of_measure(tables, catalogue)
    assert [(f.expected, f.found) for f in parts] == [("68238", "71909")]


def test_categories_against_totals_of_the_same_document():
    frame = pd.DataFrame(
        {
            "municipality": ["M"] * 4,
            "period": ["2022", None, None, "2022"],
            "category": ["all", "I", "II", "all"],
            "measure": ["families"] * 4,
            "value": [2314, 1314, 1483, 2797],
            "source": ["Doc (002), T2", "Doc (002), text", "Doc (002), text", "Other (009), T"],
        }
    )
    spec = dataset(
        "sns",
        ["municipality", "period", "category", "measure", "source"],
        {
            "categories": {
                "column": "category",
                "total": "all",
                "group": ["municipality", "measure"],
            }
        },
        list(frame.columns),
    )
    findings = quality.check_categories({"sns": frame}, {"sns": spec})
    assert [(f.expected, f.found, f.severity) for f in findings] == [("2314", "2797", "warning")]


def test_values_reported_after_the_document_date():
    frame = pd.DataFrame(
        {
            "code": ["a", "a", "a", "a"],
            "year": [2023, 2024, 2025, 2025],
            "kind": ["reported", "reported", "reported", "target"],
            "value": [1.0, 2.0, 3.0, 4.0],
            "value_text": [None] * 4,
            "source_date": pd.to_datetime(["2024-11-26"] * 4),
            "source": ["plan"] * 4,
        }
    )
    spec = dataset(
        "values",
        ["code", "year", "kind"],
        {
            "dated": {
                "period_column": "year",
                "date_column": "source_date",
                "value_column": "value",
                "filter_column": "kind",
                "filter_value": "reported",
            }
        },
        list(frame.columns),
    )
    findings = quality.check_dated_after_document({"values": frame}, {"values": spec})
    assert [(f.severity, f.key) for f in findings] == [
        ("info", "year=2024, 1 value(s)"),
        ("warning", "year=2025, 1 value(s)"),
    ]


def test_same_label_with_different_values_and_missing_values():
    frame = pd.DataFrame(
        {
            "code": ["1.1.b", "1.3.b", "2.1.a"],
            "text": ["Numri i fëmijëve", "Numri i femijeve ", "Tjetër"],
            "baseline": [81.0, 115.0, None],
            "source": ["O1.1", "O1.3", "O2.1"],
        }
    )
    spec = dataset(
        "ind",
        ["code"],
        {
            "same_text": {"text": "text", "key": "code", "value": "baseline"},
            "expected": ["baseline"],
        },
        list(frame.columns),
    )
    findings = quality.check_same_text({"ind": frame}, {"ind": spec})
    assert [(f.expected, f.found) for f in findings] == [("baseline: 81", "baseline: 115")]
    missing = quality.check_missing({"ind": frame}, {"ind": spec})
    assert [f.key for f in missing] == ["code=2.1.a"]


def test_the_embedded_documents_contradictions_are_all_found(database):
    findings = database.query("data_quality_findings")
    messages = "\n".join(findings["message"])
    # Tabela 3's dropped digit, both ways.
    assert ((findings["check"] == "percent_vs_total") & (findings["found"] == "6949")).any()
    assert "6949" in messages and "69497" in messages
    # Tabela 5: 40 settlements printed, 39 listed; population 70,156 printed, 70,056 summed.
    counts = findings[
        (findings["dataset"] == "settlements") & (findings["check"] == "printed_total")
    ]
    assert {("40", "39"), ("70156", "70056")} <= set(
        zip(counts["expected"], counts["found"], strict=True)
    )
    # SNS families 2022: Tabela 2 vs the text; category I + II vs the totals.
    assert ((findings["expected"] == "2314") & (findings["found"] == "2357")).any()
    assert ((findings["check"] == "categories_vs_total") & (findings["found"] == "2797")).any()
    # Tabela 1's 68,238 attributed to 2011 against the census 71,909.
    assert ((findings["expected"] == "68238") & (findings["found"] == "71909")).any()
    # Density printed vs computed (Rahovë), indicator printed twice, results after the date.
    assert "1213 / 10.44" in messages
    assert (findings["check"] == "same_label_differs").sum() >= 3
    assert (findings["check"] == "reported_after_document").any()
