"""SWOT: the QPS's strengths, weaknesses, opportunities and threats, as printed in the plan.

Items stay in Albanian as printed (no translation is stored as data). The plan does not
link SWOT items to its objectives, so none are shown.
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
from dashboard.figures.swot import (
    QUADRANT_COLOURS,
    quadrant_counts,
    swot_counts_figure,
    swot_counts_takeaway,
)
from dashboard.i18n import normalise_language, t
from dashboard.pages._page_tools import (
    control_value,
    drawn_once,
    filter_dropdown,
    for_table,
    guarded,
    page_heading,
    parse_controls,
)

dash.register_page(
    __name__, path="/swot", name="swot", order=5, menu_key="nav.swot", title="Analiza SWOT e QPS-së"
)

QUADRANTS = ("S", "W", "O", "T")
FILTERS: tuple[FilterSpec, ...] = (FilterSpec("quadrant", QUADRANTS, None),)
DEFAULTS = {spec.name: spec.default for spec in FILTERS}


def swot_items(quadrant: str | None) -> pd.DataFrame:
    """The items as printed, in order, optionally of one quadrant."""
    return current_database().query("swot_items", {"quadrant": quadrant})


def _counts_frame(_query: Mapping[str, str]) -> pd.DataFrame:
    return quadrant_counts(swot_items(None))


def _items_frame(query: Mapping[str, str]) -> pd.DataFrame:
    return swot_items(parse_filters(query, FILTERS).values["quadrant"])


register_chart_data("swot-counts", _counts_frame)
register_chart_data("swot-items", _items_frame)


def quadrant_card(quadrant: str, rows: pd.DataFrame, lang: str) -> dbc.Card:
    """One quadrant: its heading as printed, its name in the language, its items in order."""
    first = rows.iloc[0]
    heading = [html.Span(first["quadrant_label"], lang="sq")]
    if lang != "sq":
        heading.append(
            html.Span(f" — {t(f'swot.quadrant.{quadrant}', lang)}", className="text-muted")
        )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2(
                    [
                        *heading,
                        dbc.Badge(
                            str(int(first["quadrant_items"])),
                            color="light",
                            text_color="dark",
                            className="ms-2",
                            title=t("swot.items_count", lang),
                        ),
                    ],
                    className="h6",
                ),
                html.Ol(
                    [html.Li(text, lang="sq") for text in rows["item_text"]],
                    className="mb-0 swot-items",
                ),
            ]
        ),
        className=f"swot-quadrant swot-{quadrant} h-100",
        style={"borderTop": f"4px solid {QUADRANT_COLOURS[quadrant]}"},
        id=f"swot-{quadrant}",
    )


@drawn_once("swot")
def render_content(values: Mapping[str, Any], lang: str) -> list:
    """The counts chart and the quadrants."""
    search = to_search(values, DEFAULTS, lang)
    items = swot_items(values["quadrant"])
    title = t("swot.chart.counts", lang)
    if items.empty:
        return [empty_card(chart_id="swot-counts", title=title, lang=lang)]
    counts = quadrant_counts(swot_items(None))
    cards = [
        dbc.Col(quadrant_card(q, items[items["quadrant"] == q], lang), md=6, className="mb-3")
        for q in QUADRANTS
        if (items["quadrant"] == q).any()
    ]
    return [
        dbc.Row(cards, id="swot-grid"),
        html.P(
            [
                html.Span(f"{t('source.prefix', lang)}: ", className="fw-semibold"),
                items["source"].iloc[0],
            ],
            className="source-line small text-muted",
        ),
        dbc.Row(
            dbc.Col(
                chart_card(
                    chart_id="swot-counts",
                    title=title,
                    figure=swot_counts_figure(counts, lang, values["quadrant"]),
                    takeaway=swot_counts_takeaway(counts, lang),
                    data=for_table(counts),
                    lang=lang,
                    search=search,
                ),
                lg=6,
            ),
            className="mb-3",
        ),
        html.P(
            [
                t("swot.download_items", lang),
                " ",
                html.A("CSV", href=f"/charts/swot-items.csv{search}", download=""),
            ],
            className="small no-print",
        ),
    ]


def layout(lang: str | None = None, **query: str) -> html.Div:
    """The SWOT page for the quadrant in the URL."""
    lang = normalise_language(lang)

    def render() -> list:
        parsed = parse_filters(query, FILTERS)
        return [
            rejected_notice(parsed, lang),
            dbc.Row(
                filter_dropdown(
                    "swot-quadrant",
                    t("swot.filter.quadrant", lang),
                    [(q, t(f"swot.quadrant.{q}", lang)) for q in QUADRANTS],
                    control_value(parsed.values["quadrant"]),
                    lang,
                ),
                className="filter-bar no-print",
            ),
            html.Div(render_content(parsed.values, lang), id="swot-content"),
        ]

    return html.Div(
        [
            dcc.Location(id="swot-url", refresh=False),
            dcc.Store(id="swot-lang", data=lang),
            page_heading(
                t("swot.title", lang),
                t("swot.lead", lang),
                html.P(t("swot.no_links", lang), className="small text-muted", id="swot-no-links"),
                html.P(t("swot.language_note", lang), className="small text-muted")
                if lang != "sq"
                else None,
            ),
            html.Div(guarded(render, lang, "swot page"), id="swot-body"),
        ],
        className="page-swot",
    )


@callback(
    Output("swot-content", "children"),
    Output("swot-url", "search"),
    Input("swot-quadrant", "value"),
    State("swot-lang", "data"),
    prevent_initial_call=True,
)
def update_swot(quadrant: str | None, lang: str | None) -> tuple[Any, str]:
    """Show one quadrant or all, and write the choice into the address."""
    lang = normalise_language(lang)
    parsed = parse_controls({"quadrant": quadrant}, FILTERS)
    content = guarded(lambda: render_content(parsed.values, lang), lang, "swot content")
    return content, to_search(parsed.values, DEFAULTS, lang)
