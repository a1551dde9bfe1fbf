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
    Page,
    in_a_row,
    no_values,
    published_in_detail,
    register_page,
)
from dashboard.components.page_tools import (
    MUNICIPALITY,
    TOTAL_SERVICES_INDICATOR,
    as_seen,
    demonstration_alert,
    is_staff,
)
from dashboard.figures import services as figures
from dashboard.figures.indicators import plan_series_figure
from dashboard.i18n import t
from dashboard.pages._services_filters import (
    CATEGORY,
    EVERY_FILTER,
    FILTERS,
    SERVICE,
    query_params,
)


def no_services(frame: pd.DataFrame) -> bool:
    """A selection without any service (empty, or every count zero)."""
    return frame.empty or frame["services"].fillna(0).sum() == 0


def _counts_chart(chart_id: str, query: str, title: str, width: int, **more: Any) -> Chart:
    """A chart of service counts: every filter, the published detail of its dimensions."""
    return Chart(
        id=f"services-{chart_id}",
        title_key=f"services.chart.{title}",
        dataset="service_counts",
        query=query,
        params=query_params,
        uses=EVERY_FILTER,
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
    is_empty=no_values("value"),
    table_columns=("year", "kind", "value", "observed", "year_complete", "source_date"),
    width=8,
)

CHARTS = (
    _counts_chart(
        "categories",
        "services_by_category",
        "categories",
        6,
        dimensions=(CATEGORY,),
        figure=figures.top_categories_figure,
        takeaway=figures.top_categories_takeaway,
    ),  # fmt: skip
    _counts_chart(
        "trend",
        "services_by_month",
        "trend",
        6,
        dimensions=("month",),
        figure=figures.monthly_trend_figure,
        takeaway=figures.monthly_trend_takeaway,
    ),  # fmt: skip
    _counts_chart(
        "heatmap",
        "services_category_service",
        "heatmap",
        12,
        dimensions=(CATEGORY, SERVICE),
        figure=figures.heatmap_figure,
        takeaway=figures.heatmap_takeaway,
        phone=figures.heatmap_ranking,
    ),  # fmt: skip
    _counts_chart(
        "sex-age",
        "services_by_sex_age",
        "sex_age",
        6,
        dimensions=("sex", "age_group"),
        figure=figures.sex_age_figure,
        takeaway=figures.sex_age_takeaway,
    ),  # fmt: skip
    _counts_chart(
        "by-service",
        "services_by_service",
        "services",
        6,
        dimensions=(SERVICE,),
        figure=figures.top_services_figure,
        takeaway=figures.top_services_takeaway,
    ),  # fmt: skip
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
    """One line: how many services the selection holds (published total for the public)."""
    if published_in_detail(PAGE, "service_counts", (), values):
        frame = current_database().query("services_selection_total", query_params(values))
        text = figures.selection_total_text(as_seen(frame, "service_counts").iloc[0], lang)
    else:
        text = t("state.not_published_detail", lang)
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
        order=3,
        filters=FILTERS,
        charts=CHARTS,
        standing=(PLAN_TOTAL,),
        intro=real_section,
        gate=not_published,
        above=above_the_cards,
    )
)
