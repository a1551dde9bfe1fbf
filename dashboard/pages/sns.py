"""Social assistance (SNS): families and members over time, by category, per 1,000 people.

Also Mitrovica South against other municipalities. Filters live in the URL, e.g.
?measure=members&period=2023-02&compare=Vushtrri,Lipjan&unit=per_1000. The period left
open is the latest comparison (dashboard/sns_periods.py), so it is left out of addresses.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard import sns_periods
from dashboard.audience import current_database
from dashboard.components.declared import Chart, Filter, Page, no_values, plain, register_page
from dashboard.components.filters import FilterSpec
from dashboard.components.page_tools import MUNICIPALITY, as_seen
from dashboard.figures import sns as figures
from dashboard.i18n import t

DATASET = "sns_beneficiaries"
MEASURES = ("families", "members")
UNITS = ("count", "per_1000")
Values = Mapping[str, Any]


def _periods() -> pd.DataFrame:
    return current_database().query("sns_comparison_periods")


def comparison_periods() -> list[str]:
    """Periods with figures of several municipalities (the press reports citing ASK)."""
    return _periods()["period"].tolist()


def _municipalities() -> pd.DataFrame:
    return current_database().query("sns_comparison_municipalities", {"municipality": MUNICIPALITY})


FILTERS = (
    Filter(
        FilterSpec("measure", MEASURES, "families"),
        "sns.filter.measure",
        lambda lang: [(m, figures.measure_label(m, lang)) for m in MEASURES],
        width=3,
        control="select",
    ),
    # None: the latest period with a comparison (known only from the data: see resolve).
    Filter(
        FilterSpec("period", comparison_periods, None),
        "sns.filter.period",
        lambda lang: figures.period_options(_periods(), lang),
        width=3,
        control="select",
    ),
    Filter(
        FilterSpec(
            "compare", lambda: _municipalities()["municipality"].tolist(), [], multiple=True
        ),
        "sns.filter.compare",
        lambda lang: figures.municipality_options(_municipalities(), lang),
        width=4,
        placeholder_key="sns.filter.compare_all",
    ),
    Filter(
        FilterSpec("unit", UNITS, "count"),
        "sns.filter.unit",
        lambda lang: [(u, t(f"sns.unit.{u}", lang)) for u in UNITS],
        width=2,
        control="select",
    ),
)


def resolve(values: dict[str, Any]) -> dict[str, Any]:
    """The parsed values with the period left open set to the latest comparison."""
    return sns_periods.resolve(values, comparison_periods())


# --- the rows behind each chart (also served as CSV/Excel) --------------------------------


def trend_rows(values: Values) -> pd.DataFrame:
    """Every dated figure of the measure for Mitrovica South."""
    params = {"municipality": MUNICIPALITY, "measure": values["measure"]}
    frame = current_database().query("sns_series", params)
    return as_seen(frame.assign(measure=values["measure"]), DATASET)


def comparison_rows(values: Values) -> pd.DataFrame:
    """The measure in the period for Mitrovica South, the chosen municipalities and Kosovo."""
    params = {"period": values["period"], "measure": values["measure"]}
    frame = None if params["period"] is None else current_database().query("sns_comparison", params)
    return as_seen(sns_periods.compared_rows(frame, MUNICIPALITY, values["compare"]), DATASET)


def _badge(key: str, lang: str, **colours: str) -> dbc.Badge:
    return dbc.Badge(t(key, lang), className="me-1", **colours)


def categories_note(frame: pd.DataFrame, lang: str, values: Values) -> html.Span:
    """Undated, what the categories are, and how I + II compare with the dated totals."""
    sum_note = figures.categories_sum_note(frame, trend_rows(values), values["measure"], lang)
    note: list[Any] = [
        _badge("sns.categories.undated", lang, color="secondary"),
        t("sns.categories.definitions", lang),
    ]
    return html.Span(note + ([" ", sum_note] if sum_note else []))


def comparison_note(_frame: pd.DataFrame, lang: str, values: Values) -> html.Span:
    """The figures come from press reports; per 1,000 says which population."""
    note: list[Any] = [
        _badge("sns.compare.press_badge", lang, color="info", text_color="dark"),
        t("sns.compare.press_note", lang),
    ]
    if values["unit"] == "per_1000":
        note += [" ", t("sns.compare.population_note", lang)]
    return html.Span(note)


def _measure_title(key: str) -> Any:
    return lambda _frame, lang, values: t(
        key, lang, measure=figures.measure_label(values["measure"], lang)
    )


# The charts of Mitrovica South's own figures: each speaks of the measure chosen.
_of_the_measure = partial(Chart, dataset=DATASET, uses=("measure",), takes_values=True)
PERIOD_COLUMNS = {"period_text": "sns.col.period", "statistic_text": "sns.col.statistic"}
CENSUS_COLUMNS = {
    "census_year": "sns.col.census_year",
    "census_population": "sns.col.census_population",
    "per_1000": "sns.col.per_1000",
}

TREND = _of_the_measure(
    id="sns-trend",
    title_key="sns.trend.title",
    title=_measure_title("sns.trend.title"),
    load=trend_rows,
    is_empty=no_values("value"),
    figure=plain(figures.trend_figure),
    takeaway=lambda frame, lang, v: figures.trend_takeaway(frame, v["measure"], lang),
    table=plain(figures.with_period_text),
    column_labels={**PERIOD_COLUMNS, "value": "sns.col.{measure}"},
    note=lambda _frame, lang, _values: t("sns.trend.note", lang),
    width=7,
)
CATEGORIES = _of_the_measure(  # undated: the measure is the one its takeaway and note speak of
    id="sns-categories",
    title_key="sns.categories.title",
    query="sns_categories",
    params=lambda _values: {"municipality": MUNICIPALITY},
    is_empty=no_values("value"),
    figure=plain(figures.categories_figure),
    takeaway=lambda frame, lang, v: figures.categories_takeaway(frame, v["measure"], lang),
    table=plain(figures.categories_table),
    column_labels={
        "category_text": "sns.col.category",
        "measure_text": "sns.col.measure",
        "value": "sns.col.value",
        "period_text": "sns.col.period",
    },
    note=categories_note,
    width=5,
)
RATE = _of_the_measure(
    id="sns-rate",
    title_key="sns.rate.title",
    title=_measure_title("sns.rate.title"),
    query="sns_per_1000",
    params=lambda v: {"municipality": MUNICIPALITY, "measure": v["measure"]},
    is_empty=lambda frame, _values: frame.dropna(subset=["per_1000"]).empty,
    figure=plain(figures.rate_figure),
    takeaway=lambda frame, lang, v: figures.rate_takeaway(frame, v["measure"], lang),
    table=plain(figures.with_period_text),
    column_labels={**PERIOD_COLUMNS, "value": "sns.col.{measure}", **CENSUS_COLUMNS},
    note=plain(figures.rate_population_note),
    width=5,
)
COMPARE = Chart(
    id="sns-compare",
    title_key="sns.compare.title.count",
    title=lambda frame, lang, v: figures.comparison_title(
        frame, lang, v["unit"], v["measure"], v["period"]
    ),
    dataset=DATASET,
    load=comparison_rows,
    uses=("measure", "unit", "period", "compare"),
    takes_values=True,
    is_empty=lambda frame, v: sns_periods.nothing_to_compare(frame, v["unit"]),
    empty_key="sns.compare.empty",
    figure=lambda frame, lang, v: figures.comparison_figure(frame, lang, v["unit"], MUNICIPALITY),
    takeaway=lambda frame, lang, v: figures.comparison_takeaway(
        frame, lang, v["unit"], v["measure"], MUNICIPALITY
    ),
    table=plain(figures.comparison_table),
    column_labels={
        "name": "sns.col.municipality",
        "value": "sns.col.{measure}",
        **CENSUS_COLUMNS,
    },
    note=comparison_note,
    width=7,
)

PAGE = register_page(
    Page(
        module=__name__,
        path="/ndihma-sociale",
        name="sns",
        order=2,
        filters=FILTERS,
        charts=(TREND, CATEGORIES, RATE, COMPARE),
        resolve=resolve,
    )
)
