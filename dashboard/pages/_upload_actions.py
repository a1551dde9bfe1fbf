"""The upload page's (/ngarkimi) file actions: upload or fetch from ASK, preview, apply, cancel.

A file waits in the staging area (dashboard/ingest/staging.py) between its preview and
apply; a file with columns the importer is unsure of waits for the staff's choices and is
read again with them. Every id starts with "ngarkimi-", so each callback is checked on the
server (auth.require_role_for_outputs in pages/upload.py).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx

from dashboard import auth
from dashboard.i18n import normalise_language, t
from dashboard.ingest import fetch as ask_fetch
from dashboard.ingest import importer, staging
from dashboard.pages import _column_mapping as mapping
from dashboard.pages._upload_preview import preview_view, problems_list
from dashboard.settings import get_settings


def upload_limit() -> int:
    """Bytes a file may have (dashboard/ingest/staging.py: the request limit decides)."""
    return staging.upload_limit(get_settings())


def stage_upload(contents: str, filename: str | None) -> tuple[str | None, str | None]:
    """Decode an upload (a browser data URL) into the staging area: (token, error key)."""
    staging.discard_stale(get_settings())
    try:
        _, encoded = contents.split(",", 1)
        data = base64.b64decode(encoded, validate=True)
    except (ValueError, binascii.Error):
        return None, "upload.unreadable"
    if len(data) > upload_limit():
        return None, "upload.too_big"
    return staging.stage_bytes(get_settings(), data, staging.original_name(filename)), None


def _preview_of(token: Any) -> importer.ImportPreview | None:
    path = staging.staged_file(get_settings(), token)
    if path is None:
        return None
    choices = staging.staged_choices(path.parent)
    return importer.preview(
        path, display_name=staging.staged_name(path), settings=get_settings(), choices=choices
    )


def _applied(staged: Any, user: str, lang: str) -> tuple[Any, None, Any, None]:
    """Apply the staged file (it is discarded whatever happens): the upload outputs."""
    preview = _preview_of(staged)
    if preview is None:
        return dash.no_update, None, dbc.Alert(t("upload.nothing", lang), color="warning"), None
    if not preview.ok:
        return problems_list(preview, lang), None, None, None
    try:
        result = importer.apply(preview, user)
    except importer.ImportRefused as error:
        preview.problems = list(error.problems)
        auth.record_event(user, "import.refused", preview.display_name, {})
        return problems_list(preview, lang), None, None, None
    finally:
        staging.discard(get_settings(), staged)
    auth.record_event(
        user,
        "import.accepted" if result.status == "imported" else "import.duplicate",
        preview.display_name,
        {"id": result.entry.id, "added": result.entry.added, "replaced": result.entry.replaced},
    )
    applied = t("upload.applied", lang, file=preview.display_name, id=result.entry.id)
    return None, None, dbc.Alert(applied, color="success"), None


@callback(
    Output("ngarkimi-preview", "children"),
    Output("ngarkimi-staged", "data"),
    Output("ngarkimi-result", "children"),
    Output("ngarkimi-mapping", "data"),
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
        staging.discard(get_settings(), staged)
        return None, None, dbc.Alert(t("upload.cancelled", lang), color="secondary"), None
    if trigger == "ngarkimi-apply":
        return _applied(staged, user, lang)
    if not contents:
        return dash.no_update, dash.no_update, dash.no_update, dash.no_update
    staging.discard(get_settings(), staged)
    token, error = stage_upload(contents, filename)
    if token is None:
        return dbc.Alert(t(error or "upload.unreadable", lang), color="danger"), None, None, None
    preview = _preview_of(token)
    assert preview is not None
    if not preview.ok:
        auth.record_event(
            user,
            "import.preview_refused",
            preview.display_name,
            {"problems": preview.problem_count},
        )
        if mapping.wants_choices(preview):  # staff may still say how to read a column
            return preview_view(preview, lang), None, None, token
        staging.discard(get_settings(), token)
        return preview_view(preview, lang), None, None, None
    return preview_view(preview, lang), token, None, token


# Apply is offered only while a previewed file waits (in the browser: no request).
dash.clientside_callback(
    "function (staged) { return !staged; }",
    Output("ngarkimi-apply", "disabled"),
    Input("ngarkimi-staged", "data"),
)


@callback(
    Output("ngarkimi-preview", "children", allow_duplicate=True),
    Output("ngarkimi-staged", "data", allow_duplicate=True),
    Input("ngarkimi-reread", "n_clicks"),
    State({"type": mapping.CHOICE, "index": ALL}, "id"),
    State({"type": mapping.CHOICE, "index": ALL}, "value"),
    State("ngarkimi-mapping", "data"),
    State("ngarkimi-lang", "data"),
    prevent_initial_call=True,
)
def reread_with_choices(clicks, ids, values, token, lang):
    """Read the waiting file again with the staff's roles for its uncertain columns."""
    lang = normalise_language(lang)
    path = staging.staged_file(get_settings(), token)
    if not clicks or path is None:
        return dash.no_update, dash.no_update
    staging.save_staged_choices(path.parent, mapping.chosen_roles(ids, values))
    preview = _preview_of(token)
    assert preview is not None
    return preview_view(preview, lang), token if preview.ok else None


@callback(
    Output("ngarkimi-preview", "children", allow_duplicate=True),
    Output("ngarkimi-staged", "data", allow_duplicate=True),
    Output("ngarkimi-mapping", "data", allow_duplicate=True),
    Input("ngarkimi-fetch", "n_clicks"),
    State("ngarkimi-ask-table", "value"),
    State("ngarkimi-ask-api", "value"),
    State("ngarkimi-staged", "data"),
    State("ngarkimi-lang", "data"),
    prevent_initial_call=True,
)
def fetch_from_ask(clicks, table, api, staged, lang):
    """Ask ASK's PxWeb API for a table; its answer is previewed like an uploaded file."""
    lang = normalise_language(lang)
    if not clicks or not isinstance(table, str) or not table.strip():
        return dash.no_update, dash.no_update, dash.no_update
    settings = get_settings()
    staging.discard(settings, staged)
    api = api if api in ("v1", "v2") else "v1"
    try:
        fetched = ask_fetch.fetch(table.strip(), settings, lang=lang, api=api)
    except ask_fetch.FetchError as error:
        refused = importer.ImportPreview(
            path=settings.imports_dir, display_name=table.strip(), settings=settings
        )
        refused.problems = list(error.problems)
        return problems_list(refused, lang), None, None
    try:
        token = staging.stage_bytes(settings, fetched.path.read_bytes(), fetched.display_name)
    finally:
        fetched.path.unlink(missing_ok=True)
    preview = _preview_of(token)
    assert preview is not None
    if preview.ok:
        return preview_view(preview, lang), token, token
    if mapping.wants_choices(preview):
        return preview_view(preview, lang), None, token
    staging.discard(settings, token)
    return preview_view(preview, lang), None, None
