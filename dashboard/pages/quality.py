"""Data quality: where the source documents contradict themselves or leave figures out.

Findings are grouped by document and table, one sentence each in the reader's language
with the figures formatted for it. Everyone sees a short summary in counts (computed by
`quality.contradiction_summary` from the findings and the marks only); staff mark a
finding accepted, corrected or open with a note (dashboard/reviews.py: audited, kept
across rebuilds). Every component id of the marking form starts with "cilesia-mark-",
registered below, so its callback is checked on the server. The parts live beside this
module: the sentences (_quality_sentences), the findings list and summary
(_quality_findings), the marking form and its callback (_quality_marks, imported here so
it registers).
"""

from __future__ import annotations

import logging

import dash_bootstrap_components as dbc
from dash import html

from dashboard import auth
from dashboard.components.declared import register_page_module
from dashboard.components.page_tools import is_staff
from dashboard.i18n import format_number, normalise_language, t
from dashboard.pages._quality_findings import (
    findings_and_marks,
    findings_by_document,
    severity_help,
    summary_box,
)
from dashboard.pages._quality_marks import mark_form
from dashboard.quality import contradiction_summary

register_page_module(
    __name__, path="/cilesia", name="quality", order=8, title="Cilësia e të dhënave"
)
auth.require_role_for_outputs("cilesia-mark-", "editor")

logger = logging.getLogger(__name__)


def layout(lang: str | None = None, **_query: str) -> html.Div:
    """The findings of the current build, grouped by document and table."""
    lang = normalise_language(lang)
    try:
        findings, marks = findings_and_marks()
    except Exception:
        logger.exception("data quality page")
        return dbc.Alert(t("state.error", lang), color="danger")
    summary = contradiction_summary(findings, marks)
    return html.Div(
        [
            html.H1(t("quality.title", lang), className="h3 mt-3"),
            html.P(t("quality.lead", lang), className="lead"),
            summary_box(summary, lang),
            html.P(
                t(
                    "home.quality_detail",
                    lang,
                    errors=format_number(summary["errors"], lang),
                    warnings=format_number(summary["warnings"], lang),
                    info=format_number(summary["info"], lang),
                ),
                id="quality-counts",
            ),
            severity_help(lang),
            html.A(t("quality.download", lang), href="/api/v1/datasets/data_quality.csv"),
            mark_form(findings, lang) if is_staff() else None,
            html.Div(findings_by_document(findings, marks, lang), id="cilesia-mark-list-container"),
        ],
        className="page-quality",
    )
