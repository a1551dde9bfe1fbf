"""Social assistance (SNS): families and members over time, by category, per 1,000 people.

Also Mitrovica South against other municipalities. Filters live in the URL, e.g.
?measure=members&period=2023-02&compare=Vushtrri,Lipjan&unit=per_1000.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from dashboard.audience import current_database
from dashboard.components.chart_card import chart_card, empty_card
from dashboard.components.chart_data import register_chart_data
from dashboard.components.filters import (
    FilterSpec,
    parse_filters,
    query_of,
    rejected_notice,
    to_search,
)
from dashboard.components.print_header import print_header
from dashboard.figures import sns as figures
from dashboard.i18n import normalise_language, t
from dashboard.pages._page_tools import card_once, drawn_once
from dashboard.vocabulary import MUNICIPALITY

PATH = "/ndihma-sociale"
dash.register_page(__name__, path=PATH, name="sns", title="Ndihma sociale – Mitrovicë e Jugut")

logger = logging.getLogger(__name__)
MEASURES = ("families", "members")
UNITS = ("count", "per_1000")


def comparison_periods() -> list[str]:
    """Periods with figures of several municipalities (the press reports citing ASK)."""
    return current_database().query("sns_comparison_periods")["period"].tolist()


def comparison_municipalities() -> list[str]:
    """Municipalities that can be compared with Mitrovica South."""
    return (
        current_database()
        .query("sns_comparison_municipalities", {"municipality": MUNICIPALITY})["municipality"]
        .tolist()
    )


FILTERS = (
    FilterSpec("measure", MEASURES, "families"),
    # None: the latest period with a comparison (known only from the data).
    FilterSpec("period", comparison_periods, None),
    FilterSpec("compare", comparison_municipalities, [], multiple=True),
    FilterSpec("unit", UNITS, "count"),
)
DEFAULTS = {spec.name: spec.default for spec in FILTERS}


def resolve(values: Mapping[str, Any]) -> dict[str, Any]:
    """Parsed filter values with the default period (the latest comparison) filled in."""
    resolved = dict(values)
    if resolved["period"] is None:
        periods = comparison_periods()
        resolved["period"] = periods[-1] if periods else None
    return resolved


def view_search(values: Mapping[str, Any], lang: str) -> str:
    """The query string of a view (the latest period is the default and is left out)."""
    periods = comparison_periods()
    return to_search(values, {**DEFAULTS, "period": periods[-1] if periods else None}, lang)


def _values(query: Mapping[str, Any]) -> dict[str, Any]:
    return resolve(parse_filters(query, FILTERS).values)


# --- the data behind each chart (also served as CSV/Excel) --------------------------------


def trend_frame(values: Mapping[str, Any]) -> pd.DataFrame:
    """Every dated figure of the measure for Mitrovica South."""
    measure = values["measure"]
    frame = current_database().query(
        "sns_series", {"municipality": MUNICIPALITY, "measure": measure}
    )
    return frame.assign(measure=measure)


def categories_frame(_values: Mapping[str, Any]) -> pd.DataFrame:
    """Families and members by category I and II (undated)."""
    return current_database().query("sns_categories", {"municipality": MUNICIPALITY})


def rate_frame(values: Mapping[str, Any]) -> pd.DataFrame:
    """The measure per 1,000 inhabitants of the nearest census."""
    measure = values["measure"]
    return current_database().query(
        "sns_per_1000", {"municipality": MUNICIPALITY, "measure": measure}
    )


def comparison_frame(values: Mapping[str, Any]) -> pd.DataFrame:
    """The measure in the period for Mitrovica South, the chosen municipalities and Kosovo."""
    if values["period"] is None:
        return pd.DataFrame(columns=["municipality", "is_total", "value", "per_1000", "source"])
    frame = current_database().query(
        "sns_comparison", {"period": values["period"], "measure": values["measure"]}
    )
    if values["compare"]:
        keep = {MUNICIPALITY, figures.KOSOVO, *values["compare"]}
        frame = frame[frame["municipality"].isin(keep)].reset_index(drop=True)
    return frame


# Each download is the frame of the chart for the filters in its URL.
CHART_FRAMES = {
    "sns-trend": trend_frame,
    "sns-categories": categories_frame,
    "sns-rate": rate_frame,
    "sns-compare": comparison_frame,
}
for _chart_id, _frame in CHART_FRAMES.items():
    register_chart_data(_chart_id, lambda query, frame=_frame: frame(_values(query)))


# --- cards -------------------------------------------------------------------------------


def _period_column(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The frame with the period in words and the kind of statistic in the language."""
    return frame.assign(
        period_text=[
            figures.period_label(p, k, lang)
            for p, k in zip(frame["period"], frame["period_type"], strict=True)
        ],
        statistic_text=[figures.statistic_label(s, lang) for s in frame["statistic"]],
    )


def _trend_card(values: Mapping[str, Any], lang: str, search: str) -> dbc.Card:
    measure = values["measure"]
    frame = trend_frame(values)
    title = t("sns.trend.title", lang, measure=figures.measure_label(measure, lang))
    if frame.dropna(subset=["value"]).empty:
        return empty_card(chart_id="sns-trend", title=title, lang=lang)
    shown = _period_column(frame, lang)
    return chart_card(
        chart_id="sns-trend",
        title=title,
        figure=figures.trend_figure(frame, lang),
        takeaway=figures.trend_takeaway(frame, measure, lang),
        data=shown,
        lang=lang,
        search=search,
        table_columns=["period_text", "statistic_text", "value"],
        column_labels={
            "period_text": t("sns.col.period", lang),
            "statistic_text": t("sns.col.statistic", lang),
            "value": t(f"sns.col.{measure}", lang),
        },
        note=t("sns.trend.note", lang),
    )


def _categories_card(values: Mapping[str, Any], lang: str, search: str) -> dbc.Card:
    measure = values["measure"]
    frame = categories_frame(values)
    title = t("sns.categories.title", lang)
    if frame.dropna(subset=["value"]).empty:
        return empty_card(chart_id="sns-categories", title=title, lang=lang)
    series = trend_frame(values)
    sum_note = figures.categories_sum_note(frame, series, measure, lang)
    note = [
        dbc.Badge(t("sns.categories.undated", lang), color="secondary", className="me-1"),
        t("sns.categories.definitions", lang),
    ]
    if sum_note:
        note += [" ", sum_note]
    shown = frame.assign(
        category_text=[t(f"sns.category.{c}", lang) for c in frame["category"]],
        measure_text=[figures.measure_label(m, lang) for m in frame["measure"]],
        period_text=[
            figures.period_label(p, k, lang)
            for p, k in zip(frame["period"], frame["period_type"], strict=True)
        ],
    )
    return chart_card(
        chart_id="sns-categories",
        title=title,
        figure=figures.categories_figure(frame, lang),
        takeaway=figures.categories_takeaway(frame, measure, lang),
        data=shown,
        lang=lang,
        search=search,
        table_columns=["category_text", "measure_text", "value", "period_text"],
        column_labels={
            "category_text": t("sns.col.category", lang),
            "measure_text": t("sns.col.measure", lang),
            "value": t("sns.col.value", lang),
            "period_text": t("sns.col.period", lang),
        },
        note=html.Span(note),
    )


def _rate_card(values: Mapping[str, Any], lang: str, search: str) -> dbc.Card:
    measure = values["measure"]
    frame = rate_frame(values)
    title = t("sns.rate.title", lang, measure=figures.measure_label(measure, lang))
    if frame.dropna(subset=["per_1000"]).empty:
        return empty_card(chart_id="sns-rate", title=title, lang=lang)
    shown = _period_column(frame, lang)
    return chart_card(
        chart_id="sns-rate",
        title=title,
        figure=figures.rate_figure(frame, lang),
        takeaway=figures.rate_takeaway(frame, measure, lang),
        data=shown,
        lang=lang,
        search=search,
        table_columns=[
            "period_text",
            "statistic_text",
            "value",
            "census_year",
            "census_population",
            "per_1000",
        ],
        column_labels={
            "period_text": t("sns.col.period", lang),
            "statistic_text": t("sns.col.statistic", lang),
            "value": t(f"sns.col.{measure}", lang),
            "census_year": t("sns.col.census_year", lang),
            "census_population": t("sns.col.census_population", lang),
            "per_1000": t("sns.col.per_1000", lang),
        },
        note=figures.rate_population_note(frame, lang),
    )


def _comparison_card(values: Mapping[str, Any], lang: str, search: str) -> dbc.Card:
    measure, unit, period = values["measure"], values["unit"], values["period"]
    frame = comparison_frame(values)
    period_type = frame["period_type"].iloc[0] if len(frame) else "month"
    period_text = figures.period_label(period, period_type, lang) if period else ""
    title = t(
        f"sns.compare.title.{unit}",
        lang,
        measure=figures.measure_label(measure, lang),
        period=period_text,
    )
    column = "per_1000" if unit == "per_1000" else "value"
    if frame[~frame["is_total"].astype(bool)].dropna(subset=[column]).empty:
        return empty_card(
            chart_id="sns-compare", title=title, lang=lang, message_key="sns.compare.empty"
        )
    shown = frame.assign(
        name=[figures.municipality_label(row, lang) for _, row in frame.iterrows()]
    )
    note = [
        dbc.Badge(
            t("sns.compare.press_badge", lang), color="info", text_color="dark", className="me-1"
        ),
        t("sns.compare.press_note", lang),
    ]
    if unit == "per_1000":
        note += [" ", t("sns.compare.population_note", lang)]
    return chart_card(
        chart_id="sns-compare",
        title=title,
        figure=figures.comparison_figure(frame, lang, unit, MUNICIPALITY),
        takeaway=figures.comparison_takeaway(frame, lang, unit, measure, MUNICIPALITY),
        data=shown,
        lang=lang,
        search=search,
        table_columns=["name", "value", "census_year", "census_population", "per_1000"],
        column_labels={
            "name": t("sns.col.municipality", lang),
            "value": t(f"sns.col.{measure}", lang),
            "census_year": t("sns.col.census_year", lang),
            "census_population": t("sns.col.census_population", lang),
            "per_1000": t("sns.col.per_1000", lang),
        },
        note=html.Span(note),
    )


@drawn_once("sns")
def render(values: Mapping[str, Any], lang: str) -> list[Any]:
    """Every card of the page for valid filter values."""

    def card(name: str, uses: tuple[str, ...], draw: Callable[..., dbc.Card]) -> dbc.Card:
        # Each card is drawn for the filters it uses only (its links carry those alone).
        return card_once(
            "sns",
            name,
            uses,
            values,
            lang,
            lambda relevant, lang: draw(relevant, lang, view_search(relevant, lang)),
        )

    comparison = ("measure", "unit", "period", "compare")
    return [
        dbc.Row(
            [
                dbc.Col(card("trend", ("measure",), _trend_card), xs=12, lg=7, className="mb-3"),
                dbc.Col(
                    card("categories", ("measure",), _categories_card),
                    xs=12,
                    lg=5,
                    className="mb-3",
                ),
            ]
        ),
        dbc.Row(
            [
                dbc.Col(card("rate", ("measure",), _rate_card), xs=12, lg=5, className="mb-3"),
                dbc.Col(
                    card("comparison", comparison, _comparison_card),
                    xs=12,
                    lg=7,
                    className="mb-3",
                ),
            ]
        ),
    ]


# --- layout and callback -----------------------------------------------------------------


def _municipality_options(lang: str) -> list[dict[str, str]]:
    frame = current_database().query(
        "sns_comparison_municipalities", {"municipality": MUNICIPALITY}
    )
    return [
        {"label": figures.municipality_label(row, lang), "value": row["municipality"]}
        for _, row in frame.iterrows()
    ]


def _controls(values: Mapping[str, Any], lang: str) -> html.Div:
    periods = current_database().query("sns_comparison_periods")

    def labelled(name: str, control: Any, md: int) -> dbc.Col:
        return dbc.Col(
            [dbc.Label(t(f"sns.filter.{name}", lang), html_for=f"sns-{name}"), control],
            xs=12,
            md=md,
            className="mb-2",
        )

    row = dbc.Row(
        [
            labelled(
                "measure",
                dbc.Select(
                    id="sns-measure",
                    options=[
                        {"label": figures.measure_label(m, lang), "value": m} for m in MEASURES
                    ],
                    value=values["measure"],
                ),
                3,
            ),
            labelled(
                "period",
                dbc.Select(
                    id="sns-period",
                    options=[
                        {
                            "label": figures.period_label(row["period"], row["period_type"], lang),
                            "value": row["period"],
                        }
                        for _, row in periods.iterrows()
                    ],
                    value=values["period"],
                ),
                3,
            ),
            labelled(
                "unit",
                dbc.Select(
                    id="sns-unit",
                    options=[{"label": t(f"sns.unit.{u}", lang), "value": u} for u in UNITS],
                    value=values["unit"],
                ),
                2,
            ),
            labelled(
                "compare",
                dcc.Dropdown(
                    id="sns-compare",
                    options=_municipality_options(lang),
                    value=list(values["compare"]),
                    multi=True,
                    placeholder=t("sns.filter.compare_all", lang),
                    searchable=True,
                ),
                4,
            ),
        ],
        className="g-2",
    )
    return html.Div(
        row,
        className="filter-bar mb-2",
        role="group",
        **{"aria-label": t("sns.filter.label", lang)},
    )


def layout(lang: str | None = None, **query: str) -> html.Div:
    """The social assistance page for the filters in the URL."""
    lang = normalise_language(lang)
    title = t("sns.title", lang)
    head = [
        print_header(title, lang),
        dcc.Location(id="sns-url", refresh=False),
        dcc.Store(id="sns-lang", data=lang),
        html.H1(title, className="h3 mt-3"),
        html.P(t("sns.lead", lang), className="lead"),
    ]
    try:
        parsed = parse_filters(query, FILTERS)
        values = resolve(parsed.values)
        controls = _controls(values, lang)
    except Exception:
        logger.exception("social assistance page")
        return html.Div(
            [*head, dbc.Alert(t("state.error", lang), color="danger")], className="page-sns"
        )
    return html.Div(
        [
            *head,
            rejected_notice(parsed, lang),
            controls,
            dcc.Loading(
                html.Div(
                    html.P(t("state.loading", lang), className="text-muted"), id="sns-content"
                ),
                custom_spinner=html.Div(
                    [dbc.Spinner(size="sm", spinner_class_name="me-2"), t("state.loading", lang)],
                    role="status",
                    className="text-muted",
                ),
                delay_show=300,
            ),
        ],
        className="page-sns",
    )


def respond(
    query: Mapping[str, Any], lang: str | None
) -> tuple[list[Any], str, str, str | None, list[str], str]:
    """The cards, the address and the controls' values for a query (from controls or URL).

    Invalid values fall back to their defaults, with a notice saying which were refused.
    """
    lang = normalise_language(lang)
    parsed = parse_filters(query, FILTERS)
    values = resolve(parsed.values)
    try:
        search = view_search(values, lang)
        cards = [rejected_notice(parsed, lang).children, *render(values, lang)]
    except Exception:
        logger.exception("social assistance page")
        search, cards = (
            to_search(values, DEFAULTS, lang),
            [dbc.Alert(t("state.error", lang), color="danger")],
        )
    return (
        cards,
        search,
        values["measure"],
        values["period"],
        list(values["compare"]),
        values["unit"],
    )


def controls_query(
    measure: str | None, period: str | None, compare: list[str] | None, unit: str | None
) -> dict[str, str | None]:
    """The controls' values as a URL query, validated like one."""
    return {"measure": measure, "period": period, "compare": ",".join(compare or []), "unit": unit}


@callback(
    Output("sns-content", "children"),
    Output("sns-url", "search"),
    Output("sns-measure", "value"),
    Output("sns-period", "value"),
    Output("sns-compare", "value"),
    Output("sns-unit", "value"),
    Input("sns-measure", "value"),
    Input("sns-period", "value"),
    Input("sns-compare", "value"),
    Input("sns-unit", "value"),
    Input("sns-url", "search"),
    State("sns-lang", "data"),
)
def update(
    measure: str,
    period: str | None,
    compare: list[str] | None,
    unit: str,
    search: str | None,
    lang: str | None,
) -> tuple[Any, ...]:
    """A control changed: render and write the address; back/forward: render from the URL."""
    if dash.ctx.triggered_id == "sns-url":
        content, _search, *controls = respond(query_of(search), lang)
        return content, dash.no_update, *controls
    content, new_search, *_controls = respond(controls_query(measure, period, compare, unit), lang)
    return content, new_search, *([dash.no_update] * 4)
