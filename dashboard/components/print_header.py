"""The header a printed page starts with: who publishes it, the page title and the date.

Hidden on screen (class print-only, see assets/print.css).
"""

from __future__ import annotations

from datetime import date

from dash import html

from dashboard.i18n import format_date, t


def print_header(title: str, lang: str, today: date | None = None) -> html.Div:
    """The title and date a printed page starts with."""
    return html.Div(
        [
            html.Div(t("app.municipality", lang) + " · " + t("app.directorate", lang)),
            html.Div(html.Strong(title), className="print-title"),
            html.Div(t("print.printed_on", lang, date=format_date(today or date.today(), lang))),
        ],
        className="print-only print-header mb-2",
    )
