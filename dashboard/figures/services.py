"""Figures of the Services page: services by category, month, service, sex and age."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import (
    about_largest,
    add_withheld_bars,
    has_withheld,
    horizontal_bars,
    withheld_marks,
)
from dashboard.figures.indicators import with_legend_room
from dashboard.figures.theme import MUTED, PALETTE, apply_theme
from dashboard.i18n import format_date, format_number, format_percent, month_name, t
from dashboard.suppression import is_disclosure_mark

AUDIENCE_COLOURS = {
    "children": PALETTE[0],
    "adults": PALETTE[1],
    "requests": PALETTE[2],
    "other": PALETTE[3],
}
SEX_COLOURS = {"F": PALETTE[3], "M": PALETTE[0]}
LABEL_LENGTH = 46


def short_label(code: object, name: object, length: int = LABEL_LENGTH) -> str:
    """'14 · Fëmijët me aftësi…': a code and a name cut to fit a chart axis."""
    text = str(name) if isinstance(name, str) and name else "?"
    if len(text) > length:
        text = text[: length - 1].rstrip() + "…"
    return f"{code} · {text}"


def sex_label(sex: str, lang: str) -> str:
    """The sex code (F, M, all) in words; an unknown code as it stands."""
    key = f"services.sex.{sex}"
    text = t(key, lang)
    return sex if text == key else text


def audience_label(audience: str | None, lang: str) -> str:
    """The audience grouping of a client category in words."""
    return t(f"services.audience.{audience or 'other'}", lang)


def _total(frame: pd.DataFrame) -> int:
    return int(frame["services"].fillna(0).sum())


def _published_or_marked(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows with a count, and withheld rows (drawn with their mark); missing ones left out."""
    return frame[frame["services"].notna() | (withheld_marks(frame, "services") != "")]


def top_categories_figure(frame: pd.DataFrame, lang: str, top: int = 15) -> go.Figure:
    """The categories with the most services, a horizontal bar each, coloured by audience."""
    shown = _published_or_marked(frame).head(top)
    marks = withheld_marks(shown, "services")
    figure = go.Figure()
    for audience, rows in shown[marks == ""].groupby("audience", sort=False, dropna=False):
        figure.add_bar(
            name=audience_label(audience if isinstance(audience, str) else None, lang),
            y=[
                short_label(c, n)
                for c, n in zip(rows["client_category_code"], rows["category_name"], strict=True)
            ],
            x=rows["services"],
            orientation="h",
            marker={"color": AUDIENCE_COLOURS.get(str(audience), MUTED)},
            customdata=rows["category_name"],
            hovertemplate="%{customdata}: %{x:,}<extra></extra>",
        )
    order = [
        short_label(c, n)
        for c, n in zip(shown["client_category_code"], shown["category_name"], strict=True)
    ]
    add_withheld_bars(figure, order, list(marks), lang)
    figure.update_yaxes(categoryorder="array", categoryarray=list(reversed(order)))
    return with_legend_room(apply_theme(figure, height=max(340, 80 + 26 * len(shown))))


def _top_share_takeaway(
    frame: pd.DataFrame, lang: str, key: str, name_column: str, count_name: str
) -> str:
    """The first row's name, count and share (the share only when every part is published)."""
    total = _total(frame)
    if frame.empty or total == 0:
        return t("state.empty", lang)
    first = frame.iloc[0]
    named = {"name": first[name_column], "services": format_number(first["services"], lang)}
    if has_withheld(frame):
        return t(f"{key}_withheld", lang, **named)
    share = format_percent(first["services"] / total, lang)
    return t(key, lang, **named, share=share, **{count_name: len(frame)})


def top_categories_takeaway(frame: pd.DataFrame, lang: str) -> str:
    """Which category had the most services, and its share (when every part is published)."""
    return _top_share_takeaway(
        frame, lang, "services.categories_takeaway", "category_name", "categories"
    )


def _monthly(frame: pd.DataFrame) -> pd.DataFrame:
    """Every month from the first to the last, a missing month as NaN (a gap, not a zero)."""
    if frame.empty:
        return frame.assign(period_start=pd.Series(dtype="datetime64[ns]"))
    periods = pd.to_datetime(frame["period_start"])
    full = pd.date_range(periods.min(), periods.max(), freq="MS")
    return (
        frame.assign(period_start=periods)
        .set_index("period_start")[["services"]]
        .reindex(full)
        .rename_axis("period_start")
        .reset_index()
    )


def monthly_trend_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Services per month as a line; months without data are gaps."""
    monthly = _monthly(frame)
    labels = [
        f"{month_name(d.month, lang, 'abbreviated')} {d.year}" for d in monthly["period_start"]
    ]
    figure = go.Figure(
        go.Scatter(
            x=monthly["period_start"],
            y=monthly["services"],
            mode="lines+markers",
            connectgaps=False,
            line={"color": PALETTE[0], "width": 2},
            customdata=labels,
            hovertemplate="%{customdata}: %{y:,}<extra></extra>",
            name=t("services.services", lang),
        )
    )
    step = max(1, len(monthly) // 8)
    figure.update_xaxes(
        tickvals=list(monthly["period_start"][::step]),
        ticktext=labels[::step],
    )
    figure.update_yaxes(rangemode="tozero")
    return apply_theme(figure, height=320, legend=False)


def monthly_trend_takeaway(frame: pd.DataFrame, lang: str) -> str:
    """The busiest month and the monthly average."""
    known = frame.dropna(subset=["services"])
    return about_largest(
        known,
        "services",
        lang,
        "services.trend_takeaway",
        lambda busiest: {
            "month": month_name(int(busiest["month"]), lang),
            "year": int(busiest["year"]),
            "services": format_number(busiest["services"], lang),
            "average": format_number(known["services"].mean(), lang),
            "months": len(known),
        },
    )


def heatmap_figure(frame: pd.DataFrame, lang: str, top: int = 12) -> go.Figure:
    """Category x service: the services delivered, for the busiest categories and services."""
    categories = (
        frame.groupby(["client_category_code", "category_name"], dropna=False)["services"]
        .sum()
        .nlargest(top)
    )
    services = (
        frame.groupby(["service_code", "service_name"], dropna=False)["services"]
        .sum()
        .nlargest(top)
    )
    # min_count=1: a cell whose counts are all withheld stays empty, never a published 0.
    matrix = (
        frame.groupby(["client_category_code", "service_code"])["services"]
        .sum(min_count=1)
        .unstack("service_code")
    ).reindex(index=[c for c, _ in categories.index], columns=[s for s, _ in services.index])
    y = [short_label(c, n, 38) for c, n in categories.index]
    x = [short_label(s, n, 28) for s, n in services.index]
    # A withheld cell shows its mark ("< 5"), not a gap that reads as "none".
    marked = frame.assign(mark=withheld_marks(frame, "services"))
    marks = (
        marked.pivot_table(
            index="client_category_code", columns="service_code", values="mark", aggfunc="max"
        )
        .reindex(index=matrix.index, columns=matrix.columns)
        .fillna("")
    )
    figure = go.Figure(
        go.Heatmap(
            z=matrix.to_numpy(dtype=float),
            x=x,
            y=y,
            text=marks.to_numpy(dtype=object),
            texttemplate="%{text}",
            textfont={"color": "#6c757d", "size": 10},
            colorscale="Blues",
            hoverongaps=False,
            colorbar={"title": {"text": t("services.services", lang)}},
            hovertemplate="%{y}<br>%{x}: %{z:,}<extra></extra>",
        )
    )
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(tickangle=-40)
    return apply_theme(figure, height=560, legend=False)


MARKS = ("suppressed", "status")


def selection_total_text(row: pd.Series, lang: str) -> str:
    """How many services a selection holds; said withheld, or generated, when it is.

    For the public the row is the published total of the selection, never a sum of the
    categories shown (a withheld one would make that sum too small).
    """
    if any(isinstance(row.get(c), str) and is_disclosure_mark(row[c]) for c in MARKS):
        return (
            t("services.selection_total_withheld", lang) + " " + t("services.withheld_note", lang)
        )
    total = 0 if pd.isna(row["services"]) else int(row["services"])
    key = (
        "services.selection_total_demo"
        if bool(row["demonstration"])
        else "services.selection_total"
    )
    return t(key, lang, services=format_number(total, lang))


def heatmap_ranking(frame: pd.DataFrame, lang: str, top: int = 10) -> list[str]:
    """The busiest category and service pairs as lines, for a phone's narrow screen.

    Withheld pairs are not ranked (their count is hidden) but said in a last line.
    """
    published = frame.dropna(subset=["services"]).nlargest(top, "services")
    lines = [
        f"{row.category_name} × {row.service_name}: {format_number(row.services, lang)}"
        for row in published.itertuples()
    ]
    if has_withheld(frame):
        lines.append(t("services.heatmap_withheld_pairs", lang))
    return lines


def heatmap_takeaway(frame: pd.DataFrame, lang: str) -> str:
    """The most frequent category and service combination."""
    if frame.empty or _total(frame) == 0:
        return t("state.empty", lang)
    first = frame.loc[frame["services"].idxmax()]
    return t(
        "services.heatmap_takeaway",
        lang,
        category=first["category_name"],
        service=first["service_name"],
        services=format_number(first["services"], lang),
        pairs=len(frame),
    )


def sex_age_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Services by age group, one bar per sex."""
    figure = go.Figure()
    ages = list(dict.fromkeys(frame["age_group"]))
    for sex, rows in frame.groupby("sex", sort=True):
        rows = rows.set_index("age_group").reindex(ages)
        figure.add_bar(
            name=sex_label(str(sex), lang),
            x=ages,
            y=rows["services"],
            marker={"color": SEX_COLOURS.get(str(sex), MUTED)},
            hovertemplate="%{x}: %{y:,}<extra>%{fullData.name}</extra>",
        )
    figure.update_layout(barmode="group")
    figure.update_xaxes(type="category", title={"text": t("services.age_group", lang)})
    return with_legend_room(apply_theme(figure, height=340))


def sex_age_takeaway(frame: pd.DataFrame, lang: str) -> str:
    """The share of services to women and girls and the largest age group."""
    total = _total(frame)
    if total == 0:
        return t("state.empty", lang)
    if has_withheld(frame):
        return t("services.sex_age_takeaway_withheld", lang)
    women = int(frame.loc[frame["sex"] == "F", "services"].sum())
    by_age = frame.groupby("age_group")["services"].sum()
    return t(
        "services.sex_age_takeaway",
        lang,
        share=format_percent(women / total, lang),
        age=by_age.idxmax(),
        age_share=format_percent(by_age.max() / total, lang),
    )


def top_services_figure(frame: pd.DataFrame, lang: str, top: int = 15) -> go.Figure:
    """The services delivered most often, a horizontal bar each."""
    shown = _published_or_marked(frame).head(top)
    marks = withheld_marks(shown, "services")
    labels = [
        short_label(c, n) for c, n in zip(shown["service_code"], shown["service_name"], strict=True)
    ]
    published = (marks == "").to_list()
    figure = go.Figure(
        go.Bar(
            y=[label for label, keep in zip(labels, published, strict=True) if keep],
            x=shown["services"][marks == ""],
            orientation="h",
            marker={"color": PALETTE[2]},
            customdata=shown["service_name"][marks == ""],
            hovertemplate="%{customdata}: %{x:,}<extra></extra>",
            showlegend=False,
        )
    )
    add_withheld_bars(figure, labels, list(marks), lang)
    figure.update_yaxes(categoryorder="array", categoryarray=list(reversed(labels)))
    return apply_theme(figure, height=max(320, 60 + 26 * len(shown)), legend=False)


def top_services_takeaway(frame: pd.DataFrame, lang: str) -> str:
    """Which service was delivered most often, and its share (when every part is published)."""
    return _top_share_takeaway(frame, lang, "services.services_takeaway", "service_name", "count")


def latest_plan_report(series: pd.DataFrame) -> dict | None:
    """The latest observed reported value of a plan series, with its year's target."""
    numeric = series.dropna(subset=["value"])
    reported = numeric[(numeric["kind"] == "reported") & numeric["observed"].astype(bool)]
    if reported.empty:
        return None
    latest = reported.iloc[-1]
    target = numeric[(numeric["kind"] == "target") & (numeric["year"] == latest["year"])]
    return {
        "year": int(latest["year"]),
        "value": float(latest["value"]),
        "target": float(target["value"].iloc[0]) if not target.empty else None,
        "date": pd.Timestamp(latest["source_date"]).date(),
        "complete": bool(latest["year_complete"]),
    }


def plan_report_text(report: dict, lang: str, prefix: str = "services.plan_takeaway") -> str:
    """The sentence for a latest report (`prefix`_reported or `prefix`_partial)."""
    return t(
        f"{prefix}_reported" if report["complete"] else f"{prefix}_partial",
        lang,
        year=report["year"],
        services=format_number(report["value"], lang),
        target=format_number(report["target"], lang) if report["target"] is not None else "—",
        date=format_date(report["date"], lang),
    )


def plan_total_report(series: pd.DataFrame, lang: str) -> str:
    """The latest observed report of the plan matrix's total against its target (or '')."""
    report = latest_plan_report(series)
    return plan_report_text(report, lang) if report else ""


def plan_total_takeaway(series: pd.DataFrame, lang: str) -> str:
    """The real total of the plan matrix: the baseline and the latest observed report."""
    baseline = series[series["kind"] == "baseline"].dropna(subset=["value"])
    if baseline.empty:
        return t("state.empty", lang)
    first = baseline.iloc[0]
    text = t(
        "services.plan_takeaway_baseline",
        lang,
        year=int(first["year"]),
        services=format_number(first["value"], lang),
    )
    report = plan_total_report(series, lang)
    return f"{text} {report}" if report else text


def clients_figure(frame: pd.DataFrame, lang: str, top: int = 15) -> go.Figure:
    """Clients by category in one month: a horizontal bar each (a measure of its own)."""
    shown = frame.dropna(subset=["clients"]).head(top)
    labels = [
        short_label(c, n)
        for c, n in zip(shown["client_category_code"], shown["category_name"], strict=True)
    ]
    figure = horizontal_bars(
        labels,
        shown["clients"],
        PALETTE[3],
        customdata=shown["category_name"],
        hovertemplate="%{customdata}: %{x:,}<extra></extra>",
        name=t("services.clients", lang),
    )
    figure.update_yaxes(categoryorder="array", categoryarray=list(reversed(labels)))
    return apply_theme(figure, height=max(300, 60 + 26 * len(shown)), legend=False)


def clients_takeaway(frame: pd.DataFrame, lang: str) -> str:
    """Which category had the most clients in the month, from published figures only."""
    known = frame.dropna(subset=["clients"])
    if known.empty:
        return t("services.clients_all_withheld" if has_withheld(frame) else "state.empty", lang)
    first = known.iloc[0]
    return t(
        "services.clients_takeaway",
        lang,
        month=month_name(int(first["month"]), lang) if not pd.isna(first["month"]) else "",
        year=int(first["year"]),
        name=first["category_name"],
        clients=format_number(first["clients"], lang),
        withheld=t("services.clients_withheld", lang) if has_withheld(frame) else "",
    )
