"""The sentences under the overview's headline figures."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard.figures import overview


def _plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.mark.parametrize(
    ("latest", "earlier", "expected"),
    [(64742, 71909, 64742 / 71909 - 1), (110, 100, 0.1), (100, 100, 0.0)],
)
def test_change_ratio(latest, earlier, expected):
    assert math.isclose(overview.change_ratio(latest, earlier), expected)


@pytest.mark.parametrize(
    ("latest", "earlier"), [(None, 100), (100, None), (float("nan"), 100), (100, 0), (100, pd.NA)]
)
def test_change_ratio_is_none_without_a_usable_pair(latest, earlier):
    assert overview.change_ratio(latest, earlier) is None


def test_signed_percent_in_each_language():
    assert _plain(overview.signed_percent(-0.0997, "sq")) == "−10,0%"
    assert overview.signed_percent(0.025, "en") == "+2.5%"
    assert overview.signed_percent(0.0, "sr") == "±0,0%"


def test_population_detail_compares_the_latest_with_the_first_census():
    census = pd.DataFrame(
        {
            "year": [2011, 2024],
            "population": [71909, 64742],
            "status": [None, None],
            "source": ["a", "a"],
        }
    )
    assert _plain(overview.population_detail(census, "sq")) == "−10,0% nga 2011 (71 909)"
    assert overview.population_detail(census, "en") == "−10.0% since 2011 (71,909)"


def test_population_detail_ignores_a_census_without_a_figure():
    census = pd.DataFrame(
        {
            "year": [2011, 2024],
            "population": [None, 9485],
            "status": [".", None],
            "source": ["a", "a"],
        }
    )
    latest, _first, change = overview.census_change(census)
    assert int(latest["population"]) == 9485 and change is None
    assert overview.population_detail(census, "en") == "No earlier census figure."


def _sns_row(**changes) -> pd.Series:
    row = {
        "measure": "members",
        "period": "2023-02",
        "period_type": "month",
        "value": 8672,
        "statistic": "month",
        "earlier_period": "2022-02",
        "earlier_period_type": "month",
        "earlier_value": 9439,
        "earlier_statistic": "month",
    }
    row.update(changes)
    return pd.Series(row)


def test_sns_detail_same_statistic_gives_the_change_only():
    text = overview.sns_detail(_sns_row(), "en")
    assert text == "−8.1% from February 2022 (9,439)."


def test_sns_detail_says_plainly_when_the_earlier_figure_is_another_statistic():
    row = _sns_row(
        earlier_period="2022", earlier_period_type="year", earlier_statistic="monthly average"
    )
    text = overview.sns_detail(row, "en")
    assert text.startswith("−8.1% from 2022 (9,439).")
    assert "yearly monthly average" in text and "single month" in text
    assert "not the same statistic" in text
    assert "jo e njëjta statistikë" in overview.sns_detail(row, "sq")
    assert "nije ista statistika" in overview.sns_detail(row, "sr")


def test_sns_detail_without_an_earlier_figure_invents_no_change():
    row = _sns_row(earlier_value=None, earlier_period=None, earlier_statistic=None)
    assert overview.sns_detail(row, "en") == "No figure from about a year earlier."


def test_the_headline_queries_give_the_documented_figures(database):
    services = database.query("services_delivered")
    assert len(services) == 1
    assert services.loc[0, "baseline_year"] == 2023 and services.loc[0, "baseline_value"] == 6735
    changes = database.query("sns_change", {"municipality": "Mitrovicë"}).set_index("measure")
    families, members = changes.loc["families"], changes.loc["members"]
    # The latest family figure (January 2025) against December 2023, both single months.
    assert (families["period"], families["earlier_period"]) == ("2025-01", "2023-12")
    assert families["statistic"] == families["earlier_statistic"] == "month"
    # The latest member figure (February 2023) against 2022's yearly monthly average.
    assert (members["period"], members["earlier_period"]) == ("2023-02", "2022")
    assert members["earlier_statistic"] == "monthly average" != members["statistic"]
