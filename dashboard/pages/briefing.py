"""Briefing: one A4 sheet for the mayor's meeting, the headline and chart of every page.

Each headline carries its chart and its source; the sheet names the municipality and is
dated. "PDF" downloads the sheet printed on the server (dashboard/briefing_pdf.py);
"Print / Save as PDF" opens the browser's print dialog (assets/print.css and
assets/briefing.css fit it on one A4 landscape sheet). The content is shared with the
PDF (dashboard/pages/_briefing.py).
"""

from __future__ import annotations

import dash
from dash import Input, Output, html
from dash.development.base_component import Component

from dashboard.components.declared import register_page_module
from dashboard.i18n import normalise_language, t
from dashboard.pages._briefing import briefing_document
from dashboard.pages._briefing_pdf import PDF_PATH, chromium_path

register_page_module(
    __name__, path="/permbledhja", name="briefing", order=7, title="Përmbledhje – Mirëqenia sociale"
)


def actions(lang: str) -> html.Div:
    """The PDF download and the print button (neither is printed).

    Without Chromium on the server the PDF cannot be made: the button says so instead
    of leading to an error.
    """
    if chromium_path() is None:
        pdf: Component = html.Span(
            [
                html.Button(
                    t("briefing.pdf", lang),
                    className="btn btn-outline-secondary",
                    type="button",
                    disabled=True,
                    **{"aria-describedby": "briefing-pdf-note"},
                ),
                html.Span(
                    t("briefing.pdf_unavailable", lang),
                    id="briefing-pdf-note",
                    className="briefing-pdf-note small text-muted",
                ),
            ],
            id="briefing-pdf",
            className="briefing-pdf-unavailable",
        )
    else:
        pdf = html.A(
            t("briefing.pdf", lang),
            href=f"{PDF_PATH}?lang={lang}",
            id="briefing-pdf",
            className="btn btn-primary",
            title=t("briefing.pdf_help", lang),
            download="",
        )
    return html.Div(
        [
            pdf,
            html.Button(
                t("briefing.print", lang),
                id="briefing-print",
                className="btn btn-outline-primary",
                type="button",
            ),
        ],
        className="briefing-actions no-print",
    )


def layout(lang: str | None = None, **_query: str) -> html.Div:
    """The briefing in the language of ?lang=."""
    lang = normalise_language(lang)
    return briefing_document(lang, actions(lang))


dash.clientside_callback(
    """
    function (clicks) {
        if (clicks) { window.print(); }
        return window.dash_clientside.no_update;
    }
    """,
    Output("briefing-print", "title"),
    Input("briefing-print", "n_clicks"),
    prevent_initial_call=True,
)
