"""Staff page /ngarkimi: import a file (preview, then apply or cancel) and enter results.

Editor-only: the route is in the auth policy, and every component id here starts with
"ngarkimi-", registered below, so each callback is checked on the server. Everything the
user gave (file names, cell values, comments) is rendered as component text, never HTML.
The jobs live beside this module, imported here so their callbacks register: the file
actions (_upload_actions), the preview (_upload_preview), the column choices and recipes
(_column_mapping), the import history (_upload_history), the result entry (_result_entry)
and the plan decisions (_plan_decisions).
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.components.declared import register_page_module
from dashboard.components.staff_form import action_button
from dashboard.i18n import normalise_language, t
from dashboard.pages import _column_mapping as mapping
from dashboard.pages._plan_decisions import decisions_form
from dashboard.pages._result_entry import entry_section
from dashboard.pages._upload_actions import upload_limit
from dashboard.pages._upload_history import imports_table
from dashboard.settings import get_settings

register_page_module(
    __name__, path="/ngarkimi", name="upload", order=20, title="Ngarkimi – stafi", role="editor"
)


def fetch_form(lang: str) -> html.Details:
    """Fetch a table from ASK's PxWeb API by its path, instead of uploading a file."""
    return html.Details(
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
                    action_button(t("upload.fetch", lang), "ngarkimi-fetch", "secondary"),
                ],
                className="mb-2",
            ),
        ],
        className="mb-3",
    )


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
            fetch_form(lang),
            html.Div(id="ngarkimi-preview", role="status"),
            html.Div(
                [
                    action_button(t("upload.apply", lang), "ngarkimi-apply", disabled=True),
                    action_button(
                        t("upload.cancel", lang), "ngarkimi-cancel", "secondary", className="ms-2"
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
            *entry_section(lang),
            decisions_form(lang),
        ],
        className="container py-3",
    )
