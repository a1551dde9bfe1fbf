"""The indicator status rule of dashboard/plan_status.py, on every boundary."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard.plan_status import (
    ACHIEVED,
    AT_RISK,
    NO_DATA,
    OFF_TRACK,
    ON_TRACK,
    PlanDecisions,
    indicator_status,
    indicator_statuses,
    inferred_direction,
    is_observed,
    plan_period,
    progress_toward,
    resolve_direction,
    table_readings,
)

DOCUMENT = date(2024, 11, 26)
# Higher is better: baseline 100, 2024 target 200, final (2026) target 300.
RISING = {2024: 200.0, 2025: 250.0, 2026: 300.0}
# Lower is better: baseline 100, 2024 target 50, final (2026) target 20.
FALLING = {2024: 50.0, 2025: 30.0, 2026: 20.0}


def status(
    reported, *, targets=RISING, baseline=100.0, direction="higher", unit="count", when=DOCUMENT
):
    return indicator_status(
        unit=unit,
        direction=direction,
        baseline=baseline,
        targets=targets,
        reported=reported,
        document_date=when,
    )


@pytest.mark.parametrize(
    ("reported", "expected"),
    [
        (190.0, ON_TRACK),  # exactly 90 % of the way from 100 to 200
        (189.0, AT_RISK),  # 89 %
        (160.0, AT_RISK),  # exactly 60 %
        (159.0, OFF_TRACK),  # 59 %
        (100.0, OFF_TRACK),  # no progress
        (80.0, OFF_TRACK),  # went the wrong way
        (200.0, ON_TRACK),  # meets the year's target, not the final one
        (299.0, ON_TRACK),
        (300.0, ACHIEVED),  # meets the final target
        (320.0, ACHIEVED),
    ],
)
def test_higher_is_better_thresholds(reported, expected):
    assert status({2024: reported}).status == expected


def test_exactly_ninety_percent_is_on_track_and_the_progress_is_reported():
    result = status({2024: 190.0})
    assert result.progress == pytest.approx(0.9)
    assert (result.year, result.reported, result.year_target) == (2024, 190.0, 200.0)
    assert (result.final_target, result.final_year) == (300.0, 2026)


@pytest.mark.parametrize(
    ("reported", "expected"),
    [
        (55.0, ON_TRACK),  # (55-100)/(50-100) = 90 %
        (56.0, AT_RISK),  # 88 %
        (70.0, AT_RISK),  # exactly 60 %
        (71.0, OFF_TRACK),  # 58 %
        (120.0, OFF_TRACK),  # worse than the baseline
        (50.0, ON_TRACK),  # meets the year's target
        (20.0, ACHIEVED),  # meets the final target
        (10.0, ACHIEVED),
    ],
)
def test_lower_is_better_thresholds(reported, expected):
    assert status({2024: reported}, targets=FALLING, direction="lower").status == expected


def test_the_direction_decides_whether_a_low_value_is_good():
    assert status({2024: 10.0}, targets=FALLING, direction="lower").status == ACHIEVED
    assert status({2024: 10.0}, targets=FALLING, direction="higher").status == OFF_TRACK


@pytest.mark.parametrize(
    ("direction", "targets", "reported", "expected", "progress"),
    [
        ("higher", RISING, 180.0, ON_TRACK, 0.9),  # measured from zero: 180 / 200
        ("higher", RISING, 120.0, AT_RISK, 0.6),
        ("higher", RISING, 100.0, OFF_TRACK, 0.5),
        ("lower", FALLING, 50.0, ON_TRACK, 1.0),  # meets the year's target
        ("lower", FALLING, 100.0, OFF_TRACK, 0.5),  # 50 / 100
    ],
)
def test_missing_baseline_measures_the_way_from_zero(
    direction, targets, reported, expected, progress
):
    result = status({2024: reported}, targets=targets, baseline=None, direction=direction)
    assert result.status == expected
    assert result.progress == pytest.approx(progress)


def test_a_target_not_beyond_the_baseline_is_read_as_a_level():
    # As indicator 1.1.b: baseline 81, 2024 target 30, reported 15, final target 120.
    result = status({2024: 15.0}, targets={2024: 30.0, 2026: 120.0}, baseline=81.0)
    assert result.progress == pytest.approx(0.5)
    assert result.status == OFF_TRACK


def test_zero_target_met_counts_as_the_whole_way():
    result = status({2024: 0.0}, targets={2024: 0.0, 2026: 7.0}, baseline=0.0)
    assert (result.status, result.progress) == (ON_TRACK, 1.0)


@pytest.mark.parametrize("unit", ["text"])
def test_text_indicators_have_no_status(unit):
    result = status({2024: 300.0}, unit=unit, direction=None)
    assert result.status == NO_DATA
    # The old reason "text_or_no_direction" is split: a missing direction is its own reason.
    assert result.reason == "text_indicator"


def test_an_indicator_without_direction_has_no_status():
    result = status({2024: 300.0}, direction=None)
    assert (result.status, result.reason) == (NO_DATA, "direction_not_set")


def test_values_after_the_document_date_do_not_count():
    # 2025 and 2026 "reported" values of a plan dated 26.11.2024 are planned, not observed.
    result = status({2024: 150.0, 2025: 300.0, 2026: 400.0})
    assert result.year == 2024
    assert result.status == OFF_TRACK  # (150-100)/(200-100) = 50 %, never "achieved" by 2025
    only_planned = status({2025: 300.0, 2026: 400.0})
    assert only_planned.status == NO_DATA
    assert only_planned.reason == "no_observed_value"


def test_a_later_document_makes_the_next_year_observed():
    result = status({2024: 150.0, 2025: 300.0}, when=date(2025, 1, 1))
    assert (result.year, result.status) == (2025, ACHIEVED)


@pytest.mark.parametrize(
    ("year", "when", "observed"),
    [
        (2024, date(2024, 11, 26), True),
        (2023, date(2024, 11, 26), True),
        (2025, date(2024, 11, 26), False),
        (2025, date(2024, 12, 31), False),
        (2025, date(2025, 1, 1), True),
    ],
)
def test_is_observed(year, when, observed):
    assert is_observed(year, when) is observed


def test_no_target_for_the_latest_year_gives_no_data():
    result = status({2024: 150.0}, targets={2025: 250.0, 2026: 300.0})
    assert (result.status, result.reason) == (NO_DATA, "no_target_for_year")


def test_missing_values_are_not_zero():
    result = status({2024: float("nan"), 2023: None})
    assert result.status == NO_DATA


def test_progress_toward_is_direction_aware():
    assert progress_toward(190.0, 200.0, 100.0, "higher") == pytest.approx(0.9)
    assert progress_toward(55.0, 50.0, 100.0, "lower") == pytest.approx(0.9)
    assert progress_toward(250.0, 200.0, 100.0, "higher") == pytest.approx(1.5)


def test_statuses_of_the_plan_matrix(database):
    indicators = database.query("plan_indicator_list")
    values = database.query("plan_indicator_values_by_year")
    statuses = indicator_statuses(indicators, values).set_index("indicator_code")
    assert len(statuses) == len(indicators)
    assert set(statuses["status"]) <= {ACHIEVED, ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA}
    # No status is decided on a year after the document's date.
    assert (statuses["status_year"].dropna() <= 2024).all()
    text_codes = indicators.loc[indicators["unit"] == "text", "indicator_code"]
    assert (statuses.loc[text_codes, "status"] == NO_DATA).all()
    # 2.3.a, services delivered: 1,696 reported by 26.11.2024 against 7,000 from a 6,735 baseline.
    services = statuses.loc["2.3.a"]
    assert (services["status"], services["status_year"], services["status_reported"]) == (
        OFF_TRACK,
        2024,
        1696,
    )
    # 1.1.a: 200 reported against a 2024 target of 200 (final 220): on track, not achieved.
    assert statuses.loc["1.1.a", "status"] == ON_TRACK
    assert pd.Timestamp(statuses["document_date"].iloc[0]).date() == DOCUMENT


# --- direction: known where staff set it or every target moves the same way -------------


@pytest.mark.parametrize(
    ("baseline", "targets", "expected"),
    [
        (182.0, {2024: 200.0, 2025: 215.0, 2026: 220.0}, "higher"),  # rising all the way
        (0.0, {2024: 0.0, 2025: 5.0, 2026: 7.0}, "higher"),  # a flat step, then up
        (100.0, {2024: 50.0, 2025: 30.0, 2026: 20.0}, "lower"),  # falling all the way
        # 2.3.b: rising targets below the baseline: 167 -> 90 -> 100 -> 120.
        (167.0, {2024: 90.0, 2025: 100.0, 2026: 120.0}, None),
        (1.0, {2024: 1.0, 2025: 1.0, 2026: 1.0}, None),  # flat: all equal the baseline
        (0.0, {2024: 0.0, 2025: 0.0, 2026: 0.0}, None),
        (23.0, {2024: 28.0, 2025: 25.0, 2026: 28.0}, None),  # up, down, up
        (None, {2024: 5.0, 2025: 5.0, 2026: 5.0}, None),  # no baseline, flat targets
        (None, {2024: 1.0, 2025: 3.0}, "higher"),  # no baseline: the targets alone
        (None, {2024: 1.0}, None),  # one figure shows no way
        (5.0, {2024: None, 2025: 7.0}, "higher"),  # a missing target is skipped, not zero
    ],
)
def test_inferred_direction(baseline, targets, expected):
    assert inferred_direction(baseline, targets) == expected


def test_staff_direction_wins_and_inferred_guesses_in_the_data_are_ignored():
    rising_below = {2024: 90.0, 2025: 100.0, 2026: 120.0}
    common = {"baseline": 167.0, "targets": rising_below}
    assert resolve_direction(
        staff=None, printed="lower", printed_basis="inferred from targets", **common
    ) == (None, None)
    assert resolve_direction(
        staff="higher", printed="lower", printed_basis="inferred from targets", **common
    ) == ("higher", "staff")
    assert resolve_direction(
        staff=None, printed="lower", printed_basis="stated in the document", **common
    ) == ("lower", "stated")


def _plan(rows, values, source="Plani 2024-2026 (002), Obj {obj}"):
    indicators = pd.DataFrame(
        [
            {
                "indicator_code": code,
                "unit": "count",
                "direction": "higher",
                "direction_basis": "inferred from targets",
                "baseline_value": baseline,
                "baseline_year": year,
                "source": source.format(obj=code[:3]),
            }
            for code, baseline, year in rows
        ]
    )
    frame = pd.DataFrame(
        [
            {
                "indicator_code": code,
                "year": y,
                "kind": kind,
                "value": v,
                "source_date": "2024-11-26",
            }
            for code, kind, y, v in values
        ]
    )
    return indicators, frame


def _series(code, targets, reported, shift=0):
    return [(code, "target", y + shift, v) for y, v in targets.items()] + [
        (code, "reported", y + shift, v) for y, v in reported.items()
    ]


def test_field_visits_are_not_achieved_on_a_guessed_direction():
    # 2.3.b: baseline 167, targets 90, 100, 120; 29 reported in 2024.
    indicators, values = _plan(
        [("2.3.b", 167.0, 2023)],
        _series("2.3.b", {2024: 90, 2025: 100, 2026: 120}, {2024: 29, 2025: 100, 2026: 120}),
    )
    row = indicator_statuses(indicators, values).iloc[0]
    assert (row["status"], row["status_reason"]) == (NO_DATA, "direction_not_set")
    staff = PlanDecisions(directions={"2.3.b": "higher"})
    row = indicator_statuses(indicators, values, staff).iloc[0]
    # 29 against the 2024 target 90, measured against the target itself: 32 %.
    assert (row["status"], row["status_direction_basis"]) == (OFF_TRACK, "staff")
    assert row["progress"] == pytest.approx(29 / 90)


def test_flat_targets_are_not_achieved_until_staff_set_a_direction():
    indicators, values = _plan(
        [("2.2.b", 1.0, 2023)], _series("2.2.b", {2024: 1, 2025: 1, 2026: 1}, {2024: 1})
    )
    assert indicator_statuses(indicators, values).iloc[0]["status"] == NO_DATA
    staff = PlanDecisions(directions={"2.2.b": "higher"})
    assert indicator_statuses(indicators, values, staff).iloc[0]["status"] == ACHIEVED


SHIFTED_TABLE = [
    ("1.1.a", 182.0, 2023),
    ("1.2.a", 6.0, 2023),
    ("4.2.a", 380.0, 2022),
]
SHIFTED_VALUES = (
    _series("1.1.a", {2024: 200, 2025: 215, 2026: 220}, {2024: 200, 2025: 210})
    + _series("1.2.a", {2024: 7, 2025: 8, 2026: 10}, {2024: 7})
    # Obj 4.2 headed a year early: its "2024 actual" is the next table's 2025 figure.
    + _series("4.2.a", {2023: 400, 2024: 420, 2025: 450}, {2023: 380, 2024: 420, 2025: 450})
)


def test_a_table_a_year_behind_the_others_is_a_finding_and_not_rated():
    indicators, values = _plan(SHIFTED_TABLE, SHIFTED_VALUES)
    tables = {t.indicators: t for t in table_readings(indicators, values)}
    shifted = tables[("4.2.a",)]
    assert shifted.disagrees and shifted.outside_period and shifted.differs_from_others
    assert (shifted.years, shifted.usual_years, shifted.shift) == (
        (2023, 2024, 2025),
        (2024, 2025, 2026),
        1,
    )
    assert not tables[("1.1.a",)].disagrees
    statuses = indicator_statuses(indicators, values).set_index("indicator_code")
    assert statuses.loc["4.2.a", "status_reason"] == "table_unconfirmed"
    assert statuses.loc["4.2.a", "status"] == NO_DATA
    assert statuses.loc["1.1.a", "status"] == ON_TRACK


def test_a_confirmed_reading_rates_the_table_as_confirmed():
    indicators, values = _plan(SHIFTED_TABLE, SHIFTED_VALUES)
    source = indicators.loc[indicators["indicator_code"] == "4.2.a", "source"].iloc[0]
    as_printed = PlanDecisions(readings={source: "as_printed"})
    row = indicator_statuses(indicators, values, as_printed).set_index("indicator_code")
    # As printed: 420 in 2024 meets the 2024 target 420 (final 450): on track.
    assert (row.loc["4.2.a", "status"], row.loc["4.2.a", "status_year"]) == (ON_TRACK, 2024)
    shifted = PlanDecisions(readings={source: "shifted"})
    row = indicator_statuses(indicators, values, shifted).set_index("indicator_code")
    # Read a year later: 380 for 2024 against the 2024 target 400 from the baseline 380: 0 %.
    assert (row.loc["4.2.a", "status"], row.loc["4.2.a", "status_year"]) == (OFF_TRACK, 2024)
    assert row.loc["4.2.a", "status_year_shift"] == 1


def test_tables_that_agree_or_tie_are_not_findings():
    indicators, values = _plan(SHIFTED_TABLE[:2], SHIFTED_VALUES[:9])
    assert not any(t.disagrees for t in table_readings(indicators, values))
    # Two tables, two year sets, no plan period: no majority, nothing stands out.
    indicators, values = _plan(
        [SHIFTED_TABLE[0], SHIFTED_TABLE[2]],
        SHIFTED_VALUES[:5] + SHIFTED_VALUES[9:],
        source="Plan, Obj {obj}",
    )
    assert not any(t.disagrees for t in table_readings(indicators, values))


def test_plan_period_is_read_from_the_title():
    assert plan_period("Plani i Veprimit 2024-2026 (002), Obj 4.2") == (2024, 2026)
    assert plan_period("Tabela 6") is None


def test_no_indicator_of_the_plan_is_rated_on_a_guess(database):
    indicators = database.query("plan_indicator_list")
    values = database.query("plan_indicator_values_by_year")
    statuses = indicator_statuses(indicators, values).set_index("indicator_code")
    rated = statuses[statuses["status"] != NO_DATA]
    assert set(rated["status_direction_basis"]) <= {"targets", "staff", "stated"}
    assert statuses.loc["2.3.b", "status_reason"] == "direction_not_set"
    for flat in ("2.2.b", "2.2.c", "4.1.b", "4.1.c"):
        assert statuses.loc[flat, "status_reason"] == "direction_not_set"
    obj_42 = [c for c in statuses.index if c.startswith("4.2.")]
    assert obj_42 and (statuses.loc[obj_42, "status_reason"] == "table_unconfirmed").all()
