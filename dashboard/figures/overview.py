"""The overview's headlines: small charts and the sentences of each change.

Pure functions of query results; a change between two different kinds of statistic is
shown with a plain warning, a change without an earlier figure is not invented.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.attention import Attention
from dashboard.figures.common import is_missing, sector_bars, sector_name
from dashboard.figures.indicators import STATUS_COLOURS, plan_series_figure
from dashboard.figures.sns import period_label, statistic_label
from dashboard.figures.theme import HIGHLIGHT, MUTED, PALETTE, apply_theme
from dashboard.i18n import format_currency, format_number, format_percent, t, tn
from dashboard.plan_status import STATUSES


def change_ratio(latest: object, earlier: object) -> float | None:
    """The ratio latest / earlier - 1; None when either is missing or the earlier one is 0."""
    if is_missing(latest) or is_missing(earlier) or not float(earlier):  # type: ignore[arg-type]
        return None
    return float(latest) / float(earlier) - 1  # type: ignore[arg-type]


def signed_percent(ratio: float, lang: str) -> str:
    """A change as a signed percentage (+2,5% / −10,0%)."""
    sign = "+" if ratio > 0 else "−" if ratio < 0 else "±"
    return sign + format_percent(abs(ratio), lang, 1)


def census_change(census: pd.DataFrame) -> tuple[pd.Series, pd.Series, float | None]:
    """The latest and the first census with a population, and the change between them."""
    known = census.dropna(subset=["population"]).sort_values("year")
    if known.empty:
        raise ValueError("no census population")
    latest, first = known.iloc[-1], known.iloc[0]
    change = change_ratio(latest["population"], first["population"]) if len(known) > 1 else None
    return latest, first, change


def population_detail(census: pd.DataFrame, lang: str) -> str:
    """'−10,0% since 2011 (71 909)' for the population card."""
    latest, first, change = census_change(census)
    if change is None:
        return t("overview.no_earlier", lang)
    return t(
        "home.population_change",
        lang,
        change=signed_percent(change, lang),
        base_year=int(first["year"]),
        base=format_number(first["population"], lang),
    )


def sns_detail(row: pd.Series, lang: str) -> str:
    """The change of an SNS figure from about a year earlier, flagging a different statistic."""
    if is_missing(row.get("earlier_value")):
        return t("overview.sns.no_earlier", lang)
    change = change_ratio(row["value"], row["earlier_value"])
    values = {
        "change": signed_percent(change, lang) if change is not None else "—",
        "earlier": format_number(row["earlier_value"], lang),
        "earlier_period": period_label(row["earlier_period"], row["earlier_period_type"], lang),
        "statistic": statistic_label(row["statistic"], lang),
        "earlier_statistic": statistic_label(row["earlier_statistic"], lang),
    }
    key = (
        "overview.sns.change"
        if row["statistic"] == row["earlier_statistic"]
        else "overview.sns.change_mixed"
    )
    return t(key, lang, **values)


# --- The overview's small charts: compact, one headline each -------------------------------

COMPACT_HEIGHT = 190


def compact(figure: go.Figure, height: int = COMPACT_HEIGHT) -> go.Figure:
    """A headline's small chart: low, no legend, no tool bar room, labels kept short."""
    apply_theme(figure, height=height, legend=False)
    # The top margin leaves the chart's tool bar room above the data.
    figure.update_layout(margin={"l": 4, "r": 4, "t": 30, "b": 4}, bargap=0.35)
    return figure


def room_for_labels(figure: go.Figure, largest: float) -> go.Figure:
    """A horizontal bar chart's value axis long enough for the labels beside the bars."""
    figure.update_xaxes(range=[0, float(largest) * 1.25 if largest else 1])
    return figure


def census_figure(census: pd.DataFrame, lang: str) -> go.Figure:
    """The population of each census: one bar per census year, the latest highlighted."""
    known = census.dropna(subset=["population"]).sort_values("year")
    years = [str(int(y)) for y in known["year"]]
    figure = go.Figure(
        go.Bar(
            x=years,
            y=known["population"],
            marker={"color": [MUTED] * (len(years) - 1) + [PALETTE[0]]},
            text=[format_number(v, lang) for v in known["population"]],
            textposition="inside",
            hovertemplate="%{x}: %{y}<extra></extra>",
            name=t("column.population", lang),
        )
    )
    figure.update_xaxes(type="category")
    figure.update_yaxes(rangemode="tozero")
    return compact(figure)


def census_takeaway(census: pd.DataFrame, lang: str) -> str:
    """The latest census and its change: '64 742 residents in 2024: −10,0% since 2011'."""
    latest, _first, _change = census_change(census)
    return tn(
        "headline.population.takeaway",
        float(latest["population"]),
        lang,
        year=int(latest["year"]),
        detail=population_detail(census, lang).rstrip("."),
    )


def _compared_row(series: pd.DataFrame) -> pd.Series | None:
    """The latest and the earlier figure of a marked SNS series, as one sns_change row."""
    latest = series[series["compared"] == "latest"]
    if latest.empty:
        return None
    row = latest.iloc[0]
    earlier = series[series["compared"] == "earlier"]
    values = {
        "measure": row.get("measure"),
        "period": row["period"],
        "period_type": row["period_type"],
        "value": row["value"],
        "statistic": row["statistic"],
        "earlier_period": None,
        "earlier_period_type": None,
        "earlier_value": None,
        "earlier_statistic": None,
    }
    if not earlier.empty:
        before = earlier.iloc[0]
        values.update(
            earlier_period=before["period"],
            earlier_period_type=before["period_type"],
            earlier_value=before["value"],
            earlier_statistic=before["statistic"],
        )
    return pd.Series(values)


def sns_figure(series: pd.DataFrame, lang: str) -> go.Figure:
    """Every dated SNS figure of one measure as a dot; the two the headline compares stand out.

    Figures of different statistics (a monthly average, a single month) are dots, never
    joined by a line that would read as one series.
    """
    known = series.dropna(subset=["value"])
    compared = known["compared"].notna()
    figure = go.Figure()
    for chosen, colour, size in ((~compared, MUTED, 7), (compared, HIGHLIGHT, 10)):
        rows = known[chosen]
        if rows.empty:
            continue
        figure.add_scatter(
            x=rows["period_start"],
            y=rows["value"],
            mode="markers",
            marker={"color": colour, "size": size},
            customdata=[
                f"{period_label(p, k, lang)} ({statistic_label(s, lang)})"
                for p, k, s in zip(
                    rows["period"], rows["period_type"], rows["statistic"], strict=True
                )
            ],
            hovertemplate="%{customdata}: %{y}<extra></extra>",
        )
    latest = known[known["compared"] == "latest"]
    if not latest.empty:
        figure.add_annotation(
            x=latest["period_start"].iloc[0],
            y=latest["value"].iloc[0],
            text=format_number(latest["value"].iloc[0], lang),
            showarrow=False,
            yshift=14,
            font={"color": HIGHLIGHT},
        )
    dates = pd.to_datetime(known["period_start"])
    if not dates.empty:
        years = range(dates.min().year, dates.max().year + 1)
        # Two months either side, so the first and the last dot are not cut at the edge.
        figure.update_xaxes(
            tickvals=[pd.Timestamp(year=y, month=1, day=1) for y in years],
            ticktext=[str(y) for y in years],
            range=[dates.min() - pd.Timedelta(days=75), dates.max() + pd.Timedelta(days=75)],
        )
    figure.update_yaxes(rangemode="tozero")
    return compact(figure)


def sns_takeaway(series: pd.DataFrame, lang: str) -> str:
    """The latest figure and its change: '1 759 families in January 2025: −10,6% from …'."""
    row = _compared_row(series)
    if row is None:
        return t("state.empty", lang)
    return tn(
        f"headline.sns.{row['measure']}",
        float(row["value"]),
        lang,
        period=period_label(row["period"], row["period_type"], lang),
        detail=sns_detail(row, lang),
    )


def plan_target_figure(series: pd.DataFrame, lang: str) -> go.Figure:
    """A plan indicator's baseline, targets and reported values, small."""
    figure = plan_series_figure(series, lang)
    figure.update_traces(textposition="none")
    return compact(figure)


def status_figure(counts: pd.DataFrame, lang: str) -> go.Figure:
    """How many plan indicators have each status: one bar per status, in the rule's order."""
    ordered = counts.set_index("status").reindex(list(STATUSES)).fillna({"indicators": 0})
    labels = [t(f"indicators.status.{status}", lang) for status in ordered.index]
    figure = go.Figure(
        go.Bar(
            y=labels,
            x=ordered["indicators"].astype(int),
            orientation="h",
            marker={"color": [STATUS_COLOURS[status] for status in ordered.index]},
            text=[format_number(n, lang) for n in ordered["indicators"].astype(int)],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    figure.update_yaxes(autorange="reversed")
    return room_for_labels(compact(figure), ordered["indicators"].max())


def status_takeaway(counts: pd.DataFrame, lang: str) -> str:
    """How many indicators are achieved or on track, and how many off track."""
    by_status = counts.set_index("status")["indicators"]
    total = int(by_status.sum())
    if total == 0:
        return t("state.empty", lang)
    good = int(by_status.reindex(["achieved", "on_track"]).fillna(0).sum())
    off = int(by_status.get("off_track", 0))
    return tn(
        "headline.indicators.takeaway",
        total,
        lang,
        good=tn("headline.indicators.good", good, lang),
        off=tn("headline.indicators.off", off, lang),
    )


def shortened(text: str, length: int) -> str:
    """A label cut to fit a small chart's axis (the hover and the table keep it whole)."""
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def budget_split_figure(split: pd.DataFrame, lang: str) -> go.Figure:
    """The planned budget by sector: one horizontal bar each, with its share."""
    rows = split.dropna(subset=["amount_eur"])
    labels = [shortened(sector_name(row, lang), 26) for row in rows.to_dict("records")]
    shares = [format_percent(s, lang, 1) for s in rows["share_of_total"]]
    figure = sector_bars(rows, labels, shares, lang, "%{customdata}: %{x} €<extra></extra>")
    figure.update_yaxes(autorange="reversed")
    return room_for_labels(compact(figure, height=170), rows["amount_eur"].max())


def budget_split_takeaway(split: pd.DataFrame, lang: str) -> str:
    """The planned total, the largest sector's share, and the lines without an amount."""
    rows = split.dropna(subset=["amount_eur"])
    if rows.empty:
        return t("state.empty", lang)
    largest = rows.sort_values("amount_eur", ascending=False).iloc[0]
    return t(
        "headline.budget.takeaway",
        lang,
        total=format_currency(float(rows["amount_eur"].sum()), lang),
        sector=sector_name(largest, lang),
        share=format_percent(float(largest["share_of_total"]), lang, 1),
        without=tn("headline.budget.without", int(split["lines_without_amount"].sum()), lang),
    )


def mark_compared(series: pd.DataFrame, change: pd.DataFrame) -> pd.DataFrame:
    """An SNS series with `compared` set on the latest figure and the one before it.

    `change` is the measure's row of the sns_change query (the pair it chose), matched
    to the series by period, statistic and source.
    """
    marked = series.assign(compared=pd.Series([None] * len(series), dtype=object))
    if change.empty:
        return marked
    row = change.iloc[0]
    for label, prefix in (("latest", ""), ("earlier", "earlier_")):
        if is_missing(row.get(f"{prefix}period")):
            continue
        same = (
            (marked["period"] == row[f"{prefix}period"])
            & (marked["statistic"] == row[f"{prefix}statistic"])
            & (marked["source"] == row[f"{prefix}source"])
        )
        marked.loc[same, "compared"] = label
    return marked


def attention_text(item: Attention, lang: str) -> str:
    """One item of the "needs attention" list in a sentence."""
    if item.rule == "off_track":
        return tn("headline.attention.off_track", item.count, lang, codes=", ".join(item.subjects))
    if item.rule == "sns_rising":
        change = change_ratio(item.latest, item.earlier)
        return t(
            f"headline.attention.sns_rising.{item.subjects[0]}",
            lang,
            latest=format_number(item.latest, lang),
            earlier=format_number(item.earlier, lang),
            period=period_label(item.period, str(item.period_type), lang),
            earlier_period=period_label(item.earlier_period, str(item.earlier_period_type), lang),
            change=signed_percent(change, lang) if change is not None else "—",
        )
    return tn(
        "headline.attention.findings_open",
        item.count,
        lang,
        errors=tn("headline.attention.errors", item.errors, lang),
    )
