"""Figures and takeaways of the social assistance (SNS) page.

Every SNS figure is a statistic of its own kind (a year's monthly average, a quarter, a
single month, a figure "as reported"); the charts keep the kinds apart and say which is
which, and a period without a figure stays a gap.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import empty_figure, is_missing, municipality_name, number_or_mark
from dashboard.figures.theme import HIGHLIGHT, PALETTE, apply_theme
from dashboard.i18n import format_number, format_percent, month_name, t
from dashboard.sns_periods import KOSOVO, shown_column
from dashboard.suppression import is_disclosure_mark

# Statistic (as stored) -> message key, colour and preference when one must be chosen.
STATISTICS: dict[str, tuple[str, str]] = {
    "monthly average": ("monthly_average", PALETTE[0]),
    "first quarter": ("first_quarter", PALETTE[2]),
    "quarter": ("quarter", PALETTE[2]),
    "month": ("month", PALETTE[1]),
    "as reported": ("as_reported", PALETTE[3]),
}


def period_label(period: object, period_type: str, lang: str) -> str:
    """A period in words: 'janar 2025', 'Q1 2023', '2022', or 'undated'."""
    if is_missing(period) or period_type == "unknown":
        return t("sns.period.undated", lang)
    text = str(period)
    if period_type == "month":
        year, month = text.split("-")
        return t("sns.period.month", lang, month=month_name(int(month), lang), year=year)
    if period_type == "quarter":
        year, quarter = text.split("-Q")
        return t("sns.period.quarter", lang, quarter=quarter, year=year)
    return text


def statistic_label(statistic: str, lang: str) -> str:
    """What kind of figure it is, in the language (as stored if unknown)."""
    key = STATISTICS.get(statistic, (None, None))[0]
    return t(f"sns.statistic.{key}", lang) if key else statistic


def measure_label(measure: str, lang: str) -> str:
    """'families' or 'members' in the language, as after "the number of"."""
    return t(f"sns.measure.{measure}", lang)


def count_label(measure: str, lang: str) -> str:
    """'families' or 'members' in the language, as after a number ("1 759 familje")."""
    return t(f"sns.count.{measure}", lang)


def municipality_label(row: Mapping[str, Any], lang: str) -> str:
    """A municipality's name in the language; Kosovo's total says so."""
    if row["municipality"] == KOSOVO:
        return t("sns.kosovo", lang)
    return municipality_name(row, lang)


def _preferred(rows: pd.DataFrame) -> pd.Series:
    """Of several figures for one period, the most comparable kind (monthly average first)."""
    order = {name: rank for rank, name in enumerate(STATISTICS)}
    ranked = rows.assign(_rank=rows["statistic"].map(order).fillna(len(order)))
    return ranked.sort_values(["_rank"]).iloc[0]


# --- over time ---------------------------------------------------------------------------


def trend_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Each dated figure drawn over the period it covers, one trace per kind of statistic.

    A year or a quarter is a horizontal segment from its first to its last day; months are
    points joined only when they follow each other; no line crosses a period without data.
    """
    known = frame.dropna(subset=["value"])
    if known.empty:
        return empty_figure(lang)
    figure = go.Figure()
    for statistic, rows in known.groupby("statistic", sort=False):
        xs: list[Any] = []
        ys: list[Any] = []
        labels: list[str] = []
        previous_end = None
        for _, row in rows.sort_values("period_start").iterrows():
            start, end = pd.Timestamp(row["period_start"]), pd.Timestamp(row["period_end"])
            contiguous = previous_end is not None and start - previous_end <= pd.Timedelta(days=1)
            if xs and not contiguous:
                xs.append(None)
                ys.append(None)
                labels.append("")
            label = f"{period_label(row['period'], row['period_type'], lang)}: " + format_number(
                row["value"], lang
            )
            if row["period_type"] == "month":
                xs.append(start + (end - start) / 2)
                ys.append(row["value"])
                labels.append(label)
            else:
                xs.extend([start, end])
                ys.extend([row["value"], row["value"]])
                labels.extend([label, label])
            previous_end = end
        key, colour = STATISTICS.get(str(statistic), (None, PALETTE[7]))
        figure.add_scatter(
            x=xs,
            y=ys,
            mode="lines+markers",
            name=statistic_label(str(statistic), lang),
            line={"color": colour, "width": 3},
            marker={"size": 9, "color": colour},
            text=labels,
            hovertemplate="%{text}<extra>%{fullData.name}</extra>",
            connectgaps=False,
        )
    years = sorted(
        {pd.Timestamp(d).year for d in known["period_start"]}
        | {pd.Timestamp(d).year for d in known["period_end"]}
    )
    figure.update_xaxes(
        type="date",
        tickvals=[pd.Timestamp(year=y, month=1, day=1) for y in range(years[0], years[-1] + 2)],
        ticktext=[str(y) for y in range(years[0], years[-1] + 2)],
        range=[
            pd.Timestamp(year=years[0], month=1, day=1) - pd.Timedelta(days=45),
            pd.Timestamp(year=years[-1] + 1, month=1, day=1) + pd.Timedelta(days=45),
        ],
    )
    figure.update_yaxes(
        title_text=t(f"sns.col.{known['measure'].iloc[0]}", lang)
        if "measure" in known.columns
        else None,
        rangemode="tozero",
    )
    return apply_theme(figure, height=380)


def trend_takeaway(frame: pd.DataFrame, measure: str, lang: str) -> str:
    """From the earliest to the latest dated figure, saying when they are different kinds."""
    known = frame.dropna(subset=["value"])
    if known.empty:
        return t("state.empty", lang)
    starts = known["period_start"]
    first = _preferred(known[starts == starts.min()])
    last = _preferred(known[starts == starts.max()])
    if first["period"] == last["period"]:
        return t(
            "sns.trend.takeaway_single",
            lang,
            measure=measure_label(measure, lang),
            counted=count_label(measure, lang),
            value=format_number(last["value"], lang),
            period=period_label(last["period"], last["period_type"], lang),
        )
    change = float(last["value"]) / float(first["value"]) - 1
    direction = "fell" if change < 0 else "rose"
    key = f"sns.trend.takeaway_{direction}"
    if first["statistic"] != last["statistic"]:
        key += "_mixed"
    return t(
        key,
        lang,
        measure=measure_label(measure, lang),
        counted=count_label(measure, lang),
        first=format_number(first["value"], lang),
        first_period=period_label(first["period"], first["period_type"], lang),
        first_statistic=statistic_label(first["statistic"], lang),
        last=format_number(last["value"], lang),
        last_period=period_label(last["period"], last["period_type"], lang),
        last_statistic=statistic_label(last["statistic"], lang),
        change=format_percent(abs(change), lang, 0),
    )


# --- categories --------------------------------------------------------------------------


def categories_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Families and members in category I and II (undated), side by side."""
    if frame.empty:
        return empty_figure(lang)
    figure = go.Figure()
    for index, (measure, rows) in enumerate(frame.groupby("measure", sort=False)):
        figure.add_bar(
            x=[t(f"sns.category.{c}", lang) for c in rows["category"]],
            y=rows["value"],
            name=measure_label(str(measure), lang),
            marker_color=PALETTE[index],
            text=[number_or_mark(v, lang) for v in rows["value"]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{text}<extra>%{fullData.name}</extra>",
        )
    apply_theme(figure, height=340)
    figure.update_layout(barmode="group", margin={"t": 40})
    return figure


def categories_takeaway(frame: pd.DataFrame, measure: str, lang: str) -> str:
    """Which category is larger for the measure, from published figures only.

    One row per category (the query keeps each category's latest figure). A withheld
    figure is said to be withheld: the comparison is not made without it.
    """
    rows = frame[frame["measure"] == measure].drop_duplicates("category").set_index("category")
    if not {"I", "II"} <= set(rows.index):
        return t("state.empty", lang)
    for category in ("I", "II"):
        mark = rows.loc[category].get("status")
        if is_missing(rows.loc[category, "value"]):
            if isinstance(mark, str) and is_disclosure_mark(mark):
                return t(
                    "sns.categories.withheld",
                    lang,
                    category=t(f"sns.category.{category}", lang),
                    mark=mark,
                )
            return t("state.empty", lang)
    first, second = int(rows.loc["I", "value"]), int(rows.loc["II", "value"])
    larger, smaller = ("II", "I") if second >= first else ("I", "II")
    period, period_type = rows.loc["I", "period"], rows.loc["I", "period_type"]
    dated = not is_missing(period) and period == rows.loc["II", "period"]
    return t(
        "sns.categories.takeaway_dated" if dated else "sns.categories.takeaway",
        lang,
        measure=measure_label(measure, lang),
        counted=count_label(measure, lang),
        larger=t(f"sns.category.{larger}", lang),
        larger_value=format_number(max(first, second), lang),
        smaller=t(f"sns.category.{smaller}", lang),
        smaller_value=format_number(min(first, second), lang),
        period=period_label(period, period_type, lang) if dated else "",
    )


def categories_sum_note(
    categories: pd.DataFrame, series: pd.DataFrame, measure: str, lang: str
) -> str | None:
    """I + II against the largest dated total: undated parts that exceed every total say so."""
    parts = categories[categories["measure"] == measure]["value"].dropna()
    totals = series.dropna(subset=["value"])
    if parts.empty or totals.empty:
        return None
    largest = totals.loc[totals["value"].idxmax()]
    key = "sns.categories.sum_above" if parts.sum() > largest["value"] else "sns.categories.sum"
    return t(
        key,
        lang,
        measure=measure_label(measure, lang),
        counted=count_label(measure, lang),
        total=format_number(int(parts.sum()), lang),
        largest=format_number(largest["value"], lang),
        period=period_label(largest["period"], largest["period_type"], lang),
    )


# --- per 1,000 inhabitants ---------------------------------------------------------------


def rate_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Each dated figure per 1,000 inhabitants, coloured by the kind of statistic."""
    known = frame.dropna(subset=["per_1000"])
    if known.empty:
        return empty_figure(lang)
    labels = [
        period_label(p, k, lang) for p, k in zip(known["period"], known["period_type"], strict=True)
    ]
    # Two figures for one period (e.g. 2022 twice) need their own category each.
    categories = [
        f"{label} · {statistic_label(s, lang)}" if labels.count(label) > 1 else label
        for label, s in zip(labels, known["statistic"], strict=True)
    ]
    figure = go.Figure()
    for statistic in known["statistic"].drop_duplicates():
        mask = (known["statistic"] == statistic).tolist()
        key, colour = STATISTICS.get(str(statistic), (None, PALETTE[7]))
        figure.add_bar(
            x=[c for c, m in zip(categories, mask, strict=True) if m],
            y=known.loc[mask, "per_1000"],
            name=statistic_label(str(statistic), lang),
            marker_color=colour,
            text=[format_number(v, lang, 1) for v in known.loc[mask, "per_1000"]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{text}<extra>%{fullData.name}</extra>",
        )
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=categories)
    figure.update_yaxes(title_text=t("sns.rate.axis", lang), rangemode="tozero")
    apply_theme(figure, height=360)
    figure.update_layout(margin={"t": 40})
    return figure


def rate_takeaway(frame: pd.DataFrame, measure: str, lang: str) -> str:
    """The latest rate, with the population it was divided by."""
    known = frame.dropna(subset=["per_1000"])
    if known.empty:
        return t("state.empty", lang)
    latest = _preferred(known[known["period_start"] == known["period_start"].max()])
    return t(
        "sns.rate.takeaway",
        lang,
        measure=measure_label(measure, lang),
        counted=count_label(measure, lang),
        value=format_number(latest["per_1000"], lang, 1),
        period=period_label(latest["period"], latest["period_type"], lang),
        census_year=int(latest["census_year"]),
        population=format_number(latest["census_population"], lang),
    )


def rate_population_note(frame: pd.DataFrame, lang: str) -> str | None:
    """Which census population each rate was divided by."""
    used = frame.dropna(subset=["census_population"]).drop_duplicates("census_year")
    if used.empty:
        return None
    populations = "; ".join(
        t(
            "sns.rate.population_item",
            lang,
            year=int(row["census_year"]),
            population=format_number(row["census_population"], lang),
        )
        for _, row in used.sort_values("census_year").iterrows()
    )
    return t("sns.rate.population_note", lang, populations=populations)


# --- compared with other municipalities --------------------------------------------------


def comparison_figure(frame: pd.DataFrame, lang: str, unit: str, highlight: str) -> go.Figure:
    """One bar per municipality reported (not Kosovo's total), the highlighted one in colour."""
    column = shown_column(unit)
    shown = frame[~frame["is_total"].astype(bool)].dropna(subset=[column])
    if shown.empty:
        return empty_figure(lang)
    shown = shown.sort_values(column, ascending=False)
    names = [municipality_label(row, lang) for _, row in shown.iterrows()]
    decimals = 1 if column == "per_1000" else 0
    figure = go.Figure(
        go.Bar(
            y=names,
            x=shown[column],
            orientation="h",
            marker_color=[
                HIGHLIGHT if m == highlight else PALETTE[0] for m in shown["municipality"]
            ],
            text=[format_number(v, lang, decimals) for v in shown[column]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    figure.update_yaxes(categoryorder="array", categoryarray=list(reversed(names)))
    figure.update_xaxes(
        title_text=t("sns.rate.axis", lang) if column == "per_1000" else None, rangemode="tozero"
    )
    apply_theme(figure, height=max(240, 60 + 30 * len(shown)), legend=False)
    figure.update_layout(margin={"r": 60})
    return figure


def comparison_takeaway(
    frame: pd.DataFrame, lang: str, unit: str, measure: str, highlight: str
) -> str:
    """Where the highlighted municipality ranks, and its share of Kosovo's total."""
    column = shown_column(unit)
    shown = frame[~frame["is_total"].astype(bool)].dropna(subset=[column])
    target = shown[shown["municipality"] == highlight]
    if shown.empty or target.empty:
        return t("state.empty", lang)
    row = target.iloc[0]
    rank = int((shown[column] > row[column]).sum()) + 1
    values = {
        "name": municipality_label(row, lang),
        "period": period_label(row["period"], row["period_type"], lang),
        "measure": measure_label(measure, lang),
        "counted": count_label(measure, lang),
        "rank": rank,
        "count": format_number(len(shown), lang),
    }
    if column == "per_1000":
        return t(
            "sns.compare.takeaway_rate", lang, value=format_number(row[column], lang, 1), **values
        )
    total = frame[frame["is_total"].astype(bool)].dropna(subset=["value"])
    if total.empty:
        return t("sns.compare.takeaway", lang, value=format_number(row["value"], lang), **values)
    kosovo = float(total["value"].iloc[0])
    return t(
        "sns.compare.takeaway_share",
        lang,
        value=format_number(row["value"], lang),
        share=format_percent(float(row["value"]) / kosovo, lang, 1),
        total=format_number(kosovo, lang),
        **values,
    )


# --- the rows under each chart, in words -------------------------------------------------


def with_period_text(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The rows with the period in words and the kind of statistic in the language."""
    return frame.assign(
        period_text=[
            period_label(p, k, lang)
            for p, k in zip(frame["period"], frame["period_type"], strict=True)
        ],
        statistic_text=[statistic_label(s, lang) for s in frame["statistic"]],
    )


def categories_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The categories' rows with the category, the measure and the period in words."""
    return frame.assign(
        category_text=[t(f"sns.category.{c}", lang) for c in frame["category"]],
        measure_text=[measure_label(m, lang) for m in frame["measure"]],
        period_text=[
            period_label(p, k, lang)
            for p, k in zip(frame["period"], frame["period_type"], strict=True)
        ],
    )


def comparison_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The comparison's rows with each municipality's name in the language."""
    return frame.assign(name=[municipality_label(row, lang) for _, row in frame.iterrows()])


def comparison_title(frame: pd.DataFrame, lang: str, unit: str, measure: str, period: Any) -> str:
    """The comparison's title: the measure, the unit and the period in words."""
    period_type = frame["period_type"].iloc[0] if len(frame) else "month"
    return t(
        f"sns.compare.title.{unit}",
        lang,
        measure=measure_label(measure, lang),
        period=period_label(period, period_type, lang) if period else "",
    )


def period_options(periods: pd.DataFrame, lang: str) -> list[tuple[str, str]]:
    """(period, the period in words) for each comparison period."""
    return [
        (str(p), period_label(p, k, lang))
        for p, k in zip(periods["period"], periods["period_type"], strict=True)
    ]


def municipality_options(municipalities: pd.DataFrame, lang: str) -> list[tuple[str, str]]:
    """(municipality, its name in the language) for each municipality to compare with."""
    return [
        (row["municipality"], municipality_label(row, lang)) for _, row in municipalities.iterrows()
    ]
