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

import dash_bootstrap_components as dbc
from dash import html
from dash.development.base_component import Component

from dashboard.audience import current_database
from dashboard.components.declared import Chart, Filter, Page, in_a_row, no_values, register_page
from dashboard.components.filters import FilterSpec
from dashboard.components.kpi import kpi_card
from dashboard.figures import budget as figures
from dashboard.i18n import format_currency, format_number, t
from dashboard.pages._budget_table import lines_table


def _dimension(name: str) -> list[str]:
    frame = current_database().query("budget_sectors_and_readings")
    return list(frame.loc[frame["dimension"] == name, "value"])


FILTERS = (
    Filter(
        FilterSpec("sector", lambda: _dimension("sector"), None),
        "budget.filter.sector",
        lambda _lang: [(s, s) for s in _dimension("sector")],
        width=6,
    ),
    Filter(
        FilterSpec("reading", lambda: _dimension("reading"), None),
        "budget.filter.reading",
        lambda lang: [(r, figures.reading_label(r, lang)) for r in _dimension("reading")],
        width=3,
    ),
)

LINES = Chart(
    id="budget-lines",
    title_key="budget.chart.lines",
    dataset="budget",
    query="budget_lines",  # with each line's share of the whole plan's total
    params=lambda values: {"sector": values.get("sector"), "reading": values.get("reading")},
    uses=("sector", "reading"),
    figure=figures.budget_lines_figure,
    takeaway=figures.budget_lines_takeaway,
    phone=figures.budget_lines_ranking,
    is_empty=no_values("amount_eur"),
    empty_key="budget.no_amounts",
    table_columns=(
        "line_no",
        "objective_sq",
        "amount_eur",
        "amount_text",
        "share_of_total",
        "reading",
    ),
    width=8,
)
SECTORS = Chart(
    id="budget-sectors",
    title_key="budget.chart.sectors",
    dataset="budget",
    query="budget_by_sector",
    figure=figures.budget_sector_figure,
    takeaway=figures.budget_sector_takeaway,
    width=4,
)
# The build always creates budget_execution; every imported line joins a work-plan line,
# so no rows means no sheet imported yet (said in words instead of a card).
EXECUTION = Chart(
    id="budget-execution",
    title_key="budget.chart.execution",
    dataset="budget_execution",
    query="budget_execution_by_line",
    figure=figures.budget_execution_figure,
    takeaway=figures.budget_execution_takeaway,
    hide_when_empty=True,
)


def headline_cards(_cards: Mapping[str, Component], lang: str) -> list[dbc.Row]:
    """The plan's total, and the QPS's budget and staff (Tabela 6)."""
    lines = LINES.rows({})
    with_amount = lines.dropna(subset=["amount_eur"])
    qps = current_database().query("qps_resources").set_index("measure")
    detail = t(
        "budget.total_detail",
        lang,
        with_amount=len(with_amount),
        lines=len(lines),
        uncertain=int((with_amount["reading"] != "certain").sum()),
        without=int(lines["amount_eur"].isna().sum()),
    )
    total = format_currency(lines["total_eur"].iloc[0], lang)
    cards = [
        kpi_card(
            card_id="kpi-budget-total",
            title=t("budget.total_title", lang),
            value=total,
            detail=detail,
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
        staff_detail = None
        if "qps_service_staff" in qps.index and "qps_licensed_staff" in qps.index:
            staff_detail = t(
                "budget.qps_staff_detail",
                lang,
                service=format_number(qps.loc["qps_service_staff", "value"], lang),
                licensed=format_number(qps.loc["qps_licensed_staff", "value"], lang),
            )
        sources = [row["source"]]
        sources += [qps.loc["qps_service_staff", "source"]] if staff_detail else []
        cards.append(
            kpi_card(
                card_id="kpi-qps-staff",
                title=t("budget.qps_staff", lang, period=row["period"]),
                value=format_number(row["value"], lang),
                detail=staff_detail,
                sources=sources,
                lang=lang,
            )
        )
    return [dbc.Row([dbc.Col(card, md=4, className="mb-3") for card in cards])]


def arrange(cards: Mapping[str, Component | None], values: Mapping[str, Any], lang: str) -> list:
    """The charts, every line of the selection in a table, and the execution once imported."""
    lines = LINES.rows(values)  # the chart's rows (each query is kept per build)
    execution = cards.get("budget-execution")
    if execution is None:
        missing = dbc.Alert(t("budget.execution_missing", lang), color="light", className="border")
        section = html.Div(missing, id="budget-execution")
    else:
        note = html.P(t("budget.execution_note", lang), className="small text-muted")
        section = html.Div([execution, note], id="budget-execution")
    return [
        in_a_row((LINES, SECTORS), cards),
        lines_table(lines, lang)
        if len(lines)
        else html.P(t("state.empty", lang), id="budget-table"),
        html.H2(t("budget.execution_heading", lang), className="h5 mt-3"),
        section,
    ]


PAGE = register_page(
    Page(
        module=__name__,
        path="/buxheti",
        name="budget",
        order=6,
        filters=FILTERS,
        charts=(LINES, SECTORS, EXECUTION),
        intro=headline_cards,
        arrange=arrange,
    )
)
