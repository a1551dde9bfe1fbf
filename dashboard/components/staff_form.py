"""What the staff forms share: their buttons, the note that says why, a decision journalled.

A finding's mark (/cilesia) and the plan's decisions (/ngarkimi) are the same act: a
choice with a note, journalled by dashboard/reviews.py, a rebuild, an audit event. The
settings come from the calling page, so a page's workspace (in tests too) is the one
written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash_bootstrap_components as dbc
from dash.development.base_component import Component

from dashboard import auth, reviews
from dashboard.build import BuildError
from dashboard.i18n import t
from dashboard.settings import Settings


def action_button(text: str, component_id: str, color: str = "primary", **style: Any) -> dbc.Button:
    """A button whose clicks a callback counts (from 0, so a redrawn button is no click)."""
    return dbc.Button(text, id=component_id, color=color, n_clicks=0, **style)


def note_and_save(
    note_label: str, note_id: str, save_label: str, save_id: str, max_length: int
) -> list[Component]:
    """The labelled note that says why, and the button that saves the choice with it."""
    return [
        dbc.Label(note_label, html_for=note_id),
        dbc.Textarea(id=note_id, maxLength=max_length),
        action_button(save_label, save_id, className="my-2"),
    ]


def journal_decision(
    settings: Settings,
    kind: str,
    target: str | None,
    value: str | None,
    note: str | None,
    lang: str,
    check: Callable[[], None],
    value_name: str = "value",
) -> reviews.Decision | dbc.Alert:
    """Journal a staff decision, rebuild and audit it; a refusal is the alert to show instead.

    `check` refuses a target the form did not offer (reviews.DecisionRefused) before
    anything is written; the audit event names the value `value_name` ("mark", "value").
    """
    user = auth.current_username() or "unknown"
    try:
        check()
        decision = reviews.decide(settings, kind, target or "", value or "", note or "", user)
    except reviews.DecisionRefused as error:
        return dbc.Alert(t(error.key, lang, **error.values), color="danger")
    except BuildError:
        return dbc.Alert(t("quality.error.build", lang), color="danger")
    auth.record_event(
        user,
        f"review.{kind}",
        decision.target,
        {"decision": decision.id, value_name: decision.value, "note": decision.note},
    )
    return decision
