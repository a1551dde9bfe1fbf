"""Services: what the QPS delivered, by client category, service, month, sex and age.

The documents hold no monthly QPS counts. Until a QPS export is imported, staff see
generated demonstration data, labelled on every chart and download; the public, who
never see demonstration rows (dashboard/suppression.py), see a notice instead. The real
count of services of the plan matrix stands apart, in its own card, for everyone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, State, callback, dcc, html

from dashboard.audience import current_database
from dashboard.components.chart_card import chart_card, empty_card
from dashboard.components.chart_data import register_chart_data
from dashboard.components.filters import FilterSpec, parse_filters, rejected_notice, to_search
from dashboard.figures import services as figures
from dashboard.figures.indicators import plan_series_figure
from dashboard.i18n import format_number, month_name, normalise_language, t
from dashboard.pages._page_tools import (
    MUNICIPALITY,
    TOTAL_SERVICES_INDICATOR,
    as_seen,
    control_value,
    demonstration_alert,
    drawn_once,
    filter_dropdown,
    for_table,
    guarded,
    is_missing,
    is_staff,
    page_heading,
    parse_controls,
    withheld,
)

dash.register_page(
    __name__, path="/sherbimet", name="services", title="Shërbimet – QPS Mitrovicë e Jugut"
)

AUDIENCES = ("children", "adults", "requests", "other")


def _dimension(name: str) -> list[str]:
    frame = current_database().query("service_count_dimensions", {"municipality": MUNICIPALITY})
    return list(frame.loc[frame["dimension"] == name, "value"])


def _category_codes() -> list[int]:
    return [int(c) for c in current_database().query("service_categories")["code"]]


def _service_codes() -> list[int]:
    return [int(c) for c in current_database().query("service_catalogue")["code"]]


FILTERS: tuple[FilterSpec, ...] = (
    FilterSpec("category", _category_codes, [], parse=int, multiple=True),
    FilterSpec("audience", AUDIENCES, None),
    FilterSpec("service", _service_codes, None, parse=int),
    FilterSpec("year", lambda: [int(y) for y in _dimension("year")], None, parse=int),
    FilterSpec("month", lambda: [int(m) for m in _dimension("month")], None, parse=int),
    FilterSpec("sex", lambda: _dimension("sex"), None),
    FilterSpec("age", lambda: _dimension("age_group"), None),
)
DEFAULTS = {spec.name: spec.default for spec in FILTERS}
CONTROL_IDS = {spec.name: f"services-{spec.name}" for spec in FILTERS}


def query_params(values: Mapping[str, Any]) -> dict[str, Any]:
    """The filter values as the bound parameters of the services_* queries."""
    return {
        "municipality": MUNICIPALITY,
        "categories": list(values["category"] or []),
        "audience": values["audience"],
        "service": values["service"],
        "year": values["year"],
        "month": values["month"],
        "sex": values["sex"],
        "age_group": values["age"],
    }


def _frame(query_name: str, values: Mapping[str, Any]) -> pd.DataFrame:
    """A chart's rows as the person asking may see them (no demonstration for the public)."""
    frame = current_database().query(query_name, query_params(values))
    return as_seen(frame, "service_counts")


def _plan_series(_query: Mapping[str, str] | None = None) -> pd.DataFrame:
    frame = current_database().query(
        "plan_indicator_series", {"indicator_code": TOTAL_SERVICES_INDICATOR}
    )
    return as_seen(frame, "plan_indicator_values")


def counts_visible() -> bool:
    """Whether the person asking may see service counts: real ones, or staff (demonstration)."""
    overview = current_database().query("service_counts_overview", {"municipality": MUNICIPALITY})
    return int(overview["real_rows"].iloc[0]) > 0 or is_staff()


# chart id -> (query, title key, figure, takeaway)
CHARTS: dict[str, tuple[str, str, Callable[..., go.Figure], Callable[..., str]]] = {
    "services-categories": (
        "services_by_category",
        "services.chart.categories",
        figures.top_categories_figure,
        figures.top_categories_takeaway,
    ),
    "services-trend": (
        "services_by_month",
        "services.chart.trend",
        figures.monthly_trend_figure,
        figures.monthly_trend_takeaway,
    ),
    "services-heatmap": (
        "services_category_service",
        "services.chart.heatmap",
        figures.heatmap_figure,
        figures.heatmap_takeaway,
    ),
    "services-sex-age": (
        "services_by_sex_age",
        "services.chart.sex_age",
        figures.sex_age_figure,
        figures.sex_age_takeaway,
    ),
    "services-by-service": (
        "services_by_service",
        "services.chart.services",
        figures.top_services_figure,
        figures.top_services_takeaway,
    ),
}


def _download(query_name: str, query: Mapping[str, str]) -> pd.DataFrame:
    return _frame(query_name, parse_filters(query, FILTERS).values)


for _chart_id, (_query_name, *_rest) in CHARTS.items():
    register_chart_data(_chart_id, partial(_download, _query_name), dataset="service_counts")
register_chart_data("services-plan-total", _plan_series, dataset="plan_indicator_values")


def _clients(_query: Mapping[str, str] | None = None) -> pd.DataFrame:
    frame = current_database().query("clients_by_category", {"municipality": MUNICIPALITY})
    return as_seen(frame, "client_counts")


register_chart_data("services-clients", _clients, dataset="client_counts")


def clients_card(lang: str) -> dbc.Col | None:
    """The QPS's count of clients by category, when a clients sheet was imported."""
    frame = _clients()
    if frame.empty:
        return None
    return dbc.Col(
        chart_card(
            chart_id="services-clients",
            title=t("services.chart.clients", lang),
            figure=figures.clients_figure(frame, lang),
            takeaway=figures.clients_takeaway(frame, lang),
            data=for_table(frame),
            lang=lang,
            search=to_search({}, {}, lang),
        ),
        lg=6,
        className="mb-3",
    )


def plan_total_card(lang: str) -> dbc.Card:
    """The real count of services of the plan matrix, apart from the demonstration data."""
    series = _plan_series()
    title = t("services.chart.plan_total", lang)
    if series.dropna(subset=["value"]).empty:
        return empty_card(chart_id="services-plan-total", title=title, lang=lang)
    return chart_card(
        chart_id="services-plan-total",
        title=title,
        figure=plan_series_figure(series, lang),
        takeaway=figures.plan_total_takeaway(series, lang),
        data=for_table(series),
        lang=lang,
        search=to_search({}, {}, lang),
        table_columns=["year", "kind", "value", "observed", "year_complete", "source_date"],
    )


def chart_cards(values: Mapping[str, Any], lang: str, search: str) -> list[dbc.Card]:
    """The page's charts of service counts for the filter values."""
    cards = []
    for chart_id, (query_name, title_key, figure, takeaway) in CHARTS.items():
        frame = _frame(query_name, values)
        title = t(title_key, lang)
        if frame.empty or frame["services"].fillna(0).sum() == 0:
            cards.append(empty_card(chart_id=chart_id, title=title, lang=lang))
            continue
        cards.append(
            chart_card(
                chart_id=chart_id,
                title=title,
                figure=figure(frame, lang),
                takeaway=takeaway(frame, lang),
                data=for_table(frame),
                lang=lang,
                search=search,
            )
        )
    return cards


def selection_summary(values: Mapping[str, Any], lang: str) -> html.P:
    """One line: how many services the selection holds, labelled when generated.

    For the public it is the published total of the selection, never a sum of the
    categories shown (a withheld one would make that sum too small).
    """
    row = _frame("services_selection_total", values).iloc[0]
    if withheld(row):
        text = (
            t("services.selection_total_withheld", lang) + " " + t("services.withheld_note", lang)
        )
        return html.P(text, id="services-selection-total", className="fw-semibold")
    total = 0 if is_missing(row["services"]) else int(row["services"])
    key = (
        "services.selection_total_demo"
        if bool(row["demonstration"])
        else "services.selection_total"
    )
    text = t(key, lang, services=format_number(total, lang))
    return html.P(text, id="services-selection-total", className="fw-semibold")


def not_published_notice(lang: str) -> html.Div:
    """For the public while no QPS export is imported: says so, shows no generated data."""
    return html.Div(
        dbc.Alert(t("services.not_published", lang), color="light", className="border"),
        id="services-not-published",
    )


@drawn_once("services")
def render_content(values: Mapping[str, Any], lang: str) -> list:
    """The service-count charts for the filters (demonstration data until a QPS import)."""
    if not counts_visible():
        return [not_published_notice(lang)]
    search = to_search(values, DEFAULTS, lang)
    overview = (
        current_database().query("service_counts_overview", {"municipality": MUNICIPALITY}).iloc[0]
    )
    demonstration = bool(overview["demonstration"])
    cards = chart_cards(values, lang, search)
    by_id = {card.id.removeprefix("card-"): card for card in cards}
    return [
        html.H2(
            t("services.counts_heading_demo" if demonstration else "services.counts_heading", lang),
            className="h5 mt-2",
        ),
        demonstration_alert(lang) if demonstration else None,
        selection_summary(values, lang),
        dbc.Row(
            [
                dbc.Col(by_id["services-categories"], lg=6, className="mb-3"),
                dbc.Col(by_id["services-trend"], lg=6, className="mb-3"),
                dbc.Col(by_id["services-heatmap"], lg=12, className="mb-3"),
                dbc.Col(by_id["services-sex-age"], lg=6, className="mb-3"),
                dbc.Col(by_id["services-by-service"], lg=6, className="mb-3"),
                clients_card(lang),
            ]
        ),
    ]


def real_section(lang: str) -> html.Div:
    """The real count of services of the plan matrix: never mixed with the counts below."""
    return html.Div(
        [
            html.H2(t("services.real_heading", lang), className="h5 mt-2"),
            dbc.Row(dbc.Col(plan_total_card(lang), lg=8, className="mb-3")),
        ],
        id="services-real",
    )


def _options(lang: str) -> dict[str, list[tuple[str, str]]]:
    database = current_database()
    categories = database.query("service_categories")
    services = database.query("service_catalogue")
    return {
        "category": [
            (str(c), figures.short_label(c, n, 70))
            for c, n in zip(categories["code"], categories["name_sq"], strict=True)
        ],
        "audience": [(a, figures.audience_label(a, lang)) for a in AUDIENCES],
        "service": [
            (str(c), figures.short_label(c, n, 70))
            for c, n in zip(services["code"], services["name_sq"], strict=True)
        ],
        "year": [(y, y) for y in _dimension("year")],
        "month": [(m, month_name(int(m), lang)) for m in _dimension("month")],
        "sex": [(s, figures.sex_label(s, lang)) for s in _dimension("sex")],
        "age": [(a, a) for a in _dimension("age_group")],
    }


def filter_bar(values: Mapping[str, Any], lang: str) -> dbc.Row:
    """The dropdowns, set to the URL's values."""
    options = _options(lang)
    widths = {"category": 6, "service": 6}
    return dbc.Row(
        [
            filter_dropdown(
                CONTROL_IDS[spec.name],
                t(f"services.filter.{spec.name}", lang),
                options[spec.name],
                control_value(values[spec.name], spec.multiple),
                lang,
                multi=spec.multiple,
                width=widths.get(spec.name, 2),
            )
            for spec in FILTERS
        ],
        className="filter-bar no-print g-2",
    )


def layout(lang: str | None = None, **query: str) -> html.Div:
    """The Services page for the filters in the URL."""
    lang = normalise_language(lang)

    def render() -> list:
        parsed = parse_filters(query, FILTERS)
        if not counts_visible():
            return [real_section(lang), rejected_notice(parsed, lang), not_published_notice(lang)]
        return [
            real_section(lang),
            rejected_notice(parsed, lang),
            filter_bar(parsed.values, lang),
            dcc.Loading(
                html.Div(render_content(parsed.values, lang), id="services-content"), type="dot"
            ),
        ]

    return html.Div(
        [
            dcc.Location(id="services-url", refresh=False),
            dcc.Store(id="services-lang", data=lang),
            page_heading(t("services.title", lang), t("services.lead", lang)),
            html.Div(guarded(render, lang, "services page"), id="services-body"),
        ],
        className="page-services",
    )


@callback(
    Output("services-content", "children"),
    Output("services-url", "search"),
    *(Input(CONTROL_IDS[spec.name], "value") for spec in FILTERS),
    State("services-lang", "data"),
    prevent_initial_call=True,
)
def update_services(
    category: list[str] | None,
    audience: str | None,
    service: str | None,
    year: str | None,
    month: str | None,
    sex: str | None,
    age: str | None,
    lang: str | None,
) -> tuple[list, str]:
    """Re-draw the charts for the chosen filters and write them into the address."""
    lang = normalise_language(lang)
    parsed = parse_controls(
        {
            "category": category,
            "audience": audience,
            "service": service,
            "year": year,
            "month": month,
            "sex": sex,
            "age": age,
        },
        FILTERS,
    )
    content = guarded(lambda: render_content(parsed.values, lang), lang, "services charts")
    return content, to_search(parsed.values, DEFAULTS, lang)
