"""What the upload page (/ngarkimi) shows of a file before it is applied: changes or problems.

Everything the user gave (file names, cell values) is rendered as component text, never HTML.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard.i18n import format_number, t
from dashboard.ingest import importer
from dashboard.pages import _column_mapping as mapping
from dashboard.pages._upload_history import kind_label

PREVIEW_ROWS = 5


def problems_list(preview: importer.ImportPreview, lang: str) -> html.Div:
    """Every problem as text: file, line, field, value, expected."""
    # The same sentence as the command line's (a column says "column C" only once).
    items = [html.Li(problem.text(lang)) for problem in preview.problems]
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
