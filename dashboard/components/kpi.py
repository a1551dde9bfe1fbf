"""A headline figure with its detail line, its source and an optional link."""

from __future__ import annotations

from collections.abc import Iterable

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from dashboard.components.source import source_line


def kpi_card(
    *,
    card_id: str,
    title: str,
    value: str,
    detail: str | None,
    sources: Iterable[object],
    lang: str,
    href: str | None = None,
    link_text: str | None = None,
    extra: Component | None = None,
) -> dbc.Card:
    """A card for one key figure; every figure carries the source it was read from.

    `extra` (optional) is shown under the detail line, e.g. a status still to come.
    """
    body = [
        html.H2(title, className="kpi-title h6 text-muted"),
        html.P(value, className="kpi-value display-6 fw-bold mb-1", id=f"{card_id}-value"),
    ]
    if detail:
        body.append(html.P(detail, className="kpi-detail mb-2"))
    if extra is not None:
        body.append(extra)
    if href and link_text:
        body.append(dcc.Link(link_text, href=href, className="kpi-link d-block mb-2"))
    body.append(source_line(sources, lang))
    return dbc.Card(dbc.CardBody(body), className="kpi-card h-100", id=card_id)
