"""Figures of the Action Plan's indicators: status by priority, one indicator by year."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.theme import MUTED, PALETTE, apply_theme
from dashboard.i18n import format_number, format_percent, t
from dashboard.plan_status import (
    DIRECTIONS,
    REASON_NO_DIRECTION,
    REASON_NO_TARGET,
    REASON_NO_VALUE,
    REASON_TABLE,
    REASON_TEXT,
    STATUSES,
    TEXT_UNIT,
)

STATUS_COLOURS: dict[str, str] = {
    "achieved": "#009E73",
    "on_track": "#56B4E9",
    "at_risk": "#E69F00",
    "off_track": "#D55E00",
    "no_data": MUTED,
}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI"}


def with_legend_room(figure: go.Figure) -> go.Figure:
    """Room above the plot for the horizontal legend, below the chart's tool bar."""
    figure.update_layout(
        margin={"t": 76},
        legend={"y": 1.02, "yanchor": "bottom", "x": 0, "orientation": "h"},
    )
    return figure


def progress_text(progress: object, lang: str) -> str:
    """Progress as a percentage; a move away from the target is said in words, not as -1 902 %."""
    if progress is None or pd.isna(progress):  # type: ignore[arg-type]
        return "—"
    if float(progress) < 0:  # type: ignore[arg-type]
        return t("indicators.progress_other_way", lang)
    return format_percent(float(progress), lang, decimals=0)  # type: ignore[arg-type]


def priority_label(priority: int, lang: str) -> str:
    """'Priority II' in the language (the plan numbers its priorities in Roman numerals)."""
    return t("indicators.priority", lang, number=ROMAN.get(int(priority), str(priority)))


# The reasons an indicator has no status, each said in words beside its badge.
NO_STATUS_REASONS = (
    REASON_NO_DIRECTION,
    REASON_TABLE,
    REASON_TEXT,
    REASON_NO_VALUE,
    REASON_NO_TARGET,
)


def direction_text(row: Mapping[str, Any] | pd.Series, lang: str) -> str:
    """Higher or lower is better, and how that is known; or that it is not set."""
    if row.get("unit") == TEXT_UNIT:
        return t("indicators.direction.none", lang)
    direction = row.get("status_direction")
    if not isinstance(direction, str) or direction not in DIRECTIONS:
        return t("indicators.direction.not_set", lang)
    text = t(f"indicators.direction.{direction}", lang)
    basis = row.get("status_direction_basis")
    if isinstance(basis, str):
        text += " " + t(f"indicators.direction.{basis}", lang)
    return text


def status_notes(row: Mapping[str, Any] | pd.Series, lang: str) -> tuple[str | None, str | None]:
    """Why an indicator has no status (None when it has one), and how its table is read."""
    reason = row.get("status_reason")
    why = (
        t(f"indicators.reason.{reason}", lang)
        if row.get("status") == "no_data" and reason in NO_STATUS_REASONS
        else None
    )
    reading = row.get("status_table_reading")
    how = t(f"indicators.reading.{reading}", lang) if isinstance(reading, str) and reading else None
    return why, how


def plan_number(value: object, lang: str) -> str:
    """A plan figure as printed: whole numbers without decimals, the missing mark if none."""
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return t("chart.missing_mark", lang)
    number = float(value)  # type: ignore[arg-type]
    return format_number(number, lang, decimals=0 if number.is_integer() else 1)


def status_summary_figure(summary: pd.DataFrame, lang: str) -> go.Figure:
    """Share of indicators by status, one horizontal 100 % bar per priority.

    `summary` has priority, status, indicators and share (0-1) for every pair.
    """
    figure = go.Figure()
    priorities = sorted(summary["priority"].unique())
    labels = [priority_label(p, lang) for p in priorities]
    for status in STATUSES:
        rows = summary[summary["status"] == status].set_index("priority").reindex(priorities)
        figure.add_bar(
            name=t(f"indicators.status.{status}", lang),
            y=labels,
            x=rows["share"].fillna(0.0),
            orientation="h",
            marker={"color": STATUS_COLOURS[status]},
            customdata=rows["indicators"].fillna(0).astype(int),
            text=[
                format_number(n, lang) if n and n > 0 else ""
                for n in rows["indicators"].fillna(0).astype(int)
            ],
            textposition="inside",
            hovertemplate="%{y}: %{customdata} (%{x:.0%})<extra>%{fullData.name}</extra>",
        )
    figure.update_layout(barmode="stack", legend={"traceorder": "normal"})
    figure.update_xaxes(tickformat=".0%", range=[0, 1])
    figure.update_yaxes(autorange="reversed")
    return with_legend_room(apply_theme(figure, height=110 + 45 * len(priorities)))


def status_summary_takeaway(summary: pd.DataFrame, lang: str) -> str:
    """One sentence: how many indicators are achieved or on track, and how many off track."""
    total = int(summary["indicators"].sum())
    if total == 0:
        return t("state.empty", lang)
    good = int(summary[summary["status"].isin(["achieved", "on_track"])]["indicators"].sum())
    off = int(summary[summary["status"] == "off_track"]["indicators"].sum())
    missing = int(summary[summary["status"] == "no_data"]["indicators"].sum())
    return t(
        "indicators.summary_takeaway",
        lang,
        good=good,
        total=total,
        share=format_percent(good / total, lang, decimals=0),
        off=off,
        missing=missing,
    )


def plan_series_figure(series: pd.DataFrame, lang: str) -> go.Figure:
    """One indicator by year: baseline, target and reported values.

    `series` has year, kind (baseline, target, reported), value and observed; a reported
    value that is not observed (its year starts after the document's date) is drawn
    hatched and named "planned, not observed", never as a result.
    """
    figure = go.Figure()
    numeric = series.dropna(subset=["value"])
    years = sorted(series["year"].unique())
    categories = [str(y) for y in years]

    def add(rows: pd.DataFrame, name: str, colour: str, **marker: object) -> None:
        if rows.empty:
            return
        figure.add_bar(
            name=name,
            x=[str(y) for y in rows["year"]],
            y=rows["value"],
            marker={"color": colour, **marker},
            text=[
                format_number(v, lang, decimals=0 if float(v).is_integer() else 1)
                for v in rows["value"]
            ],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y}<extra>" + name + "</extra>",
        )

    add(numeric[numeric["kind"] == "baseline"], t("indicators.kind.baseline", lang), MUTED)
    add(
        numeric[numeric["kind"] == "target"],
        t("indicators.kind.target", lang),
        "rgba(0,0,0,0)",
        line={"color": PALETTE[0], "width": 2},
    )
    reported = numeric[numeric["kind"] == "reported"]
    add(
        reported[reported["observed"].astype(bool)], t("indicators.kind.reported", lang), PALETTE[0]
    )
    add(
        reported[~reported["observed"].astype(bool)],
        t("indicators.kind.planned", lang),
        "#d6e4f0",
        pattern={"shape": "/", "fgcolor": PALETTE[0], "size": 6},
        line={"color": PALETTE[0], "width": 1},
    )
    figure.update_layout(barmode="group", bargap=0.25)
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=categories)
    figure.update_yaxes(rangemode="tozero")
    return with_legend_room(apply_theme(figure, height=340))


def indicator_takeaway(status: dict, lang: str) -> str:
    """One sentence on the indicator's status and the figures it was decided on."""
    label = t(f"indicators.status.{status['status']}", lang)
    if status.get("status_year") is None or pd.isna(status.get("status_year")):
        return t("indicators.takeaway_no_data", lang, status=label)
    mark = status.get("reported_withheld")
    if isinstance(mark, str) and mark:
        return t(
            "indicators.takeaway_withheld",
            lang,
            year=int(status["status_year"]),
            mark=mark,
            status=label,
        )
    values = {
        "year": int(status["status_year"]),
        "reported": format_number(status["status_reported"], lang),
        "status": label,
    }
    target = status.get("status_year_target")
    if target is None or pd.isna(target):
        return t("indicators.takeaway_no_target", lang, **values)
    progress = status.get("progress")
    if progress is not None and not pd.isna(progress) and progress < 0:
        return t(
            "indicators.takeaway_other_way", lang, target=format_number(target, lang), **values
        )
    return t(
        "indicators.takeaway",
        lang,
        target=format_number(target, lang),
        progress=progress_text(progress, lang),
        **values,
    )
