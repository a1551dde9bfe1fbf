"""Result entry on the upload page (/ngarkimi): a reported value for a plan indicator and year.

Each entry is journaled with its source and comment and can be undone
(dashboard/entries.py); both rebuild the database. Every id starts with "ngarkimi-", so the
callback is checked on the server (auth.require_role_for_outputs in pages/upload.py).
"""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html

from dashboard import auth, entries
from dashboard.build import BuildError
from dashboard.components.staff_form import note_and_save
from dashboard.db import get_database
from dashboard.i18n import format_number, normalise_language, t
from dashboard.pages._upload_history import (
    clicked,
    history_item,
    status_text,
    undo_button,
    when_text,
)
from dashboard.settings import get_settings

ENTRY_UNDO = "ngarkimi-entry-undo"  # pattern-matching id type of a result entry's undo button


def indicator_options(lang: str) -> list[dict[str, str]]:
    """The plan indicators a result can be entered for (counts and yes/no), in plan order."""
    indicators = get_database(get_settings()).query("plan_indicator_list")
    indicators = entries.enterable_indicators(indicators)
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


def _labelled(component: Any, lang: str, width: int, *, label_key: str) -> dbc.Col:
    """A labelled column of the form's first row (the keyword lets the key test read it)."""
    return dbc.Col([dbc.Label(t(label_key, lang), html_for=component.id), component], md=width)


def entry_section(lang: str) -> list[Any]:
    """The form (indicator, year, value, source, comment), its result and the history."""
    return [
        html.H2(t("entry.title", lang)),
        html.P(t("entry.lead", lang)),
        dbc.Row(
            [
                _labelled(
                    dcc.Dropdown(id="ngarkimi-indicator", options=indicator_options(lang)),
                    lang,
                    6,
                    label_key="entry.indicator",
                ),
                _labelled(
                    dbc.Input(id="ngarkimi-year", type="number", step=1),
                    lang,
                    2,
                    label_key="entry.year",
                ),
                _labelled(
                    dbc.Input(id="ngarkimi-value", type="text"), lang, 2, label_key="entry.value"
                ),
            ],
            className="mb-2",
        ),
        dbc.Label(t("entry.source", lang), html_for="ngarkimi-source"),
        dbc.Input(id="ngarkimi-source", type="text", maxLength=entries.MAX_TEXT),
        *note_and_save(
            t("entry.comment", lang),
            "ngarkimi-comment",
            t("entry.save", lang),
            "ngarkimi-save",
            entries.MAX_TEXT,
        ),
        html.Div(id="ngarkimi-entry-result", role="status"),
        html.H3(t("entry.history", lang), className="h5 mt-3"),
        html.Div(id="ngarkimi-history", children=history_table(lang)),
    ]


def _value_text(value: float | None, lang: str) -> str:
    return "—" if value is None else format_number(value, lang)


def history_table(lang: str, indicator_code: str | None = None) -> Any:
    """The result entries, newest first: indicator, year, old → new, source, who, when, undo."""
    rows = list(reversed(entries.read_entries(get_settings(), indicator_code)))
    if not rows:
        return html.P(t("entry.no_history", lang), className="text-muted")
    items = []
    for entry in rows:
        described = t(
            "entry.undo_label", lang, id=entry.id, code=entry.indicator_code, year=entry.year
        )
        button = (
            undo_button(ENTRY_UNDO, entry.id, t("entry.undo", lang), described)
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
                status=status_text("entry", entry, lang),
            )
        )
        items.append(
            history_item(
                f"ngarkimi-entry-{entry.id}",
                [html.Strong(f"{entry.indicator_code}, {entry.year}"), f": {change}"],
                details,
                button,
                entry.active,
            )
        )
    return dbc.ListGroup(items, className="mb-3")


def _undo(settings: Any, undo_id: Any, user: str, lang: str) -> str:
    """Undo the entry of a button (audited): the message to show."""
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
    return t("entry.undone", lang, id=entry.id)


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
    if not clicked():
        return dash.no_update, dash.no_update
    try:
        if isinstance(trigger, dict) and trigger.get("type") == ENTRY_UNDO:
            message = _undo(settings, trigger.get("index"), user, lang)
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
