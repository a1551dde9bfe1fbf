"""A chart's box has its figure's height before the figure is drawn (chart_card)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard.components.chart_card import SIZED_GRAPH_CLASS, TOOLBAR_STRIP_PX, chart_card

FRAME = pd.DataFrame({"x": ["a", "b"], "y": [1, 2]})


def _graph(card, chart_id: str):
    """The card's dcc.Graph, found by its id."""
    stack = [card]
    while stack:
        component = stack.pop()
        if getattr(component, "id", None) == f"chart-{chart_id}":
            return component
        children = getattr(component, "children", None)
        stack.extend(children if isinstance(children, list) else [children] if children else [])
    raise AssertionError(f"no graph chart-{chart_id}")


@pytest.mark.parametrize("height", [200, 333, 1040])
def test_the_graph_box_is_the_figures_height_and_the_toolbar_strip(height):
    figure = go.Figure(go.Bar(x=FRAME["x"], y=FRAME["y"]), layout={"height": height})
    card = chart_card(chart_id="c", title="C", figure=figure, takeaway="", data=FRAME, lang="en")
    graph = _graph(card, "c")
    assert graph.style == {"height": f"{height + TOOLBAR_STRIP_PX}px"}
    assert graph.className.split() == ["chart-graph", SIZED_GRAPH_CLASS]  # contained


def test_a_figure_without_a_height_keeps_a_box_that_follows_it():
    figure = go.Figure(go.Bar(x=FRAME["x"], y=FRAME["y"]))
    card = chart_card(chart_id="c", title="C", figure=figure, takeaway="", data=FRAME, lang="en")
    # No fixed box, and so no size containment (assets/charts.css contains sized ones only).
    graph = _graph(card, "c")
    assert graph.style is None and graph.className == "chart-graph"
