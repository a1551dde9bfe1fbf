"""Data quality: where the source documents contradict themselves or leave figures out."""

from __future__ import annotations

import logging

import dash
import dash_bootstrap_components as dbc
from dash import html

from dashboard.audience import current_database
from dashboard.i18n import normalise_language, t

dash.register_page(__name__, path="/cilesia", name="quality", title="Cilësia e të dhënave")

logger = logging.getLogger(__name__)
SEVERITY_COLOURS = {"error": "danger", "warning": "warning", "info": "secondary"}


def findings_table(findings, lang: str) -> dbc.Table:  # noqa: ANN001
    """One row per finding, with both sides of the contradiction and the source."""
    header = html.Thead(
        html.Tr(
            [
                html.Th(t(f"quality.col.{name}", lang), scope="col")
                for name in ("severity", "dataset", "message", "expected", "found", "source")
            ]
        )
    )
    rows = [
        html.Tr(
            [
                html.Td(
                    dbc.Badge(
                        t(f"quality.severity.{row['severity']}", lang),
                        color=SEVERITY_COLOURS.get(row["severity"], "secondary"),
                    )
                ),
                html.Td(html.Code(row["dataset"])),
                html.Td([html.Div(row["message"]), html.Small(row["key"], className="text-muted")]),
                html.Td(row["expected"]),
                html.Td(row["found"]),
                html.Td(html.Small(row["source"])),
            ]
        )
        for _, row in findings.iterrows()
    ]
    return dbc.Table(
        [header, html.Tbody(rows)], size="sm", responsive=True, className="quality-table"
    )


def layout(lang: str | None = None, **_query: str) -> html.Div:
    """The list of data-quality findings of the current build."""
    lang = normalise_language(lang)
    try:
        findings = current_database().query("data_quality_findings")
    except Exception:
        logger.exception("data quality page")
        return dbc.Alert(t("state.error", lang), color="danger")
    counts = findings["severity"].value_counts()
    return html.Div(
        [
            html.H1(t("quality.title", lang), className="h3 mt-3"),
            html.P(t("quality.lead", lang), className="lead"),
            html.P(
                t(
                    "home.quality_detail",
                    lang,
                    errors=int(counts.get("error", 0)),
                    warnings=int(counts.get("warning", 0)),
                    info=int(counts.get("info", 0)),
                ),
                id="quality-counts",
            ),
            html.A(t("quality.download", lang), href="/api/v1/datasets/data_quality.csv"),
            findings_table(findings, lang),
        ],
        className="page-quality",
    )
