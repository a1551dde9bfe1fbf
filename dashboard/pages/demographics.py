"""Demographics: settlements, ethnicity, age, and Kosovo's municipalities on a map.

Filters live in the URL (?type=rural&sort=area_desc&ethnicity=text): the layout reads
them, the callback renders the cards for the controls and writes the address back.
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
from dashboard.boundaries import municipal_boundaries
from dashboard.components.chart_card import chart_card, empty_card
from dashboard.components.chart_data import register_chart_data
from dashboard.components.filters import (
    FilterSpec,
    parse_filters,
    query_of,
    rejected_notice,
    to_search,
)
from dashboard.components.frame import with_language
from dashboard.components.print_header import print_header
from dashboard.components.source import source_line
from dashboard.figures import demographics as figures
from dashboard.i18n import normalise_language, t
from dashboard.pages._page_tools import card_once, drawn_once
from dashboard.vocabulary import MUNICIPALITY

PATH = "/demografia"
dash.register_page(__name__, path=PATH, name="demographics", title="Demografia – Mitrovicë e Jugut")

logger = logging.getLogger(__name__)
HALF = {"xs": 12, "lg": 6, "className": "mb-3"}
SETTLEMENT_TYPES = ("all", "urban", "rural")
SORT_COLUMNS = ("population", "area", "density", "name")
SORT_ORDERS = tuple(f"{c}_{d}" for c in SORT_COLUMNS for d in ("desc", "asc"))
ETHNICITY_SOURCES = ("table", "text")
FILTERS = (
    FilterSpec("type", SETTLEMENT_TYPES, "all"),
    FilterSpec("sort", SORT_ORDERS, "population_desc"),
    FilterSpec("ethnicity", ETHNICITY_SOURCES, "table"),
)
DEFAULTS = {spec.name: spec.default for spec in FILTERS}
# Columns of the settlement table: (frame column, message key, sort column or None).
TABLE_COLUMNS = (
    ("settlement", "demography.col.settlement", "name"),
    ("settlement_type", "demography.col.settlement_type", None),
    ("population", "demography.col.population", "population"),
    ("area_km2", "demography.col.area_km2", "area"),
    ("density_printed", "demography.col.density_printed", None),
    ("density_computed", "demography.col.density_computed", "density"),
)


# --- the data behind each chart (also served as CSV/Excel) --------------------------------


def settlements_frame(values: Mapping[str, Any]) -> pd.DataFrame:
    """Tabela 5's settlements of the chosen type, in the chosen order."""
    return current_database().query(
        "settlements_ranked", {"settlement_type": values["type"], "sort": values["sort"]}
    )


def density_frame(values: Mapping[str, Any]) -> pd.DataFrame:
    """The settlements whose printed density disagrees with population ÷ area."""
    return figures.density_differences(settlements_frame(values))


def ethnicity_frame(values: Mapping[str, Any]) -> pd.DataFrame:
    """Residents by ethnicity from the chosen source (Tabela 3 or the text)."""
    return current_database().query("population_by_ethnicity", {"source_kind": values["ethnicity"]})


def age_frame(_values: Mapping[str, Any]) -> pd.DataFrame:
    """Residents by age band (Tabela 4)."""
    return current_database().query("population_by_age_group")


def age_sex_frame(_values: Mapping[str, Any]) -> pd.DataFrame:
    """Residents by age and sex as imported from ASK (no rows until an import)."""
    return current_database().query("population_by_age_sex", {"municipality": MUNICIPALITY})


def municipalities_frame(_values: Mapping[str, Any]) -> pd.DataFrame:
    """Population of every municipality in 2011 and 2024 and the change."""
    return current_database().query("population_change_by_municipality")


# Each download is the frame of the chart for the filters in its URL.
CHART_FRAMES = {
    "demography-settlements": settlements_frame,
    "demography-treemap": settlements_frame,
    "demography-density": density_frame,
    "demography-ethnicity": ethnicity_frame,
    "demography-age": age_frame,
    "demography-age-sex": age_sex_frame,
    "demography-map": municipalities_frame,
}
for _chart_id, _frame in CHART_FRAMES.items():
    register_chart_data(
        _chart_id, lambda query, frame=_frame: frame(parse_filters(query, FILTERS).values)
    )


# --- cards -------------------------------------------------------------------------------


def _labels(lang: str, keys: Mapping[str, str]) -> dict[str, str]:
    return {column: t(key, lang) for column, key in keys.items()}


def _sort_link(column: str, sort_column: str | None, values: Mapping[str, Any], lang: str) -> Any:
    """A header that sorts the table (and the ranked bar) by its column, through the URL."""
    label = t(dict((c, k) for c, k, _ in TABLE_COLUMNS)[column], lang)
    if sort_column is None:
        return html.Th(label, scope="col")
    current_column, direction = values["sort"].rsplit("_", 1)
    active = current_column == sort_column
    if active:
        next_direction = "asc" if direction == "desc" else "desc"
    else:
        next_direction = "asc" if sort_column == "name" else "desc"
    href = PATH + to_search({**values, "sort": f"{sort_column}_{next_direction}"}, DEFAULTS, lang)
    arrow = ("▼" if direction == "desc" else "▲") if active else "↕"
    return html.Th(
        dcc.Link(
            [label, html.Span(f" {arrow}", **{"aria-hidden": "true"})],
            href=href,
            className="sort-link",
            title=t("demography.table.sort_by", lang, column=label),
        ),
        scope="col",
        **{
            "aria-sort": ("descending" if direction == "desc" else "ascending")
            if active
            else "none"
        },
    )


def settlements_table_card(
    frame: pd.DataFrame, values: Mapping[str, Any], lang: str, search: str
) -> dbc.Card:
    """The sortable table of settlements: type, population, area, density printed and computed."""
    header = html.Thead(html.Tr([_sort_link(c, s, values, lang) for c, _, s in TABLE_COLUMNS]))
    rows = []
    for _, row in frame.iterrows():
        printed = (
            row["density_printed_text"]
            if pd.isna(row["density_printed"]) and isinstance(row["density_printed_text"], str)
            else figures.number_or_mark(row["density_printed"], lang)
        )
        differs = bool(row["density_differs"])
        rows.append(
            html.Tr(
                [
                    html.Th(row["settlement"], scope="row"),
                    html.Td(figures.type_label(row["settlement_type"], lang)),
                    html.Td(figures.number_or_mark(row["population"], lang), className="text-end"),
                    html.Td(figures.number_or_mark(row["area_km2"], lang, 2), className="text-end"),
                    html.Td(
                        [
                            printed,
                            html.Span(" ≠", className="text-danger fw-bold") if differs else None,
                        ],
                        className="text-end",
                        title=t("demography.table.differs", lang) if differs else None,
                    ),
                    html.Td(
                        figures.number_or_mark(row["density_computed"], lang, 1),
                        className="text-end",
                    ),
                ],
                className="table-warning" if differs else None,
            )
        )
    chart_id = "demography-settlements"
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2(
                    t("demography.table.title", lang),
                    className="h6 chart-title",
                    id="settlements-table-title",
                ),
                html.P(t("demography.table.lead", lang), className="small text-muted mb-2"),
                html.Div(
                    html.Table(
                        [header, html.Tbody(rows)],
                        className="table table-sm table-striped table-hover mb-1 settlements-table",
                        **{"aria-labelledby": "settlements-table-title"},
                    ),
                    className="table-responsive settlements-table-wrap",
                    tabIndex="0",
                    role="region",
                    **{"aria-labelledby": "settlements-table-title"},
                ),
                source_line(frame["source"], lang),
                html.Div(
                    [
                        html.Span(t("chart.download", lang) + ":", className="me-1"),
                        html.A(
                            "CSV",
                            href=f"/charts/{chart_id}.csv{search}",
                            className="me-2",
                            download="",
                        ),
                        html.A("Excel", href=f"/charts/{chart_id}.xlsx{search}", download=""),
                    ],
                    className="chart-downloads small no-print",
                ),
            ]
        ),
        className="chart-card h-100",
        id="card-demography-settlements-table",
    )


def _quality_link(lang: str) -> dcc.Link:
    return dcc.Link(t("demography.quality_link", lang), href=with_language("/cilesia", lang))


def _type_cards(chosen: Mapping[str, Any], lang: str, search: str) -> tuple[dbc.Card, dbc.Card]:
    """The treemap and the printed-vs-computed densities of the settlements of one type."""
    frame = settlements_frame({**DEFAULTS, **chosen})
    labels = _labels(lang, {c: k for c, k, _ in TABLE_COLUMNS})
    differences = figures.density_differences(frame)
    treemap = chart_card(
        chart_id="demography-treemap",
        title=t("demography.treemap.title", lang),
        figure=figures.settlements_treemap(frame, lang),
        takeaway=figures.treemap_takeaway(frame, lang),
        data=frame,
        lang=lang,
        search=search,
        table_columns=["settlement", "settlement_type", "population"],
        column_labels=labels,
        note=t("demography.treemap.note", lang),
    )
    density = chart_card(
        chart_id="demography-density",
        title=t("demography.density.title", lang),
        figure=figures.density_figure(differences, lang),
        takeaway=figures.density_takeaway(differences, frame, lang),
        data=differences,
        lang=lang,
        search=search,
        column_labels={
            **labels,
            "density_difference": t("demography.col.density_difference", lang),
        },
        note=html.Span([t("demography.density.note", lang), " ", _quality_link(lang)]),
    )
    return treemap, density


def _settlement_cards(values: Mapping[str, Any], lang: str, search: str) -> list[Any]:
    frame = settlements_frame(values)
    if frame.empty:
        return [
            empty_card(
                chart_id="demography-settlements",
                title=t("demography.settlements.title", lang),
                lang=lang,
            )
        ]
    totals = current_database().query("settlement_totals").iloc[0]
    totals_note = html.Span(
        [
            t(
                "demography.settlements.totals_note",
                lang,
                listed=figures.number_or_mark(totals["listed_settlements"], lang),
                listed_population=figures.number_or_mark(totals["listed_population"], lang),
                printed=figures.number_or_mark(totals["printed_settlements"], lang),
                printed_population=figures.number_or_mark(totals["printed_population"], lang),
            ),
            " ",
            _quality_link(lang),
        ]
    )
    measure = figures.sort_measure(values["sort"])
    labels = _labels(lang, {c: k for c, k, _ in TABLE_COLUMNS})
    bar = chart_card(
        chart_id="demography-settlements",
        title=t(f"demography.settlements.title.{measure}", lang),
        figure=figures.settlements_bar(frame, lang, values["sort"]),
        takeaway=figures.settlements_takeaway(frame, lang, values["sort"]),
        data=frame,
        lang=lang,
        search=search,
        table_columns=[c for c, _, _ in TABLE_COLUMNS],
        column_labels=labels,
        note=totals_note,
    )
    # The treemap and the densities do not depend on the sort order: drawn per type only.
    treemap, density = card_once(
        "demographics",
        "treemap-density",
        ("type",),
        values,
        lang,
        lambda chosen, lang: _type_cards(chosen, lang, to_search(chosen, DEFAULTS, lang)),
    )
    return [
        dbc.Row(
            [
                dbc.Col(bar, xs=12, lg=7, className="mb-3"),
                dbc.Col(
                    [html.Div(treemap, className="mb-3"), html.Div(density, className="mb-3")],
                    xs=12,
                    lg=5,
                ),
            ]
        ),
        dbc.Row(
            dbc.Col(settlements_table_card(frame, values, lang, search), xs=12, className="mb-3")
        ),
    ]


def _ethnicity_card(values: Mapping[str, Any], lang: str, search: str) -> dbc.Card:
    source_kind = values["ethnicity"]
    frame = ethnicity_frame(values)
    title = t("demography.ethnicity.title", lang)
    if frame.empty:
        return empty_card(chart_id="demography-ethnicity", title=title, lang=lang)
    comparison = current_database().query(
        "ethnicity_source_comparison", {"municipality": MUNICIPALITY}
    )
    note: list[Any] = []
    if not comparison.empty:
        other = "text" if source_kind == "table" else "table"
        note = [
            dbc.Badge(
                t("demography.ethnicity.sources_disagree", lang),
                color="warning",
                text_color="dark",
                className="me-1",
            ),
            t(
                "demography.ethnicity.note",
                lang,
                source=t(f"demography.ethnicity.source.{source_kind}", lang),
                other=t(f"demography.ethnicity.source.{other}", lang),
                items="; ".join(figures.ethnicity_disagreements(comparison, lang)),
            ),
        ]
        implied = figures.ethnicity_implied(comparison, lang)
        if implied:
            note += [" ", implied]
        note += [" ", _quality_link(lang)]
    labels = {
        "ethnicity": t("demography.col.ethnicity", lang),
        "year": t("demography.col.year", lang),
        "population": t("demography.col.population", lang),
        "percent_printed": t("demography.col.percent_printed", lang),
        "note": t("demography.col.note", lang),
    }
    return chart_card(
        chart_id="demography-ethnicity",
        title=title + " – " + t(f"demography.ethnicity.source.{source_kind}", lang),
        figure=figures.ethnicity_figure(frame, lang),
        takeaway=figures.ethnicity_takeaway(frame, source_kind, lang),
        data=frame,
        lang=lang,
        search=search,
        table_columns=list(labels),
        column_labels=labels,
        note=html.Span(note) if note else None,
    )


def _age_card(lang: str, search: str) -> dbc.Card:
    frame = age_frame({})
    title = t("demography.age.title", lang)
    if frame.empty:
        return empty_card(chart_id="demography-age", title=title, lang=lang)
    labels = {
        "age_group": t("demography.col.age_group", lang),
        "year": t("demography.col.year", lang),
        "population": t("demography.col.population", lang),
        "percent_printed": t("demography.col.percent_printed", lang),
        "label_printed": t("demography.col.label_printed", lang),
    }
    return chart_card(
        chart_id="demography-age",
        title=title,
        figure=figures.age_figure(frame, lang),
        takeaway=figures.age_takeaway(frame, lang),
        data=frame,
        lang=lang,
        search=search,
        table_columns=list(labels),
        column_labels=labels,
    )


def age_sex_card(frame: pd.DataFrame, lang: str, search: str) -> dbc.Card:
    """The age pyramid when the ASK table by age and sex is imported; otherwise why not."""
    title = t("demography.age_sex.title", lang)
    if frame.dropna(subset=["population"]).empty:
        return dbc.Card(
            dbc.CardBody(
                [
                    html.H2(title, className="h6 chart-title"),
                    html.P(t("demography.age_sex.empty", lang), className="text-muted mb-1"),
                    html.P(
                        t("demography.age_sex.empty_how", lang), className="small text-muted mb-0"
                    ),
                ]
            ),
            className="chart-card h-100",
            id="card-demography-age-sex",
        )
    return chart_card(
        chart_id="demography-age-sex",
        title=title,
        figure=figures.age_sex_figure(frame, lang),
        takeaway=figures.age_sex_takeaway(frame, lang),
        data=frame,
        lang=lang,
        search=search,
    )


def _age_sex_card(lang: str, search: str) -> dbc.Card:
    try:
        frame = age_sex_frame({})
    except Exception:  # an import in an unexpected shape must not take the page down
        logger.exception("population_by_age_sex could not be read")
        return dbc.Card(
            dbc.CardBody(
                [
                    html.H2(t("demography.age_sex.title", lang), className="h6 chart-title"),
                    dbc.Alert(
                        t("demography.age_sex.error", lang), color="warning", className="mb-0"
                    ),
                ]
            ),
            className="chart-card h-100",
            id="card-demography-age-sex",
        )
    return age_sex_card(frame, lang, search)


def _map_card(lang: str, search: str) -> dbc.Card:
    frame = municipalities_frame({})
    title = t("demography.map.title", lang)
    if frame.empty:
        return empty_card(chart_id="demography-map", title=title, lang=lang)
    labels = {
        "municipality": t("demography.col.municipality", lang),
        "population_2011": t("demography.col.population_2011", lang),
        "population_2024": t("demography.col.population_2024", lang),
        "change": t("demography.col.change", lang),
        "note_2011": t("demography.col.note", lang),
    }
    return chart_card(
        chart_id="demography-map",
        title=title,
        figure=figures.population_change_map(frame, municipal_boundaries(), lang, MUNICIPALITY),
        takeaway=figures.map_takeaway(frame, lang, MUNICIPALITY),
        data=frame,
        lang=lang,
        search=search,
        table_columns=list(labels),
        column_labels=labels,
        note=html.Span(t("demography.map.attribution", lang), className="map-attribution"),
    )


@drawn_once("demographics")
def render(values: Mapping[str, Any], lang: str) -> list[Any]:
    """Every card of the page for valid filter values."""

    def card(name: str, uses: tuple[str, ...], draw: Callable[..., Any]) -> Any:
        # Each card is drawn for the filters it uses only (its links carry those alone).
        return card_once(
            "demographics",
            name,
            uses,
            values,
            lang,
            lambda relevant, lang: draw(relevant, lang, to_search(relevant, DEFAULTS, lang)),
        )

    return [
        html.H2(t("demography.section.settlements", lang), className="h5 section-title mt-2"),
        *card("settlements", ("type", "sort"), _settlement_cards),
        html.H2(t("demography.section.people", lang), className="h5 section-title mt-2"),
        dbc.Row(
            [
                dbc.Col(card("ethnicity", ("ethnicity",), _ethnicity_card), **HALF),
                dbc.Col(card("age", (), lambda _v, lang, search: _age_card(lang, search)), **HALF),
            ]
        ),
        html.H2(t("demography.section.kosovo", lang), className="h5 section-title mt-2"),
        dbc.Row(
            [
                dbc.Col(
                    card("map", (), lambda _v, lang, search: _map_card(lang, search)),
                    xs=12,
                    lg=7,
                    className="mb-3",
                ),
                dbc.Col(
                    card("age-sex", (), lambda _v, lang, search: _age_sex_card(lang, search)),
                    xs=12,
                    lg=5,
                    className="mb-3",
                ),
            ]
        ),
    ]


# --- layout and callback -----------------------------------------------------------------


def _controls(values: Mapping[str, Any], lang: str) -> html.Div:
    def select(name: str, options: list[dict[str, str]]) -> dbc.Col:
        return dbc.Col(
            [
                dbc.Label(t(f"demography.filter.{name}", lang), html_for=f"demography-{name}"),
                dbc.Select(id=f"demography-{name}", options=options, value=values[name]),
            ],
            xs=12,
            md=4,
            className="mb-2",
        )

    row = dbc.Row(
        [
            select(
                "type",
                [{"label": t(f"demography.type.{v}", lang), "value": v} for v in SETTLEMENT_TYPES],
            ),
            select(
                "sort",
                [{"label": t(f"demography.sort.{v}", lang), "value": v} for v in SORT_ORDERS],
            ),
            select(
                "ethnicity",
                [
                    {"label": t(f"demography.ethnicity.source.{v}", lang), "value": v}
                    for v in ETHNICITY_SOURCES
                ],
            ),
        ],
        className="g-2",
    )
    return html.Div(
        row,
        className="filter-bar mb-2",
        role="group",
        **{"aria-label": t("demography.filter.label", lang)},
    )


def layout(lang: str | None = None, **query: str) -> html.Div:
    """The demographics page for the filters in the URL."""
    lang = normalise_language(lang)
    parsed = parse_filters(query, FILTERS)
    title = t("demography.title", lang)
    return html.Div(
        [
            print_header(title, lang),
            dcc.Location(id="demography-url", refresh=False),
            dcc.Store(id="demography-lang", data=lang),
            html.H1(title, className="h3 mt-3"),
            html.P(t("demography.lead", lang), className="lead"),
            rejected_notice(parsed, lang),
            _controls(parsed.values, lang),
            dcc.Loading(
                html.Div(
                    html.P(t("state.loading", lang), className="text-muted"),
                    id="demography-content",
                ),
                custom_spinner=html.Div(
                    [dbc.Spinner(size="sm", spinner_class_name="me-2"), t("state.loading", lang)],
                    role="status",
                    className="text-muted",
                ),
                delay_show=300,
            ),
        ],
        className="page-demographics",
    )


def respond(query: Mapping[str, Any], lang: str | None) -> tuple[list[Any], str, str, str, str]:
    """The cards, the address and the controls' values for a query (from controls or URL).

    Invalid values fall back to their defaults, with a notice saying which were refused.
    """
    lang = normalise_language(lang)
    parsed = parse_filters(query, FILTERS)
    values = parsed.values
    search = to_search(values, DEFAULTS, lang)
    notice = rejected_notice(parsed, lang).children
    try:
        cards = render(values, lang)
    except Exception:
        logger.exception("demographics page")
        cards = [dbc.Alert(t("state.error", lang), color="danger")]
    return [notice, *cards], search, values["type"], values["sort"], values["ethnicity"]


@callback(
    Output("demography-content", "children"),
    Output("demography-url", "search"),
    Output("demography-type", "value"),
    Output("demography-sort", "value"),
    Output("demography-ethnicity", "value"),
    Input("demography-type", "value"),
    Input("demography-sort", "value"),
    Input("demography-ethnicity", "value"),
    Input("demography-url", "search"),
    State("demography-lang", "data"),
)
def update(
    settlement_type: str, sort: str, ethnicity: str, search: str | None, lang: str | None
) -> tuple[Any, ...]:
    """A control changed: render and write the address; back/forward: render from the URL."""
    if dash.ctx.triggered_id == "demography-url":
        content, _search, *controls = respond(query_of(search), lang)
        return content, dash.no_update, *controls
    content, new_search, *_controls = respond(
        {"type": settlement_type, "sort": sort, "ethnicity": ethnicity}, lang
    )
    return content, new_search, dash.no_update, dash.no_update, dash.no_update
