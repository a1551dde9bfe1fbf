"""Briefing: one printable A4 page for the mayor's meeting, the headline of every page.

Each headline carries its source; the page is dated. "Print / Save as PDF" opens the
browser's print dialog (assets/print.css and assets/briefing.css fit it on one A4
landscape page). Demonstration data never appears here: the services headline is the
plan matrix's real count.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import dash
import pandas as pd
from dash import Input, Output, dcc, html

from dashboard.audience import current_database
from dashboard.components.page_tools import (
    MUNICIPALITY,
    TOTAL_SERVICES_INDICATOR,
    as_seen,
    dataset_source,
    guarded,
    number_or_mark,
)
from dashboard.components.source import source_line
from dashboard.figures.services import latest_plan_report, plan_report_text
from dashboard.i18n import (
    format_currency,
    format_date,
    format_number,
    format_percent,
    normalise_language,
    t,
)
from dashboard.plan_indicators import STATUS_SOURCE, indicators_with_status
from dashboard.plan_status import STATUSES

dash.register_page(
    __name__,
    order=7,
    menu_key="nav.briefing",
    path="/permbledhja",
    name="briefing",
    title="Përmbledhje – Mirëqenia sociale",
)


def tile(
    tile_id: str,
    page: str,
    href: str,
    headline: str,
    detail: str,
    sources: Iterable[object],
    lang: str,
) -> html.Div:
    """One page's headline: the page, the figure, one line, the source."""
    link = href if lang == "sq" else f"{href}?lang={lang}"
    return html.Div(
        [
            html.H2(dcc.Link(page, href=link), className="briefing-page h6 mb-1"),
            html.P(headline, className="briefing-headline fw-bold mb-1", id=f"{tile_id}-headline"),
            html.P(detail, className="briefing-detail small mb-1"),
            source_line(sources, lang),
        ],
        className="briefing-tile",
        id=tile_id,
    )


def demographics_tile(lang: str) -> html.Div:
    """The latest census population and its change."""
    census = (
        current_database()
        .query("population_by_census", {"municipality": MUNICIPALITY})
        .dropna(subset=["population"])
    )
    first, latest = census.iloc[0], census.iloc[-1]
    return tile(
        "brief-demography",
        t("nav.demographics", lang),
        "/demografia",
        t(
            "briefing.population",
            lang,
            population=format_number(latest["population"], lang),
            year=int(latest["year"]),
        ),
        t(
            "briefing.population_change",
            lang,
            change=format_percent(latest["population"] / first["population"] - 1, lang),
            year=int(first["year"]),
            population=format_number(first["population"], lang),
        ),
        census["source"],
        lang,
    )


def sns_tile(lang: str) -> html.Div:
    """The latest count of families (and members) on social assistance."""
    latest = as_seen(
        current_database().query("sns_latest", {"municipality": MUNICIPALITY}), "sns_beneficiaries"
    ).set_index("measure")
    families = latest.loc["families"]
    detail = (
        t(
            "briefing.sns_members",
            lang,
            members=number_or_mark(latest.loc["members"], "value", lang),
            period=latest.loc["members", "period"],
        )
        if "members" in latest.index
        else ""
    )
    return tile(
        "brief-sns",
        t("nav.sns", lang),
        "/ndihma-sociale",
        t(
            "briefing.sns_families",
            lang,
            families=number_or_mark(families, "value", lang),
            period=families["period"],
        ),
        detail,
        latest["source"],
        lang,
    )


def services_tile(lang: str) -> html.Div:
    """The plan matrix's real count of services, and whether QPS counts were imported."""
    database = current_database()
    series = database.query("plan_indicator_series", {"indicator_code": TOTAL_SERVICES_INDICATOR})
    real = as_seen(database.query("service_counts_real_totals"), "service_counts")
    real = real[real["municipality"] == MUNICIPALITY]
    baseline = series[series["kind"] == "baseline"].dropna(subset=["value"]).iloc[0]
    report = latest_plan_report(series)
    report_text = (
        plan_report_text(report, lang, prefix="briefing.services_report") if report else ""
    )
    if real.empty:
        counts_note = t("briefing.services_no_import", lang)
    else:
        last = real.iloc[-1]
        counts_note = t(
            "briefing.services_imported",
            lang,
            services=format_number(last["services"], lang),
            year=int(last["year"]),
        )
    return tile(
        "brief-services",
        t("nav.services", lang),
        "/sherbimet",
        t(
            "briefing.services",
            lang,
            services=format_number(baseline["value"], lang),
            year=int(baseline["year"]),
        ),
        f"{report_text} {counts_note}".strip(),
        list(series["source"]) + list(real["source"]),
        lang,
    )


def indicators_tile(lang: str) -> html.Div:
    """How many plan indicators are achieved or on track, by the plan_status rule."""
    indicators = indicators_with_status(current_database())
    counts = indicators["status"].value_counts()
    good = int(counts.get("achieved", 0) + counts.get("on_track", 0))
    year = indicators["status_year"].dropna()
    return tile(
        "brief-indicators",
        t("nav.indicators", lang),
        "/treguesit",
        t(
            "briefing.indicators",
            lang,
            good=good,
            total=len(indicators),
            year=int(year.max()) if len(year) else "—",
        ),
        ", ".join(
            f"{t(f'indicators.status.{s}', lang)}: {int(counts.get(s, 0))}" for s in STATUSES
        ),
        [dataset_source("plan_indicators"), STATUS_SOURCE],
        lang,
    )


def swot_tile(lang: str) -> html.Div:
    """The number of items in each SWOT quadrant."""
    items = current_database().query("swot_items", {"quadrant": None})
    counts = items.groupby("quadrant", sort=False)["quadrant_items"].first()
    return tile(
        "brief-swot",
        t("nav.swot", lang),
        "/swot",
        " · ".join(f"{int(n)} {t(f'swot.quadrant.{q}', lang).lower()}" for q, n in counts.items()),
        t("briefing.swot_detail", lang),
        items["source"],
        lang,
    )


def budget_tile(lang: str) -> html.Div:
    """The planned 2026 DMS budget and the QPS budget of Tabela 6."""
    database = current_database()
    lines = database.query("budget_lines", {"sector": None, "reading": None})
    with_amount = lines.dropna(subset=["amount_eur"])
    qps = database.query("qps_resources").set_index("measure")
    detail = t(
        "briefing.budget_detail",
        lang,
        with_amount=len(with_amount),
        uncertain=int((with_amount["reading"] != "certain").sum()),
        without=int(lines["amount_eur"].isna().sum()),
    )
    sources = list(dict.fromkeys(lines["source"]))
    if "qps_annual_budget_eur" in qps.index:
        detail += " " + t(
            "briefing.qps_budget",
            lang,
            amount=format_currency(qps.loc["qps_annual_budget_eur", "value"], lang),
            period=qps.loc["qps_annual_budget_eur", "period"],
        )
        sources.append(qps.loc["qps_annual_budget_eur", "source"])
    return tile(
        "brief-budget",
        t("nav.budget", lang),
        "/buxheti",
        t("briefing.budget", lang, amount=format_currency(lines["total_eur"].iloc[0], lang)),
        detail,
        sources,
        lang,
    )


def quality_tile(lang: str) -> html.Div:
    """How many contradictions and gaps the data-quality rules found."""
    quality = current_database().query("quality_summary").iloc[0]
    return tile(
        "brief-quality",
        t("nav.quality", lang),
        "/cilesia",
        t("briefing.quality", lang, findings=format_number(quality["findings"], lang)),
        t(
            "briefing.quality_detail",
            lang,
            errors=int(quality["errors"]),
            warnings=int(quality["warnings"]),
            info=int(quality["info"]),
        ),
        ["dashboard/quality.py (data_quality)"],
        lang,
    )


TILES = (
    demographics_tile,
    sns_tile,
    services_tile,
    indicators_tile,
    budget_tile,
    swot_tile,
    quality_tile,
)


def _built_on(lang: str) -> str:
    frame = current_database().query("build_info")
    built = frame["built_at"].iloc[0] if len(frame) else None
    if built is None or (isinstance(built, float) and pd.isna(built)):
        return ""
    return t("briefing.data_as_of", lang, date=format_date(str(built), lang))


def layout(lang: str | None = None, **_query: str) -> html.Div:
    """The one-page briefing in the language of ?lang=."""
    lang = normalise_language(lang)
    tiles = [guarded(lambda make=make: make(lang), lang, make.__name__) for make in TILES]
    return html.Div(
        [
            html.Div(
                [
                    html.Div(
                        [
                            html.H1(t("briefing.title", lang), className="h4 mb-0"),
                            html.P(
                                [
                                    html.Span(
                                        t("app.municipality", lang)
                                        + " · "
                                        + t("app.directorate", lang)
                                    ),
                                    html.Br(),
                                    html.Span(
                                        t(
                                            "briefing.prepared_on",
                                            lang,
                                            date=format_date(date.today(), lang),
                                        ),
                                        id="briefing-date",
                                    ),
                                    html.Span(" · "),
                                    html.Span(
                                        guarded(lambda: _built_on(lang), lang, "build date"),
                                        id="briefing-built",
                                    ),
                                ],
                                className="small text-muted mb-0",
                            ),
                        ]
                    ),
                    html.Button(
                        t("briefing.print", lang),
                        id="briefing-print",
                        className="btn btn-primary no-print",
                        type="button",
                    ),
                ],
                className="d-flex justify-content-between align-items-start gap-3 mt-3 mb-2",
            ),
            html.Div(tiles, className="briefing-grid", id="briefing-grid"),
            html.P(
                t("briefing.footnote", lang),
                className="briefing-footnote small text-muted mt-2 mb-0",
            ),
        ],
        className="page-briefing",
    )


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
