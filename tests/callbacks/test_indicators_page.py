"""The Indicators page: callbacks called directly for every filter value and language."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from dashboard.i18n import LANGUAGES, format_date, t
from dashboard.plan_status import STATUSES
from tests.callbacks.page_tools import chart_cards, find, visible_text


@pytest.fixture(scope="module")
def page(app):
    from dashboard.pages import indicators

    return indicators


def rows_shown(content) -> set[str]:
    drilldown = find(content, "indicators-drilldown")
    return {
        item.id.removeprefix("indicator-row-").replace("-", ".")
        for item in _walk(drilldown)
        if isinstance(getattr(item, "id", None), str) and item.id.startswith("indicator-row-")
    }


def _walk(node):
    from tests.callbacks.page_tools import walk

    return walk(node)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_filter_value_in_every_language(page, lang):
    everything = page.indicators_for_page()
    objectives = page._objectives()
    for spec in page.FILTERS:
        if spec.name == "indicator":
            continue  # chosen by the links in the table, not by a dropdown
        for value in spec.allowed_values():
            chosen = {"priority": None, "objective": None, "status": None, spec.name: str(value)}
            content, search, options, objective = page.update_indicators(
                **chosen, indicator=None, lang=lang
            )
            assert urlencode({spec.name: value}) in search
            assert t("state.error", lang) not in visible_text(content)
            expected = everything
            if spec.name == "priority":
                expected = everything[everything["priority"] == value]
                assert {o["value"] for o in options} == set(
                    objectives.loc[objectives["priority"] == value, "objective_code"]
                )
            elif spec.name == "objective":
                expected = everything[everything["objective_code"] == value]
                assert objective == value
            else:
                expected = everything[everything["status"] == value]
            assert rows_shown(content) == set(expected["indicator_code"]), (spec.name, value)
            heading = visible_text(find(content, "indicators-count"))
            assert (
                t("indicators.drilldown_heading", lang, shown=len(expected), total=len(everything))
                == heading
            )
            assert set(chart_cards(content)) == {"indicators-summary", "indicators-detail"}


def test_an_objective_outside_the_priority_is_dropped(page):
    content, search, options, objective = page.update_indicators("2", "1.1", None, None, "en")
    assert objective is None
    assert search == "?priority=2&lang=en"
    assert all(o["value"].startswith("2.") for o in options)


def test_the_rule_is_written_on_the_page_in_every_language(page):
    for lang in LANGUAGES:
        layout = page.layout(lang=lang)
        rule = visible_text(find(layout, "indicators-rule"))
        for key in page.RULE_KEYS:
            assert t(key, lang, **page.rule_values(lang)) in rule
        assert t("indicators.direction_note", lang) in rule
        as_of = visible_text(find(layout, "indicators-as-of"))
        assert format_date("2024-11-26", lang) in as_of


@pytest.mark.parametrize("lang", LANGUAGES)
def test_values_after_the_document_date_are_planned_not_results(page, lang):
    layout = page.layout(lang=lang, objective="2.3", indicator="2.3.a")
    row = visible_text(find(layout, "indicator-row-2-3-a"))
    # 2025 and 2026 "reported" values are shown as planned; 2024 as reported.
    assert row.count(t("indicators.kind.planned_short", lang) + ":") == 2
    assert row.count(t("indicators.kind.reported_short", lang) + ":") == 1
    graph = find(layout, "chart-indicators-detail")
    names = {trace.name: list(trace.x) for trace in graph.figure.data}
    assert names[t("indicators.kind.planned", lang)] == ["2025", "2026"]
    assert names[t("indicators.kind.reported", lang)] == ["2024"]
    assert t("indicators.status.off_track", lang) in row


def test_the_plan_printed_figures_are_public_as_printed(page, monkeypatch):
    # The Action Plan is a public municipal document (its disclosure policy is
    # "as_printed"): the 3 elderly people it reports for 2024 are shown to everyone.
    public = visible_text(find(page.layout(lang="en", objective="1.2"), "indicator-row-1-2-a"))
    assert "< 5" not in public and "Reported:  3" in public
    monkeypatch.setattr("dashboard.auth.current_role", lambda: "viewer")
    staff = visible_text(find(page.layout(lang="en", objective="1.2"), "indicator-row-1-2-a"))
    assert staff == public


@pytest.mark.parametrize("lang", LANGUAGES)
def test_invalid_url_values_give_the_notice(page, lang):
    layout = page.layout(lang=lang, priority="9", objective="7.7", status="great", indicator="x")
    notice = visible_text(find(layout, "filter-notice"))
    assert t("filters.invalid_heading", lang) in notice
    for name, value in (
        ("priority", "9"),
        ("objective", "7.7"),
        ("status", "great"),
        ("indicator", "x"),
    ):
        assert f"{name} = «{value}»" in notice
    assert len(rows_shown(layout)) == len(page.indicators_for_page())


def test_summary_download_counts_every_indicator(client, page):
    import io

    import pandas as pd

    body = client.get("/charts/indicators-summary.csv?priority=1").data.decode("utf-8-sig")
    frame = pd.read_csv(io.StringIO(body))
    assert set(frame["priority"]) == {1}
    assert set(frame["status"]) == set(STATUSES)
    everything = page.indicators_for_page()
    assert frame["indicators"].sum() == (everything["priority"] == 1).sum()
