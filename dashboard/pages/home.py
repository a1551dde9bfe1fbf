"""Overview (/): the mayor's view, a declared page (dashboard/components/declared.py).

Each headline a small chart with its change, source and page; above them what needs
attention, computed by dashboard/attention.py. Public and staff share the declaration,
each read from their own database (the public's is the published layer).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html
from dash.development.base_component import Component

from dashboard import attention
from dashboard.audience import current_database
from dashboard.components.declared import Chart, Page, no_values, register_page
from dashboard.components.frame import with_language
from dashboard.components.page_tools import (
    MUNICIPALITY,
    TOTAL_SERVICES_INDICATOR,
    as_seen,
    drawn_once,
    guarded,
)
from dashboard.figures import overview
from dashboard.figures.services import plan_total_takeaway
from dashboard.i18n import t
from dashboard.plan_indicators import indicators_with_status
from dashboard.plan_status import STATUSES

# Where each headline and each item of the list leads.
PAGES = {
    "demographics": "/demografia",
    "sns": "/ndihma-sociale",
    "services": "/sherbimet",
    "indicators": "/treguesit",
    "budget": "/buxheti",
    "quality": "/cilesia",
}
ATTENTION_PAGES = {"off_track": "indicators", "sns_rising": "sns", "findings_open": "quality"}


def linked(page: str, key: str, *extra: str) -> Callable[[pd.DataFrame, str], Component]:
    """The note of a headline card: sentences (message keys) and the link to its page."""

    def note(_frame: pd.DataFrame, lang: str) -> Component:
        sentences = [html.Span(t(k, lang) + " ", className="text-muted") for k in extra]
        href = with_language(PAGES[page], lang)
        link = dcc.Link(t(key, lang), href=href, className="headline-link d-block")
        return html.Div([*sentences, link], className="headline-note")

    return note


def census(_values: Mapping[str, Any]) -> pd.DataFrame:
    """The municipality's population in every census."""
    frame = current_database().query("population_by_census", {"municipality": MUNICIPALITY})
    return as_seen(frame, "population_by_municipality")


def sns_rows(measure: str) -> Callable[[Mapping[str, Any]], pd.DataFrame]:
    """An SNS measure over time, the two figures its headline compares marked."""

    def load(_values: Mapping[str, Any]) -> pd.DataFrame:
        database = current_database()
        params = {"municipality": MUNICIPALITY}
        series = database.query("sns_series", {**params, "measure": measure})
        changes = database.query("sns_change", params)
        frame = overview.mark_compared(series, changes[changes["measure"] == measure])
        return as_seen(frame.assign(measure=measure), "sns_beneficiaries")

    return load


def plan_services(_values: Mapping[str, Any]) -> pd.DataFrame:
    """The plan matrix's count of services: baseline, targets, reported values."""
    frame = current_database().query(
        "plan_indicator_series", {"indicator_code": TOTAL_SERVICES_INDICATOR}
    )
    return as_seen(frame, "plan_indicator_values")


def status_counts(_values: Mapping[str, Any]) -> pd.DataFrame:
    """How many plan indicators have each status (the rule of dashboard/plan_status.py)."""
    statuses = indicators_with_status(current_database())["status"].value_counts()
    source = current_database().query("plan_summary")["source"].iloc[0]
    return pd.DataFrame(
        {
            "status": list(STATUSES),
            "indicators": [int(statuses.get(status, 0)) for status in STATUSES],
            "source": source,
        }
    )


def budget_split(_values: Mapping[str, Any]) -> pd.DataFrame:
    """The work plan's budget by sector, with the sectors' stored translations."""
    return as_seen(current_database().query("overview_budget_split"), "budget")


STANDING = (
    Chart(
        id="overview-population",
        title_key="headline.population.title",
        dataset="population_by_municipality",
        load=census,
        figure=overview.census_figure,
        takeaway=overview.census_takeaway,
        is_empty=no_values("population"),
        table_columns=("year", "population"),
        note=linked("demographics", "overview.link.demographics"),
    ),
    *(
        Chart(
            id=f"overview-sns-{measure}",
            title_key=f"headline.sns.{measure}.title",
            dataset="sns_beneficiaries",
            load=sns_rows(measure),
            figure=overview.sns_figure,
            takeaway=overview.sns_takeaway,
            is_empty=no_values("value"),
            table_columns=("period", "value", "statistic", "status", "compared"),
            note=linked("sns", "overview.link.sns"),
        )
        for measure in ("families", "members")
    ),
    Chart(
        id="overview-services",
        title_key="headline.services.title",
        dataset="plan_indicator_values",
        load=plan_services,
        figure=overview.plan_target_figure,
        takeaway=plan_total_takeaway,
        is_empty=no_values("value"),
        table_columns=("year", "kind", "value", "observed"),
        note=linked("services", "overview.link.services"),
    ),
    Chart(
        id="overview-indicators",
        title_key="headline.indicators.title",
        dataset="plan_indicators",
        load=status_counts,
        figure=overview.status_figure,
        takeaway=overview.status_takeaway,
        is_empty=lambda frame: int(frame["indicators"].sum()) == 0,
        table_columns=("status", "indicators"),
        note=linked("indicators", "overview.link.indicators", "headline.indicators.rule"),
    ),
    Chart(
        id="overview-budget",
        title_key="headline.budget.title",
        dataset="budget",
        load=budget_split,
        figure=overview.budget_split_figure,
        takeaway=overview.budget_split_takeaway,
        is_empty=no_values("amount_eur"),
        table_columns=("sector_sq", "name_en", "name_sr", "amount_eur", "share_of_total"),
        note=linked("budget", "overview.link.budget", "headline.budget.names"),
    ),
)


@drawn_once("home-attention")
def attention_items(_values: Mapping[str, Any], lang: str) -> html.Ul:
    """The list of what needs attention, from the asker's database (published for the public)."""
    database = current_database()
    items = attention.needs_attention(
        indicators_with_status(current_database()),
        database.query("sns_change", {"municipality": MUNICIPALITY}),
        database.query("data_quality_findings"),
        database.query("staff_decisions_in_force"),
    )
    if not items:
        return html.Ul(html.Li(t("headline.attention.none", lang)), id="attention-list")
    return html.Ul(
        [
            html.Li(
                [
                    overview.attention_text(item, lang) + " ",
                    dcc.Link(
                        t(f"headline.attention.link.{item.rule}", lang),
                        href=with_language(PAGES[ATTENTION_PAGES[item.rule]], lang),
                    ),
                ],
                className=f"attention-{item.rule}",
            )
            for item in items
        ],
        id="attention-list",
        className="mb-0",
    )


def attention_section(lang: str) -> html.Section:
    """What needs attention, above the headlines."""
    return html.Section(
        [
            html.H2(t("headline.attention.heading", lang), className="h5", id="attention-heading"),
            html.P(t("headline.attention.lead", lang), className="small text-muted mb-1"),
            guarded(lambda: attention_items({}, lang), lang, "home attention"),
        ],
        id="attention",
        className="attention border rounded p-2 mb-3",
        **{"aria-labelledby": "attention-heading"},
    )


def arrange(cards: Mapping[str, Component | None], lang: str) -> list[Component | None]:
    """The list first, then the headline cards in a grid (one column on a phone)."""
    grid = dbc.Row(
        [
            dbc.Col(cards[chart.id], xs=12, md=6, xl=4, className="mb-3")
            for chart in STANDING
            if cards.get(chart.id) is not None
        ]
    )
    return [
        attention_section(lang),
        html.H2(t("overview.section.headline", lang), className="h5 section-title"),
        grid,
        html.P(
            [
                t("overview.about", lang) + " ",
                dcc.Link(t("overview.link.quality", lang), href=with_language("/cilesia", lang)),
            ],
            className="small text-muted",
        ),
    ]


PAGE = register_page(
    Page(
        module=__name__,
        path="/",
        name="home",
        order=0,
        standing=STANDING,
        intro=arrange,
        css_class="page-overview",
    )
)
