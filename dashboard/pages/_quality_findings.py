"""The findings of the data-quality page (/cilesia): the summary, the severities, the list.

Grouped by document and table, one sentence each (_quality_sentences), with the staff's
mark beside a finding that has one. Public: nothing here writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard import reviews
from dashboard.audience import current_database
from dashboard.i18n import format_date, format_number, t
from dashboard.pages._quality_sentences import finding_sentence
from dashboard.quality import with_document_and_table
from dashboard.settings import get_settings

SEVERITY_COLOURS = {"error": "danger", "warning": "warning", "info": "secondary"}
SEVERITIES = ("error", "warning", "info")
MARK_COLOURS = {"accepted": "success", "corrected": "primary", "open": "warning"}


def findings_and_marks() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The findings of the current build and the staff's marks on them."""
    database = current_database(get_settings())
    findings = database.query("data_quality_findings")
    marks = reviews.finding_marks(database.query("staff_decisions_in_force"))
    return findings, marks


def summary_box(summary: dict, lang: str) -> html.Section:
    """The public summary: counts of contradictions and of what staff decided.

    `summary` is quality.contradiction_summary of the findings and the marks.
    """
    numbers = {k: format_number(v, lang) for k, v in summary.items() if isinstance(v, int)}
    return html.Section(
        [
            html.H2(t("quality.summary.heading", lang), className="h5"),
            html.P(t("quality.summary.lead", lang, **numbers)),
            html.P(t("quality.summary.decided", lang, **numbers)),
            html.Ul(
                [
                    html.Li(
                        t(
                            "quality.summary.document",
                            lang,
                            document=d["document"],
                            findings=format_number(d["findings"], lang),
                            errors=format_number(d["errors"], lang),
                            decided=format_number(d["decided"], lang),
                        )
                    )
                    for d in summary["documents"]
                ],
                className="small",
            ),
        ],
        id="quality-summary",
        className="border rounded p-2 mb-3 bg-white",
    )


def severity_help(lang: str) -> html.Details:
    """What each severity means, in a sentence."""
    return html.Details(
        [
            html.Summary(t("quality.severity_heading", lang), className="fw-semibold"),
            html.Ul(
                [
                    html.Li(
                        [
                            dbc.Badge(
                                t(f"quality.severity.{s}", lang),
                                color=SEVERITY_COLOURS[s],
                                className="me-2",
                            ),
                            t(f"quality.severity_help.{s}", lang),
                        ]
                    )
                    for s in SEVERITIES
                ],
                className="small mb-0",
            ),
        ],
        open=True,
        id="quality-severity-help",
        className="mb-3",
    )


def _mark_badge(mark: Mapping[str, Any] | None, lang: str) -> html.Div:
    if mark is None:
        return html.Div(
            dbc.Badge(t("quality.mark.none", lang), color="light", text_color="dark"),
            className="small",
        )
    return html.Div(
        [
            dbc.Badge(
                t(f"quality.mark.{mark['value']}", lang),
                color=MARK_COLOURS.get(mark["value"], "secondary"),
                className="me-1",
            ),
            html.Small(
                t(
                    "quality.mark.by_staff",
                    lang,
                    mark=t(f"quality.mark.{mark['value']}", lang),
                    date=format_date(str(mark["decided_at"])[:10], lang),
                    note=mark["note"],
                ),
                className="text-muted",
            ),
        ],
        className="small",
    )


def finding_item(row: Mapping[str, Any], mark: Mapping[str, Any] | None, lang: str) -> html.Li:
    """One finding: severity, sentence, both sides, its key and id, and the staff mark."""
    severity = row["severity"]
    return html.Li(
        [
            dbc.Badge(
                t(f"quality.severity.{severity}", lang),
                color=SEVERITY_COLOURS.get(severity, "secondary"),
                className="me-2",
            ),
            html.Span(finding_sentence(row, lang), className="finding-sentence"),
            html.Div(
                [
                    html.Code(row["dataset"]),
                    " · ",
                    row["key"],
                    " · ",
                    t("quality.finding_id", lang, id=row["finding_id"]),
                ],
                className="small text-muted",
            ),
            _mark_badge(mark, lang),
        ],
        id=f"finding-{row['finding_id']}",
        className="list-group-item",
    )


def findings_by_document(findings: pd.DataFrame, marks: pd.DataFrame, lang: str) -> html.Div:
    """The findings grouped by document, then by table, most severe first within each."""
    # Rows as dicts: iterrows built a Series per finding, a third of the page's time.
    marked = {m["target"]: m for m in marks.to_dict("records")} if not marks.empty else {}
    frame = with_document_and_table(findings)
    sections = []
    for document, in_document in frame.groupby("document", sort=False):
        tables = []
        for table, group in in_document.groupby("table", sort=True):
            tables.append(
                html.Div(
                    [
                        html.H3(
                            [
                                table or t("quality.group.no_table", lang),
                                html.Small(
                                    " · " + t("quality.group.findings", lang, count=len(group)),
                                    className="text-muted",
                                ),
                            ],
                            className="h6 mt-2",
                        ),
                        html.Ul(
                            [
                                finding_item(row, marked.get(row["finding_id"]), lang)
                                for row in group.to_dict("records")
                            ],
                            className="list-group mb-2",
                        ),
                    ]
                )
            )
        sections.append(
            html.Section(
                [
                    html.H2(
                        [
                            document,
                            html.Small(
                                " · " + t("quality.group.findings", lang, count=len(in_document)),
                                className="text-muted",
                            ),
                        ],
                        className="h5 mt-3",
                    ),
                    *tables,
                ],
                className="quality-document",
            )
        )
    return html.Div(sections, id="quality-findings")
