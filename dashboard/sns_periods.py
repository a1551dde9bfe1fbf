"""Which SNS figures a view shows: the comparison period and the municipalities compared.

Pure rules (no database, no Dash), used by the social assistance page and its downloads
alike, so a card and its CSV always answer the same question.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

KOSOVO = "Kosovë"
# The columns of a comparison (queries/sns_comparison.sql), also when there is no period.
COMPARISON_COLUMNS = (
    "municipality",
    "name_en",
    "name_sr",
    "is_total",
    "period",
    "period_type",
    "measure",
    "value",
    "statistic",
    "census_year",
    "census_population",
    "per_1000",
    "note",
    "source",
)


def latest_period(periods: Sequence[str]) -> str | None:
    """The default comparison period: the latest one reported (None when there is none)."""
    return periods[-1] if periods else None


def resolve(values: Mapping[str, Any], periods: Sequence[str]) -> dict[str, Any]:
    """Parsed filter values with the period left open set to the latest comparison."""
    resolved = dict(values)
    if resolved.get("period") is None:
        resolved["period"] = latest_period(periods)
    return resolved


def compared_rows(
    frame: pd.DataFrame | None, municipality: str, chosen: Iterable[str]
) -> pd.DataFrame:
    """The comparison's rows: every municipality reported, or the chosen ones.

    The municipality of the dashboard and Kosovo's total (the share's denominator) are
    always kept; no period (`frame` None) gives no rows.
    """
    if frame is None:
        return pd.DataFrame(columns=list(COMPARISON_COLUMNS))
    chosen = list(chosen)
    if not chosen:
        return frame
    keep = {municipality, KOSOVO, *chosen}
    return frame[frame["municipality"].isin(keep)].reset_index(drop=True)


def shown_column(unit: str) -> str:
    """The comparison's column for a unit: counts, or per 1,000 inhabitants."""
    return "per_1000" if unit == "per_1000" else "value"


def nothing_to_compare(frame: pd.DataFrame, unit: str) -> bool:
    """Whether no municipality (Kosovo's total aside) has a figure in the unit."""
    rows = frame[~frame["is_total"].astype(bool)]
    return rows.dropna(subset=[shown_column(unit)]).empty
