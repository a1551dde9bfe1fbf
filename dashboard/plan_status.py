"""The status of an Action Plan indicator: achieved, on track, at risk, off track or no data.

The rule (the Indicators page prints it in words, `RULE_KEYS`):

1. Only observed values count: a reported value for a year that starts after the
   document's date (every "reported" 2025 and 2026 value of a plan dated 26.11.2024) is
   planned, not observed, and is left out.
2. Text indicators, and indicators without a direction, have no status: "no data".
3. Take the latest year with an observed numeric reported value; without one: "no data".
4. "achieved" if that value meets the plan's final target (the target of its last year
   with a numeric target) in the indicator's direction (>= when higher is better, <= when
   lower is better).
5. Otherwise compare it with that year's target; without a numeric target for the year:
   "no data". Progress is the share of the way from the baseline to the year's target
   that the reported value covers: (reported - baseline) / (target - baseline). When the
   baseline is missing, or the year's target is not beyond the baseline in the good
   direction, the way is measured from zero: reported / target when higher is better,
   target / reported when lower is better. A value that meets the year's target counts
   as 100 %.
6. "on track" if progress >= 90 %, "at risk" if >= 60 %, "off track" below 60 %.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd

ACHIEVED = "achieved"
ON_TRACK = "on_track"
AT_RISK = "at_risk"
OFF_TRACK = "off_track"
NO_DATA = "no_data"
STATUSES: tuple[str, ...] = (ACHIEVED, ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA)
ON_TRACK_FROM = 0.9
AT_RISK_FROM = 0.6
HIGHER = "higher"
LOWER = "lower"
TEXT_UNIT = "text"


@dataclass(frozen=True)
class IndicatorStatus:
    """The status of one indicator and the figures it was decided on."""

    status: str
    reason: str  # why: the step of the rule that decided
    year: int | None = None  # the latest observed year
    reported: float | None = None
    year_target: float | None = None
    final_target: float | None = None
    final_year: int | None = None
    progress: float | None = None  # share of the way to the year's target (1.0 = met)


def is_observed(year: int, document_date: date) -> bool:
    """Whether a value for the year can be a result: the year started by the document's date."""
    return date(int(year), 1, 1) <= document_date


def _meets(value: float, target: float, direction: str) -> bool:
    return value >= target if direction == HIGHER else value <= target


def _number(value: object) -> float | None:
    if value is None or value is pd.NA:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if number != number else number


def progress_toward(
    reported: float, target: float, baseline: float | None, direction: str
) -> float:
    """Share of the way from the baseline (or from zero) to the target covered by reported."""
    share = _from_baseline(reported, target, baseline, direction)
    if _meets(reported, target, direction):
        return 1.0 if share is None else max(1.0, share)
    if share is not None:
        return share
    if direction == HIGHER:
        return reported / target if target > 0 else 0.0
    return target / reported if reported > 0 else 0.0


def _from_baseline(
    reported: float, target: float, baseline: float | None, direction: str
) -> float | None:
    """(reported - baseline) / (target - baseline) when the target lies beyond the baseline."""
    if baseline is None:
        return None
    beyond = target > baseline if direction == HIGHER else target < baseline
    if not beyond:
        return None
    return (reported - baseline) / (target - baseline)


def indicator_status(
    *,
    unit: str | None,
    direction: str | None,
    baseline: float | None,
    targets: Mapping[int, float | None],
    reported: Mapping[int, float | None],
    document_date: date,
) -> IndicatorStatus:
    """Apply the rule of this module to one indicator (see the module docstring)."""
    numeric_targets = {int(y): v for y, v in targets.items() if _number(v) is not None}
    final_year = max(numeric_targets) if numeric_targets else None
    final_target = _number(numeric_targets[final_year]) if final_year is not None else None
    if unit == TEXT_UNIT or direction not in (HIGHER, LOWER):
        return IndicatorStatus(
            NO_DATA, "text_or_no_direction", final_target=final_target, final_year=final_year
        )
    observed = {
        int(y): float(v)  # type: ignore[arg-type]
        for y, v in reported.items()
        if _number(v) is not None and is_observed(int(y), document_date)
    }
    if not observed:
        return IndicatorStatus(
            NO_DATA, "no_observed_value", final_target=final_target, final_year=final_year
        )
    year = max(observed)
    value = observed[year]
    baseline = _number(baseline)
    year_target = _number(numeric_targets.get(year))
    common = {
        "year": year,
        "reported": value,
        "year_target": year_target,
        "final_target": final_target,
        "final_year": final_year,
    }
    if final_target is not None and _meets(value, final_target, direction):
        progress = (
            progress_toward(value, year_target, baseline, direction)
            if year_target is not None
            else None
        )
        return IndicatorStatus(ACHIEVED, "final_target_met", progress=progress, **common)
    if year_target is None:
        return IndicatorStatus(NO_DATA, "no_target_for_year", **common)
    progress = progress_toward(value, year_target, baseline, direction)
    if progress >= ON_TRACK_FROM:
        status = ON_TRACK
    elif progress >= AT_RISK_FROM:
        status = AT_RISK
    else:
        status = OFF_TRACK
    return IndicatorStatus(status, "progress", progress=progress, **common)


def indicator_statuses(indicators: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """The status of every indicator: one row per indicator of `indicators`.

    `indicators` has indicator_code, unit, direction, baseline_value; `values` has
    indicator_code, year, kind (target or reported), value and source_date.
    """
    rows = []
    series: dict[tuple[str, str], dict[int, float | None]] = {}
    for code, kind, year, value in values[["indicator_code", "kind", "year", "value"]].itertuples(
        index=False
    ):
        series.setdefault((code, kind), {})[int(year)] = value
    dates = pd.to_datetime(values["source_date"]).groupby(values["indicator_code"]).max()
    for indicator in indicators.itertuples(index=False):
        targets = series.get((indicator.indicator_code, "target"), {})
        reported = series.get((indicator.indicator_code, "reported"), {})
        latest = dates.get(indicator.indicator_code)
        document_date = (
            latest.date() if latest is not None and not pd.isna(latest) else date.today()
        )
        result = indicator_status(
            unit=indicator.unit,
            direction=indicator.direction if isinstance(indicator.direction, str) else None,
            baseline=_number(indicator.baseline_value),
            targets=targets,
            reported=reported,
            document_date=document_date,
        )
        rows.append(
            {
                "indicator_code": indicator.indicator_code,
                "status": result.status,
                "status_reason": result.reason,
                "status_year": result.year,
                "status_reported": result.reported,
                "status_year_target": result.year_target,
                "final_target": result.final_target,
                "final_year": result.final_year,
                "progress": result.progress,
                "document_date": document_date,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "indicator_code",
            "status",
            "status_reason",
            "status_year",
            "status_reported",
            "status_year_target",
            "final_target",
            "final_year",
            "progress",
            "document_date",
        ],
    )
