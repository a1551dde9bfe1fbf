"""The briefing's small charts: one per headline, small enough for one A4 sheet.

Pure functions of the rows the briefing already reads (query results), in the shared
theme. Each chart labels its own values (a meeting reads numbers, not gridlines), so the
value axis is left out; a figure that is missing stays a gap, never a zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.budget import wrap
from dashboard.figures.common import empty_figure, horizontal_bars, sector_bars, sector_name
from dashboard.figures.indicators import STATUS_COLOURS
from dashboard.figures.sns import STATISTICS, period_label, statistic_label
from dashboard.figures.theme import HIGHLIGHT, MUTED, PALETTE, apply_theme
from dashboard.i18n import format_currency, format_number, format_percent, t
from dashboard.plan_status import STATUSES

# Pixels: five charts and their headlines fit one A4 landscape sheet at this height.
SMALL_HEIGHT = 120
SMALL_FONT = 11
MEASURE_COLOURS = {"families": PALETTE[0], "members": PALETTE[1]}


def small(figure: go.Figure, *, legend: bool = False, height: int = SMALL_HEIGHT) -> go.Figure:
    """The briefing's compact look: small type, thin margins, no value axis."""
    apply_theme(figure, height=height, legend=legend)
    figure.update_layout(
        font={"size": SMALL_FONT},
        margin={"l": 4, "r": 4, "t": 26 if legend else 8, "b": 4},
        legend={
            "font": {"size": SMALL_FONT - 2},
            "y": 1.0,
            "yanchor": "bottom",
            "x": 0,
            "itemwidth": 30,
            "tracegroupgap": 0,
        },
        bargap=0.3,
    )
    return figure


def _hidden_value_axis(
    figure: go.Figure, top: float, *, horizontal: bool = False, room: float = 1.25
) -> None:
    """Room above (or right of) the largest value for its label; the axis itself hidden."""
    axis = {"visible": False, "range": [0, top * room if top > 0 else 1], "fixedrange": True}
    if horizontal:
        figure.update_xaxes(**axis)
        figure.update_yaxes(fixedrange=True)
    else:
        figure.update_yaxes(**axis)
        figure.update_xaxes(fixedrange=True)


def population_figure(census: pd.DataFrame, lang: str) -> go.Figure:
    """The population at each census (year, population), a labelled column each."""
    known = census.dropna(subset=["population"]).sort_values("year")
    if known.empty:
        return empty_figure(lang, height=SMALL_HEIGHT)
    years = [str(int(year)) for year in known["year"]]
    colours = [MUTED] * (len(known) - 1) + [PALETTE[0]]  # the latest census stands out
    figure = go.Figure(
        go.Bar(
            x=years,
            y=known["population"],
            marker={"color": colours},
            text=[format_number(v, lang) for v in known["population"]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{text}<extra></extra>",
        )
    )
    figure.update_xaxes(type="category")
    _hidden_value_axis(figure, float(known["population"].max()))
    return small(figure)


def preferred_per_period(rows: pd.DataFrame) -> pd.DataFrame:
    """One figure per period: the most comparable kind (a year's monthly average first).

    A period printed twice (an average and an "as reported" figure of 2022) would draw
    two values at one place.
    """
    order = {name: rank for rank, name in enumerate(STATISTICS)}
    ranked = rows.assign(_rank=rows["statistic"].map(order).fillna(len(order)))
    return (
        ranked.sort_values(["period_start", "_rank"])
        .drop_duplicates(subset=["period"], keep="first")
        .drop(columns="_rank")
    )


def _period_points(rows: pd.DataFrame, lang: str) -> dict[str, list[Any]]:
    """x, y, hover text and value labels of one measure's figures, each over its period.

    A year or a quarter is a segment from its first to its last day, a month a point in
    its middle; no line joins two periods, as on the social assistance page.
    """
    points: dict[str, list[Any]] = {
        "x": [],
        "y": [],
        "hover": [],
        "label": [],
        "size": [],
        "position": [],
    }
    shown = preferred_per_period(rows).reset_index(drop=True)
    last = len(shown) - 1
    for number, row in shown.iterrows():
        start, end = pd.Timestamp(row["period_start"]), pd.Timestamp(row["period_end"])
        value = format_number(row["value"], lang)
        hover = (
            f"{period_label(row['period'], row['period_type'], lang)}: {value}"
            f" ({statistic_label(str(row['statistic']), lang)})"
        )
        if points["x"]:
            for key in points:
                points[key].append({"size": 0, "position": "top center"}.get(key))
        if row["period_type"] == "month":
            places = [start + (end - start) / 2]
        else:
            places = [start, end]
        for place_number, place in enumerate(places):
            # The first figure is labelled where it starts, the latest where it ends, so
            # that two figures close in time do not write over each other.
            first_place, last_place = place_number == 0, place_number == len(places) - 1
            labelled = (number == 0 and first_place) or (number == last and last_place)
            points["x"].append(place)
            points["y"].append(row["value"])
            points["hover"].append(hover)
            points["label"].append(value if labelled else "")
            points["size"].append(7 if len(places) == 1 else 0)
            # The first label reads rightwards from where its figure starts (the edge).
            points["position"].append("top right" if number == 0 else "top center")
    return points


def sns_figure(series: pd.DataFrame, lang: str) -> go.Figure:
    """Families and family members on social assistance over time (sns_series of each).

    `series` has measure, period, period_type, period_start, period_end, value and
    statistic; figures of different kinds are told apart on hover.
    """
    known = series.dropna(subset=["value", "period_start"])
    if known.empty:
        return empty_figure(lang, height=SMALL_HEIGHT)
    figure = go.Figure()
    for measure in ("families", "members"):
        rows = known[known["measure"] == measure]
        if rows.empty:
            continue
        points = _period_points(rows, lang)
        colour = MEASURE_COLOURS[measure]
        figure.add_scatter(
            x=points["x"],
            y=points["y"],
            mode="lines+markers+text",
            name=t(f"sns.col.{measure}", lang),
            line={"color": colour, "width": 3},
            marker={"size": points["size"], "color": colour},
            text=points["label"],
            textposition=points["position"],
            textfont={"color": colour},
            hovertext=points["hover"],
            hovertemplate="%{hovertext}<extra>%{fullData.name}</extra>",
            connectgaps=False,
            cliponaxis=False,
        )
    first = pd.Timestamp(known["period_start"].min()).year
    last = pd.Timestamp(known["period_end"].max()).year
    years = list(range(first, last + 1))
    figure.update_xaxes(
        type="date",
        tickvals=[pd.Timestamp(year=y, month=7, day=1) for y in years],
        ticktext=[str(y) for y in years],
        range=[
            pd.Timestamp(year=first, month=1, day=1) - pd.Timedelta(days=30),
            pd.Timestamp(year=last, month=12, day=31) + pd.Timedelta(days=30),
        ],
        showgrid=False,
        fixedrange=True,
    )
    _hidden_value_axis(figure, float(known["value"].max()), room=1.35)
    return small(figure, legend=True)


def services_figure(series: pd.DataFrame, lang: str) -> go.Figure:
    """The plan's count of services against its targets (plan_indicator_series).

    The baseline is grey, an observed value solid and labelled, a value for a year that
    had not started by the document's date hatched ("planned, not observed"), and the
    targets a dashed line with their final value labelled.
    """
    numeric = series.dropna(subset=["value"])
    if numeric.empty:
        return empty_figure(lang, height=SMALL_HEIGHT)
    figure = go.Figure()
    categories = [str(int(y)) for y in sorted(numeric["year"].unique())]
    kinds = numeric["kind"]
    observed = numeric["observed"].astype(bool)

    def bars(rows: pd.DataFrame, name: str, labelled: bool, **marker: Any) -> None:
        if rows.empty:
            return
        figure.add_bar(
            x=[str(int(y)) for y in rows["year"]],
            y=rows["value"],
            name=name,
            marker=marker,
            text=[format_number(v, lang) for v in rows["value"]] if labelled else None,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y:,.0f}<extra>" + name + "</extra>",
        )

    bars(numeric[kinds == "baseline"], t("indicators.kind.baseline", lang), True, color=MUTED)
    bars(
        numeric[(kinds == "reported") & observed],
        t("indicators.kind.reported", lang),
        True,
        color=PALETTE[0],
    )
    bars(
        numeric[(kinds == "reported") & ~observed],
        t("indicators.kind.planned_short", lang),
        False,
        color="#d6e4f0",
        pattern={"shape": "/", "fgcolor": PALETTE[0], "size": 5},
        line={"color": PALETTE[0], "width": 1},
    )
    targets = numeric[kinds == "target"].sort_values("year")
    if not targets.empty:
        # The line is named where it ends ("Target 7 150"), which leaves the legend one row.
        name = t("indicators.kind.target_short", lang)
        final = format_number(targets["value"].iloc[-1], lang)
        labels = [""] * (len(targets) - 1) + [f"{name} {final}"]
        figure.add_scatter(
            x=[str(int(y)) for y in targets["year"]],
            y=targets["value"],
            name=name,
            showlegend=False,
            mode="lines+markers+text",
            line={"color": HIGHLIGHT, "width": 2, "dash": "dash"},
            marker={"size": 6, "color": HIGHLIGHT},
            text=labels,
            textposition="top left",
            textfont={"color": HIGHLIGHT},
            cliponaxis=False,
            hovertemplate="%{x}: %{y:,.0f}<extra>%{fullData.name}</extra>",
        )
    figure.update_layout(barmode="overlay")
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=categories)
    _hidden_value_axis(figure, float(numeric["value"].max()), room=1.4)
    small(figure, legend=True)
    # Three kinds of bar: a legend across the top would take two rows in some languages
    # ("Polazna vrednost"), over the bars; stacked at the right it keeps to its place.
    figure.update_layout(
        margin={"t": 8},
        legend={"orientation": "v", "x": 1.0, "xanchor": "left", "y": 0.5, "yanchor": "middle"},
    )
    return figure


def status_counts(indicators: pd.DataFrame) -> pd.DataFrame:
    """How many indicators have each status, every status listed (a count of 0 included)."""
    counts = indicators["status"].value_counts()
    return pd.DataFrame(
        {"status": list(STATUSES), "indicators": [int(counts.get(s, 0)) for s in STATUSES]}
    )


def indicators_figure(indicators: pd.DataFrame, lang: str) -> go.Figure:
    """The plan's indicators by status (the plan_status rule), a labelled bar per status."""
    counts = status_counts(indicators)
    if counts["indicators"].sum() == 0:
        return empty_figure(lang, height=SMALL_HEIGHT)
    labels = [t(f"indicators.status.{s}", lang) for s in counts["status"]]
    figure = horizontal_bars(
        labels,
        counts["indicators"],
        [STATUS_COLOURS[s] for s in counts["status"]],
        text=[format_number(n, lang) for n in counts["indicators"]],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}: %{x}<extra></extra>",
    )
    figure.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=labels)
    _hidden_value_axis(figure, float(counts["indicators"].max()), horizontal=True)
    return small(figure)


def budget_figure(sectors: pd.DataFrame, lang: str) -> go.Figure:
    """The planned amount of each sector (budget_by_sector), with its share of the total."""
    known = sectors.dropna(subset=["amount_eur"])
    if known.empty:
        return empty_figure(lang, height=SMALL_HEIGHT)
    names = [wrap(sector_name(row, lang), 26) for row in known.to_dict("records")]
    text = [
        f"{format_currency(a, lang)} ({format_percent(s, lang)})"
        for a, s in zip(known["amount_eur"], known["share_of_total"], strict=True)
    ]
    figure = sector_bars(known, names, text, lang, "%{customdata}: %{text}<extra></extra>")
    figure.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=names)
    figure.update_xaxes(visible=False, fixedrange=True)
    return small(figure)


def years_covered(years: Sequence[object]) -> tuple[int, int] | None:
    """The first and the last year of some figures (None when none has a year)."""
    known = sorted({int(y) for y in years if y is not None and not pd.isna(y)})  # type: ignore[call-overload]
    return (known[0], known[-1]) if known else None


def period_text(span: tuple[int, int] | None) -> str:
    """'2011–2024', or one year alone ('' without years)."""
    if span is None:
        return ""
    first, last = span
    return str(first) if first == last else f"{first}–{last}"
