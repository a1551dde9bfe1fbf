"""How each column of an uploaded table was read, and the staff's choices where it is unsure.

Part of the upload page (/ngarkimi). The importer explains every column ("Year: its values
2011, 2024 are years"); a column it could not read with certainty gets a drop-down of
roles, and "Read again" re-reads the file with the choices. Applied choices are saved as
the table's recipe (dashboard/ingest/recipes.py), listed here with a button to forget one
(its callback under the page's "ngarkimi-" prefix, checked on the server).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import ALL, Input, Output, State, callback, ctx, dcc, html

from dashboard import auth
from dashboard.components.staff_form import action_button
from dashboard.i18n import normalise_language, t
from dashboard.ingest import importer, readings, recipes
from dashboard.pages._upload_history import clicked
from dashboard.settings import Settings, get_settings

CHOICE = "ngarkimi-map"  # pattern-matching id type of a column's drop-down
FORGET = "ngarkimi-forget-recipe"


def needs_choice(reading: Any) -> bool:
    """Whether staff should confirm or choose the role of a column."""
    return reading.role is None or not reading.certain


def wants_choices(preview: importer.ImportPreview) -> bool:
    """Whether any column of the preview waits for a staff choice."""
    return any(needs_choice(reading) for reading in preview.readings)


def readings_view(preview: importer.ImportPreview, lang: str) -> html.Div | None:
    """The reading of every column, with a drop-down where it is not certain."""
    if not preview.readings:
        return None
    items = []
    for reading in preview.readings:
        sentence = html.Span(reading.explain(lang))
        if not needs_choice(reading):
            items.append(html.Li(sentence))
            continue
        options = (
            readings.contents_choices(lang)
            if reading.column == readings.CONTENTS
            else readings.role_choices(lang)
        )
        chosen = preview.choices.get(reading.column, reading.role)
        items.append(
            html.Li(
                [
                    sentence,
                    dcc.Dropdown(
                        id={"type": CHOICE, "index": reading.column},
                        options=[{"label": o["label"], "value": o["value"]} for o in options],
                        value=chosen,
                        clearable=False,
                        placeholder=t("imports.choose_role", lang, column=reading.column),
                        className="mt-1",
                        style={"maxWidth": "22rem"},
                    ),
                ],
                className="mb-2",
            )
        )
    parts: list[Any] = [
        html.H3(t("imports.readings_title", lang), className="h6 mt-3"),
        html.Ul(items, className="small"),
    ]
    if wants_choices(preview):
        parts.append(
            action_button(t("imports.read_again", lang), "ngarkimi-reread", "secondary", size="sm")
        )
    return html.Div(parts, id="ngarkimi-readings")


def chosen_roles(ids: Sequence[Mapping[str, str]], values: Sequence[Any]) -> dict[str, str]:
    """The drop-downs' values as column -> role (only valid roles are kept)."""
    allowed = set(readings.ROLES) | set(readings.CONTENTS_ROLES)
    return {
        str(component["index"]): str(value)
        for component, value in zip(ids, values, strict=False)
        if isinstance(value, str) and value in allowed
    }


def recipes_view(settings: Settings, lang: str) -> html.Div:
    """The saved recipes (the staff's choices per table), each with a button to forget it."""
    saved = recipes.list_recipes(settings)
    if not saved:
        return html.P(t("imports.no_recipes", lang), className="small text-muted")
    rows = []
    for recipe in saved:
        choices = ", ".join(f"{column} = {role}" for column, role in recipe.choices.items())
        rows.append(
            html.Li(
                [
                    html.Span(
                        t(
                            "imports.recipe_line",
                            lang,
                            title=recipe.title or recipe.key,
                            choices=choices,
                            user=recipe.user,
                            when=recipe.saved_at[:16].replace("T", " "),
                        )
                    ),
                    " ",
                    html.Button(
                        t("imports.forget_recipe", lang),
                        id={"type": FORGET, "index": recipe.key},
                        className="btn btn-sm btn-outline-secondary ms-2",
                        n_clicks=0,
                    ),
                ],
                className="mb-1",
            )
        )
    return html.Ul(rows, className="small")


@callback(
    Output("ngarkimi-recipes", "children"),
    Input("ngarkimi-result", "children"),
    Input({"type": FORGET, "index": ALL}, "n_clicks"),
    State("ngarkimi-lang", "data"),
    prevent_initial_call=True,
)
def handle_recipes(_applied, _forget_clicks, lang):
    """The saved choices per table; forgetting one (audited)."""
    lang = normalise_language(lang)
    trigger = ctx.triggered_id
    settings = get_settings()
    if isinstance(trigger, dict) and trigger.get("type") == FORGET and clicked():
        key = str(trigger["index"])
        if recipes.remove(settings, key):
            auth.record_event(auth.current_username() or "unknown", "recipe.forgotten", key, {})
    return recipes_view(settings, lang)
