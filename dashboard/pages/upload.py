"""Staff page /ngarkimi: import a file (preview, then apply or cancel) and enter results.

Editor-only: the route is in the auth policy, and every component id here starts with
"ngarkimi-", registered below, so each callback is checked on the server. Everything the
user gave (file names, cell values, comments) is rendered as component text, never HTML.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
import shutil
import time
from pathlib import Path
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, ctx, dcc, html

from dashboard import auth, entries
from dashboard.build import BuildError
from dashboard.i18n import format_number, normalise_language, t
from dashboard.ingest import importer
from dashboard.pages._plan_decisions import decisions_form
from dashboard.settings import get_settings

dash.register_page(__name__, path="/ngarkimi", name="upload", title="Ngarkimi – stafi")
auth.require_role_for_outputs("ngarkimi-", "editor")

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
TOKEN = re.compile(r"^[0-9a-f]{32}$")
PREVIEW_ROWS = 5


def upload_limit() -> int:
    """Bytes a file may have: 50 MB, or less when the request limit (base64) is smaller."""
    request_bytes = get_settings().max_request_mb * 1024 * 1024
    return min(MAX_UPLOAD_BYTES, request_bytes * 3 // 4 - 64 * 1024)


def staging_dir() -> Path:
    """Where an uploaded file waits between preview and apply (shared by the workers)."""
    return get_settings().state_dir / "uploads"


def staged_file(token: Any) -> Path | None:
    """The staged upload of a token, or None for a token that is not ours."""
    if not isinstance(token, str) or not TOKEN.match(token):
        return None
    path = staging_dir() / token / "upload"
    return path if path.is_file() else None


def discard(token: Any) -> None:
    """Remove a staged upload."""
    path = staged_file(token)
    if path is not None:
        shutil.rmtree(path.parent, ignore_errors=True)


def _indicator_options() -> list[dict[str, str]]:
    import duckdb

    settings = get_settings()
    try:
        con = duckdb.connect(str(settings.db_path), read_only=True)
    except duckdb.Error:
        return []
    try:
        rows = con.execute(
            "SELECT indicator_code, unit, indicator_text FROM plan_indicators"
            " WHERE unit IN ('count', 'binary') ORDER BY priority, position, indicator_code"
        ).fetchall()
    finally:
        con.close()
    return [
        {"label": f"{code} ({unit}) – {str(text)[:90]}", "value": str(code)}
        for code, unit, text in rows
    ]


def layout(lang: str | None = None, **_query: Any) -> html.Div:
    """The upload section and the result-entry section."""
    lang = normalise_language(lang)
    limit_mb = upload_limit() // (1024 * 1024)
    return html.Div(
        [
            dcc.Store(id="ngarkimi-lang", data=lang),
            dcc.Store(id="ngarkimi-staged", data=None),
            html.H1(t("upload.title", lang)),
            html.P(t("upload.lead", lang, limit=limit_mb)),
            dcc.Upload(
                id="ngarkimi-file",
                children=html.Div(t("upload.pick", lang, limit=limit_mb)),
                max_size=upload_limit(),
                multiple=False,
                className="border rounded p-4 text-center mb-3",
            ),
            html.Div(id="ngarkimi-preview", role="status"),
            html.Div(
                [
                    dbc.Button(
                        t("upload.apply", lang), id="ngarkimi-apply", color="primary", n_clicks=0
                    ),
                    dbc.Button(
                        t("upload.cancel", lang),
                        id="ngarkimi-cancel",
                        color="secondary",
                        className="ms-2",
                        n_clicks=0,
                    ),
                ],
                className="my-3",
            ),
            html.Div(id="ngarkimi-result", role="status"),
            html.Hr(),
            html.H2(t("entry.title", lang)),
            html.P(t("entry.lead", lang)),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label(t("entry.indicator", lang), html_for="ngarkimi-indicator"),
                            dcc.Dropdown(id="ngarkimi-indicator", options=_indicator_options()),
                        ],
                        md=6,
                    ),
                    dbc.Col(
                        [
                            dbc.Label(t("entry.year", lang), html_for="ngarkimi-year"),
                            dbc.Input(id="ngarkimi-year", type="number", step=1),
                        ],
                        md=2,
                    ),
                    dbc.Col(
                        [
                            dbc.Label(t("entry.value", lang), html_for="ngarkimi-value"),
                            dbc.Input(id="ngarkimi-value", type="text"),
                        ],
                        md=2,
                    ),
                ],
                className="mb-2",
            ),
            dbc.Label(t("entry.source", lang), html_for="ngarkimi-source"),
            dbc.Input(id="ngarkimi-source", type="text", maxLength=entries.MAX_TEXT),
            dbc.Label(t("entry.comment", lang), html_for="ngarkimi-comment"),
            dbc.Textarea(id="ngarkimi-comment", maxLength=entries.MAX_TEXT),
            dbc.Button(
                t("entry.save", lang),
                id="ngarkimi-save",
                color="primary",
                className="my-2",
                n_clicks=0,
            ),
            html.Div(id="ngarkimi-entry-result", role="status"),
            html.H3(t("entry.history", lang), className="h5 mt-3"),
            dbc.InputGroup(
                [
                    dbc.Input(
                        id="ngarkimi-undo-id", type="number", placeholder=t("entry.undo_id", lang)
                    ),
                    dbc.Button(t("entry.undo", lang), id="ngarkimi-undo", n_clicks=0),
                ],
                className="mb-2",
                style={"maxWidth": "24rem"},
            ),
            html.Div(id="ngarkimi-history", children=history_table(lang)),
            decisions_form(lang),
        ],
        className="container py-3",
    )


# --- import -------------------------------------------------------------------------------


def problems_list(preview: importer.ImportPreview, lang: str) -> html.Div:
    """Every problem as text: file, line, field, value, expected."""
    items = [
        html.Li(
            t(
                "upload.problem",
                lang,
                file=problem.file,
                line="—" if problem.line is None else problem.line,
                field=problem.field or "—",
                value="—" if problem.value is None else problem.value,
                expected=problem.expected,
            )
        )
        for problem in preview.problems
    ]
    more = (
        [html.P(t("upload.more_problems", lang, count=preview.omitted))] if preview.omitted else []
    )
    return dbc.Alert(
        [
            html.P(
                t("upload.refused", lang, count=preview.problem_count, file=preview.display_name)
            ),
            html.Ul(items, className="mb-0"),
            *more,
        ],
        color="danger",
    )


def _rows_table(frame: pd.DataFrame) -> dbc.Table:
    header = html.Thead(html.Tr([html.Th(str(column)) for column in frame.columns]))
    body = html.Tbody(
        [
            html.Tr([html.Td("" if pd.isna(value) else str(value)) for value in row])
            for row in frame.itertuples(index=False)
        ]
    )
    return dbc.Table([header, body], size="sm", bordered=True, responsive=True)


def preview_view(preview: importer.ImportPreview, lang: str) -> html.Div:
    """What applying the file would change, or its problems."""
    if not preview.ok:
        return problems_list(preview, lang)
    if preview.duplicate_of is not None:
        return dbc.Alert(
            t("upload.duplicate", lang, file=preview.display_name, id=preview.duplicate_of.id),
            color="info",
        )
    parts: list[Any] = [
        html.P(t("upload.ready", lang, file=preview.display_name, kind=preview.kind or ""))
    ]
    first = preview.first_rows(PREVIEW_ROWS)
    for name, change in preview.changes.items():
        parts.append(
            html.H3(
                t(
                    "upload.dataset",
                    lang,
                    dataset=name,
                    added=format_number(change.added, lang),
                    replaced=format_number(change.replaced, lang),
                    unchanged=format_number(change.unchanged, lang),
                ),
                className="h6 mt-3",
            )
        )
        if name in first:
            parts.append(_rows_table(first[name]))
    parts.extend(html.P(note, className="small text-muted") for note in preview.notes)
    return html.Div(parts)


def discard_stale() -> int:
    """Remove staged uploads older than a staff session can last (previewed, never applied).

    Called whenever a file is staged, so the staging area never grows without bound.
    """
    oldest = time.time() - get_settings().session_hours * 3600
    removed = 0
    folder = staging_dir()
    for staged in folder.iterdir() if folder.is_dir() else ():
        try:
            stale = TOKEN.match(staged.name) and staged.stat().st_mtime < oldest
        except OSError:  # removed meanwhile by another worker
            continue
        if stale:
            shutil.rmtree(staged, ignore_errors=True)
            removed += 1
    return removed


def stage_upload(contents: str, filename: str | None) -> tuple[str | None, str | None]:
    """Decode an upload into the staging area: (token, error key)."""
    discard_stale()
    try:
        _, encoded = contents.split(",", 1)
        data = base64.b64decode(encoded, validate=True)
    except (ValueError, binascii.Error):
        return None, "upload.unreadable"
    if len(data) > upload_limit():
        return None, "upload.too_big"
    token = secrets.token_hex(16)
    folder = staging_dir() / token
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "upload").write_bytes(data)
    (folder / "name").write_text((filename or "upload")[:200], encoding="utf-8")
    return token, None


def _preview_of(token: Any) -> importer.ImportPreview | None:
    path = staged_file(token)
    if path is None:
        return None
    name = (path.parent / "name").read_text(encoding="utf-8")
    return importer.preview(path, display_name=name, settings=get_settings())


@callback(
    Output("ngarkimi-preview", "children"),
    Output("ngarkimi-staged", "data"),
    Output("ngarkimi-result", "children"),
    Input("ngarkimi-file", "contents"),
    Input("ngarkimi-apply", "n_clicks"),
    Input("ngarkimi-cancel", "n_clicks"),
    State("ngarkimi-file", "filename"),
    State("ngarkimi-staged", "data"),
    State("ngarkimi-lang", "data"),
    prevent_initial_call=True,
)
def handle_upload(contents, _apply, _cancel, filename, staged, lang):
    """Preview an uploaded file; apply or cancel the staged one."""
    lang = normalise_language(lang)
    trigger = ctx.triggered_id
    user = auth.current_username() or "unknown"
    if trigger == "ngarkimi-cancel":
        discard(staged)
        return None, None, dbc.Alert(t("upload.cancelled", lang), color="secondary")
    if trigger == "ngarkimi-apply":
        preview = _preview_of(staged)
        if preview is None:
            return dash.no_update, None, dbc.Alert(t("upload.nothing", lang), color="warning")
        if not preview.ok:
            return problems_list(preview, lang), None, None
        try:
            result = importer.apply(preview, user)
        except importer.ImportRefused as error:
            preview.problems = list(error.problems)
            auth.record_event(user, "import.refused", preview.display_name, {})
            return problems_list(preview, lang), None, None
        finally:
            discard(staged)
        auth.record_event(
            user,
            "import.accepted" if result.status == "imported" else "import.duplicate",
            preview.display_name,
            {"id": result.entry.id, "added": result.entry.added, "replaced": result.entry.replaced},
        )
        return (
            None,
            None,
            dbc.Alert(
                t("upload.applied", lang, file=preview.display_name, id=result.entry.id),
                color="success",
            ),
        )
    if not contents:
        return dash.no_update, dash.no_update, dash.no_update
    discard(staged)
    token, error = stage_upload(contents, filename)
    if token is None:
        return dbc.Alert(t(error or "upload.unreadable", lang), color="danger"), None, None
    preview = _preview_of(token)
    assert preview is not None
    if not preview.ok:
        discard(token)
        auth.record_event(
            user,
            "import.preview_refused",
            preview.display_name,
            {"problems": preview.problem_count},
        )
        return preview_view(preview, lang), None, None
    return preview_view(preview, lang), token, None


# --- result entry -------------------------------------------------------------------------


def _value_text(value: float | None, lang: str) -> str:
    return "—" if value is None else format_number(value, lang)


def history_table(lang: str, indicator_code: str | None = None) -> Any:
    """The entries (newest first): id, indicator, year, old → new, who, when, status."""
    rows = list(reversed(entries.read_entries(get_settings(), indicator_code)))
    if not rows:
        return html.P(t("entry.no_history", lang), className="text-muted")
    header = html.Thead(
        html.Tr(
            [
                html.Th(t(key, lang))
                for key in (
                    "entry.col.id",
                    "entry.indicator",
                    "entry.year",
                    "entry.col.change",
                    "entry.source",
                    "entry.comment",
                    "entry.col.who",
                    "entry.col.when",
                    "entry.col.status",
                )
            ]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(str(entry.id)),
                    html.Td(entry.indicator_code),
                    html.Td(str(entry.year)),
                    html.Td(
                        f"{_value_text(entry.old_value, lang)} → {_value_text(entry.value, lang)}"
                    ),
                    html.Td(entry.source),
                    html.Td(entry.comment),
                    html.Td(entry.user),
                    html.Td(entry.entered_at),
                    html.Td(
                        t("entry.status.active", lang)
                        if entry.active
                        else t(
                            "entry.status.undone", lang, who=entry.undone_by, when=entry.undone_at
                        )
                    ),
                ]
            )
            for entry in rows
        ]
    )
    return dbc.Table([header, body], size="sm", striped=True, responsive=True)


@callback(
    Output("ngarkimi-entry-result", "children"),
    Output("ngarkimi-history", "children"),
    Input("ngarkimi-save", "n_clicks"),
    Input("ngarkimi-undo", "n_clicks"),
    State("ngarkimi-indicator", "value"),
    State("ngarkimi-year", "value"),
    State("ngarkimi-value", "value"),
    State("ngarkimi-source", "value"),
    State("ngarkimi-comment", "value"),
    State("ngarkimi-undo-id", "value"),
    State("ngarkimi-lang", "data"),
    prevent_initial_call=True,
)
def handle_entry(_save, _undo, indicator, year, value, source, comment, undo_id, lang):
    """Save a reported value, or undo an entry; both journal and rebuild."""
    lang = normalise_language(lang)
    settings = get_settings()
    user = auth.current_username() or "unknown"
    try:
        if ctx.triggered_id == "ngarkimi-undo":
            try:
                entry_id = int(undo_id)
            except (TypeError, ValueError):
                raise entries.EntryRefused("entry.error.unknown", value=str(undo_id)[:20]) from None
            entry = entries.undo(settings, entry_id, user)
            auth.record_event(
                user,
                "entry.undone",
                f"{entry.indicator_code} {entry.year}",
                {"entry": entry.id, "value": entry.value},
            )
            message = t("entry.undone", lang, id=entry.id)
        else:
            entry = entries.record(
                settings, indicator or "", year, value, source or "", comment or "", user
            )
            auth.record_event(
                user,
                "entry.saved",
                f"{entry.indicator_code} {entry.year}",
                {"entry": entry.id, "old": entry.old_value, "new": entry.value},
            )
            message = t(
                "entry.saved",
                lang,
                id=entry.id,
                code=entry.indicator_code,
                year=entry.year,
                value=_value_text(entry.value, lang),
            )
    except entries.EntryRefused as error:
        return dbc.Alert(t(error.key, lang, **error.values), color="danger"), dash.no_update
    except BuildError:
        return dbc.Alert(t("entry.error.build", lang), color="danger"), dash.no_update
    return dbc.Alert(message, color="success"), history_table(lang)
