"""SWOT: the QPS's strengths, weaknesses, opportunities and threats, as printed in the plan.

Items stay in Albanian as printed (no translation is stored as data). The plan does not
link SWOT items to its objectives, so none are shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html
from dash.development.base_component import Component

from dashboard.audience import current_database
from dashboard.components.declared import Chart, Filter, Page, plain, register_page
from dashboard.components.filters import FilterSpec, to_search
from dashboard.figures.swot import (
    QUADRANT_COLOURS,
    quadrant_counts,
    swot_counts_figure,
    swot_counts_takeaway,
)
from dashboard.i18n import t

QUADRANTS = ("S", "W", "O", "T")
FILTERS = (
    Filter(
        FilterSpec("quadrant", QUADRANTS, None),
        "swot.filter.quadrant",
        lambda lang: [(q, t(f"swot.quadrant.{q}", lang)) for q in QUADRANTS],
        width=3,
    ),
)


def quadrant_card(quadrant: str, rows: pd.DataFrame, lang: str) -> dbc.Card:
    """One quadrant: its heading as printed, its name in the language, its items in order."""
    first = rows.iloc[0]
    heading: list[Any] = [html.Span(first["quadrant_label"], lang="sq")]
    if lang != "sq":
        heading.append(
            html.Span(f" — {t(f'swot.quadrant.{quadrant}', lang)}", className="text-muted")
        )
    count = dbc.Badge(
        str(int(first["quadrant_items"])),
        color="light",
        text_color="dark",
        className="ms-2",
        title=t("swot.items_count", lang),
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2([*heading, count], className="h6"),
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


def quadrant_grid(items: pd.DataFrame, _values: Mapping[str, Any], lang: str) -> html.Div:
    """The quadrants of the selection, each with its items as printed, and their source."""
    cards = [
        dbc.Col(quadrant_card(q, items[items["quadrant"] == q], lang), md=6, className="mb-3")
        for q in QUADRANTS
        if (items["quadrant"] == q).any()
    ]
    source = html.P(
        [
            html.Span(f"{t('source.prefix', lang)}: ", className="fw-semibold"),
            items["source"].iloc[0],
        ],
        className="source-line small text-muted",
    )
    return html.Div([dbc.Row(cards, id="swot-grid"), source])


COUNTS = Chart(
    id="swot-counts",
    title_key="swot.chart.counts",
    dataset="swot",
    load=lambda _values: quadrant_counts(
        current_database().query("swot_items", {"quadrant": None})
    ),
    uses=("quadrant",),  # every quadrant is counted; the chosen one is highlighted
    figure=lambda counts, lang, values: swot_counts_figure(
        counts, lang, selected=values.get("quadrant")
    ),
    takeaway=plain(swot_counts_takeaway),
    takes_values=True,
)
ITEMS = Chart(
    id="swot-items",
    title_key="swot.title",
    dataset="swot",
    query="swot_items",
    params=lambda values: {"quadrant": values.get("quadrant")},
    uses=("quadrant",),
    render=quadrant_grid,
)


def arrange(cards: Mapping[str, Component], values: Mapping[str, Any], lang: str) -> list:
    """The quadrants, the counts chart, and the link to the items' download."""
    search = to_search({"quadrant": values["quadrant"]}, PAGE.defaults, lang)
    return [
        cards["swot-items"],
        dbc.Row(dbc.Col(cards["swot-counts"], lg=6), className="mb-3"),
        html.P(
            [
                t("swot.download_items", lang),
                " ",
                html.A("CSV", href=f"/charts/swot-items.csv{search}", download=""),
            ],
            className="small no-print",
        ),
    ]


def notes(_cards: Mapping[str, Component], lang: str) -> list[html.P | None]:
    """What the plan does not say (no links to objectives), and in which language items are."""
    return [
        html.P(t("swot.no_links", lang), className="small text-muted", id="swot-no-links"),
        html.P(t("swot.language_note", lang), className="small text-muted")
        if lang != "sq"
        else None,
    ]


PAGE = register_page(
    Page(
        module=__name__,
        path="/swot",
        name="swot",
        order=5,
        filters=FILTERS,
        charts=(COUNTS, ITEMS),
        intro=notes,
        arrange=arrange,
    )
)
