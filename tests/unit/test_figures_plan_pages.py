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
    # A withheld count stays on the chart at zero with its mark, never with a length.
    marked = frame.assign(suppressed=[None, None, "< 5"])
    figure = services.top_categories_figure(marked, "en")
    bars = [y for trace in figure.data if trace.type == "bar" for y in trace.y]
    [mark] = [trace for trace in figure.data if trace.type == "scatter"]
    assert sorted(bars) == ["14 · a", "37 · b"]
    assert list(mark.y) == ["9 · c"] and list(mark.x) == [0] and list(mark.text) == ["< 5"]
    assert "withheld" in mark.hovertext[0]


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


def _plan_indicators() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_code": ["1.1.a", "1.1.b", "2.3.a"],
            "priority": [1, 1, 2],
            "objective_code": ["1.1", "1.1", "2.3"],
            "status": ["on_track", "no_data", "off_track"],
            "status_year": [2024, None, 2024],
            "status_reported": [9.0, None, 1696.0],
            "progress": [0.95, None, 0.2],
        }
    )


def test_the_scope_and_the_indicator_shown_in_detail():
    from dashboard.plan_indicators import in_scope, shown_indicator

    frame = _plan_indicators()
    assert list(in_scope(frame, 1)["indicator_code"]) == ["1.1.a", "1.1.b"]
    assert list(in_scope(frame, None, "1.1", "no_data")["indicator_code"]) == ["1.1.b"]
    assert in_scope(frame, 2, "1.1").empty
    assert shown_indicator(frame, {"priority": 2}) == "2.3.a"  # the first of the selection
    assert shown_indicator(frame, {"priority": 1, "indicator": "1.1.b"}) == "1.1.b"
    assert shown_indicator(frame, {"status": "achieved"}) is None


def test_the_status_summary_counts_every_status_of_each_priority():
    from dashboard.plan_indicators import STATUS_SOURCE, status_summary
    from dashboard.plan_status import STATUSES

    summary = status_summary(_plan_indicators())
    assert len(summary) == 2 * len(STATUSES)
    first = summary[summary["priority"] == 1].set_index("status")
    assert first.loc["on_track", "indicators"] == 1 and first.loc["achieved", "indicators"] == 0
    assert first["share"].sum() == 1.0
    assert summary["source"].str.endswith(STATUS_SOURCE).all()
    assert status_summary(_plan_indicators().iloc[0:0]).empty


def test_a_withheld_report_withholds_the_progress_computed_from_it():
    from dashboard.plan_indicators import with_withheld_reports
    from dashboard.suppression import REASON_COLUMN

    values = pd.DataFrame(
        {
            "indicator_code": ["1.1.a", "2.3.a"],
            "year": [2024, 2024],
            "kind": ["reported", "target"],
            REASON_COLUMN: ["< 5", "< 5"],
        }
    )
    shown = with_withheld_reports(_plan_indicators(), values).set_index("indicator_code")
    assert shown.loc["1.1.a", "reported_withheld"] == "< 5"
    assert pd.isna(shown.loc["1.1.a", "progress"]) and pd.isna(
        shown.loc["1.1.a", "status_reported"]
    )
    assert shown.loc["2.3.a", "progress"] == 0.2  # a withheld target is not a withheld report
    plain = with_withheld_reports(_plan_indicators(), values.drop(columns=[REASON_COLUMN]))
    assert plain["reported_withheld"].isna().all() and plain["progress"].notna().sum() == 2


def test_directions_and_missing_statuses_are_said_in_words():
    row = {"unit": "count", "status": "no_data", "status_reason": "direction_not_set"}
    assert indicators.direction_text(row, "en") == t("indicators.direction.not_set", "en")
    assert indicators.status_notes(row, "en") == (
        t("indicators.reason.direction_not_set", "en"),
        None,
    )
    known = {"unit": "count", "status_direction": "higher", "status_direction_basis": "staff"}
    assert indicators.direction_text(known, "en") == (
        t("indicators.direction.higher", "en") + " " + t("indicators.direction.staff", "en")
    )
    assert indicators.direction_text({"unit": "text"}, "en") == t("indicators.direction.none", "en")
    assert indicators.plan_number(1696.0, "en") == "1,696"
    assert indicators.plan_number(None, "en") == t("chart.missing_mark", "en")


def test_a_line_without_an_amount_says_why():
    row = pd.Series({"reading": "not legible", "amount_text": None})
    assert budget.amount_text(row, "en") == t("budget.amount_not_legible", "en")
    row = pd.Series({"reading": "certain", "amount_text": "sipas nevojës"})
    assert budget.amount_text(row, "en") == t("budget.amount_as_text", "en", text="sipas nevojës")
    row = pd.Series({"reading": "certain", "amount_text": None})
    assert budget.amount_text(row, "en") == t("budget.amount_none", "en")


def test_on_a_phone_the_budget_lines_and_the_heatmap_read_as_ranked_lines():
    lines = pd.DataFrame(
        {
            "line_no": [1, 2, 3],
            "objective_sq": ["Strehim", "Varrim", "Qira"],
            "amount_eur": [10_000.0, 140_000.0, None],
            "share_of_total": [0.05, 0.7, None],
            "reading": ["certain", "uncertain", "not legible"],
            "amount_text": [None, None, None],
        }
    )
    said = budget.budget_lines_ranking(lines, "en")
    assert len(said) == 2  # a line without an amount is not ranked
    assert said[0].startswith("2 · Varrim: €140,000.00 (70.0%)") and "Uncertain" in said[0]
    assert said[1] == "1 · Strehim: €10,000.00 (5.0%)"
    pairs = pd.DataFrame(
        {
            "category_name": ["a", "b"],
            "service_name": ["x", "y"],
            "services": [12.0, None],
            "suppressed": [None, "< 5"],
        }
    )
    ranked = services.heatmap_ranking(pairs, "en")
    assert ranked[0] == "a × x: 12"
    assert ranked[-1] == t("services.heatmap_withheld_pairs", "en")  # withheld: said, not ranked


def test_sector_names_are_in_the_readers_language_where_a_translation_is_stored():
    sectors = pd.DataFrame(
        {
            "sector_sq": ["Sektori për Çështje Sociale", "Sektor pa përkthim"],
            "name_en": ["Social Affairs Sector", None],
            "name_sr": ["Sektor za socijalna pitanja", None],
            "amount_eur": [900.0, 100.0],
            "share_of_total": [0.9, 0.1],
        }
    )
    english = budget.budget_sector_figure(sectors, "en").data[0]
    assert list(english.customdata) == ["Social Affairs Sector", "Sektor pa përkthim"]
    assert "«Sektor za socijalna pitanja»" in budget.budget_sector_takeaway(sectors, "sr")
    assert "«Sektori për Çështje Sociale»" in budget.budget_sector_takeaway(sectors, "sq")
