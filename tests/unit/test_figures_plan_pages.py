"""Pure figure builders of the Services, Indicators, SWOT and Budget pages."""

from __future__ import annotations

import math

import pandas as pd

from dashboard.figures import budget, indicators, services, swot
from dashboard.i18n import t


def test_a_missing_month_is_a_gap_not_a_zero():
    frame = pd.DataFrame(
        {
            "year": [2024, 2024, 2024],
            "month": [1, 2, 4],
            "period_start": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-04-01"]),
            "services": [10, 12, 9],
        }
    )
    figure = services.monthly_trend_figure(frame, "en")
    values = list(figure.data[0].y)
    assert len(values) == 4 and math.isnan(values[2])
    assert figure.data[0].connectgaps is False
    assert "February 2024 (12 services)" in services.monthly_trend_takeaway(frame, "en")


def test_withheld_counts_are_left_out_of_the_bars_and_the_takeaway():
    frame = pd.DataFrame(
        {
            "client_category_code": [14, 37, 9],
            "category_name": ["a", "b", "c"],
            "audience": ["children", "requests", "children"],
            "services": [50, 20, pd.NA],
        }
    )
    figure = services.top_categories_figure(frame, "en")
    shown = sorted(y for trace in figure.data for y in trace.y)
    assert shown == ["14 · a", "37 · b"]
    assert "«a» has the most services: 50" in services.top_categories_takeaway(frame, "en")


def test_planned_values_are_drawn_apart_from_results():
    series = pd.DataFrame(
        {
            "year": [2023, 2024, 2024, 2025, 2025],
            "kind": ["baseline", "target", "reported", "target", "reported"],
            "value": [100.0, 120.0, 110.0, 130.0, 125.0],
            "observed": [True, True, True, True, False],
        }
    )
    figure = indicators.plan_series_figure(series, "en")
    traces = {trace.name: (list(trace.x), list(trace.y)) for trace in figure.data}
    assert traces[t("indicators.kind.reported", "en")] == (["2024"], [110.0])
    assert traces[t("indicators.kind.planned", "en")] == (["2025"], [125.0])


def test_progress_away_from_the_target_is_said_in_words():
    assert indicators.progress_text(-19.02, "en") == t("indicators.progress_other_way", "en")
    assert indicators.progress_text(0.9, "en") == "90%"
    assert indicators.progress_text(None, "en") == "—"


def test_budget_lines_chart_shows_only_amounts_and_hatches_uncertain_readings():
    lines = pd.DataFrame(
        {
            "line_no": [1, 2, 3],
            "objective_sq": ["a", "b", "c"],
            "objective_en": ["A", "B", "C"],
            "amount_eur": [100.0, None, 300.0],
            "share_of_total": [0.25, None, 0.75],
            "total_eur": [400.0, 400.0, 400.0],
            "reading": ["certain", "uncertain", "uncertain"],
        }
    )
    figure = budget.budget_lines_figure(lines, "en")
    by_name = {trace.name: trace for trace in figure.data}
    assert set(by_name) == {t("budget.reading.certain", "en"), t("budget.reading.uncertain", "en")}
    assert by_name[t("budget.reading.uncertain", "en")].marker.pattern.shape == "/"
    assert "1 lines have no amount" in budget.budget_lines_takeaway(lines, "en")


def test_swot_counts_keep_the_printed_order():
    items = pd.DataFrame(
        {
            "quadrant": ["S", "W", "W", "O", "T"],
            "quadrant_label": ["(S)", "(Ë)", "(Ë)", "(O)", "(T)"],
            "quadrant_items": [1, 2, 2, 1, 1],
            "source": ["doc"] * 5,
        }
    )
    counts = swot.quadrant_counts(items)
    assert list(counts["quadrant"]) == ["S", "W", "O", "T"]
    assert list(counts["items"]) == [1, 2, 1, 1]
    assert "«Weaknesses», 2 of 5" in swot.swot_counts_takeaway(counts, "en")


def test_clients_are_their_own_measure_and_withheld_ones_are_said():
    import pandas as pd

    from dashboard.figures.services import clients_figure, clients_takeaway

    frame = pd.DataFrame(
        {
            "year": [2024, 2024],
            "month": [3, 3],
            "client_category_code": [3, 1],
            "category_name": ["Fëmijët jetimë", "Fëmijë pa kujdes prindëror"],
            "clients": [12, 6],
            "suppressed": [None, None],
            "source": ["QPS"] * 2,
        }
    )
    text = clients_takeaway(frame, "en")
    assert "«Fëmijët jetimë» had the most clients: 12" in text and "March 2024" in text
    assert len(clients_figure(frame, "en").data[0].x) == 2
    hidden = frame.assign(
        clients=pd.array([None, None], dtype="Int64"), suppressed=["< 5", "secondary"]
    )
    assert "withheld" in clients_takeaway(hidden, "en")
