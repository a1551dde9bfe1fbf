"""Small pieces the overview, demographics and social assistance figures share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.theme import PALETTE, apply_theme
from dashboard.i18n import format_number, t
from dashboard.vocabulary import is_missing


def has_withheld(frame: pd.DataFrame) -> bool:
    """Whether any row of a published frame is withheld (its `suppressed` column is set).

    A share or total over such a frame would rest on a hidden part: it is not published.
    """
    return "suppressed" in frame.columns and bool(frame["suppressed"].notna().any())


def withheld_marks(frame: pd.DataFrame, value_column: str) -> pd.Series:
    """The disclosure mark ("< 5", "secondary") of each withheld row, "" elsewhere."""
    if "suppressed" not in frame.columns:
        return pd.Series("", index=frame.index)
    marks = frame["suppressed"].where(frame[value_column].isna())
    return marks.fillna("").astype(str)


def add_withheld_bars(
    figure: go.Figure, labels: list[str], marks: list[str], lang: str, horizontal: bool = True
) -> go.Figure:
    """Withheld rows of a bar chart stay on it, at zero with their mark, said on hover.

    Dropping them would read as "none"; drawing a length would publish the hidden count.
    """
    shown = [(label, mark) for label, mark in zip(labels, marks, strict=True) if mark]
    if not shown:
        return figure
    names, texts = [label for label, _ in shown], [mark for _, mark in shown]
    hover = [t("chart.withheld_hover", lang, label=n, mark=m) for n, m in shown]
    position = (
        {"x": [0] * len(names), "y": names} if horizontal else {"x": names, "y": [0] * len(names)}
    )
    figure.add_scatter(
        **position,
        mode="text",
        text=texts,
        textposition="middle right" if horizontal else "top center",
        textfont={"color": "#6c757d"},
        name=t("chart.withheld_trace", lang),
        hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>",
        cliponaxis=False,
    )
    return figure


def horizontal_bars(labels: list[str], values: pd.Series, color: object, **trace: Any) -> go.Figure:
    """One horizontal bar per label, so that long names read on the axis; `color`: one or each."""
    return go.Figure(go.Bar(y=labels, x=values, orientation="h", marker={"color": color}, **trace))


def sector_bars(
    sectors: pd.DataFrame, labels: list[str], text: list[str], lang: str, hovertemplate: str
) -> go.Figure:
    """The planned amount of each budget sector as a labelled bar, its whole name on hover."""
    return horizontal_bars(
        labels,
        sectors["amount_eur"],
        PALETTE[0],
        text=text,
        textposition="auto",  # inside a long bar, beside a short one
        insidetextanchor="end",
        cliponaxis=False,
        customdata=[sector_name(row, lang) for row in sectors.to_dict("records")],
        hovertemplate=hovertemplate,
    )


def largest_known(frame: pd.DataFrame, column: str) -> pd.Series | None:
    """The row with the largest value of ``column`` (none when no row has one)."""
    known = frame.dropna(subset=[column])
    if known.empty:
        return None
    return known.loc[known[column].idxmax()]


def about_largest(
    frame: pd.DataFrame,
    column: str,
    lang: str,
    key: str,
    said: Callable[[pd.Series], Mapping[str, object]],
) -> str:
    """Message `key` about the row with the largest `column` (its values from `said(row)`).

    "No data" when no row has a value: a takeaway never names a largest of nothing.
    """
    largest = largest_known(frame, column)
    if largest is None:
        return t("state.empty", lang)
    return t(key, lang, **said(largest))


def number_or_mark(value: object, lang: str, decimals: int = 0) -> str:
    """A number in the language's format, or the missing mark (never 0 for missing)."""
    if is_missing(value):
        return t("chart.missing_mark", lang)
    return format_number(float(value), lang, decimals=decimals)  # type: ignore[arg-type]


def sector_name(row: Mapping[str, Any], lang: str) -> str:
    """A budget sector's name in the language: its stored translation, else as printed."""
    column = {"en": "name_en", "sr": "name_sr"}.get(lang)
    name = row.get(column) if column else None
    return str(row["sector_sq"]) if name is None or is_missing(name) else str(name)


def municipality_name(row: Mapping[str, Any], lang: str) -> str:
    """A municipality's name in the language (ASK's Albanian name for sq)."""
    column = {"en": "name_en", "sr": "name_sr"}.get(lang, "municipality")
    name = row.get(column)
    return str(row["municipality"]) if is_missing(name) else str(name)


def empty_figure(lang: str, height: int = 240) -> go.Figure:
    """A figure that says in words that the selection has no data."""
    figure = go.Figure()
    figure.add_annotation(text=t("state.empty", lang), showarrow=False, x=0.5, y=0.5)
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return apply_theme(figure, height=height, legend=False)
