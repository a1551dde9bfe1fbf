"""The briefing's tiles: one headline per page of the dashboard, with its small chart and source.

Each tile is a function of the language that reads through `current_database()` (the
public sees the published layer only); `CHART_TILES` and `TEXT_TILES` are the order the
briefing (dashboard/pages/_briefing.py) lays them out in. Demonstration data never
appears here: the services headline is the plan matrix's real count.

(Dash does not load files whose name starts with "_" as pages.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from dashboard.audience import current_database
from dashboard.components.page_tools import (
    MUNICIPALITY,
    TOTAL_SERVICES_INDICATOR,
    as_seen,
    dataset_source,
    number_or_mark,
)
from dashboard.components.source import source_line
from dashboard.figures.briefing import (
    SMALL_HEIGHT,
    budget_figure,
    indicators_figure,
    period_text,
    population_figure,
    services_figure,
    sns_figure,
    years_covered,
)
from dashboard.figures.services import latest_plan_report, plan_report_text
from dashboard.figures.theme import separators_for
from dashboard.i18n import (
    format_currency,
    format_number,
    format_percent,
    t,
)
from dashboard.plan_indicators import STATUS_SOURCE, indicators_with_status
from dashboard.plan_status import STATUSES

SNS_MEASURES = ("families", "members")


def small_chart(
    chart_id: str, years: Iterable[object], figure: go.Figure, lang: str
) -> html.Figure:
    """A headline's chart: its title (`briefing.chart.<id>`) and the years it covers above it."""
    figure.update_layout(separators=separators_for(lang))
    period = period_text(years_covered(list(years)))
    caption = t(f"briefing.chart.{chart_id}", lang) + (f" · {period}" if period else "")
    return html.Figure(
        [
            html.Figcaption(caption, className="briefing-chart-title"),
            dcc.Graph(
                id=f"brief-chart-{chart_id}",
                figure=figure,
                config={"displayModeBar": False, "responsive": True},
                className="briefing-graph",
                style={"height": f"{SMALL_HEIGHT}px"},
            ),
        ],
        className="briefing-chart",
        **{"aria-label": caption},
    )


def tile(
    tile_id: str,
    page: str,
    href: str,
    headline: str,
    detail: str,
    sources: Iterable[object],
    lang: str,
    chart: html.Figure | None = None,
) -> html.Div:
    """One page's headline: the page, the figure, one line, its chart, the source."""
    link = href if lang == "sq" else f"{href}?lang={lang}"
    return html.Div(
        [
            html.H2(dcc.Link(page, href=link), className="briefing-page h6 mb-1"),
            html.P(headline, className="briefing-headline fw-bold mb-1", id=f"{tile_id}-headline"),
            html.P(detail, className="briefing-detail small mb-1"),
            chart,
            source_line(sources, lang),
        ],
        className="briefing-tile" + (" has-chart" if chart is not None else ""),
        id=tile_id,
    )


def demographics_tile(lang: str) -> html.Div:
    """The latest census population, its change, and every census as a column."""
    census = (
        current_database()
        .query("population_by_census", {"municipality": MUNICIPALITY})
        .dropna(subset=["population"])
    )
    first, latest = census.iloc[0], census.iloc[-1]
    chart = small_chart("population", census["year"], population_figure(census, lang), lang)
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
        chart,
    )


def sns_over_time() -> pd.DataFrame:
    """Every dated SNS figure of families and of members, as the person asking may see it."""
    database = current_database()
    frames = [
        as_seen(
            database.query("sns_series", {"municipality": MUNICIPALITY, "measure": measure}),
            "sns_beneficiaries",
        ).assign(measure=measure)
        for measure in SNS_MEASURES
    ]
    return pd.concat(frames, ignore_index=True)


def sns_years(series: pd.DataFrame) -> list[int]:
    """The years of the periods with a figure, first to latest (2022–2025)."""
    known = series.dropna(subset=["value"])
    return [pd.Timestamp(d).year for d in (*known["period_start"], *known["period_end"])]


def sns_tile(lang: str) -> html.Div:
    """The latest count of families (and members) on social assistance, and the series."""
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
    series = sns_over_time()
    chart = small_chart("sns", sns_years(series), sns_figure(series, lang), lang)
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
        list(latest["source"]) + list(series["source"]),
        lang,
        chart,
    )


def services_tile(lang: str) -> html.Div:
    """The plan matrix's real count of services against its targets, and any QPS import."""
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
    chart = small_chart("services", series["year"], services_figure(series, lang), lang)
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
        chart,
    )


def indicators_tile(lang: str) -> html.Div:
    """How many plan indicators are achieved or on track (plan_status rule), by status."""
    indicators = indicators_with_status(current_database())
    counts = indicators["status"].value_counts()
    good = int(counts.get("achieved", 0) + counts.get("on_track", 0))
    year = indicators["status_year"].dropna()
    chart = small_chart("indicators", year, indicators_figure(indicators, lang), lang)
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
        chart,
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
    """The planned 2026 DMS budget, its split by sector, and the QPS budget of Tabela 6."""
    database = current_database()
    lines = database.query("budget_lines", {"sector": None, "reading": None})
    sectors = database.query("budget_by_sector")
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
    chart = small_chart("budget", (), budget_figure(sectors, lang), lang)
    return tile(
        "brief-budget",
        t("nav.budget", lang),
        "/buxheti",
        t("briefing.budget", lang, amount=format_currency(lines["total_eur"].iloc[0], lang)),
        detail,
        sources,
        lang,
        chart,
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


# The tiles with a chart fill the grid; the two without share its last cell.
CHART_TILES: tuple[Callable[[str], html.Div], ...] = (
    demographics_tile,
    sns_tile,
    services_tile,
    indicators_tile,
    budget_tile,
)
TEXT_TILES: tuple[Callable[[str], html.Div], ...] = (swot_tile, quality_tile)
