"""The Demographics page's drill-down: Tabela 5's settlements in a table a person sorts.

Each sortable heading is a link to the same view in another order, so sorting goes
through the address (shareable, back and forward work) and also orders the ranked bar.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from dash import dcc, html

from dashboard.components.filters import to_search
from dashboard.figures import demographics as figures
from dashboard.i18n import t

Values = Mapping[str, Any]
# The table's columns, each with the sort column it orders by (None: not sortable).
TABLE_COLUMNS = {
    "settlement": "name",
    "settlement_type": None,
    "population": "population",
    "area_km2": "area",
    "density_printed": None,
    "density_computed": "density",
}
SORT_ORDERS = tuple(f"{c}_{d}" for c in TABLE_COLUMNS.values() if c for d in ("desc", "asc"))
LABELS = {column: f"demography.col.{column}" for column in TABLE_COLUMNS}


def _sort_heading(column: str, values: Values, lang: str, path: str, defaults: Values) -> html.Th:
    """A heading that sorts the table (and the ranked bar) by its column, through the URL."""
    label, sort_column = t(LABELS[column], lang), TABLE_COLUMNS[column]
    if sort_column is None:
        return html.Th(label, scope="col")
    arrow, order = figures.sort_marks(values["sort"], sort_column)
    chosen = {**values, "sort": figures.next_sort(values["sort"], sort_column)}
    link = dcc.Link(
        [label, html.Span(f" {arrow}", **{"aria-hidden": "true"})],
        href=path + to_search(chosen, defaults, lang),
        className="sort-link",
        title=t("demography.table.sort_by", lang, column=label),
    )
    return html.Th(link, scope="col", **{"aria-sort": order})


def _settlement_row(row: Mapping[str, Any], lang: str) -> html.Tr:
    """One settlement; a printed density that differs from population ÷ area is marked."""
    differs = bool(row["density_differs"])
    mark = html.Span(" ≠", className="text-danger fw-bold") if differs else None
    numbers = [
        figures.number_or_mark(row["population"], lang),
        figures.number_or_mark(row["area_km2"], lang, 2),
        [figures.printed_density(row, lang), mark],
        figures.number_or_mark(row["density_computed"], lang, 1),
    ]
    cells = [html.Td(number, className="text-end") for number in numbers]
    if differs:
        cells[2].title = t("demography.table.differs", lang)
    return html.Tr(
        [
            html.Th(row["settlement"], scope="row"),
            html.Td(figures.type_label(row["settlement_type"], lang)),
            *cells,
        ],
        className="table-warning" if differs else None,
    )


def settlements_table(
    frame: pd.DataFrame, lang: str, values: Values, path: str, defaults: Values
) -> html.Div:
    """The sortable table of settlements: type, population, area, density printed and computed.

    `values` are the view's filters (kept by the headings' links), `path` the page's, and
    `defaults` what its addresses leave out.
    """
    header = html.Thead(
        html.Tr([_sort_heading(c, values, lang, path, defaults) for c in TABLE_COLUMNS])
    )
    rows = [_settlement_row(row, lang) for row in frame.to_dict("records")]
    title = {"aria-label": t("demography.table.title", lang)}
    table = html.Table(
        [header, html.Tbody(rows)],
        className="table table-sm table-striped table-hover mb-1 settlements-table",
        **title,
    )
    wrap = "table-responsive settlements-table-wrap"
    return html.Div(table, className=wrap, tabIndex="0", role="region", **title)
