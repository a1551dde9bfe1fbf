"""The Budget page's own table: every work-plan line, with or without an amount.

How surely each amount was read is said in words beside it (the OCR was noisy); a line
without an amount says why. (Dash does not load files starting with "_".)
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard.components.page_tools import is_missing
from dashboard.figures import budget as figures
from dashboard.i18n import format_currency, format_percent, t

READING_BADGES = {"certain": "success", "uncertain": "warning", "not legible": "secondary"}


def _amount_cell(row: pd.Series, lang: str) -> html.Td:
    if is_missing(row["amount_eur"]):
        text = html.Em(figures.amount_text(row, lang), className="text-muted")
        return html.Td(text, className="text-end")
    share = html.Small(f" ({format_percent(row['share_of_total'], lang)})", className="text-muted")
    return html.Td(
        [format_currency(row["amount_eur"], lang), share], className="text-end text-nowrap"
    )


def _line_row(row: pd.Series, lang: str) -> html.Tr:
    objective = [
        html.Div(figures.objective_text(row, lang)),
        html.Small(row["sector_sq"], className="text-muted"),
    ]
    reading = dbc.Badge(
        figures.reading_label(row["reading"], lang),
        color=READING_BADGES.get(row["reading"], "secondary"),
        text_color="dark" if row["reading"] == "uncertain" else None,
        title=row["reading_note"],
    )
    return html.Tr(
        [
            html.Td(str(int(row["line_no"]))),
            html.Td(objective),
            html.Td(
                row["funded_by"] if isinstance(row["funded_by"], str) else "—", className="small"
            ),
            _amount_cell(row, lang),
            html.Td(
                row["timeline"] if isinstance(row["timeline"], str) else "—", className="small"
            ),
            html.Td(reading),
        ],
        id=f"budget-line-{int(row['line_no'])}",
        className=f"reading-{row['reading'].replace(' ', '-')}",
    )


def lines_table(lines: pd.DataFrame, lang: str) -> html.Div:
    """Every line, with or without an amount; the reading of each amount said in words."""
    columns = ("line", "objective", "funded_by", "amount", "timeline", "reading")
    header = html.Thead(
        html.Tr([html.Th(t(f"budget.col.{c}", lang), scope="col") for c in columns])
    )
    body = html.Tbody([_line_row(row, lang) for _, row in lines.iterrows()])
    heading = t("budget.table_heading", lang, lines=len(lines))
    return html.Div(
        [
            html.H2(heading, className="h5 mt-2", id="budget-table-heading"),
            dbc.Table(
                [header, body], size="sm", responsive=True, striped=True, className="budget-table"
            ),
            html.P(t("budget.translation_note", lang), className="small text-muted")
            if lang == "en"
            else None,
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
