"""The data-quality rules added for the plan review: each fires where it must, only there."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from dashboard import quality
from tests.unit.test_quality import dataset

DATA = Path(__file__).resolve().parents[2] / "data"
TOTAL_COLUMNS = [
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
]


def totals(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=TOTAL_COLUMNS)


# --- label matching -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # inflection (martesat / martesë), and "e" / "të"
        (
            "Numri i fëmijëve të përfshirë në martesat e hershme",
            "Numri i fëmijëve të përfshirë në martesë të hershme",
        ),
        # a missing letter (lëmoshë / lëmshë) and a diacritic (rrugë / rruge)
        ("fëmijët lëmoshë-kërkues rrugë", "fëmijët lëmshë-kërkues rruge"),
        ("substanca narkotike, trajtim mjekësore", "substancë  narkotike, trajtim mjekësorë"),
        ("Numri i Fëmijëve", "numri i femijeve "),  # case, diacritics and spacing
    ],
)
def test_labels_match_across_spelling(a, b):
    assert quality.labels_match(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Numri i grave viktime të dhunës", "Numri i grave viktime të trafikimit"),
        ("Numri i fëmijëve të braktisur", "Numri i fëmijëve të keqtrajtuar"),
        ("Numri i fëmijëve me aftësi", "Numri i fëmijëve me aftësi të kufizuara"),  # longer
        ("Numri i të rinjve", "Numri i të moshuarve"),
    ],
)
def test_different_labels_do_not_match(a, b):
    assert not quality.labels_match(a, b)


def test_same_indicator_under_two_objectives_with_inflected_labels():
    frame = pd.DataFrame(
        {
            "code": ["1.1.c", "1.3.c", "1.1.d"],
            "text": [
                "Numri i fëmijëve në martesat e hershme",
                "Numri i fëmijëve në martesë të hershme",
                "Numri i fëmijëve të ekspozuar ndaj abuzimit",
            ],
            "baseline": [0.0, 1.0, 0.0],
            "source": ["O1.1", "O1.3", "O1.1"],
        }
    )
    spec = dataset(
        "ind",
        ["code"],
        {"same_text": {"text": "text", "key": "code", "value": "baseline"}},
        list(frame.columns),
    )
    findings = quality.check_same_text({"ind": frame}, {"ind": spec})
    assert [(f.key, f.expected, f.found) for f in findings] == [
        ("code 1.1.c vs 1.3.c", "baseline: 0", "baseline: 1")
    ]
    assert findings[0].params["pairs"] == [["baseline", 0.0, 1.0]]


# --- a total row against itself -------------------------------------------------------------


def test_a_total_row_is_checked_against_itself():
    findings = quality.check_total_row_itself(
        {
            "printed_totals": totals(
                ("s", "sum", "people", None, None, None, None, None, 70156, "", "T5 total"),
                ("s", "sum", "area", None, None, None, None, None, 331.01, "", "T5 total"),
                ("s", "ratio", "people", "area", None, None, None, None, 209, "", "T5 total"),
                ("s", "count", None, None, None, None, None, None, 40, "", "T5 total"),
                ("s", "count", None, None, "kind", "Urban", None, None, 1, "", "T5 total"),
                ("s", "count", None, None, "kind", "Rural", None, None, 38, "", "T5 total"),
            )
        },
        {},
    )
    by_class = {f.rule_class: f for f in findings}
    assert set(by_class) == {"total_row_ratio", "total_row_parts"}
    assert (by_class["total_row_ratio"].expected, by_class["total_row_ratio"].found) == (
        "211.9",
        "209",
    )
    assert (by_class["total_row_parts"].expected, by_class["total_row_parts"].found) == (
        "40",
        "39",
    )


def test_a_consistent_total_row_is_not_a_finding():
    findings = quality.check_total_row_itself(
        {
            "printed_totals": totals(
                ("s", "sum", "people", None, None, None, None, None, 70156, "", "T5 total"),
                ("s", "sum", "area", None, None, None, None, None, 331.01, "", "T5 total"),
                ("s", "ratio", "people", "area", None, None, None, None, 212, "", "T5 total"),
                ("s", "count", None, None, None, None, None, None, 40, "", "T5 total"),
                ("s", "count", None, None, "kind", "Urban", None, None, 1, "", "T5 total"),
                ("s", "count", None, None, "kind", "Rural", None, None, 39, "", "T5 total"),
                # another place's ratio is not this row's: no sums beside it
                ("s", "ratio", "people", "area", None, None, None, None, 100, "", "Text"),
            )
        },
        {},
    )
    assert findings == []


# --- ranges that leave a gap or overlap ------------------------------------------------------


def profile(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["measure", "period", "value", "source"])


RANGES = dataset(
    "profile",
    ["measure", "source"],
    {
        "ranges": [
            {"measures": "^share_age_", "label": "age bands", "shares": True},
            {"measures": "^density_", "label": "density classes", "whole_numbers": False},
        ]
    },
    ["measure", "period", "value", "source"],
)


def test_shares_that_claim_the_whole_but_leave_a_range_out():
    frame = profile(
        ("share_age_0_24_pct", None, 46.14, "text"),
        ("share_age_25_45_pct", None, 34.84, "text"),
        ("share_age_over_50_pct", None, 19.01, "text"),
        ("share_age_20_64_pct", None, 55.27, "text"),  # a share on its own: not in the whole
    )
    [finding] = quality.check_range_gaps({"profile": frame}, {"profile": RANGES})
    assert finding.rule_class == "range_gap_whole"
    assert (finding.params["low"], finding.params["high"]) == (46, 50)
    assert finding.params["sum"] == pytest.approx(99.99)


def test_classes_that_meet_are_not_findings():
    frame = profile(
        ("share_age_0_4_pct", None, 10, "T4"),
        ("share_age_5_14_pct", None, 20, "T4"),
        ("share_age_over_14_pct", None, 70, "T4"),
        ("density_under_10", None, 9, "text"),
        ("density_10_100", None, 15, "text"),
        ("density_over_100", None, 3, "text"),
    )
    assert quality.check_range_gaps({"profile": frame}, {"profile": RANGES}) == []


def test_density_classes_with_a_gap_and_age_bands_that_overlap():
    frame = profile(
        ("density_1000_3000", None, 2, "text"),
        ("density_over_4465", None, 1, "text"),
        ("share_age_0_24_pct", None, 50, "T"),
        ("share_age_20_64_pct", None, 50, "T"),
    )
    found = {
        (f.rule_class, f.params["low"], f.params["high"])
        for f in quality.check_range_gaps({"profile": frame}, {"profile": RANGES})
    }
    assert found == {("range_gap", 3000, 4465), ("range_overlap_whole", 20, 24)}


def test_age_bands_from_columns():
    frame = pd.DataFrame(
        {
            "age_from": [0, 5, 20],
            "age_to": [4, 14, None],
            "pct": [10.0, 20.0, 70.0],
            "source": ["T4"] * 3,
        }
    )
    spec = dataset(
        "ages",
        ["age_from"],
        {"ranges": {"from": "age_from", "to": "age_to", "value": "pct", "shares": True}},
        list(frame.columns),
    )
    [finding] = quality.check_range_gaps({"ages": frame}, {"ages": spec})
    assert (finding.params["low"], finding.params["high"]) == (15, 19)
    frame.loc[2, "age_from"] = 15
    assert quality.check_range_gaps({"ages": frame}, {"ages": spec}) == []


# --- dated later, undated, many places -------------------------------------------------------

MEASURES = dataset(
    "profile",
    ["measure", "period", "source"],
    {"measures": {"scope": "M"}},
    ["measure", "period", "value", "source"],
)


def run(rule, *rows):
    return rule({"profile": profile(*rows)}, {"profile": MEASURES})


def test_a_census_figure_presented_as_a_later_years():
    findings = run(
        quality.check_dated_later,
        ("population", "2011", 71909, "Text (ASK 2011)"),
        ("population", "2023", 71909, "Tabela 6"),
        ("population", "2021", 68238, "Text"),
    )
    [finding] = findings
    assert finding.rule_class == "same_figure_two_years"
    assert (finding.params["period"], finding.params["other_period"]) == ("2023", "2011")
    assert finding.source == "Tabela 6" and finding.params["other_source"] == "Text (ASK 2011)"


def test_a_figure_dated_after_its_table():
    [finding] = run(quality.check_dated_later, ("population", "2021", 68238, "Tabela 1 (ASK 2011)"))
    assert finding.rule_class == "dated_after_table" and finding.params["table"] == 2011
    assert (
        run(quality.check_dated_later, ("population", "2011", 68238, "Tabela 1 (ASK 2011)")) == []
    )


def test_zero_in_two_years_is_not_one_figure():
    assert run(quality.check_dated_later, ("x", "2011", 0, "A"), ("x", "2023", 0, "B")) == []


def test_undated_figures_are_compared_with_the_dated_ones():
    findings = run(
        quality.check_undated,
        ("area_km2", None, 331, "Text"),
        ("area_km2", "2011", 331, "Tabela 1"),
        ("staff", None, 9, "Text"),
        ("staff", "2023", 18, "Tabela 6"),
        ("needs_met_pct", None, 40, "Text"),  # nothing dated to compare with
    )
    by_class = {f.rule_class: f for f in findings}
    assert set(by_class) == {"undated_repeats", "undated_differs"}
    assert by_class["undated_repeats"].severity == "info"
    assert by_class["undated_repeats"].params["other_period"] == "2011"
    assert by_class["undated_differs"].severity == "warning"
    assert by_class["undated_differs"].params["listed"] == [[18.0, "2023", "Tabela 6"]]


def test_one_measure_in_three_places():
    findings = run(
        quality.check_many_places,
        ("population", "2011", 71909, "Text"),
        ("population", "2023", 71909, "Tabela 6"),
        ("population", "2011", 68238, "Tabela 1"),
        ("area_km2", "2011", 331, "Tabela 1"),
        ("area_km2", None, 331, "Text"),
    )
    [finding] = findings
    assert finding.rule_class == "many_places_differ"
    assert (finding.params["places"], finding.params["figures"]) == (3, 2)


def test_two_places_are_not_many():
    assert run(quality.check_many_places, ("a", "2011", 1, "A"), ("a", "2012", 2, "B")) == []


# --- indicator tables whose years disagree ---------------------------------------------------


def plan_tables(shifted: bool):
    indicators = pd.DataFrame(
        {
            "indicator_code": ["1.1.a", "1.2.a", "4.2.a"],
            "baseline_year": [2023, 2023, 2022 if shifted else 2023],
            "source": [f"Plani 2024-2026, Obj {o}" for o in ("1.1", "1.2", "4.2")],
        }
    )
    first = 2023 if shifted else 2024
    values = pd.DataFrame(
        [
            (code, year, kind, 1.0)
            for code, start in (("1.1.a", 2024), ("1.2.a", 2024), ("4.2.a", first))
            for year in range(start, start + 3)
            for kind in ("target", "reported")
        ],
        columns=["indicator_code", "year", "kind", "value"],
    )
    spec = dataset(
        "values",
        ["indicator_code", "year", "kind"],
        {"table_years": {"indicators": "indicators"}},
        list(values.columns),
    )
    return {"values": values, "indicators": indicators}, {"values": spec}


def test_a_table_a_year_behind_is_a_finding_with_both_sides():
    tables, catalogue = plan_tables(shifted=True)
    [finding] = quality.check_table_years(tables, catalogue)
    assert finding.source == "Plani 2024-2026, Obj 4.2"
    assert finding.params == {
        "years": "2022–2025",
        "usual": "2023–2026",
        "period": "2024–2026",
        "shift": 1,
        "reading": "",
    }
    tables["staff_decisions"] = pd.DataFrame(
        {"kind": ["table_reading"], "target": [finding.source], "value": ["shifted"]}
    )
    [confirmed] = quality.check_table_years(tables, catalogue)
    assert confirmed.params["reading"] == "shifted"
    assert confirmed.finding_id == finding.finding_id  # a mark stays on the same finding


def test_tables_that_agree_are_not_findings():
    tables, catalogue = plan_tables(shifted=False)
    assert quality.check_table_years(tables, catalogue) == []


# --- the public summary ----------------------------------------------------------------------


def test_the_summary_counts_findings_and_marks_only():
    findings = quality.findings_frame(
        [
            quality.Finding("a", "d", "k1", "1", "2", "error", "m", "Doc A, T1"),
            quality.Finding("a", "d", "k2", "1", "2", "warning", "m", "Doc A, T2"),
            quality.Finding("b", "d", "k3", "1", "2", "info", "m", "Doc B"),
        ]
    )
    marks = pd.DataFrame(
        {
            "target": [findings["finding_id"][0], findings["finding_id"][2], "gone"],
            "value": ["accepted", "open", "corrected"],
        }
    )
    summary = quality.contradiction_summary(findings, marks)
    assert {k: v for k, v in summary.items() if k != "documents"} == {
        "findings": 3,
        "errors": 1,
        "warnings": 1,
        "info": 1,
        "reviewed": 2,
        "accepted": 1,
        "corrected": 0,
        "open": 1,
        "unreviewed": 1,
    }
    assert summary["documents"] == [
        {"document": "Doc A", "findings": 2, "errors": 1, "decided": 1},
        {"document": "Doc B", "findings": 1, "errors": 0, "decided": 0},
    ]
    # Nothing of a figure reaches the summary: only counts and document names.
    assert "1" not in json.dumps([d["document"] for d in summary["documents"]])


def test_finding_ids_are_stable_and_distinct():
    one = quality.Finding("a", "d", "k", "1", "2", "error", "m", "S")
    again = quality.Finding("a", "d", "k", "1", "3", "error", "other words", "S")
    other_side = quality.Finding("a", "d", "k", "5", "2", "error", "m", "S")
    assert one.finding_id == again.finding_id != other_side.finding_id


def test_one_indicator_printed_under_three_labels():
    frame = pd.DataFrame(
        {
            "code": ["1.1.a", "1.3.a", "4.3.c", "4.3.a"],
            "text": [
                "Numri i fëmijëve me aftësi të kufizuara që marrin shërbime sociale",
                "Numri i fëmijëve me aftësi të kufizuara që marrin shërbime sociale",
                "Numri i fëmijëve me aftësi të kufizuara",  # the same, without its qualifier
                "Numri i fëmijëve të braktisur",
            ],
            "baseline": [182.0, 182.0, 182.0, 0.0],
            "source": ["O1.1", "O1.3", "O4.3", "O4.3"],
        }
    )
    spec = dataset(
        "ind",
        ["code"],
        {"many_places": {"text": "text", "key": "code", "value": "baseline"}},
        list(frame.columns),
    )
    [finding] = quality.check_many_labels({"ind": frame}, {"ind": spec})
    assert finding.key == "code 1.1.a, 1.3.a, 4.3.c" and finding.severity == "info"
    assert [code for _, code, _ in finding.params["listed"]] == ["1.1.a", "1.3.a", "4.3.c"]
    assert quality.check_many_labels({"ind": frame.iloc[[0, 2, 3]]}, {"ind": spec}) == []


@pytest.mark.parametrize(
    ("short", "long", "expected"),
    [
        (
            "Numri i fëmijëve me aftësi të kufizuara",
            "Numri i fëmijëve me aftësi të kufizuara që marrin",
            True,
        ),
        ("Numri i fëmijëve", "Numri i fëmijëve me aftësi të kufizuara", False),  # too short
        ("Numri i fëmijëve të braktisur", "Numri i fëmijëve të keqtrajtuar në familje", False),
    ],
)
def test_a_label_with_a_qualifier(short, long, expected):
    assert quality.label_qualifies(short, long) is expected


def test_labels_matched_in_the_plan_come_from_different_objectives(database):
    """A table never prints one indicator twice: matches inside one objective are false."""
    indicators = database.query("plan_indicator_list")
    texts = indicators["indicator_text"].astype(str).tolist()
    clusters = quality.label_clusters(texts, qualified=True)
    grouped = indicators.assign(cluster=[clusters[text] for text in texts]).groupby("cluster")
    matched = [group for _, group in grouped if len(group) > 1]
    assert len(matched) >= 7  # 1.1.a-g are printed again under Obj 1.3
    for group in matched:
        assert group["objective_code"].is_unique, list(group["indicator_code"])


def test_profile_figures_the_document_gives_no_year_have_none():
    frame = pd.read_csv(DATA / "municipality_profile.csv", dtype={"period": "string"})
    undated = {
        "share_islam_pct",
        "share_catholic_pct",
        "share_women_pct",
        "share_men_pct",
        "share_age_0_24_pct",
        "share_age_25_45_pct",
        "share_age_over_50_pct",
    }
    assert frame.loc[frame["measure"].isin(undated), "period"].isna().all()
