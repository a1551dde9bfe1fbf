"""Home: the municipality's key figures, each with its source."""

from __future__ import annotations

import logging

import dash
import dash_bootstrap_components as dbc
from dash import html

from dashboard.components.kpi import kpi_card
from dashboard.db import get_database
from dashboard.i18n import format_currency, format_number, format_percent, normalise_language, t

dash.register_page(__name__, path="/", name="home", title="Mirëqenia sociale – Mitrovicë e Jugut")

logger = logging.getLogger(__name__)
MUNICIPALITY = "Mitrovicë"


def _population_card(lang: str) -> dbc.Card:
    census = get_database().query("population_by_census", {"municipality": MUNICIPALITY})
    known = census.dropna(subset=["population"])
    latest, first = known.iloc[-1], known.iloc[0]
    change = latest["population"] / first["population"] - 1
    return kpi_card(
        card_id="kpi-population",
        title=t("home.population", lang, year=int(latest["year"])),
        value=format_number(latest["population"], lang),
        detail=t(
            "home.population_change",
            lang,
            change=format_percent(change, lang),
            base_year=int(first["year"]),
            base=format_number(first["population"], lang),
        ),
        sources=known["source"],
        lang=lang,
    )


def _area_and_settlements_cards(lang: str) -> list[dbc.Card]:
    database = get_database()
    area = database.query("profile_figure", {"measure": "area_km2"}).iloc[0]
    settlements = database.query("settlement_type_counts").set_index("settlement_type")
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
        ),
        kpi_card(
            card_id="kpi-settlements",
            title=t("home.settlements", lang),
            value=format_number(urban + rural, lang),
            detail=t("home.settlements_detail", lang, urban=urban, rural=rural),
            sources=settlements["source"],
            lang=lang,
        ),
    ]


def _sns_cards(lang: str) -> list[dbc.Card]:
    latest = get_database().query("sns_latest", {"municipality": MUNICIPALITY}).set_index("measure")
    cards = []
    for measure, key in (("families", "home.sns_families"), ("members", "home.sns_members")):
        if measure not in latest.index:
            continue
        row = latest.loc[measure]
        cards.append(
            kpi_card(
                card_id=f"kpi-sns-{measure}",
                title=t(key, lang, period=row["period"]),
                value=format_number(row["value"], lang),
                detail=None,
                sources=[row["source"]],
                lang=lang,
            )
        )
    return cards


def _budget_cards(lang: str) -> list[dbc.Card]:
    database = get_database()
    qps = database.query("social_indicator", {"measure": "qps_annual_budget_eur"}).iloc[0]
    dms = database.query("budget_summary").iloc[0]
    return [
        kpi_card(
            card_id="kpi-qps-budget",
            title=t("home.qps_budget", lang, period=qps["period"]),
            value=format_currency(qps["value"], lang),
            detail=None,
            sources=[qps["source"]],
            lang=lang,
        ),
        kpi_card(
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
        ),
    ]


def _plan_and_quality_cards(lang: str) -> list[dbc.Card]:
    database = get_database()
    plan = database.query("plan_summary").iloc[0]
    quality = database.query("quality_summary").iloc[0]
    return [
        kpi_card(
            card_id="kpi-plan",
            title=t("home.plan_indicators", lang),
            value=format_number(plan["indicators"], lang),
            detail=t("home.plan_indicators_detail", lang, objectives=int(plan["objectives"])),
            sources=[plan["source"]],
            lang=lang,
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
            href="/cilesia" + ("" if lang == "sq" else f"?lang={lang}"),
            link_text=t("home.quality_link", lang),
        ),
    ]


def layout(lang: str | None = None, **_query: str) -> html.Div:
    """The home page in the language of ?lang=."""
    lang = normalise_language(lang)
    try:
        cards = [
            _population_card(lang),
            *_area_and_settlements_cards(lang),
            *_sns_cards(lang),
            *_budget_cards(lang),
            *_plan_and_quality_cards(lang),
        ]
    except Exception:
        logger.exception("home page figures")
        return html.Div(dbc.Alert(t("state.error", lang), color="danger"), className="py-4")
    return html.Div(
        [
            html.H1(t("home.title", lang), className="h3 mt-3"),
            html.P(t("home.lead", lang), className="lead"),
            dbc.Row([dbc.Col(card, xs=12, md=6, xl=4, className="mb-3") for card in cards]),
        ],
        className="page-home",
    )
