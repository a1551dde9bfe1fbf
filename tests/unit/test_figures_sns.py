"""Figures and takeaways of the social assistance page, on real-shaped frames."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.figures import sns as figures
from dashboard.figures.theme import HIGHLIGHT


def _plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.mark.parametrize(
    ("period", "period_type", "lang", "expected"),
    [
        ("2025-01", "month", "sq", "janar 2025"),
        ("2025-01", "month", "en", "January 2025"),
        ("2025-01", "month", "sr", "januar 2025"),
        ("2023-Q1", "quarter", "sq", "tremujori 1 2023"),
        ("2023-Q1", "quarter", "en", "Q1 2023"),
        ("2023-Q1", "quarter", "sr", "1. kvartal 2023"),
        ("2022", "year", "en", "2022"),
        (None, "unknown", "en", "undated"),
        (None, "unknown", "sq", "pa datë"),
    ],
)
def test_period_label(period, period_type, lang, expected):
    assert figures.period_label(period, period_type, lang) == expected


def _series(values: list[float | None] | None = None) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "period": ["2022", "2023-Q1", "2023-02", "2023-03", "2023-12", "2025-01"],
            "period_type": ["year", "quarter", "month", "month", "month", "month"],
            "period_start": pd.to_datetime(
                ["2022-01-01", "2023-01-01", "2023-02-01", "2023-03-01", "2023-12-01", "2025-01-01"]
            ),
            "period_end": pd.to_datetime(
                ["2022-12-31", "2023-03-31", "2023-02-28", "2023-03-31", "2023-12-31", "2025-01-31"]
            ),
            "value": values or [2314, 2152, 2131, 2100, 1967, 1759],
            "statistic": ["monthly average", "first quarter", "month", "month", "month", "month"],
            "status": [None] * 6,
            "note": [None] * 6,
            "source": ["s"] * 6,
        }
    )
    return frame.assign(measure="families")


def test_trend_draws_years_and_quarters_over_their_period_and_breaks_lines_at_gaps():
    figure = figures.trend_figure(_series(), "en")
    by_name = {trace.name: trace for trace in figure.data}
    year = by_name["yearly monthly average"]
    assert [pd.Timestamp(x) for x in year.x] == [
        pd.Timestamp("2022-01-01"),
        pd.Timestamp("2022-12-31"),
    ]
    assert list(year.y) == [2314, 2314]
    months = by_name["single month"]
    # February and March 2023 follow each other; December 2023 and January 2025 stand alone.
    assert list(months.y) == [2131, 2100, None, 1967, None, 1759]
    assert all(trace.connectgaps is False for trace in figure.data)


def test_trend_leaves_a_missing_value_out_instead_of_drawing_zero():
    figure = figures.trend_figure(_series([2314, 2152, 2131, None, 1967, 1759]), "en")
    values = [y for trace in figure.data for y in trace.y if y is not None]
    assert 0 not in values and 2100 not in values
    months = next(trace for trace in figure.data if trace.name == "single month")
    assert list(months.y) == [2131, None, 1967, None, 1759]


def test_trend_takeaway_says_when_the_two_ends_are_different_statistics():
    text = figures.trend_takeaway(_series(), "families", "en")
    assert text == (
        "The number of families fell 24%, from 2,314 in 2022 (yearly monthly average) to 1,759 "
        "in January 2025 (single month) – not the same kind of figure."
    )
    same = _series().iloc[2:]
    assert figures.trend_takeaway(same, "families", "en") == (
        "The number of families fell 17%, from 2,131 in February 2023 to 1,759 in January 2025."
    )
    assert _plain(figures.trend_takeaway(same, "families", "sq")).startswith(
        "Numri i familjeve ra 17%"
    )


def test_trend_takeaway_prefers_the_comparable_figure_when_a_period_has_two():
    frame = pd.concat(
        [_series().iloc[[0]].assign(value=2357, statistic="as reported"), _series()],
        ignore_index=True,
    )
    assert "from 2,314 in 2022" in figures.trend_takeaway(frame, "families", "en")


def _categories() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "category": ["I", "II", "I", "II"],
            "measure": ["families", "families", "members", "members"],
            "period": [None] * 4,
            "period_type": ["unknown"] * 4,
            "value": [1314, 1483, 5297, 7129],
            "statistic": ["as reported"] * 4,
            "source": ["QPS"] * 4,
        }
    )


def test_categories_figure_and_takeaway():
    figure = figures.categories_figure(_categories(), "sr")
    assert [trace.name for trace in figure.data] == ["porodica", "članova porodica"]
    assert list(figure.data[0].x) == ["Kategorija I", "Kategorija II"]
    assert figures.categories_takeaway(_categories(), "families", "en") == (
        "Category II has more families (1,483) than Category I (1,314); "
        "the document does not say which year."
    )
    assert _plain(figures.categories_takeaway(_categories(), "members", "sq")).startswith(
        "Kategoria II ka më shumë anëtarë të familjeve (7 129)"
    )


def test_categories_sum_note_flags_parts_above_every_dated_total():
    note = figures.categories_sum_note(_categories(), _series(), "families", "en")
    assert note == (
        "Together 2,797 families, more than any dated total (highest: 2,314, 2022): "
        "they may come from another year."
    )
    small = _categories().assign(value=[100, 200, 300, 400])
    assert figures.categories_sum_note(small, _series(), "families", "en") == (
        "Together 300 families; the highest dated total is 2,314 (2022)."
    )


def _rates() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": ["2022", "2025-01"],
            "period_type": ["year", "month"],
            "period_start": pd.to_datetime(["2022-01-01", "2025-01-01"]),
            "statistic": ["monthly average", "month"],
            "value": [2314, 1759],
            "census_year": [2024, 2024],
            "census_population": [64742, 64742],
            "per_1000": [35.7, 27.2],
            "census_source": ["ASK"] * 2,
            "source": ["s"] * 2,
        }
    )


def test_rate_figure_takeaway_and_population_note():
    figure = figures.rate_figure(_rates(), "en")
    assert [list(trace.y) for trace in figure.data] == [[35.7], [27.2]]
    assert list(figure.layout.xaxis.categoryarray) == ["2022", "January 2025"]
    assert figures.rate_takeaway(_rates(), "families", "en") == (
        "In January 2025: 27.2 families per 1,000 inhabitants "
        "(divided by the 2024 census population, 64,742)."
    )
    assert figures.rate_population_note(_rates(), "en") == (
        "Population used: census 2024, 64,742 residents, the census nearest in time to each period."
    )


def _comparison() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "municipality": ["Kosovë", "Mitrovicë", "Vushtrri", "Prishtinë"],
            "name_en": [None, "Mitrovica South", "Vushtrri", "Pristina"],
            "name_sr": [None, "Južna Mitrovica", "Vučitrn", "Priština"],
            "is_total": [True, False, False, False],
            "period": ["2025-01"] * 4,
            "period_type": ["month"] * 4,
            "measure": ["families"] * 4,
            "value": [17940, 1759, 1080, 868],
            "statistic": ["month"] * 4,
            "census_year": [None, 2024, 2024, 2024],
            "census_population": [None, 64742, 61528, 227466],
            "per_1000": [None, 27.2, 17.6, 3.8],
            "note": ["press"] * 4,
            "source": ["Referencë: press report"] * 4,
        }
    )


def test_comparison_leaves_out_kosovo_and_highlights_mitrovica():
    figure = figures.comparison_figure(_comparison(), "en", "count", "Mitrovicë")
    bar = figure.data[0]
    assert list(bar.y) == ["Mitrovica South", "Vushtrri", "Pristina"]
    assert list(bar.x) == [1759, 1080, 868]
    assert list(bar.marker.color).count(HIGHLIGHT) == 1 and bar.marker.color[0] == HIGHLIGHT


def test_comparison_takeaways():
    assert figures.comparison_takeaway(_comparison(), "en", "count", "families", "Mitrovicë") == (
        "In January 2025, Mitrovica South had 1,759 beneficiary families: rank 1 of the 3 "
        "municipalities shown and 9.8% of Kosovo's 17,940."
    )
    assert figures.comparison_takeaway(
        _comparison(), "en", "per_1000", "families", "Mitrovicë"
    ) == (
        "In January 2025, Mitrovica South had 27.2 beneficiary families per 1,000 inhabitants: "
        "rank 1 of the 3 municipalities shown."
    )
    without_total = _comparison().iloc[1:]
    assert "of Kosovo" not in figures.comparison_takeaway(
        without_total, "en", "count", "families", "Mitrovicë"
    )
    others = _comparison().iloc[[0, 2, 3]]
    assert figures.comparison_takeaway(others, "en", "count", "families", "Mitrovicë") == (
        "No data for this selection."
    )


def test_the_per_1000_query_divides_by_the_nearest_census(database):
    rates = database.query("sns_per_1000", {"municipality": "Mitrovicë", "measure": "families"})
    assert set(rates["census_year"]) == {2024}
    latest = rates.iloc[-1]
    assert latest["period"] == "2025-01"
    assert latest["per_1000"] == round(1000 * 1759 / 64742, 1)
