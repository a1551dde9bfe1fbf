"""The page for an address the dashboard does not have (Dash shows it for unknown paths)."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.components.frame import menu_pages, with_language
from dashboard.i18n import normalise_language, t

dash.register_page(__name__, path="/404", name="not_found", title="404 – Mitrovicë e Jugut")


def layout(lang: str | None = None, **_query: str) -> html.Div:
    """Say plainly that the page does not exist and offer the pages that do."""
    lang = normalise_language(lang)
    return html.Div(
        dbc.Card(
            dbc.CardBody(
                [
                    html.P(
                        "404",
                        className="display-4 fw-bold text-muted mb-0",
                        **{"aria-hidden": "true"},
                    ),
                    html.H1(t("notfound.title", lang), className="h3", id="notfound-title"),
                    html.P(t("notfound.lead", lang), className="lead"),
                    dcc.Link(
                        t("notfound.back", lang),
                        href=with_language("/", lang),
                        className="btn btn-primary mb-3",
                        id="notfound-home",
                    ),
                    html.H2(t("notfound.pages", lang), className="h6"),
                    html.Ul(
                        [
                            html.Li(dcc.Link(t(key, lang), href=with_language(path, lang)))
                            for path, key in menu_pages()
                        ],
                        className="notfound-pages",
                    ),
                ]
            ),
            className="my-4",
            style={"maxWidth": "40rem"},
        ),
        className="page-not-found",
        role="region",
        **{"aria-labelledby": "notfound-title"},
    )
