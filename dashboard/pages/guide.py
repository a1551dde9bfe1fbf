"""A plain-language guide for citizens: what the marks on the charts and tables mean.

Linked from the footer of every page and from the places the marks appear (a withheld
figure's note, a view not published at its detail, the demonstration notice).
"""

from __future__ import annotations

import dash
from dash import html

from dashboard.components.frame import GUIDE_PATH, with_language
from dashboard.i18n import normalise_language, t

dash.register_page(__name__, path=GUIDE_PATH, name="guide", title="Udhëzuesi – Mitrovicë e Jugut")

# Each entry: the mark or term as the pages show it, and what it means.
ENTRIES = (
    "small",
    "secondary",
    "detail",
    "demonstration",
    "printed",
    "planned",
    "missing",
)


def layout(lang: str | None = None, **_query: str) -> html.Div:
    """The guide: one short paragraph per mark, in the reader's language."""
    lang = normalise_language(lang)
    items = []
    for entry in ENTRIES:
        items += [
            html.Dt(t(f"guide.{entry}.term", lang), id=f"guide-{entry}"),
            html.Dd(t(f"guide.{entry}.text", lang), className="mb-3"),
        ]
    return html.Div(
        [
            html.H1(t("guide.title", lang), className="h3 mt-3"),
            html.P(t("guide.lead", lang), className="lead"),
            html.Dl(items, className="guide-entries"),
            html.P(
                [
                    t("guide.more", lang),
                    " ",
                    html.A(t("nav.quality", lang), href=with_language("/cilesia", lang)),
                    ".",
                ],
                className="small text-muted",
            ),
        ],
        className="page-guide",
        style={"maxWidth": "48rem"},
    )
