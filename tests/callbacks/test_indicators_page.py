"""The Indicators page: the declared page's callback for every filter value and language."""

from __future__ import annotations

import io
import json
from urllib.parse import urlencode

import pandas as pd
import pytest

from dashboard.components.declared import controls_query, filter_options, page_layout, respond
from dashboard.i18n import LANGUAGES, format_date, t
from dashboard.plan_status import STATUSES
from tests.callbacks.page_tools import (
    chart_cards,
    find,
    ids,
    post_page_callback,
    visible_text,
    walk,
)

CONTROLS = ("priority", "objective", "status")


@pytest.fixture(scope="module")
def page(app):
    from dashboard.pages import indicators

    return indicators


def opened(page, tree, search: str | None = None, lang: str = "sq") -> list:
    """The tree with every objective opened: a closed one's table is filled in when opened.

    `search` is the view's address (a page layout's `indicators-drawn` store by default).
    """
    from dashboard.pages._indicators_table import OBJECTIVE_TABLE

    if search is None:
        search = find(tree, "indicators-drawn").data
    tables = [
        page.objective_table_for(search, item.id["code"], lang)
        for item in walk(tree)
        if isinstance(getattr(item, "id", None), dict) and item.id["type"] == OBJECTIVE_TABLE
    ]
    return [tree, *tables]


def rows_shown(page, content, search: str | None = None, lang: str = "sq") -> set[str]:
    """The indicators the drill-down lists, its closed objectives opened."""
    drilldown = find(content, "indicators-drilldown")
    return {
        item.id.removeprefix("indicator-row-").replace("-", ".")
        for item in walk(opened(page, drilldown, search or find(content, "indicators-drawn").data))
        if isinstance(getattr(item, "id", None), str) and item.id.startswith("indicator-row-")
    }


def choose(page, lang, **chosen):
    """The content, address and controls after the controls are set (the callback's path)."""
    values = [chosen.get(f.name) for f in page.PAGE.filters]
    content, _notice, search, controls = respond(page.PAGE, controls_query(page.PAGE, values), lang)
    return content, search, dict(zip((f.name for f in page.PAGE.filters), controls, strict=True))


def objective_options(page, lang, **values):
    objective = next(f for f in page.PAGE.filters if f.name == "objective")
    return filter_options(objective, {"priority": None, **values}, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_filter_value_in_every_language(page, lang):
    everything = page.indicators_for_page()
    from dashboard.pages._indicators_filters import _objectives

    objectives = _objectives()
    for spec in page.PAGE.specs:
        if spec.name == "indicator":
            continue  # chosen by the links in the table, not by a control
        for value in spec.allowed_values():
            content, search, controls = choose(page, lang, **{spec.name: str(value)})
            assert urlencode({spec.name: value}) in search
            assert t("state.error", lang) not in visible_text(content)
            expected = everything
            if spec.name == "priority":
                expected = everything[everything["priority"] == value]
                options = objective_options(page, lang, priority=value)
                assert {o["value"] for o in options} == set(
                    objectives.loc[objectives["priority"] == value, "objective_code"]
                )
            elif spec.name == "objective":
                expected = everything[everything["objective_code"] == value]
                assert controls["objective"] == value
            else:
                expected = everything[everything["status"] == value]
            shown = rows_shown(page, content, search, lang)
            assert shown == set(expected["indicator_code"]), (spec.name, value)
            heading = visible_text(find(content, "indicators-count"))
            assert (
                t("indicators.drilldown_heading", lang, shown=len(expected), total=len(everything))
                == heading
            )
            assert set(chart_cards(content)) == {"indicators-summary", "indicators-detail"}


def test_an_objective_outside_the_priority_is_dropped(page):
    _content, search, controls = choose(page, "en", priority="2", objective="1.1")
    assert controls["objective"] is None
    assert search == "?priority=2&lang=en"
    options = objective_options(page, "en", priority=2)
    assert options and all(o["value"].startswith("2.") for o in options)


def test_the_callback_clears_an_objective_of_another_priority(page, client):
    # Through the server, as the browser sends it: priority 2 chosen while 1.1 is set.
    out = post_page_callback(
        client, page.PAGE, "en", "?objective=1.1&lang=en", "priority", priority="2", objective="1.1"
    )
    assert out["indicators-url"]["search"] == "?priority=2&lang=en"
    assert out["indicators-objective"]["value"] is None
    options = out["indicators-objective"]["options"]
    assert options and all(o["value"].startswith("2.") for o in options)
    assert "indicators-priority" not in out  # the control that fired keeps its value


def test_the_shown_indicator_stays_while_it_is_in_the_selection(page, client):
    search = "?objective=2.3&indicator=2.3.a&lang=en"
    kept = post_page_callback(
        client, page.PAGE, "en", search, "priority", priority="2", objective="2.3"
    )
    assert kept["indicators-url"]["search"] == "?priority=2&objective=2.3&indicator=2.3.a&lang=en"
    dropped = post_page_callback(
        client, page.PAGE, "en", search, "priority", priority="1", objective="2.3"
    )
    assert dropped["indicators-url"]["search"] == "?priority=1&lang=en"
    assert dropped["indicators-objective"]["value"] is None


def test_back_or_forward_sets_the_controls_from_the_address(page, client):
    out = post_page_callback(client, page.PAGE, "sr", "?priority=4&status=no_data&lang=sr")
    assert out["indicators-priority"]["value"] == "4"
    assert out["indicators-status"]["value"] == "no_data"
    assert out["indicators-objective"]["value"] is None
    assert {o["value"][0] for o in out["indicators-objective"]["options"]} == {"4"}
    assert "indicators-url" not in out  # the address is not written back
    drawn = json.dumps(out["indicators-content"]["children"], ensure_ascii=False)
    assert "Prioritet IV" in drawn and "Prioritet II:" not in drawn


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_rule_is_written_on_the_page(page, lang):
    from dashboard.pages._indicators_notes import RULE_KEYS, rule_values

    layout = page_layout(page.PAGE, lang=lang)
    rule = visible_text(find(layout, "indicators-rule"))
    for key in RULE_KEYS:
        assert t(key, lang, **rule_values(lang)) in rule
    assert t("indicators.direction_note", lang) in rule
    as_of = visible_text(find(layout, "indicators-as-of"))
    assert format_date("2024-11-26", lang) in as_of


@pytest.mark.parametrize("lang", LANGUAGES)
def test_values_after_the_document_date_are_planned_not_results(page, lang):
    layout = page_layout(page.PAGE, lang=lang, objective="2.3", indicator="2.3.a")
    row = visible_text(find(layout, "indicator-row-2-3-a"))
    # 2025 and 2026 "reported" values are shown as planned; 2024 as reported.
    assert row.count(t("indicators.kind.planned_short", lang) + ":") == 2
    assert row.count(t("indicators.kind.reported_short", lang) + ":") == 1
    graph = find(layout, "chart-indicators-detail")
    names = {trace.name: list(trace.x) for trace in graph.figure.data}
    assert names[t("indicators.kind.planned", lang)] == ["2025", "2026"]
    assert names[t("indicators.kind.reported", lang)] == ["2024"]
    assert t("indicators.status.off_track", lang) in row
    detail = find(layout, "card-indicators-detail")
    assert "2.3.a Numri i i shërbimeve të ofruara" in visible_text(detail)


def test_a_direction_not_set_is_said_in_words(page):
    everything = page.indicators_for_page()
    unset = everything[everything["status_reason"] == "direction_not_set"]
    assert len(unset)  # the plan has flat or turning targets
    code = unset["indicator_code"].iloc[0]
    layout = page_layout(page.PAGE, lang="en")
    row = find(opened(page, layout, lang="en"), f"indicator-row-{code.replace('.', '-')}")
    text = visible_text(row)
    assert t("indicators.direction.not_set", "en") in text
    assert t("indicators.reason.direction_not_set", "en") in text
    assert t("indicators.status.no_data", "en") in text


def test_the_plan_printed_figures_are_public_as_printed(page, monkeypatch):
    # The Action Plan is a public municipal document (its disclosure policy is
    # "as_printed"): the 3 elderly people it reports for 2024 are shown to everyone.
    layout = page_layout(page.PAGE, lang="en", objective="1.2")
    public = visible_text(find(layout, "indicator-row-1-2-a"))
    assert "< 5" not in public and "Reported:  3" in public
    monkeypatch.setattr("dashboard.auth.current_role", lambda: "viewer")
    layout = page_layout(page.PAGE, lang="en", objective="1.2")
    assert visible_text(find(layout, "indicator-row-1-2-a")) == public


@pytest.mark.parametrize("lang", LANGUAGES)
def test_invalid_url_values_give_one_notice(page, lang):
    query = {"priority": "9", "objective": "7.7", "status": "great", "indicator": "x"}
    layout = page_layout(page.PAGE, lang=lang, **query)
    notice = visible_text(find(layout, "filter-notice"))
    assert t("filters.invalid_heading", lang) in notice
    for name, value in query.items():
        assert f"{name} = «{value}»" in notice
    notices = [i for i in walk(layout) if getattr(i, "id", None) == "filter-notice"]
    assert len(notices) == 1
    assert visible_text(layout).count(t("filters.invalid_heading", lang)) == 1
    assert len(rows_shown(page, layout, lang=lang)) == len(page.indicators_for_page())


def test_the_address_is_read_back_into_the_controls(page):
    layout = page_layout(page.PAGE, lang="sr", priority="2", objective="2.3", status="off_track")
    assert find(layout, "indicators-priority").value == "2"
    assert find(layout, "indicators-objective").value == "2.3"
    assert find(layout, "indicators-status").value == "off_track"
    assert {o["value"][0] for o in find(layout, "indicators-objective").options} == {"2"}
    assert "indicators-indicator" not in ids(layout)  # in the address only, set by links


def test_summary_download_counts_every_indicator(client, page):
    body = client.get("/charts/indicators-summary.csv?priority=1").data.decode("utf-8-sig")
    frame = pd.read_csv(io.StringIO(body))
    assert set(frame["priority"]) == {1}
    assert set(frame["status"]) == set(STATUSES)
    everything = page.indicators_for_page()
    assert frame["indicators"].sum() == (everything["priority"] == 1).sum()


def test_the_download_links_carry_the_filters_each_chart_uses(page, client):
    layout = page_layout(page.PAGE, lang="en", priority="2", status="off_track")
    summary = find(layout, "card-indicators-summary")
    links = [i.href for i in walk(summary) if getattr(i, "href", None)]
    assert "/charts/indicators-summary.csv?priority=2&lang=en" in links  # status: not used
    detail = find(layout, "card-indicators-detail")
    link = next(i.href for i in walk(detail) if str(getattr(i, "href", "")).endswith("en"))
    assert "priority=2" in link and "status=off_track" in link
    body = client.get(link.replace(".xlsx", ".csv")).data.decode("utf-8-sig")
    shown = page.indicators_for_page()
    first = shown[(shown["priority"] == 2) & (shown["status"] == "off_track")]
    assert set(pd.read_csv(io.StringIO(body))["indicator_code"]) == {
        first["indicator_code"].iloc[0]
    }


def test_a_closed_objective_gets_its_table_when_opened(app, client_for):
    from tests.conftest import csrf_token_of

    layout = page_layout(page_module(), lang="en", priority="1")
    closed = [
        item.id["code"]
        for item in walk(layout)
        if isinstance(getattr(item, "id", None), dict)
        and item.id["type"] == "indicators-objective-summary"
    ]
    assert closed, "a view of more than 12 indicators draws its objectives closed"
    assert not rows_shown_in(layout), "their tables are not in the page until opened"
    client = client_for("public")
    code = closed[0]
    output = next(key for key in app.callback_map if "indicators-objective-table" in key)
    body = {
        "output": output,
        "outputs": {
            "id": {"code": code, "type": "indicators-objective-table"},
            "property": "children",
        },
        "inputs": [
            {
                "id": {"code": code, "type": "indicators-objective-summary"},
                "property": "n_clicks",
                "value": 1,
            }
        ],
        "state": [
            {"id": {"code": code, "type": "indicators-objective-table"}, "property": "children"},
            {"id": "indicators-drawn", "property": "data", "value": "?priority=1&lang=en"},
            {"id": "indicators-lang", "property": "data", "value": "en"},
        ],
        "changedPropIds": [
            '{"code":"' + code + '","type":"indicators-objective-summary"}.n_clicks'
        ],
    }
    response = client.post(
        "/_dash-update-component", json=body, headers={"X-CSRFToken": csrf_token_of(client)}
    )
    assert response.status_code == 200, response.data[:300]
    text = json.dumps(response.get_json(), ensure_ascii=False)
    assert f"indicator-row-{code.replace('.', '-')}-" in text  # its indicators' rows
    assert "Source" in text and "Baseline" in text


def page_module():
    from dashboard.pages import indicators

    return indicators.PAGE


def rows_shown_in(tree) -> set[str]:
    return {
        item.id
        for item in walk(tree)
        if isinstance(getattr(item, "id", None), str) and item.id.startswith("indicator-row-")
    }
