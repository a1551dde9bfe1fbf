"""The Action Plan's indicators with their status, as the pages, briefing and forms use them.

Domain assembly on the data side (no web): the named queries through the data door, the
status rule of dashboard/plan_status.py, and the pure selections and summaries built on
them. Callers pass the database the person asking reads (dashboard/audience.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from dashboard.catalog import load_catalogue
from dashboard.db import Database
from dashboard.plan_status import STATUSES, PlanDecisions, indicator_statuses
from dashboard.settings import get_settings
from dashboard.suppression import REASON_COLUMN

# Where the statuses come from: the rule, cited beside the dataset on every summary.
STATUS_SOURCE = "dashboard/plan_status.py"


def indicators_with_status(database: Database) -> pd.DataFrame:
    """Every plan indicator with its objective, priority and status (plan_status rule)."""
    indicators = database.query("plan_indicator_list")
    values = database.query("plan_indicator_values_by_year")
    decisions = PlanDecisions.from_frame(database.query("staff_decisions_in_force"))
    statuses = indicator_statuses(indicators, values, decisions)
    return indicators.merge(statuses, on="indicator_code", how="left")


def with_withheld_reports(indicators: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """The indicators with a withheld baseline or reported value kept withheld.

    `indicators` and `values` are as the asker may see them; a withheld reported value
    (its mark in the values' suppression column) withholds the progress computed from it.
    The marks go to `baseline_withheld` and `reported_withheld`.
    """
    indicators = indicators.rename(columns={REASON_COLUMN: "baseline_withheld"})
    if REASON_COLUMN not in values.columns:
        indicators["reported_withheld"] = None
        return indicators
    marks = {
        (code, int(year)): mark
        for code, year, kind, mark in values[
            ["indicator_code", "year", "kind", REASON_COLUMN]
        ].itertuples(index=False)
        if kind == "reported" and isinstance(mark, str)
    }
    indicators["reported_withheld"] = [
        None if pd.isna(year) else marks.get((code, int(year)))
        for code, year in zip(indicators["indicator_code"], indicators["status_year"], strict=True)
    ]
    hidden = indicators["reported_withheld"].notna()
    indicators.loc[hidden, ["status_reported", "progress"]] = None
    return indicators


def in_scope(
    indicators: pd.DataFrame,
    priority: int | None = None,
    objective: str | None = None,
    status: str | None = None,
) -> pd.DataFrame:
    """The indicators under a priority, an objective and a status (None: every one)."""
    shown = indicators
    if priority is not None:
        shown = shown[shown["priority"] == priority]
    if objective is not None:
        shown = shown[shown["objective_code"] == objective]
    if status is not None:
        shown = shown[shown["status"] == status]
    return shown


def shown_indicator(indicators: pd.DataFrame, values: Mapping[str, Any]) -> str | None:
    """The indicator shown in detail: the chosen one, else the first of the selection."""
    if values.get("indicator") in set(indicators["indicator_code"]):
        return str(values["indicator"])
    shown = in_scope(
        indicators, values.get("priority"), values.get("objective"), values.get("status")
    )
    return str(shown["indicator_code"].iloc[0]) if len(shown) else None


def status_summary(indicators: pd.DataFrame) -> pd.DataFrame:
    """Indicators by priority and status, with the share of the priority's indicators."""
    counts = (
        indicators.groupby(["priority", "status"]).size().rename("indicators").reset_index()
        if len(indicators)
        else pd.DataFrame(columns=["priority", "status", "indicators"])
    )
    full = pd.MultiIndex.from_product(
        [sorted(indicators["priority"].unique()), STATUSES], names=["priority", "status"]
    )
    counts = counts.set_index(["priority", "status"]).reindex(full, fill_value=0).reset_index()
    counts["share"] = counts["indicators"] / counts.groupby("priority")["indicators"].transform(
        "sum"
    )
    dataset = load_catalogue(get_settings().data_dir)["plan_indicators"].source
    counts["source"] = f"{dataset}; {STATUS_SOURCE}"
    counts["demonstration"] = False
    return counts
