"""The import history of the upload page (/ngarkimi), and the list pieces its entry history shares.

Newest first: file, kind, rows, who, when, status and an undo button while the import is
active. Every id starts with "ngarkimi-", so the undo is checked on the server like the
rest of the page (auth.require_role_for_outputs in pages/upload.py).
"""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, html

from dashboard import auth
from dashboard.i18n import format_number, normalise_language, t
from dashboard.ingest import importer, journal
from dashboard.settings import get_settings

IMPORT_UNDO = "ngarkimi-import-undo"  # pattern-matching id type of an import's undo button
KIND_KEYS = ("px", "pxweb-csv", "jsonstat", "qps", "budget")  # upload.kind.<kind> exists


def kind_label(kind: str | None, lang: str) -> str:
    """The name of an export kind in the user's language (a kind added later shows itself)."""
    return t(f"upload.kind.{kind}", lang) if kind in KIND_KEYS else str(kind or "")


def when_text(iso_time: str | None) -> str:
    """A journal time (UTC, ISO 8601) as "2026-12-02 01:40 UTC"."""
    return f"{iso_time[:10]} {iso_time[11:16]} UTC" if iso_time else "—"


def clicked() -> bool:
    """Whether the callback fired because a button was really clicked (not just rendered)."""
    return bool(ctx.triggered and ctx.triggered[0].get("value"))


def status_text(area: str, entry: Any, lang: str) -> str:
    """Active, or undone by whom and when ("upload" or "entry" messages)."""
    if entry.active:
        return t(f"{area}.status.active", lang)
    return t(
        f"{area}.status.undone", lang, who=entry.undone_by or "—", when=when_text(entry.undone_at)
    )


def undo_button(kind: str, index: str | int, label: str, described: str) -> html.Button:
    """The undo button of a history row, its pattern-matching id typed `kind`."""
    return html.Button(
        label,
        id={"type": kind, "index": index},
        n_clicks=0,
        type="button",
        className="btn btn-sm btn-outline-danger",
        title=described,
        **{"aria-label": described},
    )


def history_item(
    item_id: str, title: list[Any], details: list[str], button: Any, active: bool
) -> dbc.ListGroupItem:
    """One row of a history list: what, then who/when/status, with its undo button."""
    return dbc.ListGroupItem(
        [
            html.Div(
                [html.Div(title, className="text-break"), button],
                className="d-flex justify-content-between align-items-start gap-2",
            ),
            *[html.Div(text, className="small text-muted text-break") for text in details],
        ],
        id=item_id,
        className="" if active else "bg-light",
    )


def imports_table(lang: str) -> Any:
    """The import journal, newest first: file, kind, rows, who, when, status, undo."""
    imports = list(reversed(journal.read_entries(get_settings())))
    if not imports:
        return html.P(t("upload.no_history", lang), className="text-muted")
    items = []
    for entry in imports:
        rows = "; ".join(
            f"{name}: {format_number(count, lang)}" for name, count in entry.rows.items()
        )
        button = (
            undo_button(
                IMPORT_UNDO,
                entry.id,
                t("upload.undo", lang),
                t("upload.undo_label", lang, file=entry.original_name, id=entry.id),
            )
            if entry.active
            else None
        )
        by = t(
            "upload.by",
            lang,
            who=entry.user,
            when=when_text(entry.imported_at),
            id=entry.id,
            status=status_text("upload", entry, lang),
        )
        items.append(
            history_item(
                f"ngarkimi-import-{entry.id}",
                [html.Strong(entry.original_name), f" · {kind_label(entry.kind, lang)}"],
                [t("upload.rows", lang, rows=rows), by],
                button,
                entry.active,
            )
        )
    return dbc.ListGroup(items, className="mb-3")


@callback(
    Output("ngarkimi-imports", "children"),
    Output("ngarkimi-import-result", "children"),
    Input("ngarkimi-result", "children"),
    Input({"type": IMPORT_UNDO, "index": ALL}, "n_clicks"),
    State("ngarkimi-lang", "data"),
    prevent_initial_call=True,
)
def handle_import_history(_applied, _undo_clicks, lang):
    """Refresh the journal after an import; undo the import whose button was clicked."""
    lang = normalise_language(lang)
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or trigger.get("type") != IMPORT_UNDO:
        return imports_table(lang), dash.no_update
    if not clicked():
        return dash.no_update, dash.no_update
    user = auth.current_username() or "unknown"
    wanted = str(trigger.get("index", ""))[:40]
    try:
        result = importer.undo(wanted, user, settings=get_settings())
    except journal.UnknownImport:
        message = dbc.Alert(t("upload.undo_unknown", lang, id=wanted), color="danger")
        return imports_table(lang), message
    except importer.ImportRefused:
        message = dbc.Alert(t("upload.undo_failed", lang, id=wanted), color="danger")
        return imports_table(lang), message
    entry = result.entry
    if result.status == "undone":
        auth.record_event(
            user, "import.undone", entry.original_name, {"id": entry.id, "rows": entry.rows}
        )
        key = "upload.undone"
    else:
        key = "upload.already_undone"
    message = dbc.Alert(t(key, lang, file=entry.original_name, id=entry.id), color="success")
    return imports_table(lang), message
