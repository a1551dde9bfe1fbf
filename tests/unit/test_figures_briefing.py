"""The briefing's small charts (dashboard/figures/briefing.py): pure functions of rows."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.figures import briefing
from dashboard.figures.indicators import STATUS_COLOURS
from dashboard.figures.sns import statistic_label
from dashboard.figures.theme import MUTED, PALETTE
from dashboard.i18n import format_number, t
from dashboard.plan_status import STATUSES

LANGUAGES = ("sq", "en", "sr")


def census(populations: list[float | None]) -> pd.DataFrame:
    return pd.DataFrame(
        {"year": [2011, 2024][: len(populations)], "population": populations, "source": "ASK"}
    )


def sns_rows() -> pd.DataFrame:
    """Families: a year printed twice (two kinds), a quarter and two months; members once."""
    rows = [
        ("families", "2022", "year", "2022-01-01", "2022-12-31", 2357, "as reported"),
        ("families", "2022", "year", "2022-01-01", "2022-12-31", 2314, "monthly average"),
        ("families", "2023-Q1", "quarter", "2023-01-01", "2023-03-31", 2152, "first quarter"),
        ("families", "2023-12", "month", "2023-12-01", "2023-12-31", 1967, "month"),
        ("families", "2025-01", "month", "2025-01-01", "2025-01-31", 1759, "month"),
        ("members", "2022", "year", "2022-01-01", "2022-12-31", 9439, "monthly average"),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "measure",
            "period",
            "period_type",
            "period_start",
            "period_end",
            "value",
            "statistic",
        ],
    )
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    frame["period_end"] = pd.to_datetime(frame["period_end"])
    return frame


def plan_series() -> pd.DataFrame:
    """The services indicator as the plan prints it: later years planned, not observed."""
    return pd.DataFrame(
        {
            "year": [2023, 2024, 2024, 2025, 2025, 2026, 2026],
            "kind": ["baseline", "reported", "target", "reported", "target", "reported", "target"],
            "value": [6735.0, 1696.0, 7000.0, 7020.0, 7050.0, 7150.0, 7150.0],
            "observed": [True, True, True, False, False, False, False],
        }
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_population_is_a_labelled_column_per_census(lang):
    figure = briefing.population_figure(census([71909, 64742]), lang)
    bar = figure.data[0]
    assert list(bar.x) == ["2011", "2024"] and list(bar.y) == [71909, 64742]
    assert list(bar.text) == [format_number(71909, lang), format_number(64742, lang)]
    assert list(bar.marker.color) == [MUTED, PALETTE[0]]  # the latest census stands out
    assert figure.layout.height == briefing.SMALL_HEIGHT
    # The value axis is hidden but leaves room above the tallest column for its label.
    assert figure.layout.yaxis.visible is False and figure.layout.yaxis.range[1] > 71909


def test_a_census_without_a_population_is_left_out_not_drawn_as_zero():
    figure = briefing.population_figure(census([71909, None]), "en")
    assert list(figure.data[0].x) == ["2011"] and list(figure.data[0].y) == [71909]


def test_no_census_population_says_so_in_words():
    figure = briefing.population_figure(census([None]), "sr")
    assert not figure.data
    assert figure.layout.annotations[0].text == t("state.empty", "sr")


def test_one_figure_per_period_the_monthly_average_first():
    kept = briefing.preferred_per_period(sns_rows()[lambda f: f["measure"] == "families"])
    assert list(kept["period"]) == ["2022", "2023-Q1", "2023-12", "2025-01"]
    assert kept.iloc[0]["value"] == 2314 and kept.iloc[0]["statistic"] == "monthly average"


def test_sns_figures_are_drawn_over_their_periods_and_never_joined():
    figure = briefing.sns_figure(sns_rows(), "en")
    families, members = figure.data
    assert (families.name, members.name) == (
        t("sns.col.families", "en"),
        t("sns.col.members", "en"),
    )
    xs = list(families.x)
    # 2022 and Q1 2023 are segments from their first to their last day, each month a point
    # in its middle; a gap (None) stands between every two periods.
    assert xs[:2] == [pd.Timestamp("2022-01-01"), pd.Timestamp("2022-12-31")]
    assert xs[2] is None
    assert xs[3:5] == [pd.Timestamp("2023-01-01"), pd.Timestamp("2023-03-31")]
    assert xs[6] == pd.Timestamp("2023-12-16")
    assert [y for y in families.y if y is not None] == [2314, 2314, 2152, 2152, 1967, 1759]
    assert families.connectgaps is False
    # Only the first and the latest figure carry their value, the first where it starts.
    labels = [
        (label, position)
        for label, position in zip(families.text, families.textposition, strict=True)
        if label
    ]
    assert labels == [("2,314", "top right"), ("1,759", "top center")]
    assert [size for size in families.marker.size if size] == [7, 7]  # the months are dots
    assert f"({statistic_label('monthly average', 'en')})" in families.hovertext[0]


def test_a_missing_sns_figure_is_a_gap():
    rows = sns_rows()
    rows.loc[rows["period"] == "2023-12", "value"] = None
    figure = briefing.sns_figure(rows, "en")
    assert 1967 not in list(figure.data[0].y)


def test_services_keep_planned_values_apart_from_results_and_name_the_target_line():
    figure = briefing.services_figure(plan_series(), "en")
    traces = {trace.name: trace for trace in figure.data}
    baseline = traces[t("indicators.kind.baseline", "en")]
    reported = traces[t("indicators.kind.reported", "en")]
    planned = traces[t("indicators.kind.planned_short", "en")]
    target = traces[t("indicators.kind.target_short", "en")]
    assert (list(baseline.x), list(baseline.text)) == (["2023"], ["6,735"])
    assert (list(reported.x), list(reported.y), list(reported.text)) == (
        ["2024"],
        [1696.0],
        ["1,696"],
    )
    assert list(planned.x) == ["2025", "2026"] and planned.text is None
    assert planned.marker.pattern.shape == "/"  # hatched: planned, not observed
    assert list(target.x) == ["2024", "2025", "2026"] and target.line.dash == "dash"
    assert list(target.text) == ["", "", "Target 7,150"] and target.showlegend is False
    assert list(figure.layout.xaxis.categoryarray) == ["2023", "2024", "2025", "2026"]
    assert figure.layout.yaxis.range[1] > 7150


@pytest.mark.parametrize("lang", LANGUAGES)
def test_indicators_count_every_status_in_the_rule_order(lang):
    indicators = pd.DataFrame({"status": ["on_track"] * 3 + ["off_track", "no_data", "no_data"]})
    counts = briefing.status_counts(indicators)
    assert list(counts["status"]) == list(STATUSES)
    assert dict(zip(counts["status"], counts["indicators"], strict=True)) == {
        "achieved": 0,
        "on_track": 3,
        "at_risk": 0,
        "off_track": 1,
        "no_data": 2,
    }
    bar = briefing.indicators_figure(indicators, lang).data[0]
    assert list(bar.y) == [t(f"indicators.status.{s}", lang) for s in STATUSES]
    assert list(bar.x) == [0, 3, 0, 1, 2]
    assert list(bar.marker.color) == [STATUS_COLOURS[s] for s in STATUSES]


def test_no_indicator_says_so():
    figure = briefing.indicators_figure(pd.DataFrame({"status": pd.Series([], dtype=str)}), "en")
    assert figure.layout.annotations[0].text == t("state.empty", "en")


def test_budget_sectors_carry_their_amount_and_share_and_unread_sectors_are_left_out():
    sectors = pd.DataFrame(
        {
            "sector_sq": ["Sektori për Çështje Sociale dhe Strehim", "Sektori pa shuma"],
            "amount_eur": [1_030_000.0, None],
            "share_of_total": [1.0, None],
        }
    )
    bar = briefing.budget_figure(sectors, "en").data[0]
    assert list(bar.x) == [1_030_000.0]
    assert list(bar.text) == ["€1,030,000.00 (100.0%)"]
    assert "<br>" in bar.y[0]  # the long sector name is wrapped, not cut
    assert list(bar.customdata) == ["Sektori për Çështje Sociale dhe Strehim"]


def test_years_covered_and_period_text():
    assert briefing.years_covered([2024, None, 2011.0, float("nan")]) == (2011, 2024)
    assert briefing.years_covered([None]) is None
    assert briefing.period_text((2011, 2026)) == "2011–2026"
    assert briefing.period_text((2024, 2024)) == "2024"
    assert briefing.period_text(None) == ""
