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
    indicator_status,
    indicator_statuses,
    is_observed,
    progress_toward,
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
    assert result.reason == "text_or_no_direction"


def test_an_indicator_without_direction_has_no_status():
    assert status({2024: 300.0}, direction=None).status == NO_DATA


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
