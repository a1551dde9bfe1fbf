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
from dash import ALL, Input, Output, State, callback, ctx, dcc, html

from dashboard import auth, entries
from dashboard.build import BuildError
from dashboard.db import get_database
from dashboard.i18n import format_number, normalise_language, t
from dashboard.ingest import fetch as ask_fetch
from dashboard.ingest import importer, journal, recipes
from dashboard.pages import _column_mapping as mapping
from dashboard.pages._plan_decisions import decisions_form
from dashboard.settings import get_settings

dash.register_page(
    __name__,
    path="/ngarkimi",
    name="upload",
    order=20,
    menu_key="nav.upload",
    role="editor",
    title="Ngarkimi – stafi",
)
auth.require_role_for_outputs("ngarkimi-", "editor")

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
TOKEN = re.compile(r"^[0-9a-f]{32}$")
PREVIEW_ROWS = 5
IMPORT_UNDO = "ngarkimi-import-undo"  # pattern-matching id type of an import's undo button
ENTRY_UNDO = "ngarkimi-entry-undo"  # ... and of a result entry's
KIND_KEYS = ("px", "pxweb-csv", "jsonstat", "qps", "budget")  # upload.kind.<kind> exists


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


ENTERED_UNITS = ("count", "binary")  # what entries.parse_value accepts


def indicator_options(lang: str) -> list[dict[str, str]]:
    """The plan indicators a result can be entered for (counts and yes/no), in plan order."""
    indicators = get_database(get_settings()).query("plan_indicator_list")
    indicators = indicators[indicators["unit"].isin(ENTERED_UNITS)]
    return [
        {
            "label": f"{code} ({t(f'entry.unit.{unit}', lang)}) – {str(text)[:90]}",
            "value": str(code),
        }
        for code, unit, text in zip(
            indicators["indicator_code"],
            indicators["unit"],
            indicators["indicator_text"],
            strict=True,
        )
    ]


def layout(lang: str | None = None, **_query: Any) -> html.Div:
    """The upload section and the result-entry section."""
    lang = normalise_language(lang)
    limit_mb = upload_limit() // (1024 * 1024)
    return html.Div(
        [
            dcc.Store(id="ngarkimi-lang", data=lang),
            dcc.Store(id="ngarkimi-staged", data=None),
            dcc.Store(id="ngarkimi-mapping", data=None),  # a file waiting for column choices
            html.H1(t("upload.title", lang)),
            html.P(t("upload.lead", lang, limit=limit_mb)),
            dcc.Upload(
                id="ngarkimi-file",
                children=html.Div(t("upload.pick", lang, limit=limit_mb)),
                max_size=upload_limit(),
                multiple=False,
                className="border rounded p-4 text-center mb-3",
            ),
            html.Details(
                [
                    html.Summary(t("upload.fetch_title", lang)),
                    html.P(t("upload.fetch_lead", lang), className="small mt-2"),
                    dbc.InputGroup(
                        [
                            dbc.Input(
                                id="ngarkimi-ask-table",
                                type="text",
                                placeholder=t("upload.fetch_placeholder", lang),
                                maxLength=300,
                            ),
                            dbc.Select(
                                id="ngarkimi-ask-api",
                                options=[
                                    {"label": "PxWeb API v1", "value": "v1"},
                                    {"label": "PxWeb API v2", "value": "v2"},
                                ],
                                value="v1",
                                style={"maxWidth": "11rem"},
                            ),
                            dbc.Button(
                                t("upload.fetch", lang),
                                id="ngarkimi-fetch",
                                color="secondary",
                                n_clicks=0,
                            ),
                        ],
                        className="mb-2",
                    ),
                ],
                className="mb-3",
            ),
            html.Div(id="ngarkimi-preview", role="status"),
            html.Div(
                [
                    dbc.Button(
                        t("upload.apply", lang),
                        id="ngarkimi-apply",
                        color="primary",
                        n_clicks=0,
                        disabled=True,
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
            html.H2(t("upload.history", lang), className="h4 mt-4"),
            html.Div(id="ngarkimi-import-result", role="status"),
            html.Div(id="ngarkimi-imports", children=imports_table(lang)),
            html.H2(t("imports.recipes_title", lang), className="h5 mt-4"),
            html.Div(id="ngarkimi-recipes", children=mapping.recipes_view(get_settings(), lang)),
            html.Hr(),
            html.H2(t("entry.title", lang)),
            html.P(t("entry.lead", lang)),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label(t("entry.indicator", lang), html_for="ngarkimi-indicator"),
                            dcc.Dropdown(id="ngarkimi-indicator", options=indicator_options(lang)),
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
                field=problem.field_in(lang) or "—",
                value="—" if problem.value is None else problem.value_in(lang),
                expected=problem.expected_in(lang),
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
                t(
                    "upload.refused_one" if preview.problem_count == 1 else "upload.refused",
                    lang,
                    count=preview.problem_count,
                    file=preview.display_name,
                )
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
    """What applying the file would change, or its problems; how each column was read."""
    readings = mapping.readings_view(preview, lang)
    if not preview.ok:
        return html.Div([problems_list(preview, lang), readings])
    if preview.duplicate_of is not None:
        return dbc.Alert(
            t("upload.duplicate", lang, file=preview.display_name, id=preview.duplicate_of.id),
            color="info",
        )
    parts: list[Any] = [
        html.P(
            t("upload.ready", lang, file=preview.display_name, kind=kind_label(preview.kind, lang))
        )
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
    parts.append(readings)
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


def original_name(filename: Any) -> str:
    """The name the user's file had (the browser gives no folders), without control characters.

    It is only ever shown and journaled; the staged copy is named "upload" whatever it is,
    so the importer tells the kind by the content alone.
    """
    name = "".join(char for char in str(filename or "") if char.isprintable()).strip()
    return name[:200] or "upload"


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
    return stage_bytes(data, original_name(filename)), None


def stage_bytes(data: bytes, name: str) -> str:
    """Keep a file's bytes in the staging area under a new token (its name kept apart)."""
    token = secrets.token_hex(16)
    folder = staging_dir() / token
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "upload").write_bytes(data)
    (folder / "name").write_text(name, encoding="utf-8")
    return token


def _preview_of(token: Any) -> importer.ImportPreview | None:
    path = staged_file(token)
    if path is None:
        return None
    name = (path.parent / "name").read_text(encoding="utf-8")
    choices = mapping.staged_choices(path.parent)
    return importer.preview(path, display_name=name, settings=get_settings(), choices=choices)


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
        discard(staged)
        return None, None, dbc.Alert(t("upload.cancelled", lang), color="secondary"), None
    if trigger == "ngarkimi-apply":
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
            None,
        )
    if not contents:
        return dash.no_update, dash.no_update, dash.no_update, dash.no_update
    discard(staged)
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
        discard(token)
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
    path = staged_file(token)
    if not clicks or path is None:
        return dash.no_update, dash.no_update
    mapping.save_staged_choices(path.parent, mapping.chosen_roles(ids, values))
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
    discard(staged)
    api = api if api in ("v1", "v2") else "v1"
    try:
        fetched = ask_fetch.fetch(table.strip(), get_settings(), lang=lang, api=api)
    except ask_fetch.FetchError as error:
        refused = importer.ImportPreview(
            path=get_settings().imports_dir, display_name=table.strip(), settings=get_settings()
        )
        refused.problems = list(error.problems)
        return problems_list(refused, lang), None, None
    try:
        token = stage_bytes(fetched.path.read_bytes(), fetched.display_name)
    finally:
        fetched.path.unlink(missing_ok=True)
    preview = _preview_of(token)
    assert preview is not None
    if preview.ok:
        return preview_view(preview, lang), token, token
    if mapping.wants_choices(preview):
        return preview_view(preview, lang), None, token
    discard(token)
    return preview_view(preview, lang), None, None


@callback(
    Output("ngarkimi-recipes", "children"),
    Input("ngarkimi-result", "children"),
    Input({"type": mapping.FORGET, "index": ALL}, "n_clicks"),
    State("ngarkimi-lang", "data"),
    prevent_initial_call=True,
)
def handle_recipes(_applied, _forget_clicks, lang):
    """The saved choices per table; forgetting one (audited)."""
    lang = normalise_language(lang)
    trigger = ctx.triggered_id
    settings = get_settings()
    if isinstance(trigger, dict) and trigger.get("type") == mapping.FORGET and _clicked():
        key = str(trigger["index"])
        if recipes.remove(settings, key):
            auth.record_event(auth.current_username() or "unknown", "recipe.forgotten", key, {})
    return mapping.recipes_view(settings, lang)


# --- import history ------------------------------------------------------------------------


def kind_label(kind: str | None, lang: str) -> str:
    """The name of an export kind in the user's language (a kind added later shows itself)."""
    return t(f"upload.kind.{kind}", lang) if kind in KIND_KEYS else str(kind or "")


def when_text(iso_time: str | None) -> str:
    """A journal time (UTC, ISO 8601) as "2026-12-02 01:40 UTC"."""
    return f"{iso_time[:10]} {iso_time[11:16]} UTC" if iso_time else "—"


def _undo_button(kind: str, index: str | int, label: str, described: str) -> html.Button:
    return html.Button(
        label,
        id={"type": kind, "index": index},
        n_clicks=0,
        type="button",
        className="btn btn-sm btn-outline-danger",
        title=described,
        **{"aria-label": described},
    )


def _history_item(
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
        status = (
            t("upload.status.active", lang)
            if entry.active
            else t(
                "upload.status.undone",
                lang,
                who=entry.undone_by or "—",
                when=when_text(entry.undone_at),
            )
        )
        rows = "; ".join(
            f"{name}: {format_number(count, lang)}" for name, count in entry.rows.items()
        )
        button = (
            _undo_button(
                IMPORT_UNDO,
                entry.id,
                t("upload.undo", lang),
                t("upload.undo_label", lang, file=entry.original_name, id=entry.id),
            )
            if entry.active
            else None
        )
        items.append(
            _history_item(
                f"ngarkimi-import-{entry.id}",
                [html.Strong(entry.original_name), f" · {kind_label(entry.kind, lang)}"],
                [
                    t("upload.rows", lang, rows=rows),
                    t(
                        "upload.by",
                        lang,
                        who=entry.user,
                        when=when_text(entry.imported_at),
                        id=entry.id,
                        status=status,
                    ),
                ],
                button,
                entry.active,
            )
        )
    return dbc.ListGroup(items, className="mb-3")


def _clicked() -> bool:
    """Whether the callback fired because a button was really clicked (not just rendered)."""
    return bool(ctx.triggered and ctx.triggered[0].get("value"))


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
    if not _clicked():
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


# --- result entry -------------------------------------------------------------------------


def _value_text(value: float | None, lang: str) -> str:
    return "—" if value is None else format_number(value, lang)


def history_table(lang: str, indicator_code: str | None = None) -> Any:
    """The result entries, newest first: indicator, year, old → new, source, who, when, undo."""
    rows = list(reversed(entries.read_entries(get_settings(), indicator_code)))
    if not rows:
        return html.P(t("entry.no_history", lang), className="text-muted")
    items = []
    for entry in rows:
        status = (
            t("entry.status.active", lang)
            if entry.active
            else t(
                "entry.status.undone",
                lang,
                who=entry.undone_by or "—",
                when=when_text(entry.undone_at),
            )
        )
        button = (
            _undo_button(
                ENTRY_UNDO,
                entry.id,
                t("entry.undo", lang),
                t(
                    "entry.undo_label",
                    lang,
                    id=entry.id,
                    code=entry.indicator_code,
                    year=entry.year,
                ),
            )
            if entry.active
            else None
        )
        change = f"{_value_text(entry.old_value, lang)} → {_value_text(entry.value, lang)}"
        details = [t("entry.from_source", lang, source=entry.source)]
        if entry.comment:
            details.append(t("entry.with_comment", lang, comment=entry.comment))
        details.append(
            t(
                "entry.by",
                lang,
                id=entry.id,
                who=entry.user,
                when=when_text(entry.entered_at),
                status=status,
            )
        )
        items.append(
            _history_item(
                f"ngarkimi-entry-{entry.id}",
                [html.Strong(f"{entry.indicator_code}, {entry.year}"), f": {change}"],
                details,
                button,
                entry.active,
            )
        )
    return dbc.ListGroup(items, className="mb-3")


@callback(
    Output("ngarkimi-entry-result", "children"),
    Output("ngarkimi-history", "children"),
    Input("ngarkimi-save", "n_clicks"),
    Input({"type": ENTRY_UNDO, "index": ALL}, "n_clicks"),
    State("ngarkimi-indicator", "value"),
    State("ngarkimi-year", "value"),
    State("ngarkimi-value", "value"),
    State("ngarkimi-source", "value"),
    State("ngarkimi-comment", "value"),
    State("ngarkimi-lang", "data"),
    prevent_initial_call=True,
)
def handle_entry(_save, _undo_clicks, indicator, year, value, source, comment, lang):
    """Save a reported value, or undo the entry whose button was clicked; both rebuild."""
    lang = normalise_language(lang)
    settings = get_settings()
    user = auth.current_username() or "unknown"
    trigger = ctx.triggered_id
    if not _clicked():
        return dash.no_update, dash.no_update
    try:
        if isinstance(trigger, dict) and trigger.get("type") == ENTRY_UNDO:
            undo_id = trigger.get("index")
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
