"""Indicators: the Action Plan 2024-2026 from priority to objective to indicator, with status.

The status of each indicator follows the rule of dashboard/plan_status.py, printed on the
page. Values for years after the document's date are planned, not observed. The
drill-down table and the activities are this page's own (dashboard/pages/_indicators_table.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
from dash import MATCH, Input, Output, State, callback, ctx, html, no_update
from dash.development.base_component import Component

from dashboard.audience import current_database
from dashboard.components.declared import Chart, Page, in_a_row, register_page
from dashboard.components.filters import query_of, to_search
from dashboard.components.page_tools import as_seen
from dashboard.figures.indicators import (
    indicator_takeaway,
    plan_series_figure,
    status_summary_figure,
    status_summary_takeaway,
)
from dashboard.i18n import format_date, t
from dashboard.pages._indicators_filters import (
    FILTERS,
    _selection,
    indicators_for_page,
    values_as_seen,
)
from dashboard.pages._indicators_notes import activities, rule_box
from dashboard.pages._indicators_table import (
    OBJECTIVE_SUMMARY,
    OBJECTIVE_TABLE,
    drilldown,
    grid_of,
    objective_table,
)
from dashboard.plan_indicators import (
    in_scope,
    shown_indicator,
    status_summary,
)

PATH = "/treguesit"


def _detail_rows(values: Mapping[str, Any]) -> pd.DataFrame:
    code = shown_indicator(indicators_for_page(), values)
    if code is None:
        return pd.DataFrame()
    frame = current_database().query("plan_indicator_series", {"indicator_code": code})
    return as_seen(frame, "plan_indicator_values")


def _detail_takeaway(series: pd.DataFrame, lang: str) -> str:
    indicators = indicators_for_page()
    row = indicators[indicators["indicator_code"] == series["indicator_code"].iloc[0]].iloc[0]
    return indicator_takeaway(row.to_dict(), lang)


SUMMARY = Chart(
    id="indicators-summary",
    title_key="indicators.chart.summary",
    dataset="plan_indicators",
    load=lambda values: status_summary(
        in_scope(indicators_for_page(), values.get("priority"), values.get("objective"))
    ),
    uses=("priority", "objective"),  # the status mix of the scope, whatever status is chosen
    figure=status_summary_figure,
    takeaway=status_summary_takeaway,
)
DETAIL = Chart(
    id="indicators-detail",
    title_key="indicators.chart.detail",
    dataset="plan_indicator_values",
    load=_detail_rows,
    uses=("priority", "objective", "status", "indicator"),  # without one: the first shown
    figure=plan_series_figure,
    takeaway=_detail_takeaway,
    title=lambda series, lang: (
        t("indicators.chart.detail", lang)
        if series.empty or "indicator_code" not in series.columns
        else f"{t('indicators.chart.detail', lang)}: "
        f"{series['indicator_code'].iloc[0]} {series['indicator_text'].iloc[0]}"
    ),
    table_columns=(
        "year",
        "kind",
        "value",
        "value_text",
        "observed",
        "reported_source",
        "reported_by",
        "reported_on",
    ),
)


def detail_link(values: Mapping[str, Any], lang: str) -> Callable[[str], str]:
    """The address of an indicator's detail, the view's other filters kept."""

    def link(code: str) -> str:
        return PATH + to_search({**values, "indicator": code}, PAGE.defaults, lang)

    return link


def arrange(cards: Mapping[str, Component], values: Mapping[str, Any], lang: str) -> list:
    """The date of the figures, the two charts, the drill-down and the objective's activities."""
    indicators = indicators_for_page()
    shown = _selection(values)
    document_date = pd.Timestamp(indicators["document_date"].dropna().max()).date()

    link = detail_link(values, lang)

    heading = t("indicators.drilldown_heading", lang, shown=len(shown), total=len(indicators))
    parts: list = [
        html.P(
            t("indicators.as_of", lang, date=format_date(document_date, lang)),
            className="small text-muted",
            id="indicators-as-of",
        ),
        in_a_row((SUMMARY, DETAIL), cards),
        html.H2(heading, className="h5 mt-2", id="indicators-count"),
        drilldown(
            shown,
            values_as_seen(),
            values["objective"] is not None or values["status"] is not None or len(shown) <= 12,
            link,
            lang,
        ),
    ]
    if values["objective"] is not None:
        rows = current_database().query(
            "plan_activities_for_objective", {"objective_code": values["objective"]}
        )
        parts.append(activities(values["objective"], rows, lang))
    return parts


@callback(
    Output({"type": OBJECTIVE_TABLE, "code": MATCH}, "children"),
    Input({"type": OBJECTIVE_SUMMARY, "code": MATCH}, "n_clicks"),
    State({"type": OBJECTIVE_TABLE, "code": MATCH}, "children"),
    State("indicators-drawn", "data"),
    State("indicators-lang", "data"),
    prevent_initial_call=True,
)
def fill_objective(_clicks: int | None, table: Any, drawn: str | None, lang: str) -> Any:
    """An objective drawn closed gets its table the first time it is opened."""
    if table:
        return no_update
    return objective_table_for(drawn, ctx.triggered_id["code"], lang)


def objective_table_for(drawn: str | None, code: str, lang: str) -> list[Any] | html.P:
    """The table of one objective in the view at address `drawn` (the view on screen)."""
    values = PAGE.values(query_of(drawn)).values
    shown = _selection(values)
    rows = shown[shown["objective_code"] == code]
    if rows.empty:
        return html.P(t("state.empty", lang), className="text-muted small")
    grid = grid_of(shown, values_as_seen())
    return objective_table(rows, grid, detail_link(values, lang), lang)


PAGE = register_page(
    Page(
        module=__name__,
        path=PATH,
        name="indicators",
        order=4,
        filters=FILTERS,
        charts=(SUMMARY, DETAIL),
        intro=rule_box,
        arrange=arrange,
    )
)
