"""The briefing's content, shared by its page (/permbledhja) and its PDF (/permbledhja.pdf).

The tiles (dashboard/pages/_briefing_tiles.py: one headline per page of the dashboard,
each with its small chart and its source) under a masthead naming the municipality, the
date and the period the figures cover. Built once as Dash components: the page shows
them, dashboard/briefing_pdf.py renders the same tree as a standalone HTML document for
Chromium to print. Everything is read
through `current_database()`, so the public (on the page and in the PDF) sees the
published layer only.

(Dash does not load files whose name starts with "_" as pages.)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
from dash import html
from dash.development.base_component import Component

from dashboard.audience import current_database
from dashboard.cache import memo
from dashboard.components.page_tools import (
    MUNICIPALITY,
    TOTAL_SERVICES_INDICATOR,
    current_role,
    guarded,
)
from dashboard.figures.briefing import period_text, years_covered
from dashboard.i18n import format_date, t
from dashboard.pages._briefing_tiles import CHART_TILES, TEXT_TILES, sns_over_time


def built_on(lang: str) -> str:
    """'data built on 2 December 2026' ('' when the build date is unknown)."""
    frame = current_database().query("build_info")
    built = frame["built_at"].iloc[0] if len(frame) else None
    if built is None or (isinstance(built, float) and pd.isna(built)):
        return ""
    return t("briefing.data_as_of", lang, date=format_date(str(built), lang))


def period_covered(lang: str) -> str:
    """'Period covered: 2011–2026': the first and the last year of the figures shown."""
    database = current_database()
    census = database.query("population_by_census", {"municipality": MUNICIPALITY})
    series = sns_over_time().dropna(subset=["value"])
    plan = database.query("plan_indicator_series", {"indicator_code": TOTAL_SERVICES_INDICATOR})
    years = [
        *census.dropna(subset=["population"])["year"],
        *(pd.Timestamp(d).year for d in series["period_start"]),
        *(pd.Timestamp(d).year for d in series["period_end"]),
        *plan.dropna(subset=["value"])["year"],
    ]
    span = years_covered(years)
    return t("briefing.period", lang, period=period_text(span)) if span else ""


def masthead(lang: str, today: date, actions: Component | None) -> html.Header:
    """The municipality, the coat of arms' place, the title, the dates and the period."""
    dates = [
        html.Span(
            t("briefing.prepared_on", lang, date=format_date(today, lang)), id="briefing-date"
        ),
        html.Span(" · "),
        html.Span(guarded(lambda: built_on(lang), lang, "build date"), id="briefing-built"),
        html.Span(" · "),
        html.Span(guarded(lambda: period_covered(lang), lang, "period"), id="briefing-period"),
    ]
    return html.Header(
        [
            # No emblem is invented: the box keeps the coat of arms' place until the
            # municipality supplies its official file.
            html.Div(
                t("briefing.coat_of_arms", lang),
                className="briefing-arms",
                id="briefing-arms",
                role="img",
                **{"aria-label": t("briefing.coat_of_arms", lang)},
            ),
            html.Div(
                [
                    html.P(
                        [
                            html.Strong(t("app.municipality", lang), id="briefing-municipality"),
                            html.Span(" · " + t("app.directorate", lang)),
                        ],
                        className="briefing-issuer mb-0",
                    ),
                    html.H1(t("briefing.title", lang), className="h4 mb-0"),
                    html.P(dates, className="briefing-dates small text-muted mb-0"),
                ],
                className="briefing-heading",
            ),
            actions,
        ],
        className="briefing-masthead",
    )


def kept_tile(make: Callable[[str], html.Div], lang: str) -> html.Div:
    """A tile drawn once per build, language and role (building its figure is most of a load).

    A tile that fails is not kept: the next load tries again.
    """
    key = ("briefing", make.__name__, current_database().version, lang, current_role())
    return memo(key, lambda: make(lang))


def briefing_document(
    lang: str, actions: Component | None = None, today: date | None = None
) -> html.Div:
    """The whole briefing in a language; `actions` (the page's buttons) sit in the masthead."""
    charts = [
        guarded(lambda make=make: kept_tile(make, lang), lang, make.__name__)
        for make in CHART_TILES
    ]
    texts = [
        guarded(lambda make=make: kept_tile(make, lang), lang, make.__name__) for make in TEXT_TILES
    ]
    return html.Div(
        [
            masthead(lang, today or date.today(), actions),
            html.Div(
                [*charts, html.Div(texts, className="briefing-stack")],
                className="briefing-grid",
                id="briefing-grid",
            ),
            html.P(
                t("briefing.footnote", lang),
                className="briefing-footnote small text-muted mt-2 mb-0",
            ),
        ],
        className="page-briefing",
    )
