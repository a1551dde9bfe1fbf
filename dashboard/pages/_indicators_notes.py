"""The Indicators page's notes: the status rule in words and an objective's activities."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from dash import html
from dash.development.base_component import Component

from dashboard.components.source import source_line
from dashboard.i18n import format_percent, t
from dashboard.plan_status import AT_RISK_FROM, ON_TRACK_FROM

RULE_KEYS = tuple(f"indicators.rule.{n}" for n in range(1, 9))


def rule_values(lang: str) -> dict[str, str]:
    """The thresholds of the rule, as the rule's text shows them."""
    return {
        "full": format_percent(1.0, lang, decimals=0),
        "on_track": format_percent(ON_TRACK_FROM, lang, decimals=0),
        "at_risk": format_percent(AT_RISK_FROM, lang, decimals=0),
    }


def rule_box(_cards: Mapping[str, Component], lang: str) -> list[html.Details]:
    """The status rule in words, as implemented in dashboard/plan_status.py."""
    return [
        html.Details(
            [
                html.Summary(t("indicators.rule_heading", lang), className="fw-semibold"),
                html.Ol(
                    [html.Li(t(key, lang, **rule_values(lang))) for key in RULE_KEYS],
                    className="small mb-1",
                ),
                html.P(t("indicators.direction_note", lang), className="small mb-0"),
            ],
            open=True,
            className="rule-box border rounded p-2 mb-3 bg-white",
            id="indicators-rule",
        )
    ]


def activities(objective_code: str, rows: pd.DataFrame, lang: str) -> html.Div:
    """The activities the plan lists under one objective (`rows`: as the plan prints them)."""
    if rows.empty:
        return html.Div()

    def details(activity: Mapping[str, Any]) -> str:
        return " — " + "; ".join(
            f"{t(f'indicators.activity.{k}', lang)}: {activity[k]}"
            for k in ("lead_institution", "implementer", "timeline")
            if isinstance(activity[k], str) and activity[k]
        )

    items = [
        html.Li(
            [
                html.Strong(f"{r['printed_code']}: "),
                r["activity_text"],
                html.Small(details(r), className="text-muted"),
            ]
        )
        for r in rows.to_dict("records")
    ]
    heading = t("indicators.activities_heading", lang, objective=objective_code)
    return html.Div(
        [
            html.H2(heading, className="h5 mt-3"),
            html.Ul(items, className="small"),
            source_line(rows["source"], lang),
        ],
        id="indicators-activities",
    )
