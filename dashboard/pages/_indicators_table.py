"""The Indicators page's own drill-down table: priority, objective, indicator.

Priority, then objective, then one row per indicator: baseline, each year's target and
report (a value after the document's date marked planned, not observed), progress and
status with why an indicator has none. (Dash does not load files starting with "_".)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard.components.page_tools import is_missing, withheld
from dashboard.components.source import source_line
from dashboard.figures.indicators import (
    direction_text,
    plan_number,
    priority_label,
    progress_text,
    status_notes,
)
from dashboard.i18n import t
from dashboard.plan_status import STATUSES

STATUS_BADGES = {
    "achieved": "success",
    "on_track": "info",
    "at_risk": "warning",
    "off_track": "danger",
    "no_data": "secondary",
}
ValueCells = dict[tuple[str, int, str], dict[str, Any]]


def status_badge(status: str, lang: str) -> dbc.Badge:
    """The status in words on its colour (the words carry the meaning, not the colour)."""
    return dbc.Badge(
        t(f"indicators.status.{status}", lang),
        color=STATUS_BADGES.get(status, "secondary"),
        className="status-badge",
        text_color="dark" if status in ("at_risk", "on_track") else None,
    )


def status_cell(row: pd.Series, lang: str) -> list[Any]:
    """The status badge, with why an indicator has none and how a shifted table is read."""
    why, reading = status_notes(row, lang)
    return [
        status_badge(row["status"], lang),
        html.Div(why, className="small") if why else None,
        html.Div(reading, className="small text-muted") if reading else None,
    ]


def value_cells(values_by_year: pd.DataFrame) -> ValueCells:
    """The values keyed by (indicator, year, kind), for the table's cells."""
    return {
        (row["indicator_code"], int(row["year"]), row["kind"]): row
        for row in values_by_year.to_dict("records")
    }


def value_cell(cells: ValueCells, code: str, year: int, lang: str) -> html.Td:
    """Target and reported value of a year; a value after the document's date is marked planned."""
    lines = []
    for kind in ("target", "reported"):
        cell = cells.get((code, year, kind))
        if cell is None:
            continue
        text = withheld(cell) or (
            cell["value_text"]
            if is_missing(cell["value"]) and isinstance(cell["value_text"], str)
            else plan_number(cell["value"], lang)
        )
        if kind == "reported" and not bool(cell["observed"]):
            label = html.Span(
                t("indicators.kind.planned_short", lang) + ": ", className="text-muted"
            )
            lines.append(
                html.Div(
                    [label, html.Em(text)],
                    className="planned-value",
                    title=t("indicators.kind.planned", lang),
                )
            )
        else:
            label = html.Span(
                t(f"indicators.kind.{kind}_short", lang) + ": ", className="text-muted"
            )
            lines.append(html.Div([label, text]))
    return html.Td(lines or t("chart.missing_mark", lang), className="small")


def baseline_cell(row: pd.Series, lang: str) -> html.Td:
    """The baseline as printed (or its mark when withheld), with its year."""
    if isinstance(row.get("baseline_withheld"), str):
        baseline = row["baseline_withheld"]
    elif is_missing(row["baseline_value"]) and isinstance(row["baseline_text"], str):
        baseline = row["baseline_text"]
    else:
        baseline = plan_number(row["baseline_value"], lang)
    year = html.Small(f" ({int(row['baseline_year'])})", className="text-muted")
    return html.Td([baseline, year], className="small")


def indicator_row(
    row: pd.Series, cells: ValueCells, years: list[int], link: Callable[[str], str], lang: str
) -> html.Tr:
    """One indicator: baseline, each year's target and report, progress, status."""
    code = row["indicator_code"]
    progress = row.get("progress")
    return html.Tr(
        [
            html.Td(dcc.Link(code, href=link(code), title=t("indicators.show_detail", lang))),
            html.Td(
                [
                    html.Div(row["indicator_text"]),
                    html.Small(direction_text(row, lang), className="text-muted"),
                ]
            ),
            baseline_cell(row, lang),
            *[value_cell(cells, code, year, lang) for year in years],
            html.Td(
                progress_text(None if is_missing(progress) else progress, lang), className="small"
            ),
            html.Td(status_cell(row, lang)),
        ],
        id=f"indicator-row-{code.replace('.', '-')}",
    )


def status_counts(rows: pd.DataFrame, lang: str) -> str:
    """' · 2 on track, 1 no data': an objective's indicators by status."""
    counts = rows["status"].value_counts()
    return " · " + ", ".join(
        f"{int(counts[s])} {t(f'indicators.status.{s}', lang).lower()}"
        for s in STATUSES
        if counts.get(s, 0)
    )


# The tables of objectives drawn closed are filled in when opened (pages/indicators.py):
# the page then sends and renders a few hundred components instead of some two thousand.
OBJECTIVE_SUMMARY = "indicators-objective-summary"
OBJECTIVE_TABLE = "indicators-objective-table"


@dataclass(frozen=True)
class Grid:
    """The year columns and the value cells shared by every objective's table of a view."""

    years: list[int]
    cells: ValueCells


def grid_of(shown: pd.DataFrame, values_by_year: pd.DataFrame) -> Grid:
    """The years and value cells of the indicators shown."""
    values_by_year = values_by_year[values_by_year["indicator_code"].isin(shown["indicator_code"])]
    years = sorted(int(y) for y in values_by_year["year"].unique())
    return Grid(years, value_cells(values_by_year))


def objective_table(
    rows: pd.DataFrame, grid: Grid, link: Callable[[str], str], lang: str
) -> list[Any]:
    """One objective's indicators as a table, with its source line under it."""
    columns = ("code", "indicator", "baseline", *map(str, grid.years), "progress", "status")
    header = html.Thead(
        html.Tr(
            [
                html.Th(c if c.isdigit() else t(f"indicators.col.{c}", lang), scope="col")
                for c in columns
            ]
        )
    )
    body = html.Tbody(
        [indicator_row(row, grid.cells, grid.years, link, lang) for _, row in rows.iterrows()]
    )
    return [
        dbc.Table([header, body], size="sm", responsive=True, className="indicator-table mt-2"),
        source_line(rows["source"], lang),
    ]


def objective_section(
    code: str, rows: pd.DataFrame, grid: Grid, opened: bool, link: Callable[[str], str], lang: str
) -> html.Details:
    """An objective: its summary line and, open, its table (closed: filled in when opened)."""
    summary = [
        html.Strong(f"{code} "),
        rows["objective_text"].iloc[0],
        html.Span(status_counts(rows, lang), className="small text-muted"),
    ]
    if opened:
        return html.Details(
            [html.Summary(summary), *objective_table(rows, grid, link, lang)],
            open=True,
            className="objective-section ms-2 mb-2",
        )
    return html.Details(
        [
            html.Summary(summary, id={"type": OBJECTIVE_SUMMARY, "code": code}),
            html.Div(id={"type": OBJECTIVE_TABLE, "code": code}),
        ],
        open=False,
        className="objective-section ms-2 mb-2",
    )


def drilldown(
    shown: pd.DataFrame,
    values_by_year: pd.DataFrame,
    open_objectives: bool,
    link: Callable[[str], str],
    lang: str,
) -> html.Div:
    """Priority, then objective, then the indicators' table (`link(code)`: its detail)."""
    if shown.empty:
        return html.P(t("state.empty", lang), className="text-muted", id="indicators-drilldown")
    grid = grid_of(shown, values_by_year)
    sections = []
    for priority, by_priority in shown.groupby("priority", sort=False):
        objectives = [
            objective_section(str(code), rows, grid, open_objectives, link, lang)
            for code, rows in by_priority.groupby("objective_code", sort=False)
        ]
        title = [
            html.Strong(priority_label(int(priority), lang) + ": "),
            by_priority["priority_text"].iloc[0],
        ]
        sections.append(
            html.Details(
                [html.Summary(title, className="h6"), *objectives],
                open=True,
                className="priority-section mb-3",
            )
        )
    return html.Div(sections, id="indicators-drilldown")
