"""Staff page /auditimi (admins): every import, entry, undo and user change, newest first.

Merges the auth store's audit events with the import journal and the entries journal, so
a change made from the command line (which writes only the journal) shows too. Failed
logins come from their own counts (one row per account, address and window) and are
fetched with their own limit: however many strangers guess, the staff's events stay.
`?kind=staff` or `?kind=logins` shows one kind only.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboard import entries
from dashboard.auth.store import get_store
from dashboard.components.declared import register_page_module
from dashboard.i18n import normalise_language, t
from dashboard.ingest import importer
from dashboard.settings import get_settings

register_page_module(
    __name__, path="/auditimi", name="audit", order=21, title="Auditimi – stafi", role="admin"
)

LIMIT = 500
KINDS = ("all", "staff", "logins")  # "staff": audit log and journals; "logins": failures


class AuditRow(NamedTuple):
    """One line of the audit page."""

    time: str
    actor: str
    action: str
    target: str
    detail: str
    origin: str  # "audit", "imports", "entries" or "logins"


def normalise_kind(kind: object) -> str:
    """One of KINDS; anything else shows everything."""
    return kind if isinstance(kind, str) and kind in KINDS else "all"


def audit_rows(limit: int = LIMIT, kind: str = "all") -> list[AuditRow]:
    """The rows of a kind, newest first; each kind keeps its own `limit` latest rows."""
    rows = staff_rows(limit) if kind in ("all", "staff") else []
    if kind in ("all", "logins"):
        rows += login_rows(limit)
    rows.sort(key=lambda row: row.time, reverse=True)
    return rows


def login_rows(limit: int = LIMIT) -> list[AuditRow]:
    """Failed and refused logins, one row per account, address, kind and window."""
    return [
        AuditRow(
            attempts.last_at,
            "anonymous",
            f"auth.login_{attempts.kind}",
            attempts.account,
            f"{attempts.attempts} × {attempts.address}, {attempts.first_at} – {attempts.last_at}"
            + (f"; {attempts.reasons}" if attempts.reasons else ""),
            "logins",
        )
        for attempts in get_store().login_attempts(limit=limit)
    ]


def staff_rows(limit: int = LIMIT) -> list[AuditRow]:
    """Events from the audit log and both journals, newest first."""
    settings = get_settings()
    rows = [
        AuditRow(e.time, e.actor, e.action, e.target, e.detail, "audit")
        for e in get_store().events(limit=limit)
    ]
    for imported in importer.list_imports(settings):
        target = f"{imported.id} {imported.original_name}"
        detail = f"added {imported.added}, replaced {imported.replaced}"
        done = AuditRow(
            imported.imported_at, imported.user, "journal.import", target, detail, "imports"
        )
        rows += with_undo(done, imported.undone_at, imported.undone_by)
    for entry in entries.read_entries(settings):
        target = f"{entry.indicator_code} {entry.year}"
        detail = f"#{entry.id}: {entry.old_value} → {entry.value}; {entry.source}; {entry.comment}"
        done = AuditRow(entry.entered_at, entry.user, "journal.entry", target, detail, "entries")
        rows += with_undo(done, entry.undone_at, entry.undone_by, f"#{entry.id}")
    rows.sort(key=lambda row: row.time, reverse=True)
    return rows[:limit]


def with_undo(
    done: AuditRow, undone_at: str | None, undone_by: str | None, detail: str = ""
) -> list[AuditRow]:
    """A journal line's row, and its undo's row when it was undone (same target and origin)."""
    if not undone_at:
        return [done]
    undone = AuditRow(
        undone_at, undone_by or "", f"{done.action}_undone", done.target, detail, done.origin
    )
    return [done, undone]


def audit_table(lang: str, action_filter: str | None = None, kind: str = "all") -> Any:
    """The audit rows of a kind as a table of plain text."""
    rows = audit_rows(kind=normalise_kind(kind))
    if isinstance(action_filter, str) and action_filter:
        rows = [row for row in rows if action_filter.lower() in row.action.lower()]
    if not rows:
        return html.P(t("audit.empty", lang), className="text-muted")
    keys = ("audit.time", "audit.actor", "audit.action", "audit.target", "audit.detail")
    header = html.Thead(html.Tr([html.Th(t(key, lang)) for key in keys]))
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(row.time),
                    html.Td(row.actor),
                    html.Td(row.action),
                    html.Td(row.target),
                    html.Td(row.detail, className="small"),
                ]
            )
            for row in rows
        ]
    )
    return dbc.Table([header, body], size="sm", striped=True, responsive=True)


def layout(lang: str | None = None, kind: str | None = None, **_query: Any) -> html.Div:
    """The audit log, newest first, with a choice of kind and a filter on the action."""
    lang = normalise_language(lang)
    kind = normalise_kind(kind)
    return html.Div(
        [
            dcc.Store(id="auditimi-lang", data=lang),
            html.H1(t("audit.title", lang)),
            html.P(t("audit.lead", lang)),
            html.Div(
                [
                    html.Label(
                        t("audit.kind", lang), htmlFor="auditimi-kind", className="visually-hidden"
                    ),
                    dbc.Select(
                        id="auditimi-kind",
                        options=[
                            {"label": t(f"audit.kind_{option}", lang), "value": option}
                            for option in KINDS
                        ],
                        value=kind,
                        style={"maxWidth": "18rem"},
                    ),
                    dbc.Input(
                        id="auditimi-filter",
                        type="search",
                        placeholder=t("audit.filter", lang),
                        style={"maxWidth": "24rem"},
                        debounce=True,
                    ),
                ],
                className="d-flex flex-wrap gap-2 mb-2",
            ),
            html.Div(id="auditimi-table", children=audit_table(lang, kind=kind)),
        ],
        className="container py-3",
    )


@callback(
    Output("auditimi-table", "children"),
    Input("auditimi-filter", "value"),
    Input("auditimi-kind", "value"),
    State("auditimi-lang", "data"),
    prevent_initial_call=True,
)
def filter_audit(action_filter, kind, lang):
    """Show only the events of a kind whose action contains the text."""
    return audit_table(normalise_language(lang), action_filter, normalise_kind(kind))
