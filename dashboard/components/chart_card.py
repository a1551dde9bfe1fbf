"""The chart card used everywhere: title, chart, takeaway, source, downloads, data table.

    chart_card(chart_id="sns-trend", title=..., figure=fig, takeaway=..., data=frame,
               lang=lang, search="?year=2024")

`data` is the frame behind the chart; its `source` column makes the source line and a
true `demonstration` column puts the demonstration badge on the card. The data downloads
link to /charts/<chart_id>.csv|xlsx with the page's query (see chart_data.py); the image
downloads (PNG, SVG) are made in the browser from the rendered chart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dash
import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import ClientsideFunction, Input, Output, State, dcc, html
from dash.development.base_component import Component

from dashboard.components.chart_data import chart_rows, has_rows, image_caption, is_demonstration
from dashboard.components.filters import query_of
from dashboard.components.frame import guide_address
from dashboard.components.source import source_line
from dashboard.figures.theme import separators_for
from dashboard.i18n import format_number, has_message, normalise_language, t, tn
from dashboard.suppression import REASON_COLUMN

# Columns that mark some rows only (withheld, an ASK symbol, the pair a headline compares):
# an empty cell there means "not marked", not missing.
MARK_COLUMNS = (REASON_COLUMN, "status", "compared")
# Rows shown in the table under a chart; the CSV/Excel download has them all. Every cell is
# a component the browser has to mount, so a long table slows the whole page.
TABLE_ROW_LIMIT = 50
# The strip above a plot that holds its toolbar (assets/charts.css: .chart-graph's padding).
TOOLBAR_STRIP_PX = 28
# A graph whose box has its figure's height from the start (contained: assets/charts.css).
SIZED_GRAPH_CLASS = "chart-graph-sized"


# Card messages that a mark of the plain-language guide explains: its anchor there.
GUIDED = {"state.not_published_detail": "detail"}
YEAR_COLUMNS = ("year", "baseline_year", "status_year", "final_year")


def for_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A chart's frame for its data table: years as written (2024, not 2,024), dates as dates."""
    table = frame.copy()
    for column in table.columns:
        if column in YEAR_COLUMNS:
            table[column] = table[column].map(lambda y: None if pd.isna(y) else str(int(y)))
        elif pd.api.types.is_datetime64_any_dtype(table[column]):
            table[column] = table[column].dt.strftime("%Y-%m-%d")
    return table


def demonstration_badge(lang: str) -> dbc.Badge:
    """The label every piece of demonstration data carries."""
    return dbc.Badge(
        t("chart.demonstration", lang),
        color="warning",
        text_color="dark",
        className="demo-badge ms-2",
        title=t("chart.demonstration_help", lang),
    )


def _is_empty(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value))


def _cell(value: object, lang: str, column: str = "") -> str:
    """One cell in the reader's language: numbers in its format, yes/no, coded values named.

    Missing is the missing mark, never 0; an empty mark (`suppressed`: the row was not
    withheld) stays empty. A code with a `value.<column>.<code>` message (a
    status, a kind of figure) shows that message.
    """
    if _is_empty(value):
        return "" if column in MARK_COLUMNS else t("chart.missing_mark", lang)
    if isinstance(value, bool | np.bool_):
        return t("value.yes" if value else "value.no", lang)
    if isinstance(value, int | float):
        decimals = 0 if float(value).is_integer() else 2
        return format_number(value, lang, decimals=decimals)
    key = f"value.{column}.{value}"
    return t(key, lang) if column and has_message(key, lang) else str(value)


def column_label(column: str, lang: str) -> str:
    """A column's header in the reader's language (`column.<name>`), the name otherwise."""
    key = f"column.{column}"
    return t(key, lang) if has_message(key, lang) else column


def data_table(
    frame: pd.DataFrame,
    lang: str,
    columns: list[str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> html.Div:
    """An accessible table of the rows behind a chart (missing shown as a mark, not 0).

    Headers are the columns' names in the reader's language (`labels` may name them
    otherwise).
    """
    if columns:
        # A declared column a database lacks (`suppressed` where nothing was withheld).
        columns = [c for c in columns if c in frame.columns]
    else:
        columns = [c for c in frame.columns if c not in ("source", "demonstration")]
    labels = labels or {}
    shown = frame.head(TABLE_ROW_LIMIT)
    header = html.Thead(
        html.Tr(
            [
                html.Th(labels.get(c) or column_label(c, lang), scope="col", **{"data-column": c})
                for c in columns
            ]
        )
    )
    body = html.Tbody(
        # to_dict gives Python scalars (iterrows built a Series per row: most of the cost)
        [
            html.Tr([html.Td(_cell(row[c], lang, c)) for c in columns])
            for row in shown[columns].to_dict("records")
        ]
    )
    note = (
        html.P(
            tn("table.truncated", len(frame), lang, shown=format_number(len(shown), lang)),
            className="small",
        )
        if len(frame) > len(shown)
        else None
    )
    return html.Div(
        [
            dbc.Table([header, body], size="sm", striped=True, responsive=True, className="mb-1"),
            note,
        ],
        className="chart-table",
    )


def _reserved_box(figure: go.Figure) -> dict[str, str] | None:
    """The graph's box at the height its figure will be drawn, before it is drawn.

    A graph is drawn when it comes near the screen (assets/plotly_early.js): a box that
    already has its height keeps the page from moving as charts are drawn above the
    reader, and (contained, assets/charts.css) each measurement plotly.js makes while it
    draws lays out the chart alone, not the whole page.
    """
    height = figure.layout.height
    return {"height": f"{height + TOOLBAR_STRIP_PX}px"} if height else None


def chart_card(
    *,
    chart_id: str,
    title: str,
    figure: go.Figure | Component,
    takeaway: str,
    data: pd.DataFrame,
    lang: str,
    search: str = "",
    table_columns: list[str] | None = None,
    column_labels: Mapping[str, str] | None = None,
    note: Component | str | None = None,
    phone: Sequence[str] | None = None,
) -> dbc.Card:
    """A card for one chart; every chart carries its source, takeaway and downloads.

    `note` (optional) is shown between the takeaway and the source line, for what a reader
    must know to read the chart right (e.g. two sources that disagree); `column_labels`
    (optional) names the columns of the data table; `phone` (optional) lines replace the
    chart on a phone's narrow screen, where it would not read (e.g. a heatmap). `figure`
    may be a component instead (a table a person sorts): it is shown as it is, without
    image downloads or a second table.
    """
    demonstration = is_demonstration(data)
    drawn = isinstance(figure, go.Figure)
    heading = [html.H2(title, className="h6 mb-0 chart-title")]
    if demonstration:
        heading.append(demonstration_badge(lang))
    images = [
        html.Button(
            fmt.upper(),
            id={"type": "chart-image", "chart": chart_id, "fmt": fmt},
            className="btn btn-link btn-sm p-0 align-baseline" + (" me-2" if fmt == "png" else ""),
            **{"aria-label": t("chart.download_image", lang, fmt=fmt.upper(), title=title)},
        )
        for fmt in ("png", "svg")
    ]
    downloads = html.Div(
        [
            html.Span(t("chart.download", lang) + ":", className="me-1"),
            html.A("CSV", href=f"/charts/{chart_id}.csv{search}", className="me-2", download=""),
            html.A("Excel", href=f"/charts/{chart_id}.xlsx{search}", className="me-2", download=""),
            *(images if drawn else []),
        ],
        className="chart-downloads small no-print",
        **image_caption(title, data, lang),  # drawn into PNG/SVG downloads (assets/charts.js)
    )
    if isinstance(figure, go.Figure):
        figure.update_layout(separators=separators_for(lang))
        reserved = _reserved_box(figure)
        shown: Component = dcc.Graph(
            id=f"chart-{chart_id}",
            figure=figure,
            config={
                "displaylogo": False,
                "responsive": True,
                "toImageButtonOptions": {"format": "png", "filename": chart_id, "scale": 2},
                "modeBarButtonsToRemove": ["lasso2d", "select2d"],
            },
            className="chart-graph" + (f" {SIZED_GRAPH_CLASS}" if reserved else ""),
            style=reserved,
        )
    else:
        shown = figure
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(heading, className="d-flex align-items-center flex-wrap mb-2"),
                html.Figure(
                    [
                        *on_a_phone(shown, phone),
                        html.Figcaption(takeaway, className="chart-takeaway fw-semibold mt-1"),
                    ],
                    className="mb-1",
                    **{"aria-label": f"{title}. {takeaway}"},
                ),
                html.Div(note, className="chart-note small mb-1") if note is not None else None,
                source_line(data["source"] if "source" in data.columns else [], lang),
                (
                    table_details(chart_id, data, lang, search, table_columns, column_labels)
                    if drawn
                    else None
                ),
                downloads,
            ]
        ),
        className="chart-card h-100" + (" is-demonstration" if demonstration else ""),
        id=f"card-{chart_id}",
    )


def on_a_phone(graph: Component, phone: Sequence[str] | None) -> list[Component]:
    """The chart, or on a narrow screen its lines instead (CSS .chart-wide/.chart-phone)."""
    if not phone:
        return [graph]
    return [
        html.Div(graph, className="chart-wide"),
        html.Ol([html.Li(line) for line in phone], className="chart-phone small mb-1"),
    ]


def table_details(
    chart_id: str,
    data: pd.DataFrame,
    lang: str,
    search: str,
    columns: list[str] | None,
    labels: Mapping[str, str] | None,
) -> html.Details:
    """The "show the data" table under a chart, filled when first opened.

    A table of 50 rows is hundreds of components the browser must mount on every draw,
    and few readers open it; the rows come from the chart's download (same filters,
    same disclosure) when its summary is first clicked. A chart without a registered
    download keeps its table inline.
    """
    summary = html.Summary(
        t("chart.show_table", lang), id={"type": "chart-table-open", "chart": chart_id}
    )
    if not has_rows(chart_id):
        return html.Details(
            [summary, data_table(data, lang, columns, labels)],
            className="chart-details small mt-1",
        )
    request = {"search": search, "lang": lang, "columns": columns, "labels": dict(labels or {})}
    return html.Details(
        [
            summary,
            html.Div(id={"type": "chart-table", "chart": chart_id}, className="chart-table-slot"),
            dcc.Store(id={"type": "chart-table-request", "chart": chart_id}, data=request),
        ],
        className="chart-details small mt-1",
    )


@dash.callback(
    Output({"type": "chart-table", "chart": dash.MATCH}, "children"),
    Input({"type": "chart-table-open", "chart": dash.MATCH}, "n_clicks"),
    State({"type": "chart-table-request", "chart": dash.MATCH}, "data"),
    prevent_initial_call=True,
)
def fill_table(clicks: int | None, request: Mapping[str, object] | None) -> object:
    """The rows of a chart's table, the first time its summary is opened."""
    chart_id = dash.ctx.triggered_id["chart"] if dash.ctx.triggered_id else None
    if clicks != 1 or not isinstance(request, Mapping) or not has_rows(str(chart_id)):
        return dash.no_update
    lang = normalise_language(str(request.get("lang")))
    query = query_of(str(request.get("search") or ""))
    frame = for_table(chart_rows(str(chart_id), query))
    columns = request.get("columns")
    labels = request.get("labels")
    return data_table(
        frame,
        lang,
        [str(c) for c in columns if c in frame.columns] if isinstance(columns, list) else None,
        labels if isinstance(labels, Mapping) else None,
    )


def empty_card(
    *,
    chart_id: str,
    title: str,
    lang: str,
    message_key: str = "state.empty",
    note_key: str | None = None,
    warning: bool = False,
) -> dbc.Card:
    """The card shown when a selection has no data: says so in words.

    `note_key` adds a line saying what would fill it; `warning` shows the message as a
    warning (the data could not be read, rather than there is none).
    """
    message: Component = (
        dbc.Alert(t(message_key, lang), color="warning", className="mb-0")
        if warning
        else html.P(t(message_key, lang), className="text-muted")
    )
    note = html.P(t(note_key, lang), className="small text-muted mb-0") if note_key else None
    if message_key in GUIDED:
        guide = guide_address(lang, GUIDED[message_key])
        note = html.P(html.A(t("guide.link", lang), href=guide), className="small mb-0")
    return dbc.Card(
        dbc.CardBody([html.H2(title, className="h6"), message, note]),
        className="chart-card h-100",
        id=f"card-{chart_id}",
    )


dash.clientside_callback(
    ClientsideFunction(namespace="charts", function_name="downloadImage"),
    Output({"type": "chart-image", "chart": dash.MATCH, "fmt": dash.MATCH}, "title"),
    Input({"type": "chart-image", "chart": dash.MATCH, "fmt": dash.MATCH}, "n_clicks"),
    prevent_initial_call=True,
)
