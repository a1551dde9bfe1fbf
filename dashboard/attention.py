"""What needs the mayor's attention, computed from the data: never a list written by hand.

Three rules, each a pure function of query results (so it runs on the staff database and
on the published layer alike):

- plan indicators off track, by the status rule of dashboard/plan_status.py;
- an SNS count that rose from the comparable figure about a year earlier (the pair of
  the sns_change query; a change between two different statistics is not called a rise);
- data-quality findings that staff have not yet settled (no mark, or marked "open").
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.plan_status import OFF_TRACK

SETTLED_MARKS = ("accepted", "corrected")


@dataclass(frozen=True)
class Attention:
    """One item of the list: its rule, how many things it counts and which ones."""

    rule: str  # "off_track", "sns_rising" or "findings_open"
    count: int
    subjects: tuple[str, ...] = ()
    latest: float | None = None
    earlier: float | None = None
    period: str | None = None
    period_type: str | None = None
    earlier_period: str | None = None
    earlier_period_type: str | None = None
    errors: int = 0


def off_track(statuses: pd.DataFrame) -> Attention | None:
    """The indicators whose status is off track (indicator_code, status)."""
    codes = statuses.loc[statuses["status"] == OFF_TRACK, "indicator_code"]
    if codes.empty:
        return None
    return Attention("off_track", len(codes), tuple(str(code) for code in codes))


def sns_rising(changes: pd.DataFrame) -> list[Attention]:
    """Each SNS measure whose latest figure is above the same statistic a year earlier."""
    items = []
    for row in changes.to_dict("records"):
        earlier = row.get("earlier_value")
        if earlier is None or pd.isna(earlier) or pd.isna(row.get("value")):
            continue
        if row.get("statistic") != row.get("earlier_statistic"):
            continue
        if float(row["value"]) > float(earlier):
            items.append(
                Attention(
                    "sns_rising",
                    int(row["value"]),
                    (str(row["measure"]),),
                    latest=float(row["value"]),
                    earlier=float(earlier),
                    period=row["period"],
                    period_type=row["period_type"],
                    earlier_period=row["earlier_period"],
                    earlier_period_type=row["earlier_period_type"],
                )
            )
    return items


def findings_open(findings: pd.DataFrame, decisions: pd.DataFrame) -> Attention | None:
    """The data-quality findings not yet accepted or corrected by staff."""
    marks = (
        decisions.loc[decisions["kind"] == "finding_mark"].set_index("target")["value"]
        if not decisions.empty
        else pd.Series(dtype=object)
    )
    mark = findings["finding_id"].map(marks)
    waiting = findings.loc[~mark.isin(SETTLED_MARKS)]
    if waiting.empty:
        return None
    errors = int((waiting["severity"] == "error").sum())
    return Attention("findings_open", len(waiting), errors=errors)


def needs_attention(
    statuses: pd.DataFrame,
    changes: pd.DataFrame,
    findings: pd.DataFrame,
    decisions: pd.DataFrame,
) -> list[Attention]:
    """Every item of the list, in the order of the rules above."""
    items = [off_track(statuses), *sns_rising(changes), findings_open(findings, decisions)]
    return [item for item in items if item is not None]
