"""Staff form for the plan's decisions: an indicator's direction, a shifted table's reading.

A part of the entry page (/ngarkimi): `decisions_form(lang)` is placed in its layout.
Every component id starts with "ngarkimi-decision-", registered for the editor role
below, so each callback is checked on the server. A decision is journalled in
dashboard/reviews.py (who, when, why), replayed by every build and recorded in the audit
log. User text is rendered as component text, never HTML.
"""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, dcc, html
from dash.development.base_component import Component

from dashboard import auth, reviews
from dashboard.audience import current_database
from dashboard.components.staff_form import journal_decision, note_and_save
from dashboard.db import get_database
from dashboard.i18n import normalise_language, t
from dashboard.plan_indicators import indicators_with_status
from dashboard.plan_status import DIRECTIONS, READINGS, table_readings
from dashboard.settings import get_settings

PREFIX = "ngarkimi-decision-"
auth.require_role_for_outputs(PREFIX, "editor")
HISTORY_ROWS = 50


def _indicator_options(lang: str) -> list[dict[str, str]]:
    """Count and binary indicators, those without a direction first."""
    try:
        indicators = indicators_with_status(current_database())
    except Exception:  # noqa: BLE001 - no database yet: an empty list, the page still works
        return []
    indicators = indicators[indicators["unit"].isin(["count", "binary"])]
    indicators = indicators.assign(
        _unset=indicators["status_reason"] != "direction_not_set"
    ).sort_values(["_unset", "indicator_code"])
    options = []
    for _, row in indicators.iterrows():
        direction = row.get("status_direction")
        reason = (
            t(f"indicators.direction.{direction}", lang)
            if isinstance(direction, str)
            else t("indicators.direction.not_set", lang)
        )
        options.append(
            {
                "label": t(
                    "quality.decision.indicator_label",
                    lang,
                    code=row["indicator_code"],
                    reason=reason,
                    text=str(row["indicator_text"])[:80],
                ),
                "value": str(row["indicator_code"]),
            }
        )
    return options


def disagreeing_tables() -> list[Any]:
    """The indicator tables whose years disagree with the plan or the other tables."""
    database = get_database(get_settings())
    indicators = database.query("plan_indicator_list")
    values = database.query("plan_indicator_values_by_year")
    return [table for table in table_readings(indicators, values) if table.disagrees]


def _table_options(lang: str) -> tuple[list[dict[str, str]], int]:
    try:
        tables = disagreeing_tables()
    except Exception:  # noqa: BLE001 - no database yet
        return [], 0
    options = [
        {
            "label": t(
                "quality.decision.table_label",
                lang,
                table=table.table,
                years=f"{min(table.baseline_years + table.years)}–{table.years[-1]}",
                usual=f"{min(table.usual_baseline_years + table.usual_years)}"
                f"–{table.usual_years[-1]}",
            ),
            "value": table.table,
        }
        for table in tables
    ]
    shift = max((table.shift for table in tables), default=0)
    return options, shift


def history_table(lang: str) -> Any:
    """The latest decisions about the plan (directions and readings), newest first."""
    decisions = [
        d
        for d in reversed(reviews.read_decisions(get_settings()))
        if d.kind in ("direction", "table_reading")
    ][:HISTORY_ROWS]
    if not decisions:
        return html.P(t("quality.decision.none", lang), className="text-muted small")
    columns = ("when", "who", "kind", "target", "value", "note")
    header = html.Thead(
        html.Tr([html.Th(t(f"quality.decision.col.{c}", lang), scope="col") for c in columns])
    )
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(d.decided_at.replace("T", " ")[:16]),
                    html.Td(d.user),
                    html.Td(t(f"quality.decision.kind.{d.kind}", lang)),
                    html.Td(d.target),
                    html.Td(d.value),
                    html.Td(d.note),
                ]
            )
            for d in decisions
        ]
    )
    return dbc.Table([header, body], size="sm", striped=True, responsive=True)


def _choices(kind: str, lang: str, shift: int = 0) -> list[dict[str, str]]:
    values = (*DIRECTIONS, reviews.UNSET) if kind == "direction" else (*READINGS, reviews.UNSET)
    return [
        {"label": t(f"quality.decision.{kind}.{value}", lang, shift=shift), "value": value}
        for value in values
    ]


def _note_and_save(kind: str, lang: str) -> list[Component]:
    """The note and the save button of the direction's or the reading's form."""
    return note_and_save(
        t("quality.decision.note", lang),
        f"{PREFIX}{kind}-note",
        t(f"quality.decision.save_{kind}", lang),
        f"{PREFIX}save-{kind}",
        reviews.MAX_TEXT,
    )


def decisions_form(lang: str | None = None) -> html.Div:
    """The two forms (direction, table reading) and the history of decisions."""
    lang = normalise_language(lang)
    table_options, shift = _table_options(lang)
    return html.Div(
        [
            dcc.Store(id=f"{PREFIX}lang", data=lang),
            html.H2(t("quality.decision.heading", lang), className="h4"),
            html.P(t("quality.decision.lead", lang), className="small"),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label(
                                t("quality.decision.indicator", lang),
                                html_for=f"{PREFIX}indicator",
                            ),
                            dcc.Dropdown(id=f"{PREFIX}indicator", options=_indicator_options(lang)),
                            dbc.Label(
                                t("quality.decision.direction", lang),
                                html_for=f"{PREFIX}direction",
                            ),
                            dbc.RadioItems(
                                id=f"{PREFIX}direction", options=_choices("direction", lang)
                            ),
                            *_note_and_save("direction", lang),
                        ],
                        md=6,
                    ),
                    dbc.Col(
                        [
                            dbc.Label(t("quality.decision.table", lang), html_for=f"{PREFIX}table"),
                            dcc.Dropdown(id=f"{PREFIX}table", options=table_options),
                            dbc.Label(
                                t("quality.decision.reading", lang),
                                html_for=f"{PREFIX}reading",
                            ),
                            dbc.RadioItems(
                                id=f"{PREFIX}reading",
                                options=_choices("reading", lang, shift),
                            ),
                            *_note_and_save("reading", lang),
                        ],
                        md=6,
                    ),
                ]
            ),
            html.Div(id=f"{PREFIX}result", role="status"),
            html.H3(t("quality.decision.history", lang), className="h6 mt-2"),
            html.Div(id=f"{PREFIX}history", children=history_table(lang)),
        ],
        id=f"{PREFIX}form",
        className="border rounded p-2 my-3",
    )


def _valid_targets(kind: str) -> set[str]:
    if kind == "direction":
        indicators = get_database(get_settings()).query("plan_indicator_list")
        return set(indicators.loc[indicators["unit"].isin(["count", "binary"]), "indicator_code"])
    return {table.table for table in disagreeing_tables()}


def save_decision(
    kind: str, target: str | None, value: str | None, note: str | None, lang: str
) -> tuple[Any, Any]:
    """Journal one decision, rebuild, audit it; the message and the refreshed history."""

    def check() -> None:
        if (target or "") not in _valid_targets(kind):
            raise reviews.DecisionRefused("quality.error.target")

    decision = journal_decision(get_settings(), kind, target, value, note, lang, check)
    if isinstance(decision, dbc.Alert):
        return decision, dash.no_update
    message = t("quality.decision.saved", lang, value=decision.value, target=decision.target)
    return dbc.Alert(message, color="success"), history_table(lang)


@callback(
    Output(f"{PREFIX}result", "children"),
    Output(f"{PREFIX}history", "children"),
    Input(f"{PREFIX}save-direction", "n_clicks"),
    Input(f"{PREFIX}save-reading", "n_clicks"),
    State(f"{PREFIX}indicator", "value"),
    State(f"{PREFIX}direction", "value"),
    State(f"{PREFIX}direction-note", "value"),
    State(f"{PREFIX}table", "value"),
    State(f"{PREFIX}reading", "value"),
    State(f"{PREFIX}reading-note", "value"),
    State(f"{PREFIX}lang", "data"),
    prevent_initial_call=True,
)
def handle_decision(
    _direction_clicks, _reading_clicks, indicator, direction, direction_note, table, reading,
    reading_note, lang,
):  # fmt: skip
    """Save a direction or a table reading (whichever button was pressed)."""
    lang = normalise_language(lang)
    if ctx.triggered_id == f"{PREFIX}save-reading":
        return save_decision("table_reading", table, reading, reading_note, lang)
    return save_decision("direction", indicator, direction, direction_note, lang)
