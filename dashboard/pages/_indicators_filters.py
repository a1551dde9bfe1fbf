"""The Indicators page's filters and the indicators they select, as the asker may see them.

The indicators come with their status (dashboard/plan_status.py, through
dashboard/plan_indicators.py), kept per build and role; the values by year are what the
drill-down's cells and the detail chart show.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from dashboard.audience import current_database
from dashboard.cache import memo
from dashboard.components.declared import Filter
from dashboard.components.filters import FilterSpec
from dashboard.components.page_tools import as_seen, current_role
from dashboard.figures.indicators import priority_label
from dashboard.i18n import t
from dashboard.plan_indicators import in_scope, indicators_with_status, with_withheld_reports
from dashboard.plan_status import STATUSES


def _objectives() -> pd.DataFrame:
    return current_database().query("plan_objectives_list")


def _priorities() -> list[int]:
    return sorted(int(p) for p in _objectives()["priority"].unique())


def values_as_seen() -> pd.DataFrame:
    """Every target and reported value, as the person asking may see them."""
    frame = current_database().query("plan_indicator_values_by_year")
    return as_seen(frame, "plan_indicator_values")


def indicators_for_page() -> pd.DataFrame:
    """The indicators with their status as the asker may see them (kept per build and role)."""

    def read() -> pd.DataFrame:
        indicators = as_seen(indicators_with_status(current_database()), "plan_indicators")
        return with_withheld_reports(indicators, values_as_seen())

    return memo(("indicators_for_page", current_database().version, current_role()), read)


def _selection(values: Mapping[str, Any]) -> pd.DataFrame:
    return in_scope(
        indicators_for_page(), values.get("priority"), values.get("objective"), values.get("status")
    )


def _objectives_of(values: Mapping[str, Any]) -> list[str]:
    objectives = _objectives()
    if values.get("priority") is not None:
        objectives = objectives[objectives["priority"] == values["priority"]]
    return list(objectives["objective_code"])


def _objective_options(_lang: str) -> list[tuple[str, str]]:
    return [
        (code, f"{code} · {text[:80]}{'…' if len(text) > 80 else ''}")
        for code, text in _objectives()[["objective_code", "objective_text"]].itertuples(
            index=False
        )
    ]


FILTERS = (
    Filter(
        FilterSpec("priority", _priorities, None, parse=int),
        "indicators.filter.priority",
        lambda lang: [(str(p), priority_label(p, lang)) for p in _priorities()],
        width=3,
    ),
    Filter(
        FilterSpec("objective", lambda: list(_objectives()["objective_code"]), None),
        "indicators.filter.objective",
        _objective_options,
        width=6,
        scope=_objectives_of,  # an objective outside the chosen priority is dropped
    ),
    Filter(
        FilterSpec("status", STATUSES, None),
        "indicators.filter.status",
        lambda lang: [(s, t(f"indicators.status.{s}", lang)) for s in STATUSES],
        width=3,
    ),
    # Chosen by the links of the table; a new selection without it shows its first one.
    Filter(
        FilterSpec(
            "indicator",
            lambda: list(current_database().query("plan_indicator_list")["indicator_code"]),
            None,
        ),
        "indicators.col.indicator",
        lambda _lang: [],
        control="none",
        scope=lambda values: list(_selection(values)["indicator_code"]),
    ),
)
