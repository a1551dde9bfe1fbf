"""Budget: the DMS work plan 2026 by sector and line, and the QPS's budget and staff.

The work plan was read from a noisy OCR: every line says how surely its amount was read,
and lines without an amount stay in the table. Budget execution (planned, committed and
spent per line, at the latest imported period) shows once an execution sheet has been
imported (`dms-dashboard import`, kind "budget"): the build always creates the table,
empty until then.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from dashboard.audience import current_database
from dashboard.components.chart_card import chart_card, empty_card
from dashboard.components.chart_data import register_chart_data
from dashboard.components.filters import FilterSpec, parse_filters, rejected_notice, to_search
from dashboard.components.kpi import kpi_card
from dashboard.figures import budget as figures
from dashboard.i18n import format_currency, format_number, format_percent, normalise_language, t
from dashboard.pages._page_tools import (
    control_value,
    drawn_once,
    filter_dropdown,
    for_table,
    guarded,
    is_missing,
    page_heading,
    parse_controls,
)

dash.register_page(
    __name__,
    path="/buxheti",
    name="budget",
    order=6,
    menu_key="nav.budget",
    title="Buxheti – DMS 2026",
)

READING_BADGES = {"certain": "success", "uncertain": "warning", "not legible": "secondary"}


def _dimension(name: str) -> list[str]:
    frame = current_database().query("budget_sectors_and_readings")
    return list(frame.loc[frame["dimension"] == name, "value"])


FILTERS: tuple[FilterSpec, ...] = (
    FilterSpec("sector", lambda: _dimension("sector"), None),
    FilterSpec("reading", lambda: _dimension("reading"), None),
)
DEFAULTS = {spec.name: spec.default for spec in FILTERS}


def budget_lines(values: Mapping[str, Any]) -> pd.DataFrame:
    """The work-plan lines for the filters, with their share of the whole plan's total."""
    return current_database().query(
        "budget_lines", {"sector": values["sector"], "reading": values["reading"]}
    )


def _lines_frame(query: Mapping[str, str]) -> pd.DataFrame:
    return budget_lines(parse_filters(query, FILTERS).values)


def _sectors_frame(_query: Mapping[str, str]) -> pd.DataFrame:
    return current_database().query("budget_by_sector")


def _execution_frame(_query: Mapping[str, str]) -> pd.DataFrame:
    # The build always creates budget_execution; it is empty until a sheet is imported.
    return current_database().query("budget_execution_by_line")


register_chart_data("budget-lines", _lines_frame)
register_chart_data("budget-sectors", _sectors_frame)
register_chart_data("budget-execution", _execution_frame)


def headline_cards(lang: str) -> list[dbc.Col]:
    """The plan's total, and the QPS's budget and staff (Tabela 6)."""
    database = current_database()
    lines = budget_lines({"sector": None, "reading": None})
    with_amount = lines.dropna(subset=["amount_eur"])
    qps = database.query("qps_resources").set_index("measure")
    cards = [
        kpi_card(
            card_id="kpi-budget-total",
            title=t("budget.total_title", lang),
            value=format_currency(lines["total_eur"].iloc[0], lang),
            detail=t(
                "budget.total_detail",
                lang,
                with_amount=len(with_amount),
                lines=len(lines),
                uncertain=int((with_amount["reading"] != "certain").sum()),
                without=int(lines["amount_eur"].isna().sum()),
            ),
            sources=lines["source"],
            lang=lang,
        )
    ]
    if "qps_annual_budget_eur" in qps.index:
        row = qps.loc["qps_annual_budget_eur"]
        cards.append(
            kpi_card(
                card_id="kpi-qps-budget-page",
                title=t("budget.qps_budget", lang, period=row["period"]),
                value=format_currency(row["value"], lang),
                detail=None,
                sources=[row["source"]],
                lang=lang,
            )
        )
    if "qps_staff" in qps.index:
        row = qps.loc["qps_staff"]
        detail = None
        if "qps_service_staff" in qps.index and "qps_licensed_staff" in qps.index:
            detail = t(
                "budget.qps_staff_detail",
                lang,
                service=format_number(qps.loc["qps_service_staff", "value"], lang),
                licensed=format_number(qps.loc["qps_licensed_staff", "value"], lang),
            )
        sources = [row["source"]] + ([qps.loc["qps_service_staff", "source"]] if detail else [])
        cards.append(
            kpi_card(
                card_id="kpi-qps-staff",
                title=t("budget.qps_staff", lang, period=row["period"]),
                value=format_number(row["value"], lang),
                detail=detail,
                sources=sources,
                lang=lang,
            )
        )
    return [dbc.Col(card, md=4, className="mb-3") for card in cards]


def _amount_cell(row: pd.Series, lang: str) -> html.Td:
    if not is_missing(row["amount_eur"]):
        return html.Td(
            [
                format_currency(row["amount_eur"], lang),
                html.Small(
                    f" ({format_percent(row['share_of_total'], lang)})", className="text-muted"
                ),
            ],
            className="text-end text-nowrap",
        )
    if row["reading"] == "not legible":
        text = t("budget.amount_not_legible", lang)
    elif isinstance(row["amount_text"], str) and row["amount_text"]:
        text = t("budget.amount_as_text", lang, text=row["amount_text"])
    else:
        text = t("budget.amount_none", lang)
    return html.Td(html.Em(text, className="text-muted"), className="text-end")


def lines_table(lines: pd.DataFrame, lang: str) -> html.Div:
    """Every line, with or without an amount; the reading of each amount said in words."""
    header = html.Thead(
        html.Tr(
            [
                html.Th(t(f"budget.col.{c}", lang), scope="col")
                for c in ("line", "objective", "funded_by", "amount", "timeline", "reading")
            ]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(str(int(row["line_no"]))),
                    html.Td(
                        [
                            html.Div(figures.objective_text(row, lang)),
                            html.Small(row["sector_sq"], className="text-muted"),
                        ]
                    ),
                    html.Td(
                        row["funded_by"] if isinstance(row["funded_by"], str) else "—",
                        className="small",
                    ),
                    _amount_cell(row, lang),
                    html.Td(
                        row["timeline"] if isinstance(row["timeline"], str) else "—",
                        className="small",
                    ),
                    html.Td(
                        dbc.Badge(
                            figures.reading_label(row["reading"], lang),
                            color=READING_BADGES.get(row["reading"], "secondary"),
                            text_color="dark" if row["reading"] == "uncertain" else None,
                            title=row["reading_note"],
                        )
                    ),
                ],
                id=f"budget-line-{int(row['line_no'])}",
                className=f"reading-{row['reading'].replace(' ', '-')}",
            )
            for _, row in lines.iterrows()
        ]
    )
    note = (
        html.P(t("budget.translation_note", lang), className="small text-muted")
        if lang == "en"
        else None
    )
    return html.Div(
        [
            html.H2(
                t("budget.table_heading", lang, lines=len(lines)),
                className="h5 mt-2",
                id="budget-table-heading",
            ),
            dbc.Table(
                [header, body], size="sm", responsive=True, striped=True, className="budget-table"
            ),
            note,
            html.P(
                [
                    html.Span(f"{t('source.prefix', lang)}: ", className="fw-semibold"),
                    "; ".join(dict.fromkeys(lines["source"])),
                ],
                className="source-line small text-muted",
            ),
        ],
        id="budget-table",
    )


def execution_section(lang: str) -> html.Div:
    """Planned, committed and spent once imported; until then, says it is not there."""
    title = t("budget.chart.execution", lang)
    execution = _execution_frame({})
    if execution.empty:  # every imported line joins a work-plan line: empty = none imported
        return html.Div(
            dbc.Alert(t("budget.execution_missing", lang), color="light", className="border"),
            id="budget-execution",
        )
    return html.Div(
        [
            chart_card(
                chart_id="budget-execution",
                title=title,
                figure=figures.budget_execution_figure(execution, lang),
                takeaway=figures.budget_execution_takeaway(execution, lang),
                data=for_table(execution),
                lang=lang,
                search=to_search({}, {}, lang),
            ),
            html.P(t("budget.execution_note", lang), className="small text-muted"),
        ],
        id="budget-execution",
    )


@drawn_once("budget")
def render_content(values: Mapping[str, Any], lang: str) -> list:
    """The charts and the table for the filters."""
    search = to_search(values, DEFAULTS, lang)
    lines = budget_lines(values)
    sectors = current_database().query("budget_by_sector")
    lines_title = t("budget.chart.lines", lang)
    if lines.dropna(subset=["amount_eur"]).empty:
        lines_card = empty_card(
            chart_id="budget-lines", title=lines_title, lang=lang, message_key="budget.no_amounts"
        )
    else:
        lines_card = chart_card(
            chart_id="budget-lines",
            title=lines_title,
            figure=figures.budget_lines_figure(lines, lang),
            takeaway=figures.budget_lines_takeaway(lines, lang),
            data=for_table(lines),
            lang=lang,
            search=search,
            table_columns=[
                "line_no",
                "objective_sq",
                "amount_eur",
                "amount_text",
                "share_of_total",
                "reading",
            ],
        )
    sectors_card = chart_card(
        chart_id="budget-sectors",
        title=t("budget.chart.sectors", lang),
        figure=figures.budget_sector_figure(sectors, lang),
        takeaway=figures.budget_sector_takeaway(sectors, lang),
        data=for_table(sectors),
        lang=lang,
        search=to_search({}, {}, lang),
    )
    return [
        dbc.Row(
            [
                dbc.Col(lines_card, lg=8, className="mb-3"),
                dbc.Col(sectors_card, lg=4, className="mb-3"),
            ]
        ),
        lines_table(lines, lang)
        if len(lines)
        else html.P(t("state.empty", lang), id="budget-table"),
        html.H2(t("budget.execution_heading", lang), className="h5 mt-3"),
        execution_section(lang),
    ]


def layout(lang: str | None = None, **query: str) -> html.Div:
    """The Budget page for the filters in the URL."""
    lang = normalise_language(lang)

    def render() -> list:
        parsed = parse_filters(query, FILTERS)
        return [
            dbc.Row(headline_cards(lang)),
            rejected_notice(parsed, lang),
            dbc.Row(
                [
                    filter_dropdown(
                        "budget-sector",
                        t("budget.filter.sector", lang),
                        [(s, s) for s in _dimension("sector")],
                        control_value(parsed.values["sector"]),
                        lang,
                        width=6,
                    ),
                    filter_dropdown(
                        "budget-reading",
                        t("budget.filter.reading", lang),
                        [(r, figures.reading_label(r, lang)) for r in _dimension("reading")],
                        control_value(parsed.values["reading"]),
                        lang,
                        width=3,
                    ),
                ],
                className="filter-bar no-print g-2",
            ),
            dcc.Loading(
                html.Div(render_content(parsed.values, lang), id="budget-content"), type="dot"
            ),
        ]

    return html.Div(
        [
            dcc.Location(id="budget-url", refresh=False),
            dcc.Store(id="budget-lang", data=lang),
            page_heading(t("budget.title", lang), t("budget.lead", lang)),
            html.Div(guarded(render, lang, "budget page"), id="budget-body"),
        ],
        className="page-budget",
    )


@callback(
    Output("budget-content", "children"),
    Output("budget-url", "search"),
    Input("budget-sector", "value"),
    Input("budget-reading", "value"),
    State("budget-lang", "data"),
    prevent_initial_call=True,
)
def update_budget(sector: str | None, reading: str | None, lang: str | None) -> tuple[Any, str]:
    """Re-draw the lines for the chosen sector and reading; write them into the address."""
    lang = normalise_language(lang)
    parsed = parse_controls({"sector": sector, "reading": reading}, FILTERS)
    content = guarded(lambda: render_content(parsed.values, lang), lang, "budget content")
    return content, to_search(parsed.values, DEFAULTS, lang)
