"""Overview: the municipality's headline figures, each with its change, source and page."""

from __future__ import annotations

import logging
from collections.abc import Callable

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.audience import current_database
from dashboard.components.frame import with_language
from dashboard.components.kpi import kpi_card
from dashboard.components.print_header import print_header
from dashboard.figures import overview
from dashboard.figures.sns import period_label
from dashboard.i18n import format_currency, format_number, normalise_language, t
from dashboard.pages._page_tools import indicators_with_status
from dashboard.plan_status import STATUSES
from dashboard.vocabulary import MUNICIPALITY

dash.register_page(__name__, path="/", name="home", title="Mirëqenia sociale – Mitrovicë e Jugut")

logger = logging.getLogger(__name__)


def _population_card(lang: str) -> dbc.Card:
    census = current_database().query("population_by_census", {"municipality": MUNICIPALITY})
    latest, _first, _change = overview.census_change(census)
    return kpi_card(
        card_id="kpi-population",
        title=t("home.population", lang, year=int(latest["year"])),
        value=format_number(latest["population"], lang),
        detail=overview.population_detail(census, lang),
        sources=census.dropna(subset=["population"])["source"],
        lang=lang,
        href=with_language("/demografia", lang),
        link_text=t("overview.link.demographics", lang),
    )


def _sns_cards(lang: str) -> list[dbc.Card]:
    changes = current_database().query("sns_change", {"municipality": MUNICIPALITY})
    changes = changes.set_index("measure")
    cards = []
    for measure, key in (("families", "home.sns_families"), ("members", "home.sns_members")):
        if measure not in changes.index:
            continue
        row = changes.loc[measure]
        cards.append(
            kpi_card(
                card_id=f"kpi-sns-{measure}",
                title=t(key, lang, period=period_label(row["period"], row["period_type"], lang)),
                value=format_number(row["value"], lang),
                detail=overview.sns_detail(row, lang),
                sources=[row["source"], row["earlier_source"]],
                lang=lang,
                href=with_language("/ndihma-sociale", lang),
                link_text=t("overview.link.sns", lang),
            )
        )
    return cards


def _services_card(lang: str) -> dbc.Card:
    services = current_database().query("services_delivered").iloc[0]
    return kpi_card(
        card_id="kpi-services",
        title=t("overview.services.title", lang, year=int(services["baseline_year"])),
        value=format_number(services["baseline_value"], lang),
        detail=overview.services_detail(services, lang),
        sources=[services["source"]],
        lang=lang,
        href=with_language("/sherbimet", lang),
        link_text=t("overview.link.services", lang),
    )


def _plan_card(lang: str) -> dbc.Card:
    plan = current_database().query("plan_summary").iloc[0]
    # The status mix by the rule of /treguesit (dashboard/plan_status.py), as that page
    # counts it: every indicator once, "no data" included.
    counts = indicators_with_status()["status"].value_counts()
    parts = " · ".join(
        f"{format_number(int(counts.get(status, 0)), lang)} "
        f"{t(f'indicators.status.{status}', lang).lower()}"
        for status in STATUSES
    )
    status = html.P(
        t("overview.plan.status_mix", lang, parts=parts),
        id="kpi-plan-status",
        className="kpi-status small text-muted mb-2",
    )
    return kpi_card(
        card_id="kpi-plan",
        title=t("home.plan_indicators", lang),
        value=format_number(plan["indicators"], lang),
        detail=t("home.plan_indicators_detail", lang, objectives=int(plan["objectives"])),
        sources=[plan["source"]],
        lang=lang,
        href=with_language("/treguesit", lang),
        link_text=t("overview.link.indicators", lang),
        extra=status,
    )


def _dms_budget_card(lang: str) -> dbc.Card:
    dms = current_database().query("budget_summary").iloc[0]
    return kpi_card(
        card_id="kpi-dms-budget",
        title=t("home.dms_budget", lang),
        value=format_currency(dms["total_eur"], lang),
        detail=t(
            "home.dms_budget_detail",
            lang,
            lines=int(dms["lines_with_amount"]),
            uncertain=int(dms["uncertain_lines"]),
        ),
        sources=[dms["source"]],
        lang=lang,
        href=with_language("/buxheti", lang),
        link_text=t("overview.link.budget", lang),
    )


def _qps_budget_card(lang: str) -> dbc.Card:
    qps = current_database().query("social_indicator", {"measure": "qps_annual_budget_eur"}).iloc[0]
    return kpi_card(
        card_id="kpi-qps-budget",
        title=t("home.qps_budget", lang, period=qps["period"]),
        value=format_currency(qps["value"], lang),
        detail=None,
        sources=[qps["source"]],
        lang=lang,
        href=with_language("/buxheti", lang),
        link_text=t("overview.link.budget", lang),
    )


def _context_cards(lang: str) -> list[dbc.Card]:
    database = current_database()
    area = database.query("profile_figure", {"measure": "area_km2"}).iloc[0]
    settlements = database.query("settlement_type_counts").set_index("settlement_type")
    quality = database.query("quality_summary").iloc[0]
    urban = int(settlements["settlements"].get("Urban", 0))
    rural = int(settlements["settlements"].get("Rural", 0))
    return [
        kpi_card(
            card_id="kpi-area",
            title=t("home.area", lang),
            value=f"{format_number(area['value'], lang)} {t('unit.km2', lang)}",
            detail=None,
            sources=[area["source"]],
            lang=lang,
            href=with_language("/demografia", lang),
            link_text=t("overview.link.demographics", lang),
        ),
        kpi_card(
            card_id="kpi-settlements",
            title=t("home.settlements", lang),
            value=format_number(urban + rural, lang),
            detail=t("home.settlements_detail", lang, urban=urban, rural=rural),
            sources=settlements["source"],
            lang=lang,
            href=with_language("/demografia", lang),
            link_text=t("overview.link.demographics", lang),
        ),
        kpi_card(
            card_id="kpi-quality",
            title=t("home.quality", lang),
            value=format_number(quality["findings"], lang),
            detail=t(
                "home.quality_detail",
                lang,
                errors=int(quality["errors"]),
                warnings=int(quality["warnings"]),
                info=int(quality["info"]),
            ),
            sources=["dashboard/quality.py (data_quality)"],
            lang=lang,
            href=with_language("/cilesia", lang),
            link_text=t("home.quality_link", lang),
        ),
    ]


def _guarded(build: Callable[[str], object], lang: str) -> list[object]:
    """One group of cards; a failure shows as a notice in words, the rest of the page stays."""
    try:
        cards = build(lang)
    except Exception:
        logger.exception("overview: %s", getattr(build, "__name__", build))
        return [dbc.Alert(t("state.error", lang), color="danger", className="h-100 mb-0")]
    return list(cards) if isinstance(cards, list) else [cards]


def _grid(cards: list[object]) -> dbc.Row:
    return dbc.Row([dbc.Col(card, xs=12, md=6, xl=4, className="mb-3") for card in cards])


def layout(lang: str | None = None, **_query: str) -> html.Div:
    """The overview page in the language of ?lang=."""
    lang = normalise_language(lang)
    headline = [
        *_guarded(_population_card, lang),
        *_guarded(_sns_cards, lang),
        *_guarded(_services_card, lang),
        *_guarded(_plan_card, lang),
        *_guarded(_dms_budget_card, lang),
    ]
    context = [
        *_guarded(_qps_budget_card, lang),
        *_guarded(_context_cards, lang),
    ]
    title = t("home.title", lang)
    return html.Div(
        [
            print_header(title, lang),
            html.H1(title, className="h3 mt-3"),
            html.P(t("home.lead", lang), className="lead"),
            html.H2(t("overview.section.headline", lang), className="h5 section-title"),
            _grid(headline),
            html.H2(t("overview.section.context", lang), className="h5 section-title"),
            _grid(context),
            html.P(
                [
                    t("overview.about", lang) + " ",
                    dcc.Link(
                        t("overview.link.quality", lang), href=with_language("/cilesia", lang)
                    ),
                ],
                className="small text-muted",
            ),
        ],
        className="page-home",
    )
