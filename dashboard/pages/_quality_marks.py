"""Staff marking of a data-quality finding (/cilesia): accepted, corrected or open, with why.

The mark is journaled and audited (dashboard/reviews.py) and the database rebuilt. Every
id starts with "cilesia-mark-", so the callback is checked on the server
(auth.require_role_for_outputs in pages/quality.py).
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from dashboard import reviews
from dashboard.audience import current_database
from dashboard.components.staff_form import journal_decision, note_and_save
from dashboard.i18n import normalise_language, t
from dashboard.pages._quality_findings import findings_and_marks, findings_by_document
from dashboard.quality import MARK_VALUES
from dashboard.settings import get_settings


def mark_form(findings: pd.DataFrame, lang: str) -> html.Div:
    """Staff only: mark one finding accepted, corrected or open, with why."""
    options = [
        {
            "label": " · ".join(
                (
                    str(row["finding_id"]),
                    t("quality.severity." + str(row["severity"]), lang),
                    f"{row['dataset']}: {str(row['key'])[:90]}",
                )
            ),
            "value": row["finding_id"],
        }
        for _, row in findings.iterrows()
    ]
    return html.Div(
        [
            html.H2(t("quality.mark.heading", lang), className="h5"),
            html.P(t("quality.mark.lead", lang), className="small"),
            dbc.Label(t("quality.mark.finding", lang), html_for="cilesia-mark-finding"),
            dcc.Dropdown(id="cilesia-mark-finding", options=options),
            dbc.Label(t("quality.mark.value", lang), html_for="cilesia-mark-value"),
            dbc.RadioItems(
                id="cilesia-mark-value",
                options=[{"label": t(f"quality.mark.{m}", lang), "value": m} for m in MARK_VALUES],
                inline=True,
            ),
            *note_and_save(
                t("quality.mark.note", lang),
                "cilesia-mark-note",
                t("quality.mark.save", lang),
                "cilesia-mark-save",
                reviews.MAX_TEXT,
            ),
            html.Div(id="cilesia-mark-result", role="status"),
            dcc.Store(id="cilesia-mark-lang", data=lang),
        ],
        id="cilesia-mark-form",
        className="border rounded p-2 mb-3",
    )


@callback(
    Output("cilesia-mark-result", "children"),
    Output("cilesia-mark-list-container", "children"),
    Input("cilesia-mark-save", "n_clicks"),
    State("cilesia-mark-finding", "value"),
    State("cilesia-mark-value", "value"),
    State("cilesia-mark-note", "value"),
    State("cilesia-mark-lang", "data"),
    prevent_initial_call=True,
)
def save_mark(_save, finding_id, mark, note, lang):
    """Journal the mark, rebuild, record it in the audit log and show the list again."""
    lang = normalise_language(lang)

    def check() -> None:
        known = current_database(get_settings()).query("data_quality_findings")["finding_id"]
        reviews.check_finding(finding_id, known)

    decision = journal_decision(
        get_settings(), "finding_mark", finding_id, mark, note, lang, check, value_name="mark"
    )
    if isinstance(decision, dbc.Alert):
        return decision, dash.no_update
    findings, marks = findings_and_marks()
    message = t(
        "quality.mark.saved",
        lang,
        mark=t(f"quality.mark.{decision.value}", lang),
        id=decision.target,
    )
    return dbc.Alert(message, color="success"), findings_by_document(findings, marks, lang)
