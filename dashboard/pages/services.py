"""Services: what the QPS delivered, by client category, service, month, sex and age.

The documents hold no monthly QPS counts. Until a QPS export is imported, staff see
generated demonstration data, labelled on every chart and download; the public, who
never see demonstration rows (dashboard/suppression.py), see a notice instead. The real
count of services of the plan matrix stands apart, in its own card, for everyone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html
from dash.development.base_component import Component

from dashboard.audience import current_database
from dashboard.components.declared import (
    Chart,
    Filter,
    Page,
    in_a_row,
    published_in_detail,
    register_page,
)
from dashboard.components.filters import FilterSpec
from dashboard.components.page_tools import (
    MUNICIPALITY,
    TOTAL_SERVICES_INDICATOR,
    as_seen,
    demonstration_alert,
    is_missing,
    is_staff,
    withheld,
)
from dashboard.figures import services as figures
from dashboard.figures.indicators import plan_series_figure
from dashboard.i18n import format_number, month_name, t

AUDIENCES = ("children", "adults", "requests", "other")


def _dimension(name: str) -> list[str]:
    frame = current_database().query("service_count_dimensions", {"municipality": MUNICIPALITY})
    return list(frame.loc[frame["dimension"] == name, "value"])


def _coded(query_name: str) -> list[tuple[int, str]]:
    frame = current_database().query(query_name)
    return [(int(c), n) for c, n in zip(frame["code"], frame["name_sq"], strict=True)]


def _labelled(query_name: str) -> list[tuple[str, str]]:
    return [(str(code), figures.short_label(code, name, 70)) for code, name in _coded(query_name)]


FILTERS = (
    Filter(
        FilterSpec(
            "category",
            lambda: [c for c, _ in _coded("service_categories")],
            [],
            parse=int,
            multiple=True,
        ),
        "services.filter.category",
        lambda _lang: _labelled("service_categories"),
        width=6,
        dimension="client_category_code",
    ),
    Filter(
        FilterSpec("audience", AUDIENCES, None),
        "services.filter.audience",
        lambda lang: [(a, figures.audience_label(a, lang)) for a in AUDIENCES],
        dimension="client_category_code",
    ),
    Filter(
        FilterSpec("service", lambda: [c for c, _ in _coded("service_catalogue")], None, parse=int),
        "services.filter.service",
        lambda _lang: _labelled("service_catalogue"),
        width=6,
        dimension="service_code",
    ),
    Filter(
        FilterSpec("year", lambda: [int(y) for y in _dimension("year")], None, parse=int),
        "services.filter.year",
        lambda _lang: [(y, y) for y in _dimension("year")],
    ),
    Filter(
        FilterSpec("month", lambda: [int(m) for m in _dimension("month")], None, parse=int),
        "services.filter.month",
        lambda lang: [(m, month_name(int(m), lang)) for m in _dimension("month")],
        dimension="month",
    ),
    Filter(
        FilterSpec("sex", lambda: _dimension("sex"), None),
        "services.filter.sex",
        lambda lang: [(s, figures.sex_label(s, lang)) for s in _dimension("sex")],
        dimension="sex",
    ),
    Filter(
        FilterSpec("age", lambda: _dimension("age_group"), None),
        "services.filter.age",
        lambda _lang: [(a, a) for a in _dimension("age_group")],
        dimension="age_group",
    ),
)
EVERY_FILTER = tuple(f.name for f in FILTERS)


def query_params(values: Mapping[str, Any]) -> dict[str, Any]:
    """The filter values as the bound parameters of the services_* queries."""
    return {
        "municipality": MUNICIPALITY,
        "categories": list(values.get("category") or []),
        "audience": values.get("audience"),
        "service": values.get("service"),
        "year": values.get("year"),
        "month": values.get("month"),
        "sex": values.get("sex"),
        "age_group": values.get("age"),
    }


def no_services(frame: pd.DataFrame) -> bool:
    """A selection without any service (empty, or every count zero)."""
    return frame.empty or frame["services"].fillna(0).sum() == 0


def _counts_chart(
    chart_id: str, query: str, title: str, figure: Any, takeaway: Any, width: int, **more: Any
) -> Chart:
    return Chart(
        id=chart_id,
        title_key=title,
        dataset="service_counts",
        query=query,
        params=query_params,
        uses=EVERY_FILTER,
        figure=figure,
        takeaway=takeaway,
        is_empty=no_services,
        width=width,
        **more,
    )


def _plan_series(_values: Mapping[str, Any]) -> pd.DataFrame:
    frame = current_database().query(
        "plan_indicator_series", {"indicator_code": TOTAL_SERVICES_INDICATOR}
    )
    return as_seen(frame, "plan_indicator_values")


PLAN_TOTAL = Chart(
    id="services-plan-total",
    title_key="services.chart.plan_total",
    dataset="plan_indicator_values",
    load=_plan_series,
    figure=plan_series_figure,
    takeaway=figures.plan_total_takeaway,
    is_empty=lambda frame: frame.dropna(subset=["value"]).empty,
    table_columns=("year", "kind", "value", "observed", "year_complete", "source_date"),
    width=8,
)

CHARTS = (
    _counts_chart(
        "services-categories",
        "services_by_category",
        "services.chart.categories",
        figures.top_categories_figure,
        figures.top_categories_takeaway,
        6,
        dimensions=("client_category_code",),
    ),
    _counts_chart(
        "services-trend",
        "services_by_month",
        "services.chart.trend",
        figures.monthly_trend_figure,
        figures.monthly_trend_takeaway,
        6,
        dimensions=("month",),
    ),
    _counts_chart(
        "services-heatmap",
        "services_category_service",
        "services.chart.heatmap",
        figures.heatmap_figure,
        figures.heatmap_takeaway,
        12,
        phone=figures.heatmap_ranking,
        dimensions=("client_category_code", "service_code"),
    ),
    _counts_chart(
        "services-sex-age",
        "services_by_sex_age",
        "services.chart.sex_age",
        figures.sex_age_figure,
        figures.sex_age_takeaway,
        6,
        dimensions=("sex", "age_group"),
    ),
    _counts_chart(
        "services-by-service",
        "services_by_service",
        "services.chart.services",
        figures.top_services_figure,
        figures.top_services_takeaway,
        6,
        dimensions=("service_code",),
    ),
    Chart(
        id="services-clients",
        title_key="services.chart.clients",
        dataset="client_counts",
        query="clients_by_category",
        params=lambda _values: {"municipality": MUNICIPALITY},
        figure=figures.clients_figure,
        takeaway=figures.clients_takeaway,
        hide_when_empty=True,
    ),
)


def counts_visible() -> bool:
    """Whether the person asking may see service counts: real ones, or staff (demonstration)."""
    overview = current_database().query("service_counts_overview", {"municipality": MUNICIPALITY})
    return int(overview["real_rows"].iloc[0]) > 0 or is_staff()


def selection_summary(values: Mapping[str, Any], lang: str) -> html.P:
    """One line: how many services the selection holds, labelled when generated.

    For the public it is the published total of the selection, never a sum of the
    categories shown (a withheld one would make that sum too small).
    """
    if not published_in_detail(PAGE, "service_counts", (), values):
        text = t("state.not_published_detail", lang)
        return html.P(text, id="services-selection-total", className="fw-semibold")
    frame = current_database().query("services_selection_total", query_params(values))
    row = as_seen(frame, "service_counts").iloc[0]
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


def above_the_cards(values: Mapping[str, Any], lang: str) -> list[Component | None]:
    """The heading of the counts (demonstration said), and the selection's total."""
    overview = (
        current_database().query("service_counts_overview", {"municipality": MUNICIPALITY}).iloc[0]
    )
    demonstration = bool(overview["demonstration"])
    heading = "services.counts_heading_demo" if demonstration else "services.counts_heading"
    return [
        html.H2(t(heading, lang), className="h5 mt-2"),
        demonstration_alert(lang) if demonstration else None,
        selection_summary(values, lang),
    ]


def real_section(cards: Mapping[str, Component | None], lang: str) -> list[Component]:
    """The real count of services of the plan matrix: never mixed with the counts below."""
    return [
        html.Div(
            [
                html.H2(t("services.real_heading", lang), className="h5 mt-2"),
                in_a_row((PLAN_TOTAL,), cards),
            ],
            id="services-real",
        )
    ]


def not_published(lang: str) -> html.Div | None:
    """For the public while no QPS export is imported: says so, shows no generated data."""
    if counts_visible():
        return None
    return html.Div(
        dbc.Alert(t("services.not_published", lang), color="light", className="border"),
        id="services-not-published",
    )


PAGE = register_page(
    Page(
        module=__name__,
        path="/sherbimet",
        name="services",
        prefix="services",
        title_key="services.title",
        lead_key="services.lead",
        menu_key="nav.services",
        order=3,
        filters=FILTERS,
        charts=CHARTS,
        standing=(PLAN_TOTAL,),
        intro=real_section,
        gate=not_published,
        above=above_the_cards,
    )
)
