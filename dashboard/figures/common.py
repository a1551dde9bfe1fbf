"""Small pieces the overview, demographics and social assistance figures share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.theme import apply_theme
from dashboard.i18n import format_number, t
from dashboard.vocabulary import is_missing


def has_withheld(frame: pd.DataFrame) -> bool:
    """Whether any row of a published frame is withheld (its `suppressed` column is set).

    A share or total over such a frame would rest on a hidden part: it is not published.
    """
    return "suppressed" in frame.columns and bool(frame["suppressed"].notna().any())


def number_or_mark(value: object, lang: str, decimals: int = 0) -> str:
    """A number in the language's format, or the missing mark (never 0 for missing)."""
    if is_missing(value):
        return t("chart.missing_mark", lang)
    return format_number(float(value), lang, decimals=decimals)  # type: ignore[arg-type]


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
