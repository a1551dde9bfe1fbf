"""How each column of an uploaded table was read, and the staff's choices where it is unsure.

Part of the upload page (/ngarkimi). The importer explains every column ("Year: its values
2011, 2024 are years"); a column it could not read with certainty gets a drop-down of
roles, and "Read again" re-reads the file with the choices. Applied choices are saved as
the table's recipe (dashboard/ingest/recipes.py), listed here with a button to forget one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.i18n import t
from dashboard.ingest import importer, readings, recipes
from dashboard.settings import Settings

CHOICE = "ngarkimi-map"  # pattern-matching id type of a column's drop-down
FORGET = "ngarkimi-forget-recipe"
CHOICES_FILE = "choices.json"


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
            dbc.Button(
                t("imports.read_again", lang),
                id="ngarkimi-reread",
                color="secondary",
                size="sm",
                n_clicks=0,
            )
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


def save_staged_choices(folder: Path, choices: Mapping[str, str]) -> None:
    """Keep the staff's choices beside the staged upload, for the preview and the apply."""
    (folder / CHOICES_FILE).write_text(json.dumps(dict(choices)), encoding="utf-8")


def staged_choices(folder: Path) -> dict[str, str]:
    """The choices kept beside a staged upload (none when there are none)."""
    path = folder / CHOICES_FILE
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


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
