"""Figure of the SWOT page: the number of items in each quadrant, in printed order."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import about_largest
from dashboard.figures.theme import apply_theme
from dashboard.i18n import format_number, t

QUADRANT_COLOURS = {"S": "#009E73", "W": "#D55E00", "O": "#0072B2", "T": "#CC79A7"}


def quadrant_counts(items: pd.DataFrame) -> pd.DataFrame:
    """One row per quadrant in printed order with its item count (from quadrant_items)."""
    return (
        items.groupby("quadrant", sort=False)
        .agg(
            quadrant_label=("quadrant_label", "first"),
            items=("quadrant_items", "first"),
            source=("source", "first"),
        )
        .reset_index()
        .assign(demonstration=False)
    )


def swot_counts_figure(counts: pd.DataFrame, lang: str, selected: str | None = None) -> go.Figure:
    """Items per quadrant; the chosen quadrant (if any) stands out."""
    labels = [t(f"swot.quadrant.{q}", lang) for q in counts["quadrant"]]
    figure = go.Figure(
        go.Bar(
            x=labels,
            y=counts["items"],
            marker={
                "color": [QUADRANT_COLOURS.get(q, "#999999") for q in counts["quadrant"]],
                "opacity": [1.0 if selected in (None, q) else 0.35 for q in counts["quadrant"]],
            },
            text=[format_number(n, lang) for n in counts["items"]],
            textposition="outside",
            cliponaxis=False,
            customdata=counts["quadrant_label"],
            hovertemplate="%{customdata}: %{y}<extra></extra>",
        )
    )
    figure.update_yaxes(rangemode="tozero", dtick=2)
    return apply_theme(figure, height=260, legend=False)


def swot_counts_takeaway(counts: pd.DataFrame, lang: str) -> str:
    """The largest quadrant and the total number of items."""
    return about_largest(
        counts,
        "items",
        lang,
        "swot.takeaway",
        lambda largest: {
            "quadrant": t(f"swot.quadrant.{largest['quadrant']}", lang),
            "items": int(largest["items"]),
            "total": int(counts["items"].sum()),
        },
    )
