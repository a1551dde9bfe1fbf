"""The status of an Action Plan indicator: achieved, on track, at risk, off track or no data.

The rule (the Indicators page prints it in words, `RULE_KEYS`):

1. Only observed values count: a reported value for a year that starts after the
   document's date (every "reported" 2025 and 2026 value of a plan dated 26.11.2024) is
   planned, not observed, and is left out.
2. Text indicators have no status.
3. A table whose years disagree with the plan's period or with the other tables
   (`table_readings`) is not rated until staff confirm a reading: as printed, or with its
   years moved to those of the other tables.
4. The direction (higher or lower is better) is known where staff set it, or where every
   target moves the same way from the baseline: the baseline and the targets in year
   order never turn back, and the final target differs from the baseline. Otherwise the
   indicator has no status: "direction not set" (flat targets, or targets that fall
   below the baseline and then rise, as 90, 100, 120 from 167).
5. Take the latest year with an observed numeric reported value; without one: "no data".
6. "achieved" if that value meets the plan's final target (the target of its last year
   with a numeric target) in the known direction (>= when higher is better, <= when
   lower is better).
7. Otherwise compare it with that year's target; without a numeric target for the year:
   "no data". Progress is the share of the way from the baseline to the year's target
   that the reported value covers, (reported - baseline) / (target - baseline), where
   the year's target moves away from the baseline in the good direction; otherwise the
   value is compared with the target itself: reported / target when higher is better,
   target / reported when lower is better. A value that meets the year's target counts
   as 100 %.
8. "on track" if progress >= 90 %, "at risk" if >= 60 %, "off track" below 60 %.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
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
DIRECTIONS: tuple[str, ...] = (HIGHER, LOWER)
TEXT_UNIT = "text"

# Why an indicator has the status it has (the page labels each reason).
REASON_TEXT = "text_indicator"
REASON_NO_DIRECTION = "direction_not_set"
REASON_TABLE = "table_unconfirmed"
REASON_NO_VALUE = "no_observed_value"
REASON_NO_TARGET = "no_target_for_year"
REASON_FINAL = "final_target_met"
REASON_PROGRESS = "progress"

# How a direction became known.
BASIS_STAFF = "staff"
BASIS_TARGETS = "targets"
BASIS_STATED = "stated"
# Readings of a table whose years disagree: as printed, or moved to the other tables' years.
READING_AS_PRINTED = "as_printed"
READING_SHIFTED = "shifted"
READINGS: tuple[str, ...] = (READING_AS_PRINTED, READING_SHIFTED)

PERIOD = re.compile(r"\b((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})\b")


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


@dataclass(frozen=True)
class PlanDecisions:
    """What staff decided: directions by indicator, readings by table (its source)."""

    directions: Mapping[str, str] = field(default_factory=dict)
    readings: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_frame(cls, decisions: pd.DataFrame | None) -> PlanDecisions:
        """From rows with kind, target and value (the staff_decisions table)."""
        if decisions is None or decisions.empty:
            return cls()
        by_kind = {
            kind: dict(zip(group["target"], group["value"], strict=True))
            for kind, group in decisions.groupby("kind")
        }
        return cls(
            directions={k: v for k, v in by_kind.get("direction", {}).items() if v in DIRECTIONS},
            readings={k: v for k, v in by_kind.get("table_reading", {}).items() if v in READINGS},
        )


@dataclass(frozen=True)
class TableYears:
    """The years of one indicator table and whether they agree with the plan and the others."""

    table: str  # the table's source (document and place)
    indicators: tuple[str, ...]
    baseline_years: tuple[int, ...]
    years: tuple[int, ...]  # years of its target and result columns
    usual_baseline_years: tuple[int, ...]
    usual_years: tuple[int, ...]  # the years most tables of the document have
    plan_period: tuple[int, int] | None
    outside_period: bool
    differs_from_others: bool

    @property
    def disagrees(self) -> bool:
        """Whether the table's years need a reading confirmed by staff."""
        return self.outside_period or self.differs_from_others

    @property
    def shift(self) -> int:
        """Years to add to read the table like the others (0 when it cannot be aligned)."""
        if not self.usual_years or len(self.usual_years) != len(self.years):
            return 0
        offset = self.usual_years[0] - self.years[0]
        aligned = tuple(y + offset for y in self.years) == self.usual_years
        return offset if aligned else 0


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


def plan_period(source: str) -> tuple[int, int] | None:
    """The period a plan names in its title ("Plani i Veprimit 2024-2026 ..." -> 2024, 2026)."""
    match = PERIOD.search(source.split(",")[0])
    return (int(match.group(1)), int(match.group(2))) if match else None


def inferred_direction(baseline: float | None, targets: Mapping[int, float | None]) -> str | None:
    """The direction every target moves from the baseline, or None when they do not agree.

    The baseline (when numeric) and the numeric targets in year order must never turn
    back, and the final target must differ from the start: flat targets, or targets
    that fall below the baseline and rise again, give None.
    """
    series = [baseline] if _number(baseline) is not None else []
    series += [
        float(v)  # type: ignore[arg-type]
        for _, v in sorted(targets.items())
        if _number(v) is not None
    ]
    if len(series) < 2:
        return None
    steps = [b - a for a, b in zip(series, series[1:], strict=False)]
    if all(s >= 0 for s in steps) and series[-1] > series[0]:
        return HIGHER
    if all(s <= 0 for s in steps) and series[-1] < series[0]:
        return LOWER
    return None


def resolve_direction(
    *,
    staff: str | None,
    printed: str | None,
    printed_basis: str | None,
    baseline: float | None,
    targets: Mapping[int, float | None],
) -> tuple[str | None, str | None]:
    """The direction and how it is known: staff's choice, a stated one, or the targets'."""
    if staff in DIRECTIONS:
        return staff, BASIS_STAFF
    # A direction the data files mark as inferred is a guess: the targets decide instead.
    if printed in DIRECTIONS and "inferred" not in str(printed_basis or "").lower():
        return printed, BASIS_STATED
    inferred = inferred_direction(baseline, targets)
    return (inferred, BASIS_TARGETS) if inferred else (None, None)


def progress_toward(
    reported: float, target: float, baseline: float | None, direction: str
) -> float:
    """Share of the way from the baseline to the target covered by reported (see the rule)."""
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
    table_confirmed: bool = True,
) -> IndicatorStatus:
    """Apply the rule of this module to one indicator whose direction is resolved."""
    numeric_targets = {int(y): v for y, v in targets.items() if _number(v) is not None}
    final_year = max(numeric_targets) if numeric_targets else None
    final_target = _number(numeric_targets[final_year]) if final_year is not None else None
    finals = {"final_target": final_target, "final_year": final_year}
    if unit == TEXT_UNIT:
        return IndicatorStatus(NO_DATA, REASON_TEXT, **finals)
    if not table_confirmed:
        return IndicatorStatus(NO_DATA, REASON_TABLE, **finals)
    if direction not in DIRECTIONS:
        return IndicatorStatus(NO_DATA, REASON_NO_DIRECTION, **finals)
    assert direction is not None
    observed = {
        int(y): float(v)  # type: ignore[arg-type]
        for y, v in reported.items()
        if _number(v) is not None and is_observed(int(y), document_date)
    }
    if not observed:
        return IndicatorStatus(NO_DATA, REASON_NO_VALUE, **finals)
    year = max(observed)
    value = observed[year]
    baseline = _number(baseline)
    year_target = _number(numeric_targets.get(year))
    common = {"year": year, "reported": value, "year_target": year_target, **finals}
    if final_target is not None and _meets(value, final_target, direction):
        progress = (
            progress_toward(value, year_target, baseline, direction)
            if year_target is not None
            else None
        )
        return IndicatorStatus(ACHIEVED, REASON_FINAL, progress=progress, **common)
    if year_target is None:
        return IndicatorStatus(NO_DATA, REASON_NO_TARGET, **common)
    progress = progress_toward(value, year_target, baseline, direction)
    if progress >= ON_TRACK_FROM:
        status = ON_TRACK
    elif progress >= AT_RISK_FROM:
        status = AT_RISK
    else:
        status = OFF_TRACK
    return IndicatorStatus(status, REASON_PROGRESS, progress=progress, **common)


def table_readings(indicators: pd.DataFrame, values: pd.DataFrame) -> list[TableYears]:
    """The years of every indicator table (one per source), against the plan and the others.

    A table's years are its baseline year and the years of its target and result
    columns; the usual years are those most tables share; the plan's period is read from
    the document's title.
    """
    years_by_code: dict[str, set[int]] = {}
    for code, year in values[["indicator_code", "year"]].itertuples(index=False):
        years_by_code.setdefault(str(code), set()).add(int(year))
    tables: dict[str, dict[str, set]] = {}
    for row in indicators.itertuples(index=False):
        table = tables.setdefault(
            str(row.source), {"codes": set(), "baseline": set(), "years": set()}
        )
        table["codes"].add(str(row.indicator_code))
        if not pd.isna(row.baseline_year):
            table["baseline"].add(int(row.baseline_year))
        table["years"] |= years_by_code.get(str(row.indicator_code), set())
    signatures = Counter(
        (tuple(sorted(t["baseline"])), tuple(sorted(t["years"])))
        for t in tables.values()
        if t["years"]
    )
    if not signatures:
        return []
    (usual_baseline, usual_years), usual_count = signatures.most_common(1)[0]
    # Without a majority (a tie), no table stands out from "the others".
    tie = sum(1 for count in signatures.values() if count == usual_count) > 1
    result = []
    for source, table in tables.items():
        years = tuple(sorted(table["years"]))
        if not years:
            continue
        baseline_years = tuple(sorted(table["baseline"]))
        period = plan_period(source)
        outside = bool(period) and any(
            y < period[0] or y > period[1]  # type: ignore[index]
            for y in years
        )
        differs = not tie and (baseline_years, years) != (usual_baseline, usual_years)
        result.append(
            TableYears(
                table=source,
                indicators=tuple(sorted(table["codes"])),
                baseline_years=baseline_years,
                years=years,
                usual_baseline_years=usual_baseline,
                usual_years=usual_years,
                plan_period=period,
                outside_period=outside,
                differs_from_others=differs,
            )
        )
    return result


STATUS_COLUMNS: tuple[str, ...] = (
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
    "status_direction",
    "status_direction_basis",
    "status_table_reading",
    "status_year_shift",
)


def indicator_statuses(
    indicators: pd.DataFrame,
    values: pd.DataFrame,
    decisions: PlanDecisions | None = None,
) -> pd.DataFrame:
    """The status of every indicator: one row per indicator of `indicators`.

    `indicators` has indicator_code, unit, direction, direction_basis, baseline_value,
    baseline_year and source; `values` has indicator_code, year, kind (target or
    reported), value and source_date; `decisions` are staff's directions and readings.
    """
    decisions = decisions or PlanDecisions()
    tables = {t.table: t for t in table_readings(indicators, values)}
    rows = []
    series: dict[tuple[str, str], dict[int, float | None]] = {}
    for code, kind, year, value in values[["indicator_code", "kind", "year", "value"]].itertuples(
        index=False
    ):
        series.setdefault((code, kind), {})[int(year)] = value
    dates = pd.to_datetime(values["source_date"]).groupby(values["indicator_code"]).max()
    for indicator in indicators.itertuples(index=False):
        code = indicator.indicator_code
        table = tables.get(str(getattr(indicator, "source", "")))
        reading = decisions.readings.get(table.table) if table else None
        shift = table.shift if table and reading == READING_SHIFTED else 0
        confirmed = table is None or not table.disagrees or reading in READINGS
        targets = {y + shift: v for y, v in series.get((code, "target"), {}).items()}
        reported = {y + shift: v for y, v in series.get((code, "reported"), {}).items()}
        latest = dates.get(code)
        document_date = (
            latest.date() if latest is not None and not pd.isna(latest) else date.today()
        )
        baseline = _number(indicator.baseline_value)
        direction, basis = resolve_direction(
            staff=decisions.directions.get(code),
            printed=indicator.direction if isinstance(indicator.direction, str) else None,
            printed_basis=getattr(indicator, "direction_basis", None),
            baseline=baseline,
            targets=targets,
        )
        result = indicator_status(
            unit=indicator.unit,
            direction=direction,
            baseline=baseline,
            targets=targets,
            reported=reported,
            document_date=document_date,
            table_confirmed=confirmed,
        )
        rows.append(
            {
                "indicator_code": code,
                "status": result.status,
                "status_reason": result.reason,
                "status_year": result.year,
                "status_reported": result.reported,
                "status_year_target": result.year_target,
                "final_target": result.final_target,
                "final_year": result.final_year,
                "progress": result.progress,
                "document_date": document_date,
                "status_direction": direction,
                "status_direction_basis": basis,
                "status_table_reading": reading if table and table.disagrees else None,
                "status_year_shift": shift,
            }
        )
    return pd.DataFrame(rows, columns=list(STATUS_COLUMNS))
