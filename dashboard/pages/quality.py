"""Data quality: where the source documents contradict themselves or leave figures out.

Findings are grouped by document and table, one sentence each in the reader's language
with the figures formatted for it. Everyone sees a short summary in counts (computed by
`quality.contradiction_summary` from the findings and the marks only); staff mark a
finding accepted, corrected or open with a note (dashboard/reviews.py: audited, kept
across rebuilds). Every component id of the marking form starts with "cilesia-mark-",
registered below, so its callback is checked on the server.
"""

from __future__ import annotations

import json
import logging
import math
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from dashboard import auth, reviews
from dashboard.audience import current_database
from dashboard.build import BuildError
from dashboard.components.page_tools import is_staff
from dashboard.i18n import format_date, format_number, normalise_language, t
from dashboard.quality import MARK_VALUES, contradiction_summary, document_of
from dashboard.settings import get_settings

dash.register_page(
    __name__,
    path="/cilesia",
    name="quality",
    order=8,
    menu_key="nav.quality",
    title="Cilësia e të dhënave",
)
auth.require_role_for_outputs("cilesia-mark-", "editor")

logger = logging.getLogger(__name__)
SEVERITY_COLOURS = {"error": "danger", "warning": "warning", "info": "secondary"}
SEVERITIES = ("error", "warning", "info")
MARK_COLOURS = {"accepted": "success", "corrected": "primary", "open": "warning"}


# --- sentences -----------------------------------------------------------------------------


def number_text(value: Any, lang: str) -> str:
    """A figure in the language's format: grouping, decimals as printed (up to 2), ∞."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, float) and math.isinf(value):
        return "∞"
    number = float(value)
    if number.is_integer():
        return format_number(int(number), lang)
    decimals = 1 if round(number, 1) == number else 2
    return format_number(number, lang, decimals=decimals)


def _year_like(name: str) -> bool:
    return name in {"year", "table", "period", "other_period"}


def _listed(name: str, items: list, lang: str) -> str:
    """A list parameter in words: places, category parts, label pairs or classes."""
    if name == "classes":
        return ", ".join(f"{number_text(a, lang)}–{number_text(b, lang)}" for a, b in items)
    if name == "categories":
        return " + ".join(f"{label} {number_text(v, lang)}" for label, v in items)
    if name == "pairs":
        return "; ".join(
            f"{where}: {number_text(a, lang)} / {number_text(b, lang)}" for where, a, b in items
        )
    return "; ".join(
        f"{number_text(v, lang)} ({period or '—'}, «{source}»)" for v, period, source in items
    )


def sentence_values(params: dict, lang: str) -> dict[str, str]:
    """The parameters of a finding as they read in the sentence of a language."""
    values: dict[str, str] = {}
    for name, value in params.items():
        if isinstance(value, list):
            values[name] = _listed(name, value, lang)
        elif isinstance(value, bool) or _year_like(name):
            values[name] = str(value)
        elif isinstance(value, int | float):
            values[name] = number_text(value, lang)
        else:
            values[name] = str(value)
    return values


def finding_sentence(row: pd.Series | dict, lang: str) -> str:
    """One plain sentence in the reader's language; the build's English text as a fallback."""
    try:
        params = json.loads(row.get("params") or "{}")
    except (TypeError, ValueError):
        params = {}
    key = f"quality.class.{row.get('rule_class') or row.get('check')}"
    try:
        text = t(key, lang, **sentence_values(params, lang))
    except (KeyError, IndexError, ValueError):
        return str(row.get("message", ""))
    if text == key:
        return str(row.get("message", ""))
    if row.get("rule_class") == "table_years" and params.get("reading"):
        text += " " + t(f"quality.reading.{params['reading']}", lang)
    return text


# --- layout parts --------------------------------------------------------------------------


def _marks(decisions: pd.DataFrame) -> pd.DataFrame:
    if decisions.empty:
        return decisions
    return decisions[decisions["kind"] == "finding_mark"]


def summary_box(findings: pd.DataFrame, marks: pd.DataFrame, lang: str) -> html.Section:
    """The public summary: counts of contradictions and of what staff decided."""
    summary = contradiction_summary(findings, marks)
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


def _mark_badge(mark: pd.Series | None, lang: str) -> html.Div:
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


def _table_of(source: str) -> str:
    document = document_of(source)
    rest = source[len(document) :].lstrip(", ").strip()
    return rest


def finding_item(row: pd.Series, mark: pd.Series | None, lang: str) -> html.Li:
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
    marked = {m["target"]: m for _, m in marks.iterrows()} if not marks.empty else {}
    frame = findings.assign(
        document=findings["source"].map(lambda s: document_of(str(s))),
        table=findings["source"].map(lambda s: _table_of(str(s))),
    )
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
                                for _, row in group.iterrows()
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
            dbc.Label(t("quality.mark.note", lang), html_for="cilesia-mark-note"),
            dbc.Textarea(id="cilesia-mark-note", maxLength=reviews.MAX_TEXT),
            dbc.Button(
                t("quality.mark.save", lang),
                id="cilesia-mark-save",
                color="primary",
                className="my-2",
                n_clicks=0,
            ),
            html.Div(id="cilesia-mark-result", role="status"),
            dcc.Store(id="cilesia-mark-lang", data=lang),
        ],
        id="cilesia-mark-form",
        className="border rounded p-2 mb-3",
    )


def _data() -> tuple[pd.DataFrame, pd.DataFrame]:
    database = current_database(get_settings())
    findings = database.query("data_quality_findings")
    marks = _marks(database.query("staff_decisions_in_force"))
    return findings, marks


def layout(lang: str | None = None, **_query: str) -> html.Div:
    """The findings of the current build, grouped by document and table."""
    lang = normalise_language(lang)
    try:
        findings, marks = _data()
    except Exception:
        logger.exception("data quality page")
        return dbc.Alert(t("state.error", lang), color="danger")
    counts = findings["severity"].value_counts()
    return html.Div(
        [
            html.H1(t("quality.title", lang), className="h3 mt-3"),
            html.P(t("quality.lead", lang), className="lead"),
            summary_box(findings, marks, lang),
            html.P(
                t(
                    "home.quality_detail",
                    lang,
                    errors=format_number(int(counts.get("error", 0)), lang),
                    warnings=format_number(int(counts.get("warning", 0)), lang),
                    info=format_number(int(counts.get("info", 0)), lang),
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
    user = auth.current_username() or "unknown"
    try:
        if finding_id not in set(
            current_database(get_settings()).query("data_quality_findings")["finding_id"]
        ):
            raise reviews.DecisionRefused("quality.error.target")
        decision = reviews.decide(
            get_settings(), "finding_mark", finding_id or "", mark or "", note or "", user
        )
    except reviews.DecisionRefused as error:
        return dbc.Alert(t(error.key, lang, **error.values), color="danger"), dash.no_update
    except BuildError:
        return dbc.Alert(t("quality.error.build", lang), color="danger"), dash.no_update
    auth.record_event(
        user,
        "review.finding_mark",
        decision.target,
        {"decision": decision.id, "mark": decision.value, "note": decision.note},
    )
    findings, marks = _data()
    message = t(
        "quality.mark.saved",
        lang,
        mark=t(f"quality.mark.{decision.value}", lang),
        id=decision.target,
    )
    return dbc.Alert(message, color="success"), findings_by_document(findings, marks, lang)
