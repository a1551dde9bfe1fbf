"""Figures of the Budget page: the 2026 work-plan lines and sectors, and budget execution."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import about_largest, largest_known, sector_name
from dashboard.figures.indicators import with_legend_room
from dashboard.figures.services import short_label
from dashboard.figures.theme import MUTED, PALETTE, apply_theme
from dashboard.i18n import format_currency, format_percent, t

READING_STYLE: dict[str, dict[str, object]] = {
    "certain": {"color": PALETTE[0]},
    "uncertain": {"color": "#f3c77a", "pattern": {"shape": "/", "fgcolor": "#8a5a00", "size": 6}},
    "not legible": {"color": MUTED},
}


def objective_text(row: pd.Series, lang: str) -> str:
    """The line's objective: the English translation stored as data in English, else as printed."""
    if lang == "en" and isinstance(row.get("objective_en"), str) and row["objective_en"]:
        return str(row["objective_en"])
    return str(row["objective_sq"])


def amount_and_share(row: pd.Series, lang: str) -> dict[str, str]:
    """A line's or a sector's amount and its share of the plan's total, said the same everywhere."""
    return {
        "amount": format_currency(row["amount_eur"], lang),
        "share": format_percent(row["share_of_total"], lang),
    }


def reading_label(reading: str, lang: str) -> str:
    """The confidence of a line's amount reading in words."""
    return t(f"budget.reading.{reading.replace(' ', '_')}", lang)


def amount_text(row: pd.Series, lang: str) -> str:
    """Why a line has no amount, in words: not legible, written as text, or none listed."""
    if row["reading"] == "not legible":
        return t("budget.amount_not_legible", lang)
    if isinstance(row["amount_text"], str) and row["amount_text"]:
        return t("budget.amount_as_text", lang, text=row["amount_text"])
    return t("budget.amount_none", lang)


def budget_lines_figure(lines: pd.DataFrame, lang: str) -> go.Figure:
    """The lines with an amount, largest first; amounts read with uncertainty are hatched."""
    shown = lines.dropna(subset=["amount_eur"]).sort_values("amount_eur", ascending=False)
    labels = [
        short_label(row["line_no"], objective_text(row, lang), 50) for _, row in shown.iterrows()
    ]
    shown = shown.assign(label=labels)
    figure = go.Figure()
    for reading, rows in shown.groupby("reading", sort=False):
        style = READING_STYLE.get(str(reading), {"color": MUTED})
        figure.add_bar(
            name=reading_label(str(reading), lang),
            y=rows["label"],
            x=rows["amount_eur"],
            orientation="h",
            marker=style,
            text=[
                f"{format_currency(a, lang)} ({format_percent(s, lang)})"
                for a, s in zip(rows["amount_eur"], rows["share_of_total"], strict=True)
            ],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra>%{fullData.name}</extra>",
        )
    figure.update_yaxes(categoryorder="array", categoryarray=list(reversed(labels)))
    if len(shown):
        figure.update_xaxes(range=[0, float(shown["amount_eur"].max()) * 1.8])
    return with_legend_room(apply_theme(figure, height=max(280, 100 + 34 * len(shown))))


def budget_lines_ranking(lines: pd.DataFrame, lang: str) -> list[str]:
    """The lines with an amount as sentences, largest first, for a phone's narrow screen.

    A bar chart of long objective names leaves neither the names nor the amounts room at
    375 px; an uncertain reading is said in words, as the chart hatches it.
    """
    shown = lines.dropna(subset=["amount_eur"]).sort_values("amount_eur", ascending=False)
    lines_said = []
    for _, row in shown.iterrows():
        name = short_label(row["line_no"], objective_text(row, lang), 80)
        said = amount_and_share(row, lang)
        reading = "" if row["reading"] == "certain" else f" · {reading_label(row['reading'], lang)}"
        lines_said.append(f"{name}: {said['amount']} ({said['share']}){reading}")
    return lines_said


def budget_lines_takeaway(lines: pd.DataFrame, lang: str) -> str:
    """The largest line and its share of the total; how many lines have no amount."""
    largest = largest_known(lines, "amount_eur")
    if largest is None:
        return t("budget.lines_takeaway_none", lang, lines=len(lines))
    return t(
        "budget.lines_takeaway",
        lang,
        objective=objective_text(largest, lang),
        **amount_and_share(largest, lang),
        total=format_currency(largest["total_eur"], lang),
        without=int(lines["amount_eur"].isna().sum()),
    )


def wrap(text: str, width: int = 22) -> str:
    """Text broken into lines of about `width` characters for an axis label."""
    lines: list[str] = []
    for word in str(text).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def budget_sector_figure(sectors: pd.DataFrame, lang: str) -> go.Figure:
    """The planned amount of each sector, a column each."""
    named = [sector_name(row, lang) for row in sectors.to_dict("records")]
    figure = go.Figure(
        go.Bar(
            x=[wrap(name) for name in named],
            y=sectors["amount_eur"],
            marker={"color": PALETTE[0]},
            text=[
                f"{format_currency(a, lang)}<br>({format_percent(s, lang)})"
                for a, s in zip(sectors["amount_eur"], sectors["share_of_total"], strict=True)
            ],
            textposition="outside",
            cliponaxis=False,
            customdata=named,
            hovertemplate="%{customdata}: %{text}<extra></extra>",
        )
    )
    if len(sectors) and sectors["amount_eur"].notna().any():
        figure.update_yaxes(range=[0, float(sectors["amount_eur"].max()) * 1.3])
    figure.update_xaxes(tickangle=0)
    return apply_theme(figure, height=360, legend=False)


def budget_sector_takeaway(sectors: pd.DataFrame, lang: str) -> str:
    """Which sector holds most of the planned amount."""
    return about_largest(
        sectors,
        "amount_eur",
        lang,
        "budget.sector_takeaway",
        lambda first: {"sector": sector_name(first, lang), **amount_and_share(first, lang)},
    )


def _execution_labels(execution: pd.DataFrame, lang: str) -> list[str]:
    several_years = execution["year"].nunique() > 1
    labels = []
    for _, row in execution.iterrows():
        label = short_label(row["line_no"], objective_text(row, lang), 50)
        labels.append(f"{label} ({row['period']})" if several_years else label)
    return labels


def budget_execution_figure(execution: pd.DataFrame, lang: str) -> go.Figure:
    """Planned, committed and spent of each line at its latest period (year to date)."""
    labels = _execution_labels(execution, lang)
    figure = go.Figure()
    for column, key, color in (
        ("planned_eur", "budget.planned", MUTED),
        ("committed_eur", "budget.committed", PALETTE[1]),
        ("spent_eur", "budget.spent", PALETTE[0]),
    ):
        figure.add_bar(
            name=t(key, lang),
            y=labels,
            x=execution[column],
            orientation="h",
            marker={"color": color},
            customdata=execution["period"],
            hovertemplate="%{y} (%{customdata}): %{x:,.2f} €<extra>%{fullData.name}</extra>",
        )
    figure.update_layout(barmode="group")
    figure.update_yaxes(autorange="reversed")
    return with_legend_room(apply_theme(figure, height=max(280, 100 + 54 * len(execution))))


def budget_execution_takeaway(execution: pd.DataFrame, lang: str) -> str:
    """How much of the planned amount was spent, over the lines of the latest year with both."""
    latest = execution[execution["year"] == execution["year"].max()]
    known = latest.dropna(subset=["spent_eur", "planned_eur"])
    known = known[known["planned_eur"] > 0]
    planned = known["planned_eur"].sum()
    if known.empty or not planned:
        return t("state.empty", lang)
    spent = known["spent_eur"].sum()
    return t(
        "budget.execution_takeaway",
        lang,
        spent=format_currency(spent, lang),
        planned=format_currency(planned, lang),
        share=format_percent(spent / planned, lang),
        lines=len(known),
        period=", ".join(sorted(dict.fromkeys(known["period"]))),
    )
