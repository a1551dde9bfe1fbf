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
from dash.development.base_component import Component

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


def _badge(text: str, colour: str, extra: str = "") -> html.Span:
    """Bootstrap's badge as a plain span (the markup dbc.Badge makes).

    The page has a hundred of them: a plain element costs the renderer far less.
    """
    return html.Span(text, className=f"{extra} badge bg-{colour}".strip())


def _mark(mark: Mapping[str, Any] | None, lang: str) -> Component:
    if mark is None:  # on a line of its own, as wide as its words (d-table)
        return _badge(t("quality.mark.none", lang), "light", "text-dark d-table mt-1")
    value = mark["value"]
    noted = t(
        "quality.mark.by_staff",
        lang,
        mark=t(f"quality.mark.{value}", lang),
        date=format_date(str(mark["decided_at"])[:10], lang),
        note=mark["note"],
    )
    return html.Div(
        [
            _badge(t(f"quality.mark.{value}", lang), MARK_COLOURS.get(value, "secondary"), "me-1"),
            html.Small(noted, className="text-muted"),
        ],
        className="small",
    )


def finding_item(row: Mapping[str, Any], mark: Mapping[str, Any] | None, lang: str) -> html.Li:
    """One finding: severity, sentence, both sides, its key and id, and the staff mark.

    Few elements per finding (the page lists every one of them): the dataset, key and id
    are one line of text.
    """
    severity = row["severity"]
    where = " · ".join(
        (row["dataset"], row["key"], t("quality.finding_id", lang, id=row["finding_id"]))
    )
    return html.Li(
        [
            _badge(
                t(f"quality.severity.{severity}", lang),
                SEVERITY_COLOURS.get(severity, "secondary"),
                "me-2",
            ),
            html.Span(finding_sentence(row, lang), className="finding-sentence"),
            html.Div(where, className="small text-muted finding-where"),
            _mark(mark, lang),
        ],
        id=f"finding-{row['finding_id']}",
        className="list-group-item",
    )


def _group_heading(tag: type, text: str, count: int, lang: str, class_name: str) -> Component:
    """A document's or a table's heading with how many findings it has."""
    findings = " · " + t("quality.group.findings", lang, count=count)
    return tag([text, html.Small(findings, className="text-muted")], className=class_name)


def findings_by_document(findings: pd.DataFrame, marks: pd.DataFrame, lang: str) -> html.Div:
    """The findings grouped by document, then by table, most severe first within each."""
    # One list of dicts, grouped here: a to_dict per group was half of the page's time.
    marked = {m["target"]: m for m in marks.to_dict("records")} if not marks.empty else {}
    by_document: dict[str, dict[str, list[dict]]] = {}
    for row in with_document_and_table(findings).to_dict("records"):
        by_document.setdefault(row["document"], {}).setdefault(row["table"], []).append(row)
    untabled = t("quality.group.no_table", lang)
    sections = []
    for document, tables in by_document.items():  # in the findings' order
        shown = [
            html.Div(
                [
                    _group_heading(html.H3, table or untabled, len(rows), lang, "h6 mt-2"),
                    html.Ul(
                        [finding_item(row, marked.get(row["finding_id"]), lang) for row in rows],
                        className="list-group mb-2",
                    ),
                ]
            )
            for table, rows in sorted(tables.items())
        ]
        count = sum(len(rows) for rows in tables.values())
        sections.append(
            html.Section(
                [_group_heading(html.H2, document, count, lang, "h5 mt-3"), *shown],
                className="quality-document",
            )
        )
    return html.Div(sections, id="quality-findings")
